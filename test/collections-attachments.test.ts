import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CliContext } from '../src/cli/context.ts';
import { main } from '../src/cli/main.ts';
import { loadConfig } from '../src/config.ts';
import type { Cents } from '../src/domain/money.ts';
import { pdfText } from '../src/formats/pdf/testing.ts';
import { addContact } from '../src/ledger/add-contact.ts';
import { createCustomer } from '../src/ledger/create-customer.ts';
import { postDocument } from '../src/ledger/post-document.ts';
import { problemOf, setup, testServer, type Browser, type TestServer } from './support/http.ts';
import { samplePdf, samplePng } from './support/sample-files.ts';

// Documents on items through the API (upload as the raw file, list, download, soft delete by a
// manager), the invoice copy PDF, and `arc attach`. Collector Ann owns ATT-1; Bob owns ATT-2;
// sales rep Rex sells to both, Zed to ATT-3 only.

let s: TestServer;
let ann: Browser;
let mia: Browser;
let rex: Browser;
let zed: Browser;
let own: number;
let invoice: number;
let credit: number;
let payment: number;
let bobs: number;
let pod: Buffer;
const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

beforeAll(async () => {
  s = await testServer();
  await s.addUser('ann', 'collector', 'Ann');
  await s.addUser('mia', 'ar_manager', 'Mia');
  await s.addUser('rex', 'sales_rep', 'Rex');
  await s.addUser('zed', 'sales_rep', 'Zed');
  [ann, mia, rex, zed] = [await s.signIn('ann'), await s.signIn('mia'), await s.signIn('rex'),
    await s.signIn('zed')];
  const customer = async (account: string, collector: string, salesRep: string) => {
    const r = await createCustomer(s.db, setup, { accountNumber: account, name: `${account} Inc`,
      collector, salesRep, terms: 'NET30' });
    if (!r.ok) throw new Error(r.error.code);
    return r.value.id;
  };
  own = await customer('ATT-1', 'Ann', 'Rex');
  const other = await customer('ATT-2', 'Bob', 'Rex');
  await customer('ATT-3', 'Bob', 'Zed');
  const c = await addContact(s.db, setup, { customerId: own, name: 'Pat Payables',
    role: 'accounts_payable', email: 'pat@att1.example', isPrimary: true });
  if (!c.ok) throw new Error(c.error.code);
  const post = async (customerId: number, type: 'invoice' | 'credit_memo' | 'payment',
    number: string, amount: number, extra: object = {}) => {
    const r = await postDocument(s.db, setup, { type, customerId, number,
      documentDate: '2026-05-01', amountCents: amount as Cents,
      method: type === 'payment' ? 'check' : null, ...extra });
    if (!r.ok) throw new Error(r.error.code);
    return r.value.document.id;
  };
  invoice = await post(own, 'invoice', 'ATT-INV-1', 125_000, { dueDate: '2026-05-31',
    poNumber: 'PO-7788', orderNumber: 'SO-4455', memo: 'Pallets of widgets, May' });
  credit = await post(own, 'credit_memo', 'ATT-CM-1', 5_000);
  payment = await post(own, 'payment', 'CHK-1', 1_000);
  bobs = await post(other, 'invoice', 'ATT-INV-2', 10_000);
  pod = await samplePdf('Proof of delivery', ['Delivered to dock 4', 'Signed: J. Receiver']);
});
afterAll(async () => s.close());

const upload = (who: Browser, itemId: number, content: Buffer, query: string,
  type = 'application/pdf', headers: Record<string, string> = {}) =>
  who.request('POST', `/api/v1/items/${itemId}/attachments?${query}`, content,
    { 'content-type': type, ...headers });

