import { simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiToken } from '../src/auth/create-api-token.ts';
import { createUser } from '../src/auth/create-user.ts';
import type { CliContext } from '../src/cli/context.ts';
import { main } from '../src/cli/main.ts';
import { createPromise } from '../src/collections/create-promise.ts';
import { evaluatePromises } from '../src/collections/evaluate-promises.ts';
import { smtpMailer, type Mailer } from '../src/collections/mailer.ts';
import { openDispute } from '../src/collections/open-dispute.ts';
import { runDunning } from '../src/collections/run-dunning.ts';
import { sendSalesRepDigests } from '../src/collections/sales-rep-digest.ts';
import { loadConfig, type Config } from '../src/config.ts';
import type { Role } from '../src/domain/permissions.ts';
import type { Cents } from '../src/domain/money.ts';
import { buildServer } from '../src/http/server.ts';
import { updateCustomer } from '../src/ledger/update-customer.ts';
import { freshDb } from './support/db.ts';
import { actor, customer, failure, post, unwrap } from './ledger-fixtures.ts';

// The sales-rep digest: each rep's one email (HTML and text) with new credit holds, broken
// promises, disputes waiting on them, accounts reaching 60/90 days past due since their previous
// digest and their top outstanding accounts, read back from a real SMTP server.

interface Received { to: string[]; subject: string; text: string; html: string }

let db: Awaited<ReturnType<typeof freshDb>>;
let smtp: SMTPServer;
let mailer: Mailer;
let config: Config;
const inbox: Received[] = [];

beforeAll(async () => {
  db = await freshDb();
  smtp = new SMTPServer({
    authOptional: true, disabledCommands: ['STARTTLS'],
    onData(stream, session, callback) {
      simpleParser(stream).then((m) => {
        inbox.push({ to: session.envelope.rcptTo.map((r) => r.address), subject: m.subject ?? '',
          text: m.text ?? '', html: typeof m.html === 'string' ? m.html : '' });
        callback();
      }, callback);
    },
  });
  await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', resolve));
  const port = (smtp.server.address() as { port: number }).port;
  config = loadConfig({ ARC_SMTP_HOST: '127.0.0.1', ARC_SMTP_PORT: String(port),
    ARC_MAIL_FROM: 'ar@demo.example', ARC_COMPANY_NAME: 'Demo Company' });
  mailer = smtpMailer(config.mail)!;
});
afterAll(async () => {
  mailer.close();
  await new Promise<void>((resolve) => smtp.close(() => resolve()));
  await db.dispose();
});

async function user(username: string, role: Role, displayName: string, email?: string) {
  const u = unwrap(await createUser(db, actor, { username, role, displayName,
    password: 'correct horse battery' }));
  if (email) await db.query('UPDATE users SET email = $2 WHERE id = $1', [u.id, email]);
  return u;
}

const NOW = new Date('2026-11-20T07:00:00Z');
let ids: Record<string, { id: number; accountNumber: string }> = {};

