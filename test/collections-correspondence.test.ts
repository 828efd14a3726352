import { createHash } from 'node:crypto';
import { simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { smtpMailer } from '../src/collections/mailer.ts';
import { sendCorrespondence } from '../src/collections/send-correspondence.ts';
import { loadConfig, loadMailConfig } from '../src/config.ts';
import type { Cents } from '../src/domain/money.ts';
import { pdfText } from '../src/formats/pdf/testing.ts';
import { buildServer, type ArcServer } from '../src/http/server.ts';
import { addContact } from '../src/ledger/add-contact.ts';
import { createCustomer } from '../src/ledger/create-customer.ts';
import { postDocument } from '../src/ledger/post-document.ts';
import {
  PASSWORD, problemOf, setup, testServer, type Browser, type TestServer,
} from './support/http.ts';
import { samplePdf, samplePng } from './support/sample-files.ts';

// Correspondence with documents through the API, on a server whose mail goes to a real SMTP
// server in this process (read back with mailparser, PDFs opened with pdf.js): email with the
// statement, invoice copies and stored documents; fax through the email-to-fax gateway; a letter
// as a printable PDF. Today is 2026-06-30. Collector Ann owns COR-1 (and COR-3), Bob COR-2.

interface Received {
  to: string[];
  subject: string;
  text: string;
  attachments: { filename: string; contentType: string; content: Buffer }[];
}

let smtp: SMTPServer;
const inbox: Received[] = [];
let s: TestServer;
let mailApp: ArcServer;
let ann: Browser;
let annPlain: Browser;
let rex: Browser;
let own: number;
let bobs: number;
let bare: number;
let inv1: number;
let inv2: number;
let payment: number;
let bobsInvoice: number;
let pat: number;
let fay: number;
let pod: Buffer;
let photo: Buffer;
let screenshot: Buffer;
const ids: Record<string, number> = {};
const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

async function signInOn(app: ArcServer, username: string): Promise<Browser> {
  const r = await app.inject({ method: 'POST', url: '/api/v1/session',
    payload: { username, password: PASSWORD }, remoteAddress: '10.0.0.2' });
  const cookie = r.cookies.find((c) => c.name === 'arc_session')!.value;
  const csrfToken = (r.json() as { csrfToken: string }).csrfToken;
  return { cookie, csrfToken, request: (method, url, body, headers = {}) => app.inject({
    method: method as 'GET', url, payload: body, cookies: { arc_session: cookie },
    remoteAddress: '10.0.0.2', headers: { 'x-csrf-token': csrfToken, ...headers } }) };
}

beforeAll(async () => {
  smtp = new SMTPServer({
    authOptional: true, disabledCommands: ['STARTTLS'], size: 40 * 1024 * 1024,
    onData(stream, session, callback) {
      simpleParser(stream).then((m) => {
        inbox.push({ to: session.envelope.rcptTo.map((r) => r.address), subject: m.subject ?? '',
          text: m.text ?? '', attachments: m.attachments.map((a) => ({
            filename: a.filename ?? '', contentType: a.contentType, content: a.content })) });
        callback();
      }, callback);
    },
  });
  await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', resolve));
  const port = String((smtp.server.address() as { port: number }).port);
  s = await testServer();
  mailApp = await buildServer({ db: s.db, clock: s.clock, config: loadConfig({
    ARC_SMTP_HOST: '127.0.0.1', ARC_SMTP_PORT: port, ARC_MAIL_FROM: 'ar@demo.example',
    ARC_FAX_GATEWAY: '{fax}@fax.example', ARC_COMPANY_NAME: 'Demo Company' }) });
  await s.addUser('ann', 'collector', 'Ann');
  await s.addUser('rex', 'sales_rep', 'Rex');
  ann = await signInOn(mailApp, 'ann');
  rex = await signInOn(mailApp, 'rex');
  annPlain = await s.signIn('ann');
  await seed();
}, 120_000);

async function seed() {
  const customer = async (account: string, collector: string) => {
    const r = await createCustomer(s.db, setup, { accountNumber: account, name: `${account} Inc`,
      collector, salesRep: 'Rex' });
    if (!r.ok) throw new Error(r.error.code);
    return r.value.id;
  };
  [own, bobs, bare] = [await customer('COR-1', 'Ann'), await customer('COR-2', 'Bob'),
    await customer('COR-3', 'Ann')];
  const contact = async (name: string, extra: object) => {
    const r = await addContact(s.db, setup, { customerId: own, name, ...extra });
    if (!r.ok) throw new Error(r.error.code);
    return r.value.id;
  };
  pat = await contact('Pat Payables', { email: 'pat@cor1.example', isPrimary: true });
  fay = await contact('Fay Faxer', { fax: '+1 (555) 010-2000' });
  const post = async (customerId: number, type: 'invoice' | 'payment', number: string,
    amount: number, due: string) => {
    const r = await postDocument(s.db, setup, { type, customerId, number,
      documentDate: '2026-04-01', dueDate: due, amountCents: amount as Cents,
      method: type === 'payment' ? 'check' : null, poNumber: type === 'invoice' ? 'PO-1' : null });
    if (!r.ok) throw new Error(r.error.code);
    return r.value.document.id;
  };
  inv1 = await post(own, 'invoice', 'COR-INV-1', 125_000, '2026-05-01');
  inv2 = await post(own, 'invoice', 'COR-INV-2', 40_000, '2026-07-15');
  payment = await post(own, 'payment', 'COR-CHK-1', 1_000, '2026-04-01');
  bobsInvoice = await post(bobs, 'invoice', 'COR-INV-3', 9_900, '2026-05-01');
  pod = await samplePdf('Proof of delivery', ['Delivered 2026-04-03 to dock 4',
    'Signed: J. Receiver']);
  photo = samplePng(40, 30);
  screenshot = samplePng(20, 10, { alpha: true });
  const keep = async (name: string, item: number, content: Buffer, type: string, kind: string) => {
    const r = await annPlain.request('POST',
      `/api/v1/items/${item}/attachments?kind=${kind}&fileName=${name}`, content,
      { 'content-type': type });
    if (r.statusCode !== 201) throw new Error(r.body);
    ids[name] = r.json().attachment.id as number;
  };
  await keep('pod.pdf', inv1, pod, 'application/pdf', 'pod');
  await keep('photo.png', inv1, photo, 'image/png', 'pod');
  await keep('screen.png', inv2, screenshot, 'image/png', 'other');
  const mia = await s.addUser('mia', 'ar_manager', 'Mia');
  const m = await s.signIn(mia.username);
  const b = await m.request('POST', `/api/v1/items/${bobsInvoice}/attachments?fileName=b.pdf`,
    pod, { 'content-type': 'application/pdf' });
  ids['bobs.pdf'] = b.json().attachment.id as number;
}

afterAll(async () => {
  await mailApp?.close();
  await s?.close();
  await new Promise<void>((resolve) => (smtp ? smtp.close(() => resolve()) : resolve()));
});

const send = (who: Browser, customerId: number, body: object) =>
  who.request('POST', `/api/v1/customers/${customerId}/correspondence`, body);

describe('correspondence by email', () => {
  it('emails the statement, invoice copies and stored documents, and logs it', async () => {
    const before = inbox.length;
    const r = await send(ann, own, { channel: 'email', template: 'invoice_copies',
      includeStatement: true, invoiceCopyIds: [inv1, inv2],
      attachmentIds: [ids['pod.pdf'], ids['photo.png']] });
    expect(r.statusCode, r.body).toBe(201);
    const sent = r.json().correspondence;
    expect(sent).toMatchObject({ channel: 'email', to: 'pat@cor1.example' });
    expect(sent.files.map((f: { fileName: string }) => f.fileName)).toEqual([
      'statement-COR-1-2026-06-30.pdf', 'invoice-copy-COR-INV-1.pdf',
      'invoice-copy-COR-INV-2.pdf', 'pod.pdf', 'photo.png']);
    expect(inbox.length).toBe(before + 1);
    const mail = inbox.at(-1)!;
    expect(mail.to).toEqual(['pat@cor1.example']);
    expect(mail.subject).toBe('Invoice copies for account COR-1');
    for (const part of ['Dear Pat Payables,', 'please find enclosed copies',
      'COR-INV-1        due 2026-05-01        1,250.00 USD  60 days past due',
      'Enclosed:', '- Copy of COR-INV-2', '- Proof of delivery for COR-INV-1 (pod.pdf)',
      'Ann, Demo Company']) {
      expect(mail.text).toContain(part);
    }
    const [statement, copy1, copy2, storedPod, storedPhoto] = mail.attachments;
    expect(mail.attachments.map((a) => a.contentType)).toEqual(['application/pdf',
      'application/pdf', 'application/pdf', 'application/pdf', 'image/png']);
    const statementText = await pdfText(statement!.content);
    expect(statementText).toContain('Statement of account');
    expect(statementText).toContain('COR-INV-1');
    expect(statementText).toContain('-10.00');
    const copyText = await pdfText(copy1!.content);
    for (const part of ['Demo Company', 'COPY', 'COR-INV-1', 'PO-1', '1,250.00']) {
      expect(copyText).toContain(part);
    }
    expect(await pdfText(copy2!.content)).toContain('COR-INV-2');
    expect(sha(storedPod!.content)).toBe(sha(pod));
    expect(sha(storedPhoto!.content)).toBe(sha(photo));
    expect(await pdfText(storedPod!.content)).toContain('Signed: J. Receiver');

    const timeline = (await rex.request('GET', `/api/v1/customers/${own}/activities`)).json();
    const logged = timeline.items.find((a: { id: number }) => a.id === sent.activityId);
    expect(logged).toMatchObject({ kind: 'email', outcome: 'sent', contactName: 'Pat Payables',
      subject: 'Invoice copies for account COR-1', author: 'ann' });
    // The statement encloses every open item; the copies and documents name theirs.
    expect(logged.documentIds).toEqual([inv1, inv2, payment]);
    expect(logged.body).toBe('Enclosed: Statement of account as of 2026-06-30; Copy of '
      + 'COR-INV-1; Copy of COR-INV-2; Proof of delivery for COR-INV-1 (pod.pdf); Proof of '
      + 'delivery for COR-INV-1 (photo.png).\n'
      + `Sent to pat@cor1.example; message ${sent.messageId}.`);
    const audit = await s.db.query<{ after: Record<string, unknown> }>(
      `SELECT after FROM audit_log WHERE action = 'correspondence.send' AND entity_id = $1`,
      [String(sent.activityId)]);
    expect(audit.rows[0]!.after).toMatchObject({ channel: 'email', template: 'invoice_copies',
      to: 'pat@cor1.example', text: expect.stringContaining('Dear Pat Payables,\n\nAs you'),
      attachments: [{ id: ids['pod.pdf'], sha256: sha(pod) },
        { id: ids['photo.png'], sha256: sha(photo) }] });
  });

  it('writes to the address given, in the collector\'s own words', async () => {
    const r = await send(ann, own, { channel: 'email', template: 'past_due_reminder',
      to: 'ap-team@cor1.example', subject: 'Your May invoice',
      message: 'Could you confirm the payment date?\n\nThanks.' });
    expect(r.statusCode, r.body).toBe(201);
    const mail = inbox.at(-1)!;
    expect(mail.to).toEqual(['ap-team@cor1.example']);
    expect(mail.subject).toBe('Your May invoice');
    expect(mail.text).toContain('Dear accounts payable,\n\nCould you confirm the payment date?'
      + '\n\nThanks.');
    // A reminder that names no items lists the past-due ones.
    expect(mail.text).toContain('COR-INV-1');
    expect(mail.text).not.toContain('COR-INV-2');
    expect(mail.attachments).toEqual([]);
    const logged = (await ann.request('GET', `/api/v1/customers/${own}/activities`)).json()
      .items[0];
    expect(logged.body).toBe('Could you confirm the payment date?\n\nThanks.\nNothing enclosed.\n'
      + `Sent to ap-team@cor1.example; message ${r.json().correspondence.messageId}.`);
    expect(logged.contactName).toBe('ap-team@cor1.example');
  });
});

describe('correspondence by fax and letter', () => {
  it('faxes one PDF to the gateway, with what it cannot hold beside it', async () => {
    const r = await send(ann, own, { channel: 'fax', template: 'past_due_reminder',
      contactId: fay, includeStatement: true, invoiceCopyIds: [inv1],
      attachmentIds: [ids['photo.png'], ids['pod.pdf'], ids['screen.png']] });
    expect(r.statusCode, r.body).toBe(201);
    expect(r.json().correspondence).toMatchObject({ channel: 'fax',
      to: '15550102000@fax.example' });
    const fax = inbox.at(-1)!;
    expect(fax.to).toEqual(['15550102000@fax.example']);
    expect(fax.attachments.map((a) => a.filename)).toEqual(['fax-COR-1-2026-06-30.pdf',
      'pod.pdf', 'screen.png']);
    const text = await pdfText(fax.attachments[0]!.content);
    for (const part of ['FAX', '+1 (555) 010-2000', 'Dear Fay Faxer,', 'Past due reminder',
      'Statement of account', 'COPY', 'Proof of delivery for COR-INV-1 (photo.png)',
      'Proof of delivery for COR-INV-1 (pod.pdf), a separate file']) {
      expect(text).toContain(part);
    }
    const pages = text.split('\n');
    expect(pages).toHaveLength(4);
    expect(pages[3]).toContain('photo.png');
    const logged = (await ann.request('GET', `/api/v1/customers/${own}/activities`)).json()
      .items[0];
    expect(logged).toMatchObject({ kind: 'fax', outcome: 'sent', contactName: 'Fay Faxer' });
  });

  it('answers a letter as one printable PDF; no mail server needed', async () => {
    const r = await send(annPlain, own, { channel: 'letter', template: 'statement_cover',
      contactId: pat, includeStatement: true, attachmentIds: [ids['pod.pdf'], ids['photo.png']] });
    expect(r.statusCode, r.body).toBe(201);
    expect(r.headers['content-type']).toBe('application/pdf');
    expect(r.headers['content-disposition']).toContain('filename="letter-COR-1-2026-06-30.pdf"');
    expect(r.headers['arc-separate-attachments']).toBe(String(ids['pod.pdf']));
    const text = await pdfText(r.rawPayload);
    for (const part of ['COR-1 Inc', 'Attn: Pat Payables', 'pat@cor1.example', 'Account COR-1',
      'Statement of account COR-1 as of 2026-06-30', 'The balance of your account is 1,640.00',
      'of which 1,250.00 USD is past due', 'Enclosures',
      'Proof of delivery for COR-INV-1 (pod.pdf), printed separately']) {
      expect(text).toContain(part);
    }
    const activity = Number(r.headers['arc-activity-id']);
    const logged = (await ann.request('GET', `/api/v1/customers/${own}/activities`)).json()
      .items.find((a: { id: number }) => a.id === activity);
    expect(logged).toMatchObject({ kind: 'letter', outcome: 'sent', contactName: 'Pat Payables' });
    expect(logged.body).toBe('Enclosed: Statement of account as of 2026-06-30; Proof of '
      + 'delivery for COR-INV-1 (pod.pdf), printed separately; Proof of delivery for COR-INV-1 '
      + '(photo.png).\nLetter letter-COR-1-2026-06-30.pdf to print for Pat Payables.');
  });
});

describe('correspondence refused', () => {
  // Rows: what is refused, sent through the server with mail (or without), on COR-1 (or the
  // contactless COR-3), the body (read when the row runs), the code.
  it.each([
    ['email without SMTP', 'no mail', 'own', () => ({ channel: 'email' }),
      'email_not_configured'],
    ['fax without SMTP', 'no mail', 'own', () => ({ channel: 'fax' }), 'email_not_configured'],
    ['no email address', 'mail', 'bare', () => ({ channel: 'email' }), 'recipient_missing'],
    ['a bad address', 'mail', 'own', () => ({ channel: 'email', to: 'pat at cor1' }),
      'email_invalid'],
    ['no fax number', 'mail', 'own', () => ({ channel: 'fax', contactId: pat }),
      'fax_number_missing'],
    ['a contact of another account', 'mail', 'bare',
      () => ({ channel: 'letter', contactId: pat }), 'contact_not_found'],
    ['a copy of a payment', 'mail', 'own',
      () => ({ channel: 'email', invoiceCopyIds: [payment] }), 'item_type_not_supported'],
    ['a copy of another account\'s item', 'mail', 'own',
      () => ({ channel: 'email', invoiceCopyIds: [bobsInvoice] }), 'item_not_on_account'],
    ['another account\'s document', 'mail', 'own',
      () => ({ channel: 'email', attachmentIds: [ids['bobs.pdf']] }),
      'attachment_not_on_account'],
    ['a document that is not there', 'mail', 'own',
      () => ({ channel: 'email', attachmentIds: [999_999] }), 'attachment_not_found'],
  ] as const)('%s', async (_, server, account, body, code) => {
    const before = inbox.length;
    const r = await send(server === 'mail' ? ann : annPlain, account === 'own' ? own : bare,
      { template: 'statement_cover', ...body() });
    expect(problemOf(r).code, r.body).toBe(code);
    expect(inbox.length).toBe(before);
  });

  it('keeps collectors to their portfolio and sales reps to reading', async () => {
    const r = await send(ann, bobs, { channel: 'email', template: 'statement_cover' });
    expect(r.statusCode).toBe(403);
    expect((await send(rex, own, { channel: 'letter', template: 'statement_cover' }))
      .statusCode).toBe(403);
  });

  it('refuses more than 15 MB of documents in one message', async () => {
    const big = (n: number) => Buffer.concat([Buffer.from(`%PDF-1.4 ${n}\n`),
      Buffer.alloc(8 * 1024 * 1024)]);
    const upload = async (n: number) => (await annPlain.request('POST',
      `/api/v1/items/${inv2}/attachments?fileName=big-${n}.pdf`, big(n),
      { 'content-type': 'application/pdf' })).json().attachment.id as number;
    const bigIds = [await upload(1), await upload(2)];
    const r = await send(ann, own, { channel: 'email', template: 'invoice_copies',
      attachmentIds: bigIds });
    expect(problemOf(r)).toMatchObject({ code: 'attachments_too_large',
      maxBytes: 15 * 1024 * 1024 });
  });

  it('reports an SMTP server that cannot be reached, and logs nothing', async () => {
    const dead = new SMTPServer({ authOptional: true });
    await new Promise<void>((resolve) => dead.listen(0, '127.0.0.1', resolve));
    const port = String((dead.server.address() as { port: number }).port);
    await new Promise<void>((resolve) => dead.close(() => resolve()));
    const mailer = smtpMailer(loadMailConfig({ ARC_SMTP_HOST: '127.0.0.1',
      ARC_SMTP_PORT: port }))!;
    const count = async () => (await s.db.query('SELECT 1 FROM activities')).rows.length;
    const before = await count();
    const r = await sendCorrespondence(s.db, setup, { mailer, companyName: 'Demo',
      faxGateway: undefined }, { customerId: own, channel: 'email', template: 'statement_cover',
      asOf: '2026-06-30' });
    mailer.close();
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.code).toBe('email_delivery_failed');
    expect(await count()).toBe(before);
    const viaFax = await sendCorrespondence(s.db, setup, { mailer, companyName: 'Demo',
      faxGateway: undefined }, { customerId: own, channel: 'fax', template: 'statement_cover',
      asOf: '2026-06-30' });
    expect(!viaFax.ok && viaFax.error.code).toBe('fax_gateway_not_configured');
  });
});