describe('documents on items', () => {
  it('keeps a POD on an invoice once, however often it is uploaded', async () => {
    const first = await upload(ann, invoice, pod, 'kind=pod&fileName=pod-ATT-INV-1.pdf');
    expect(first.statusCode, first.body).toBe(201);
    const a = first.json().attachment;
    expect(a).toMatchObject({ documentId: invoice, customerId: own, documentNumber: 'ATT-INV-1',
      kind: 'pod', fileName: 'pod-ATT-INV-1.pdf', contentType: 'application/pdf',
      sizeBytes: pod.length, sha256: sha(pod), uploadedBy: 'ann', deletedAt: null,
      contentUrl: `/api/v1/attachments/${a.id}/content` });
    expect(first.json().created).toBe(true);

    // The same bytes again (another name, generic type, a retry key): the one already there.
    const again = await upload(ann, invoice, pod, 'kind=other&fileName=scan.pdf',
      'application/octet-stream', { 'idempotency-key': 'pod-upload-1' });
    expect(again.statusCode).toBe(200);
    expect(again.json()).toMatchObject({ created: false,
      attachment: { id: a.id, fileName: 'pod-ATT-INV-1.pdf', kind: 'pod' } });
    const replay = await upload(ann, invoice, pod, 'kind=other&fileName=scan.pdf',
      'application/octet-stream', { 'idempotency-key': 'pod-upload-1' });
    expect(replay.headers['idempotent-replayed']).toBe('true');
    const rows = await s.db.query('SELECT 1 FROM attachments WHERE document_id = $1', [invoice]);
    expect(rows.rows).toHaveLength(1);

    // Audited without the bytes.
    const audit = await s.db.query<{ actor: string; after: Record<string, unknown> }>(
      `SELECT actor, after FROM audit_log WHERE action = 'attachment.upload'
       AND entity_id = $1`, [String(a.id)]);
    expect(audit.rows).toHaveLength(1);
    expect(audit.rows[0]!.actor).toBe('ann');
    expect(audit.rows[0]!.after).toMatchObject({ sha256: sha(pod), sizeBytes: pod.length });
    expect(audit.rows[0]!.after).not.toHaveProperty('content');
  });

  it('downloads the bytes as stored, with the type and file name', async () => {
    const png = samplePng(4, 3);
    const r = await upload(ann, credit, png, `fileName=${encodeURIComponent('Beleg März.png')}`,
      'image/png');
    expect(r.statusCode, r.body).toBe(201);
    const id = r.json().attachment.id as number;
    const got = await rex.request('GET', `/api/v1/attachments/${id}/content`);
    expect(got.statusCode).toBe(200);
    expect(got.headers['content-type']).toBe('image/png');
    expect(got.headers['content-disposition'])
      .toBe(`attachment; filename="Beleg M_rz.png"; filename*=UTF-8''Beleg%20M%C3%A4rz.png`);
    expect(got.headers['x-content-type-options']).toBe('nosniff');
    expect(got.headers.etag).toBe(`"${sha(png)}"`);
    expect(Buffer.compare(got.rawPayload, png)).toBe(0);
    const inline = await ann.request('GET', `/api/v1/attachments/${id}/content?disposition=inline`);
    expect(String(inline.headers['content-disposition'])).toMatch(/^inline; /);
  });

  it('lists an item\'s documents and an account\'s, for those who may see the account',
    async () => {
      const item = await rex.request('GET', `/api/v1/items/${invoice}/attachments`);
      expect(item.statusCode).toBe(200);
      expect(item.json().items.map((a: { fileName: string }) => a.fileName))
        .toEqual(['pod-ATT-INV-1.pdf']);
      const account = await ann.request('GET', `/api/v1/customers/${own}/attachments`);
      expect(account.json().items.map((a: { documentNumber: string; kind: string }) =>
        [a.documentNumber, a.kind])).toEqual([['ATT-CM-1', 'other'], ['ATT-INV-1', 'pod']]);
      // Zed does not sell to ATT-1: the item and its documents do not exist for him.
      expect(problemOf(await zed.request('GET', `/api/v1/items/${invoice}/attachments`)).code)
        .toBe('item_not_found');
      expect(problemOf(await zed.request('GET', `/api/v1/customers/${own}/attachments`)).code)
        .toBe('customer_not_found');
      const first = account.json().items[1].id as number;
      expect(problemOf(await zed.request('GET', `/api/v1/attachments/${first}/content`)).code)
        .toBe('attachment_not_found');
      const anonymous = await s.inject({ method: 'GET',
        url: `/api/v1/attachments/${first}/content` });
      expect(anonymous.statusCode).toBe(401);
    });

  it.each([
    ['text declared as text', Buffer.from('hello'), 'text/plain', 'fileName=a.txt', 422,
      'file_type_not_allowed'],
    ['HTML declared as a PDF', Buffer.from('<html><script>x</script>'), 'application/pdf',
      'fileName=a.pdf', 422, 'file_type_not_allowed'],
    ['a PNG declared as a PDF', samplePng(2, 2), 'application/pdf', 'fileName=a.pdf', 422,
      'content_type_mismatch'],
    ['an empty body', Buffer.alloc(0), 'application/pdf', 'fileName=a.pdf', 422, 'file_empty'],
    ['a path for a name', Buffer.from('%PDF-1.4 x'), 'application/pdf', 'fileName=%2F', 422,
      'file_name_invalid'],
    ['no file name', Buffer.from('%PDF-1.4 x'), 'application/pdf', 'kind=pod', 400,
      'request_invalid'],
    ['an unknown kind', Buffer.from('%PDF-1.4 x'), 'application/pdf', 'fileName=a.pdf&kind=bol',
      400, 'request_invalid'],
  ])('refuses %s', async (_, content, type, query, status, code) => {
    const r = await upload(ann, invoice, content, query, type);
    expect(r.statusCode, r.body).toBe(status);
    expect(problemOf(r).code).toBe(code);
  });

  it('refuses a file over 10 MB, JSON, and items that carry no documents', async () => {
    const big = Buffer.concat([Buffer.from('%PDF-1.4\n'), Buffer.alloc(10 * 1024 * 1024)]);
    const tooBig = await upload(ann, invoice, big, 'fileName=big.pdf');
    expect(tooBig.statusCode).toBe(413);
    expect(problemOf(tooBig)).toMatchObject({ code: 'file_too_large', maxBytes: 10_485_760 });
    const json = await ann.request('POST', `/api/v1/items/${invoice}/attachments?fileName=a.pdf`,
      { file: 'x' });
    expect(problemOf(json).code).toBe('media_type_unsupported');
    const paid = await upload(ann, payment, pod, 'fileName=a.pdf');
    expect(problemOf(paid)).toMatchObject({ code: 'item_type_not_supported', itemType: 'payment' });
    expect(problemOf(await upload(ann, 999_999, pod, 'fileName=a.pdf')).code)
      .toBe('item_not_found');
  });

  it('lets collectors upload to their own accounts only, sales reps not at all', async () => {
    const outside = await upload(ann, bobs, pod, 'fileName=a.pdf');
    expect(outside.statusCode).toBe(403);
    expect(problemOf(outside)).toMatchObject({ code: 'forbidden', reason: 'outside_portfolio' });
    expect((await upload(rex, invoice, pod, 'fileName=a.pdf')).statusCode).toBe(403);
    expect((await upload(mia, bobs, pod, 'fileName=bob-pod.pdf')).statusCode).toBe(201);
  });

  it('lets a manager remove a document: gone from lists, kept and audited', async () => {
    const list = await ann.request('GET', `/api/v1/items/${invoice}/attachments`);
    const id = list.json().items[0].id as number;
    const byCollector = await ann.request('DELETE', `/api/v1/attachments/${id}`);
    expect(byCollector.statusCode).toBe(403);
    const r = await mia.request('DELETE', `/api/v1/attachments/${id}?reason=wrong%20invoice`);
    expect(r.statusCode, r.body).toBe(200);
    expect(r.json().attachment).toMatchObject({ id, deletedBy: 'mia' });
    expect((await ann.request('GET', `/api/v1/items/${invoice}/attachments`)).json().items)
      .toEqual([]);
    expect((await ann.request('GET', `/api/v1/attachments/${id}/content`)).statusCode).toBe(404);
    expect(problemOf(await mia.request('DELETE', `/api/v1/attachments/${id}`)).code)
      .toBe('attachment_not_found');
    const kept = await s.db.query<{ size: number }>(
      'SELECT octet_length(content) AS size FROM attachments WHERE id = $1', [id]);
    expect(kept.rows[0]!.size).toBe(pod.length);
    const audit = await s.db.query<{ before: { deletedAt: null }; after: { reason: string } }>(
      `SELECT before, after FROM audit_log WHERE action = 'attachment.delete' AND entity_id = $1`,
      [String(id)]);
    expect(audit.rows).toEqual([{ before: expect.objectContaining({ deletedAt: null }),
      after: expect.objectContaining({ deletedBy: 'mia', reason: 'wrong invoice' }) }]);
    // The same file may be kept again afterwards.
    const back = await upload(ann, invoice, pod, 'kind=pod&fileName=pod-ATT-INV-1.pdf');
    expect(back.statusCode).toBe(201);
    expect(back.json().attachment.id).not.toBe(id);
  });
});