describe('the sales-rep digest', () => {
  it('emails each rep their accounts: holds, promises, disputes, 60/90 days, top', async () => {
    await user('rex', 'sales_rep', 'Rex Rep', 'rex@sales.example');
    await user('sue@sales.example', 'sales_rep', 'Sue Seller');
    await user('nomail', 'sales_rep', 'Nora Nomail');
    const held = await customer(db, { name: 'Hold & Sons', salesRep: 'Rex Rep' });
    await post(db, 'invoice', held.id, '2026-10-01', 120_000, { dueDate: '2026-10-31' });
    unwrap(await updateCustomer(db, actor, held.id, { status: 'on_hold' }));
    const promised = await customer(db, { name: 'Promise Co', salesRep: 'Rex Rep',
      collector: 'Ann' });
    await post(db, 'invoice', promised.id, '2026-10-01', 30_000, { dueDate: '2026-11-05' });
    unwrap(await createPromise(db, actor, { customerId: promised.id,
      amountCents: 25_000 as Cents, promisedOn: '2026-11-10', madeOn: '2026-11-01' }));
    await evaluatePromises(db, actor, '2026-11-20');
    const aged60 = await customer(db, { name: 'Sixty Co', salesRep: 'Rex Rep' });
    const inv60 = await post(db, 'invoice', aged60.id, '2026-08-19', 45_000,
      { dueDate: '2026-09-18' }); // 56 days on 11-13, 63 on 11-20
    const aged90 = await customer(db, { name: 'Ninety Co', salesRep: 'Rex Rep' });
    await post(db, 'invoice', aged90.id, '2026-07-20', 70_000, { dueDate: '2026-08-19' }); // 93
    const old = await customer(db, { name: 'Old Co', salesRep: 'Rex Rep' });
    await post(db, 'invoice', old.id, '2026-05-01', 900_000, { dueDate: '2026-06-01' });
    unwrap(await openDispute(db, actor, { customerId: aged60.id, reasonCode: 'pricing',
      items: [{ documentId: inv60.id, amountCents: 5_000 as Cents }], openedOn: '2026-11-16' }));
    const sues = await customer(db, { name: 'Sue Account', salesRep: 'Sue Seller' });
    const sueInv = await post(db, 'invoice', sues.id, '2026-10-01', 10_000,
      { dueDate: '2026-10-31' });
    unwrap(await openDispute(db, actor, { customerId: sues.id, reasonCode: 'damage',
      owner: 'logistics', items: [{ documentId: sueInv.id }], openedOn: '2026-11-18' }));
    ids = { held, promised, aged60, aged90, old, sues };

    const run = unwrap(await sendSalesRepDigests(db, actor, mailer, 'Demo Company',
      { asOf: '2026-11-20', now: NOW, periodDays: 7 }));
    expect(run).toMatchObject({ sent: 2, failed: 0, skipped: 1 });
    expect(run.digests.map((d) => [d.salesRep, d.status, d.recipient, d.reason ?? null]))
      .toEqual([['Nora Nomail', 'skipped', null, 'no_email'],
        ['Rex Rep', 'sent', 'rex@sales.example', null],
        ['Sue Seller', 'sent', 'sue@sales.example', null]]);

    const rex = inbox.find((m) => m.to[0] === 'rex@sales.example')!;
    expect(rex.subject).toBe('Your accounts on 2026-11-20: 1 new hold, 1 broken promise, '
      + '1 dispute waiting on you, 1 past 60 days, 1 past 90 days');
    const section = (title: string) => {
      const start = rex.text.indexOf(title);
      expect(start, title).toBeGreaterThanOrEqual(0);
      const end = rex.text.indexOf('\n\n', start);
      return rex.text.slice(start, end < 0 ? undefined : end);
    };
    expect(rex.text).toContain('Hello Rex Rep,');
    expect(rex.text).toContain('what changed after 2026-11-13');
    expect(section('New credit holds (1)')).toMatch(new RegExp(`${held.accountNumber}`
      + '\\s+Hold & Sons\\s+\\d{4}-\\d{2}-\\d{2}\\s+1,200.00 USD\\s+1,200.00 USD'));
    expect(section('Broken promises (1)')).toMatch(new RegExp(
      `${promised.accountNumber}\\s+Promise Co\\s+2026-11-10\\s+250.00 USD\\s+0.00 USD\\s+broken`
      + '\\s+Ann'));
    expect(section('Disputes waiting on you (1)')).toMatch(new RegExp(
      `${aged60.accountNumber}\\s+Sixty Co\\s+#\\d+\\s+pricing\\s+50.00 USD\\s+open\\s+4`));
    expect(section('Past 90 days since the last digest (1)')).toMatch(new RegExp(
      `${aged90.accountNumber}\\s+Ninety Co\\s+2026-08-19\\s+93\\s+700.00 USD`));
    expect(section('Past 60 days since the last digest (1)')).toMatch(new RegExp(
      `${aged60.accountNumber}\\s+Sixty Co\\s+2026-09-18\\s+63\\s+450.00 USD`));
    const top = section('Top outstanding accounts (5)').split('\n').slice(2);
    expect(top.map((l) => l.trim().split(/\s+/)[0])).toEqual([old.accountNumber,
      held.accountNumber, aged90.accountNumber, aged60.accountNumber, promised.accountNumber]);
    expect(rex.text).not.toContain('Sue Account');
    // The HTML body: the same sections as tables, names escaped.
    expect(rex.html).toContain('Hold &amp; Sons');
    expect(rex.html).not.toContain('Hold & Sons');
    expect((rex.html.match(/<table/g) ?? []).length).toBe(6);
    expect(rex.html).toContain('>Broken promises <span');
    expect(rex.html).toContain(`>${old.accountNumber}</td>`);

    const sue = inbox.find((m) => m.to[0] === 'sue@sales.example')!;
    expect(sue.subject).toBe('Your accounts on 2026-11-20: nothing new');
    expect(sue.text).toContain('Disputes waiting on you (0)\n  No dispute is waiting on you.');
    expect(sue.text).toContain(sues.accountNumber); // top outstanding

    const log = await db.query(`SELECT sales_rep, status, recipient, as_of, since_on, summary
      FROM sales_rep_digests ORDER BY sales_rep`);
    expect(log.rows).toEqual([
      { sales_rep: 'Rex Rep', status: 'sent', recipient: 'rex@sales.example',
        as_of: '2026-11-20', since_on: '2026-11-13', summary: { newHolds: 1,
          brokenPromises: 1, disputes: 1, past60: 1, past90: 1 } },
      { sales_rep: 'Sue Seller', status: 'sent', recipient: 'sue@sales.example',
        as_of: '2026-11-20', since_on: '2026-11-13', summary: { newHolds: 0,
          brokenPromises: 0, disputes: 0, past60: 0, past90: 0 } }]);
    const audit = await db.query(`SELECT count(*)::int AS n FROM audit_log
      WHERE action = 'digest.sales_rep.sent'`);
    expect(audit.rows).toEqual([{ n: 2 }]);
  });

  it('the next digest starts where the previous one ended', async () => {
    const later = await customer(db, { name: 'Later Co', salesRep: 'Rex Rep' });
    await post(db, 'invoice', later.id, '2026-08-26', 20_000, { dueDate: '2026-09-25' });
    unwrap(await updateCustomer(db, actor, ids.old!.id, { status: 'on_hold' }));
    const before = inbox.length;
    const run = unwrap(await sendSalesRepDigests(db, actor, mailer, 'Demo Company',
      { asOf: '2026-11-27', now: new Date('2026-11-27T07:00:00Z'), periodDays: 7,
        salesRep: 'Rex Rep' }));
    expect(run.digests).toMatchObject([{ salesRep: 'Rex Rep', status: 'sent',
      sinceOn: '2026-11-20', counts: { newHolds: 1, brokenPromises: 0, disputes: 1, past60: 1,
        past90: 0 } }]);
    const mail = inbox.slice(before).find((m) => m.to[0] === 'rex@sales.example')!;
    expect(mail.text).toMatch(new RegExp(`New credit holds \\(1\\)\\n.*\\n\\s+${
      ids.old!.accountNumber}\\s+Old Co`));
    expect(mail.text).toMatch(new RegExp(`Past 60 days since the last digest \\(1\\)\\n.*\\n\\s+${
      later.accountNumber}\\s+Later Co\\s+2026-09-25\\s+63`));
    expect(mail.text).toContain('Past 90 days since the last digest (0)');
  });

  it('previews without sending or logging; logs a failed send; a run key sends once', async () => {
    const logged = async () => (await db.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM sales_rep_digests')).rows[0]!.n;
    const rows = await logged();
    const before = inbox.length;
    const preview = unwrap(await sendSalesRepDigests(db, actor, undefined, 'Demo Company',
      { asOf: '2026-11-27', now: new Date('2026-11-27T08:00:00Z'), periodDays: 7,
        dryRun: true }));
    expect(preview.digests.filter((d) => d.status === 'preview').map((d) => d.salesRep))
      .toEqual(['Rex Rep', 'Sue Seller']);
    expect(preview.digests[1]!.html).toContain('<table');
    expect(preview.digests[1]!.text).toContain('Top outstanding accounts');
    expect(await logged()).toBe(rows);
    expect(inbox.length).toBe(before);
    expect(failure(await sendSalesRepDigests(db, actor, undefined, 'Demo', { asOf: '2026-11-27',
      now: NOW, periodDays: 7 })).code).toBe('email_not_configured');
    expect(failure(await sendSalesRepDigests(db, actor, mailer, 'Demo', { asOf: '2026-11-27',
      now: NOW, periodDays: 7, salesRep: 'Nobody' })).code).toBe('sales_rep_not_found');
    // Nobody to send to (a rep without an address): no mail server needed.
    expect(unwrap(await sendSalesRepDigests(db, actor, undefined, 'Demo', { asOf: '2026-11-27',
      now: NOW, periodDays: 7, salesRep: 'Nora Nomail' })).digests).toEqual([{
      salesRep: 'Nora Nomail', recipient: null, status: 'skipped', reason: 'no_email' }]);

    const refusing: Mailer = { send: async () => {
      throw new Error('550 mailbox unavailable');
    }, close: () => undefined };
    const failed = unwrap(await sendSalesRepDigests(db, actor, refusing, 'Demo',
      { asOf: '2026-11-28', now: NOW, periodDays: 7, salesRep: 'Sue Seller', runKey: 'k1' }));
    expect(failed.digests).toMatchObject([{ status: 'failed',
      error: '550 mailbox unavailable' }]);
    // The failed one does not move the window, and the run key lets the retry send it once.
    const retry = unwrap(await sendSalesRepDigests(db, actor, mailer, 'Demo',
      { asOf: '2026-11-28', now: NOW, periodDays: 7, salesRep: 'Sue Seller', runKey: 'k1' }));
    expect(retry.digests).toMatchObject([{ status: 'sent', sinceOn: '2026-11-20' }]);
    const again = unwrap(await sendSalesRepDigests(db, actor, mailer, 'Demo',
      { asOf: '2026-11-28', now: NOW, periodDays: 7, salesRep: 'Sue Seller', runKey: 'k1' }));
    expect(again.digests).toMatchObject([{ status: 'skipped', reason: 'already_sent' }]);
    const statuses = await db.query(`SELECT status FROM sales_rep_digests WHERE run_key = 'k1'
      ORDER BY id`);
    expect(statuses.rows).toEqual([{ status: 'failed' }, { status: 'sent' }]);
  });
});

describe('arc digest sales-reps and POST /api/v1/sales-rep-digests', () => {
  async function arc(...args: string[]) {
    let stdout = '';
    let stderr = '';
    const sink = (append: (s: string) => void) =>
      ({ write: (s: string) => { append(s); return true; } }) as unknown as NodeJS.WritableStream;
    const ctx: CliContext = {
      config: args.includes('--no-smtp') ? loadConfig({}) : config, db: async () => db,
      actor: { ...actor, name: 'cli:test' }, today: '2026-11-30',
      stdout: sink((s) => { stdout += s; }), stderr: sink((s) => { stderr += s; }),
      close: async () => undefined,
    };
    const code = await main(['node', 'arc', ...args.filter((a) => a !== '--no-smtp')], ctx);
    return { code, stdout, stderr };
  }

  it('previews and sends from the CLI', async () => {
    const dry = await arc('digest', 'sales-reps', '--dry-run', '--json');
    expect(dry.code).toBe(0);
    const body = JSON.parse(dry.stdout) as { dryRun: boolean; digests: { salesRep: string;
      status: string; subject?: string }[] };
    expect(body.dryRun).toBe(true);
    expect(body.digests.map((d) => [d.salesRep, d.status])).toEqual([
      ['Nora Nomail', 'skipped'], ['Rex Rep', 'preview'], ['Sue Seller', 'preview']]);
    const text = await arc('digest', 'sales-reps', '--dry-run');
    expect(text.stdout).toContain('Rex Rep <rex@sales.example>: preview: Your accounts on');
    const refused = await arc('digest', 'sales-reps', '--no-smtp');
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('email_not_configured');
    const before = inbox.length;
    const sent = await arc('digest', 'sales-reps', '--rep', 'Sue Seller');
    expect(sent.code).toBe(0);
    expect(sent.stdout).toContain('1 sent, 0 failed, 0 skipped');
    await expect.poll(() => inbox.length).toBe(before + 1);
    expect(inbox.at(-1)!.subject).toBe('Your accounts on 2026-11-30: nothing new');
  });

  it('lets managers send it over HTTP; others may not', async () => {
    const app = await buildServer({ db, config, clock: { now: () => NOW } });
    try {
      const as = async (username: string, role: Role) => {
        await user(username, role, username);
        const token = unwrap(await createApiToken(db, actor, { owner: username, name: 't' },
          NOW)).secret;
        return (body: unknown) => app.inject({ method: 'POST', url: '/api/v1/sales-rep-digests',
          payload: body as object, headers: { authorization: `Bearer ${token}` } });
      };
      const manager = await as('mia', 'ar_manager');
      const r = await manager({ dryRun: true, salesRep: 'Rex Rep' });
      expect(r.statusCode).toBe(200);
      expect(r.json().run.digests).toMatchObject([{ salesRep: 'Rex Rep', status: 'preview',
        subject: expect.stringContaining('Your accounts on 2026-11-20') }]);
      const before = inbox.length;
      const sent = await manager({ salesRep: 'Rex Rep' });
      expect(sent.statusCode).toBe(201);
      expect(sent.json().run).toMatchObject({ sent: 1, failed: 0 });
      await expect.poll(() => inbox.length).toBe(before + 1);
      const unknown = await manager({ salesRep: 'Nobody' });
      expect(unknown.json()).toMatchObject({ code: 'sales_rep_not_found', status: 404 });
      expect((await (await as('cole', 'collector'))({})).statusCode).toBe(403);
      expect((await (await as('sam', 'sales_rep'))({})).statusCode).toBe(403);
    } finally {
      await app.close();
    }
  });
});

describe('a credit hold placed by dunning', () => {
  it('reaches the rep of the account in their next digest', async () => {
    await user('dee', 'sales_rep', 'Dee Dunning', 'dee@sales.example');
    const cu = await customer(db, { name: 'Dunned Co', salesRep: 'Dee Dunning' });
    await post(db, 'invoice', cu.id, '2026-09-01', 40_000, { dueDate: '2026-10-01' });
    // 61 days past due on 12-01: the standard strategy's final demand, with a credit hold.
    const run = unwrap(await runDunning(db, actor, { runKey: 'digest-hold', asOf: '2026-12-01' }));
    expect(run.creditHolds).toBeGreaterThanOrEqual(1);
    const before = inbox.length;
    const r = unwrap(await sendSalesRepDigests(db, actor, mailer, 'Demo Company', {
      asOf: '2026-12-01', now: new Date(), periodDays: 7, salesRep: 'Dee Dunning' }));
    expect(r.digests).toMatchObject([{ status: 'sent', counts: { newHolds: 1, past60: 1 } }]);
    await expect.poll(() => inbox.length).toBe(before + 1);
    expect(inbox.at(-1)!.text).toMatch(new RegExp(`New credit holds \\(1\\)\\n.*\\n\\s+${
      cu.accountNumber}\\s+Dunned Co\\s+\\d{4}-\\d{2}-\\d{2}\\s+400.00 USD\\s+400.00 USD`));
  });
});
