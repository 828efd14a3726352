import { simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deliverDunning } from '../src/collections/deliver-dunning.ts';
import { smtpMailer, type Mailer } from '../src/collections/mailer.ts';
import { runDunning } from '../src/collections/run-dunning.ts';
import { sendStatement } from '../src/collections/send-statement.ts';
import { loadMailConfig } from '../src/config.ts';
import { pdfText } from '../src/formats/pdf/testing.ts';
import { addContact } from '../src/ledger/add-contact.ts';
import { freshDb } from './support/db.ts';
import { actor, customer, failure, post, unwrap } from './ledger-fixtures.ts';

interface Received { to: string[]; subject: string; text: string;
  attachments: { filename: string; content: Buffer }[] }

let db: Awaited<ReturnType<typeof freshDb>>;
let server: SMTPServer;
let mailer: Mailer;
const inbox: Received[] = [];

beforeAll(async () => {
  db = await freshDb();
  server = new SMTPServer({
    authOptional: true, disabledCommands: ['STARTTLS'],
    onData(stream, session, callback) {
      simpleParser(stream).then((m) => {
        inbox.push({ to: session.envelope.rcptTo.map((r) => r.address),
          subject: m.subject ?? '', text: m.text ?? '',
          attachments: m.attachments.map((a) => ({ filename: a.filename ?? '',
            content: a.content })) });
        callback();
      }, callback);
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.server.address() as { port: number }).port;
  mailer = smtpMailer(loadMailConfig({ ARC_SMTP_HOST: '127.0.0.1', ARC_SMTP_PORT: String(port),
    ARC_MAIL_FROM: 'ar@demo.example' }))!;
});
afterAll(async () => {
  mailer.close();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  await db.dispose();
});

describe('email through a real SMTP server', () => {
  it('emails a statement of account as PDF and logs it on the account', async () => {
    const cu = await customer(db, { name: 'Acme Stores' });
    unwrap(await addContact(db, actor, { customerId: cu.id, name: 'Pat AP',
      email: 'ap@acme.example', isPrimary: true }));
    const inv = await post(db, 'invoice', cu.id, '2026-09-01', 125_000,
      { dueDate: '2026-10-01' });
    const sent = unwrap(await sendStatement(db, actor, mailer, 'Demo Company',
      { customerId: cu.id, asOf: '2026-11-20' }));
    expect(sent.to).toBe('ap@acme.example');
    const mail = inbox.at(-1)!;
    expect(mail.to).toEqual(['ap@acme.example']);
    expect(mail.subject).toContain('Statement of account');
    expect(mail.attachments.map((a) => a.filename)).toEqual(
      [`statement-${cu.accountNumber}-2026-11-20.pdf`]);
    const text = await pdfText(mail.attachments[0]!.content);
    expect(text).toContain('Acme Stores');
    expect(text).toContain(inv.number);
    expect(text).toContain('1,250.00');
    expect(sent.activity).toMatchObject({ kind: 'email', outcome: 'sent', contactName: 'Pat AP',
      documentIds: [inv.id] });
    expect(failure(await sendStatement(db, actor, undefined, 'Demo', { customerId: cu.id,
      asOf: '2026-11-20' })).code).toBe('email_not_configured');
    const nobody = await customer(db);
    expect(failure(await sendStatement(db, actor, mailer, 'Demo', { customerId: nobody.id,
      asOf: '2026-11-20' })).code).toBe('recipient_missing');
  });

  it('delivers dunning: email with the notice PDF, fax to the gateway, letters to print',
    async () => {
      const emailed = await customer(db, { name: 'Email Co' });
      unwrap(await addContact(db, actor, { customerId: emailed.id, name: 'Ed',
        email: 'ed@email.example', isPrimary: true }));
      const i1 = await post(db, 'invoice', emailed.id, '2026-10-01', 10_000,
        { dueDate: '2026-11-19' });
      const printed = await customer(db, { name: 'Letter Co' });
      await post(db, 'invoice', printed.id, '2026-09-01', 10_000, { dueDate: '2026-10-15' });
      const before = inbox.length;
      const run = unwrap(await runDunning(db, actor, { runKey: 'test-deliver',
        asOf: '2026-11-20' }));
      const outcome = await deliverDunning(db, actor, run.runId,
        { mailer, companyName: 'Demo Company', faxGateway: '{fax}@fax.example' });
      expect(outcome.emailed).toBeGreaterThanOrEqual(1);
      expect(outcome.printed).toBeGreaterThanOrEqual(1);
      const notice = inbox.slice(before).find((m) => m.to[0] === 'ed@email.example')!;
      expect(notice.subject).toBe('Past due notice');
      expect(notice.text).toContain(i1.number);
      expect(await pdfText(notice.attachments[0]!.content)).toContain(i1.number);
      const statuses = await db.query(`SELECT m.status, a.outcome FROM dunning_messages m
        JOIN activities a ON a.id = m.activity_id WHERE m.customer_id = ANY($1::bigint[])
        ORDER BY m.customer_id`, [[emailed.id, printed.id]]);
      expect(statuses.rows).toEqual([{ status: 'sent', outcome: 'sent' },
        { status: 'sent', outcome: 'sent' }]);
    });

  it('leaves emails queued while no mail server is configured, and sends them once one is',
    async () => {
      const waiting = await customer(db, { name: 'Waiting Co' });
      unwrap(await addContact(db, actor, { customerId: waiting.id, name: 'Wes',
        email: 'wes@waiting.example', isPrimary: true }));
      const due = await post(db, 'invoice', waiting.id, '2026-10-01', 12_000,
        { dueDate: '2026-11-19' });
      const run = unwrap(await runDunning(db, actor, { runKey: 'test-no-smtp',
        asOf: '2026-11-20' }));
      const status = async () => (await db.query<{ status: string; outcome: string }>(
        `SELECT m.status, a.outcome FROM dunning_messages m JOIN activities a
           ON a.id = m.activity_id WHERE m.customer_id = $1`, [waiting.id])).rows;
      const unset = await deliverDunning(db, actor, run.runId,
        { mailer: undefined, companyName: 'Demo Company', faxGateway: undefined });
      expect(unset.waiting).toBeGreaterThanOrEqual(1);
      expect(unset.emailed).toBe(0);
      expect(unset.failed).toBe(0);
      expect((await status()).map((r) => r.status)).toEqual(['queued']);
      const before = inbox.length;
      const set = await deliverDunning(db, actor, run.runId,
        { mailer, companyName: 'Demo Company', faxGateway: '{fax}@fax.example' });
      expect(set.waiting).toBe(0);
      expect(set.emailed).toBeGreaterThanOrEqual(1);
      expect((await status()).map((r) => r.status)).toEqual(['sent']);
      const notice = inbox.slice(before).find((m) => m.to[0] === 'wes@waiting.example')!;
      expect(notice.text).toContain(due.number);
    });

  it('faxes as PDF through the email-to-fax gateway (a strategy with a fax step)', async () => {
    const s = await db.query<{ id: number }>(
      `INSERT INTO dunning_strategies (name) VALUES ('fax first') RETURNING id`);
    await db.query(`INSERT INTO dunning_steps (strategy_id, name, offset_days, channel, template)
      VALUES ($1, 'fax notice', 1, 'fax', 'overdue')`, [s.rows[0]!.id]);
    const faxed = await customer(db, { name: 'Fax Co' });
    await db.query(`INSERT INTO collection_profiles (customer_id, dunning_strategy_id)
      VALUES ($1, $2)`, [faxed.id, s.rows[0]!.id]);
    unwrap(await addContact(db, actor, { customerId: faxed.id, name: 'Fay',
      fax: '+1 (555) 010-2000', isPrimary: true }));
    const inv = await post(db, 'invoice', faxed.id, '2026-10-01', 10_000,
      { dueDate: '2026-11-25' });
    const run = unwrap(await runDunning(db, actor, { runKey: 'test-fax', asOf: '2026-11-27' }));
    const before = inbox.length;
    const outcome = await deliverDunning(db, actor, run.runId,
      { mailer, companyName: 'Demo Company', faxGateway: '{fax}@fax.example' });
    expect(outcome.faxed).toBe(1);
    const fax = inbox.slice(before).find((m) => m.to[0] === '15550102000@fax.example')!;
    expect(fax.attachments).toHaveLength(1);
    expect(await pdfText(fax.attachments[0]!.content)).toContain(inv.number);
  });
});