describe('invoice copy', () => {
  it('writes the copy of an invoice as PDF, marked COPY', async () => {
    const r = await rex.request('GET', `/api/v1/items/${invoice}/invoice-copy`);
    expect(r.statusCode, r.body).toBe(200);
    expect(r.headers['content-type']).toBe('application/pdf');
    expect(r.headers['content-disposition']).toContain('filename="invoice-copy-ATT-INV-1.pdf"');
    const text = await pdfText(r.rawPayload);
    for (const part of ['ARC', 'Invoice', 'COPY', 'ATT-INV-1', '2026-05-01', '2026-05-31',
      'NET30 (net 30)', 'PO-7788', 'SO-4455', 'ATT-1 Inc', 'Attn: Pat Payables, accounts payable',
      'Pallets of widgets, May', '1,250.00', 'Open amount as of 2026-06-30']) {
      expect(text).toContain(part);
    }
  });

  it('writes a credit memo copy; refuses payments and items out of sight', async () => {
    const text = await pdfText((await ann.request('GET',
      `/api/v1/items/${credit}/invoice-copy`)).rawPayload);
    expect(text).toContain('Credit memo');
    expect(text).toContain('Unapplied as of 2026-06-30');
    expect(text).toContain('50.00');
    expect(problemOf(await ann.request('GET', `/api/v1/items/${payment}/invoice-copy`)))
      .toMatchObject({ code: 'item_type_not_supported', status: 422 });
    expect(problemOf(await zed.request('GET', `/api/v1/items/${invoice}/invoice-copy`)).code)
      .toBe('item_not_found');
  });
});

