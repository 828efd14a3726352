import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshDb } from './support/db.ts';
import { cli, expectSound, openOf, OWN, seedLedger, SHARED, type Seeded } from './cashapp-support.ts';

let db: Awaited<ReturnType<typeof freshDb>>;
let seeded: Seeded;
let arc: ReturnType<typeof cli>;
beforeAll(async () => {
  db = await freshDb();
  seeded = await seedLedger(db);
  arc = cli(db);
});
afterAll(async () => db.dispose());

const doc = (n: string) => seeded.docs.get(n)!;

interface QueueItem {
  paymentId: number; reference: string; state: string; unapplied: string;
  suggestion: { rule: string; confidence: number; reasons: string[];
    deductions: { reasonCode: string }[] } | null;
}
const queue = async (): Promise<QueueItem[]> =>
  (await arc('payments', 'list', '--unapplied', '--json')).json().items;

describe('arc import bank: the lockbox sample, end to end', () => {
  it('posts every check, applies the sure ones and queues the rest', async () => {
    const r = await arc('import', 'bank', join(OWN, 'lockbox-sample.csv'), '--json');
    expect(r.code).toBe(0);
    const s = r.json();
    expect(s).toMatchObject({ status: 'imported', format: 'lockbox-csv', autoApplied: 3,
      review: 2 });
    expect(s.paymentIds).toHaveLength(5);
    expect(await openOf(db, doc('INV-1001'))).toBe(0);
    expect(await openOf(db, doc('INV-1002'))).toBe(0);
    expect(await openOf(db, doc('INV-1003'))).toBe(0);
    expect(await openOf(db, doc('CM-77'))).toBe(0);
    expect(await openOf(db, doc('INV-1004')) + await openOf(db, doc('INV-1005'))).toBe(0);
    expect(await openOf(db, doc('INV-1006'))).toBe(52500);
    expect(await expectSound(db)).toEqual([]);
  });

  it('keeps the raw bytes, hash and remittance; the same file again creates nothing', async () => {
    const files = await db.query<{ n: number; size: number }>(
      'SELECT count(*)::int AS n, max(size_bytes) AS size FROM bank_files');
    expect(files.rows[0]).toMatchObject({ n: 1 });
    const b = await db.query<{ remittance: { lines: unknown[] }; payer_account: string | null }>(
      `SELECT b.remittance, b.payer_account FROM bank_payments b JOIN documents d
       ON d.id = b.document_id WHERE d.number = '88231'`);
    expect(b.rows[0]!.remittance.lines).toHaveLength(3);
    expect(b.rows[0]!.payer_account).toBe('4455667788');
    const before = await db.query('SELECT count(*)::int AS n FROM documents');
    const again = await arc('import', 'bank', join(OWN, 'lockbox-sample.csv'), '--json');
    expect(again.code).toBe(0);
    expect(again.json().status).toBe('already_imported');
    expect((await db.query('SELECT count(*)::int AS n FROM documents')).rows).toEqual(before.rows);
  });

  it('lists applications with references, customer and how they were made', async () => {
    const rows = (await arc('applications', 'list', '--since', '2024-01-01', '--json')).json();
    const cash = rows.find((a: { paymentReference: string }) => a.paymentReference === '10452');
    expect(cash).toMatchObject({
      bankReference: '101-1', customerAccount: 'C-1001', documentNumber: 'INV-1001',
      amount: '1200.00', currency: 'USD', appliedOn: '2024-03-18', how: 'rule',
      rule: 'remittance_lines', reversed: false,
    });
    expect(cash.confidence).toBeGreaterThanOrEqual(90);
    expect((await arc('applications', 'list', '--since', '2030-01-01', '--json')).json())
      .toEqual([]);
  });

  it('the research queue holds the unidentified check and the short pay with reasons', async () => {
    const q = await queue();
    expect(q.map((i) => i.reference).sort()).toEqual(['1001', '1002']);
    const short = q.find((i) => i.reference === '1002')!;
    expect(short.suggestion!.rule).toBe('remittance_lines');
    expect(short.suggestion!.confidence).toBeLessThan(90);
    expect(short.suggestion!.reasons.join(' ')).toMatch(/INV-1006/);
    expect(short.suggestion!.deductions[0]!.reasonCode).toBe('unexplained_short_pay');
  });

  it('accepting the short pay closes the invoice and opens a deduction with the reason', async () => {
    const short = (await queue()).find((i) => i.reference === '1002')!;
    const r = await arc('payments', 'accept', String(short.paymentId), '--json');
    expect(r.code).toBe(0);
    expect(await openOf(db, doc('INV-1006'))).toBe(0);
    const d = await db.query<{ open: number; reason: string; customer: number }>(
      `SELECT d.open_cents AS open, i.reason_code AS reason, d.customer_id AS customer
       FROM deduction_items i JOIN documents d ON d.id = i.document_id`);
    expect(d.rows).toEqual([{ open: 2500, reason: 'unexplained_short_pay',
      customer: seeded.harbor }]);
    const how = (await arc('applications', 'list', '--json')).json()
      .filter((a: { paymentReference: string }) => a.paymentReference === '1002');
    expect(how).toMatchObject([{ how: 'manual', method: 'manual', amount: '500.00' }]);
    expect((await queue()).map((i) => i.reference)).toEqual(['1001']);
    expect(await expectSound(db)).toEqual([]);
  });

  it('a clerk applies by hand, notes, files as unidentified or on account', async () => {
    const smith = (await queue())[0]!;
    const id = String(smith.paymentId);
    expect((await arc('payments', 'note', id, 'called Smith, no answer')).code).toBe(0);
    expect((await arc('payments', 'mark', id, 'unidentified')).code).toBe(0);
    let q = await queue();
    expect(q[0]).toMatchObject({ state: 'unidentified' });
    expect((q[0] as unknown as { notes: { note: string }[] }).notes[0]!.note)
      .toBe('called Smith, no answer');
    const r = await arc('payments', 'apply', id, '--account', 'C-3003', '--to', 'INV-9002=50.00',
      '--json');
    expect(r.code).toBe(0);
    expect(await openOf(db, doc('INV-9002'))).toBe(72700);
    expect((await arc('payments', 'mark', id, 'on_account')).code).toBe(0);
    q = await queue();
    expect(q).toMatchObject([{ reference: '1001', state: 'on_account', unapplied: '49.99' }]);
    const bad = await arc('payments', 'apply', id, '--account', 'C-3003', '--to', 'NOPE=1.00');
    expect(bad.code).toBe(1);
    expect(bad.err).toMatch(/document_not_found/);
    const audit = await db.query<{ action: string }>(
      "SELECT action FROM audit_log WHERE action LIKE 'payment.%' ORDER BY id");
    expect(audit.rows.map((a) => a.action)).toEqual(expect.arrayContaining([
      'payment.note', 'payment.mark_unidentified', 'payment.apply_by_hand',
      'payment.mark_on_account', 'payment.assign_customer']));
    expect(await expectSound(db)).toEqual([]);
  });
});