describe('arc attach', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'arc-attach-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  async function arc(...args: string[]) {
    let stdout = '';
    let stderr = '';
    const sink = (append: (x: string) => void) =>
      ({ write: (x: string) => { append(x); return true; } }) as unknown as NodeJS.WritableStream;
    const ctx: CliContext = {
      config: loadConfig({}), db: async () => s.db, actor: { ...setup, name: 'cli:ann' },
      today: '2026-06-30', stdout: sink((x) => { stdout += x; }),
      stderr: sink((x) => { stderr += x; }), close: async () => undefined,
    };
    return { code: await main(['node', 'arc', ...args], ctx), stdout, stderr };
  }

  it('keeps a file on an item by its number, once', async () => {
    const file = join(dir, 'bol-ATT-INV-2.pdf');
    writeFileSync(file, await samplePdf('Bill of lading', ['BOL 55-1234', 'Carrier: Swift']));
    const r = await arc('attach', 'ATT-INV-2', file, '--kind', 'pod', '--json');
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout) as { created: boolean; attachment: Record<string, unknown> };
    expect(out).toMatchObject({ created: true, attachment: { documentId: bobs, kind: 'pod',
      fileName: 'bol-ATT-INV-2.pdf', contentType: 'application/pdf', uploadedBy: 'cli:ann' } });
    const again = await arc('attach', 'ATT-INV-2', file);
    expect(again.stdout).toContain('already attached: bol-ATT-INV-2.pdf (pod, application/pdf');
  });

  it.each([
    [['attach', 'NO-SUCH', 'x.pdf'], 1, 'error: item_not_found: ITEM: no invoice'],
    [['attach', 'ATT-INV-2', '/nonexistent/x.pdf'], 1, 'error: file_not_found'],
    [['attach', 'ATT-INV-2', 'FILE', '--kind', 'bol'], 1, 'value not allowed (field kind'],
    [['attach', 'ATT-INV-2', 'TEXT'], 1, 'error: file_type_not_allowed'],
    [['attach', 'ATT-INV-2'], 2, "missing required argument 'file'"],
  ])('arc %j exits %i: %s', async (args, code, message) => {
    const pdf = join(dir, 'ok.pdf');
    writeFileSync(pdf, await samplePdf('Other', [String(Math.random())]));
    const text = join(dir, 'notes.txt');
    writeFileSync(text, 'just text');
    const r = await arc(...args.map((a) => (a === 'FILE' ? pdf : a === 'TEXT' ? text : a)));
    expect(r.code).toBe(code);
    expect(r.stderr).toContain(message);
  });
});