describe('arc import bank: refusals', () => {
  it.each([
    ['bai2/moov-invalid-sample-parseError.txt', /record 1/],
    ['camt/genkgo-camt053.v2.wrong.xml', /Stmt/],
    ['edi820/oopfactory-820-Example3_HomeDepot-TEMPLATE.txt', /record 4/],
  ])('%s is refused with the record and reason, exit 1, nothing stored', async (file, where) => {
    const r = await arc('import', 'bank', join(SHARED, file));
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/bank_file_malformed/);
    expect(r.err).toMatch(where);
    const n = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM bank_files');
    expect(n.rows[0]!.n).toBe(1);
  });

  it('a file that is no bank file is refused; the other import kinds still work', async () => {
    const r = await arc('import', 'bank', join(import.meta.dirname, 'fixtures', 'import',
      'customers.csv'));
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/bank_file_unknown_format/);
    const c = await arc('import', 'customers', join(import.meta.dirname, 'fixtures', 'import',
      'customers.csv'), '--json');
    expect(c.code).toBe(0);
    expect((await arc('import', 'nonsense', 'x.csv')).code).toBe(2);
  });
});

describe('learning from a clerk', () => {
  it('a payer account confirmed by hand identifies the next payment from it', async () => {
    const lb = (n: number, amount: string, inv: string) =>
      'batch,item,check_number,amount,payer_name,payer_account,payer_routing,deposit_date,'
      + `invoice_references,memo\n300,${n},77${n},${amount},J SMITH PERSONAL,5550001,071000013,`
      + `2024-03-20,${inv},\n`;
    const first = await arc('import', 'bank', writeTemp('lb1.csv', lb(1, '10.00', '')), '--json');
    expect(first.json().review).toBe(1);
    const id = String(first.json().paymentIds[0]);
    expect((await arc('payments', 'apply', id, '--account', 'C-4004', '--to',
      'INV-9001=10.00')).code).toBe(0);
    const m = await db.query<{ customer_id: number; confirmations: number }>(
      "SELECT customer_id, confirmations FROM payer_mappings WHERE payer_account = '5550001'");
    expect(m.rows).toEqual([{ customer_id: seeded.harbor, confirmations: 1 }]);
    const second = await arc('import', 'bank', writeTemp('lb2.csv', lb(2, '320.75', '')),
      '--json');
    const outcome = second.json().matches[0];
    expect(outcome.customerId).toBe(seeded.harbor);
    expect(outcome.autoApplied).toBe(true);
    expect(await openOf(db, doc('INV-9001'))).toBe(0);
  });
});

import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
const tmp = mkdtempSync(join(tmpdir(), 'arc-cashapp-'));
function writeTemp(name: string, text: string): string {
  const path = join(tmp, name);
  writeFileSync(path, text);
  return path;
}
