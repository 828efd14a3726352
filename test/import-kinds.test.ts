import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Actor } from '../src/db/audit.ts';
import { openTabularFile } from '../src/formats/tabular.ts';
import { runImport, type ImportKind } from '../src/ledger/import.ts';
import { verifyLedger } from '../src/ledger/verify.ts';
import { freshDb } from './support/db.ts';

const FIXTURES = join(import.meta.dirname, 'fixtures', 'import');
const actor: Actor = { name: 'importer', kind: 'system', source: 'test' };

let db: Awaited<ReturnType<typeof freshDb>>;
beforeAll(async () => {
  db = await freshDb();
});
afterAll(async () => db.dispose());

async function importFixture(kind: ImportKind, name: string) {
  const source = await openTabularFile(join(FIXTURES, name));
  try {
    return await runImport(db, kind, source, actor);
  } finally {
    await source.close();
  }
}

async function rows<T>(sql: string, params: unknown[] = []): Promise<T[]> {
  return (await db.query<T>(sql, params)).rows;
}

/** The lines of the batch's one journal entry. */
async function batchEntry(batchId: number) {
  return rows<{ kind: string; account: string; amount: number }>(
    `SELECT e.kind, l.account, l.amount_cents AS amount FROM journal_entries e
     JOIN journal_lines l ON l.entry_id = e.id WHERE e.batch_id = $1 ORDER BY l.line_no`,
    [batchId]);
}

describe('importing each kind from a small file', () => {
  it('customers: parents in any order, terms, credit limits and primary contacts', async () => {
    const r = await importFixture('customers', 'customers.csv');
    expect(r).toMatchObject({ ok: true, value: {
      file: 'customers.csv', kind: 'customers', status: 'imported', rows: 4, created: 4,
      skipped: 0 } });
    expect(await rows(
      `SELECT c.account_number AS account, c.name, p.account_number AS parent, c.terms_code AS terms,
         c.credit_limit_cents AS "limit", c.currency, c.collector, c.region
       FROM customers c LEFT JOIN customers p ON p.id = c.parent_id ORDER BY c.account_number`,
    )).toEqual([
      { account: 'C100', name: 'Acme Foods, Inc.', parent: null, terms: 'NET30', limit: 500000,
        currency: 'USD', collector: 'ann', region: 'SW' },
      { account: 'C101', name: 'Acme Foods Store 1', parent: 'C100', terms: 'NET30',
        limit: 100000, currency: 'USD', collector: 'ann', region: 'SW' },
      { account: 'C110', name: 'Acme Foods West', parent: 'C100', terms: '2/10NET30',
        limit: 100050, currency: 'USD', collector: 'ann', region: 'SW' },
      { account: 'C200', name: 'Beta Supply', parent: null, terms: 'NET45', limit: null,
        currency: 'USD', collector: 'carl', region: 'NW' },
    ]);
    expect(await rows(
      `SELECT c.account_number AS account, k.name, k.email, k.phone, k.is_primary AS "primary"
       FROM contacts k JOIN customers c ON c.id = k.customer_id ORDER BY 1`)).toEqual([
      { account: 'C100', name: 'Jane AP', email: 'jane@acme.example', phone: '555-0100',
        primary: true },
      { account: 'C200', name: 'Tom Payables', email: null, phone: '555-0200', primary: true },
    ]);
    const audit = await rows<{ action: string; after: { created: number } }>(
      `SELECT action, after FROM audit_log WHERE entity_type = 'import_batch'`);
    expect(audit).toEqual([{ action: 'import.customers',
      after: expect.objectContaining({ created: 4, file: 'customers.csv' }) }]);
  });

  it('invoices and memos: signed amounts, due dates from terms, one journal entry', async () => {
    const r = await importFixture('invoices', 'invoices.csv');
    if (!r.ok) throw new Error(JSON.stringify(r.error));
    expect(r.value).toMatchObject({ rows: 6, created: 6, skipped: 0 });
    expect(await rows(
      `SELECT number, type, due_date AS due, amount_cents AS amount, open_cents AS open,
         terms_code AS terms, po_number AS po, external_id AS key
       FROM documents ORDER BY id`)).toEqual([
      { number: 'INV-1001', type: 'invoice', due: '2026-02-04', amount: 120000, open: 120000,
        terms: 'NET30', po: 'PO-1', key: 'invoice:INV-1001' },
      { number: 'INV-1002', type: 'invoice', due: '2026-03-01', amount: 30050, open: 30050,
        terms: 'NET30', po: null, key: 'invoice:INV-1002' },
      { number: 'INV-1003', type: 'invoice', due: '2026-03-02', amount: 9999, open: 9999,
        terms: '2/10NET30', po: null, key: 'invoice:INV-1003' },
      { number: 'CM-1', type: 'credit_memo', due: '2026-02-01', amount: -5000, open: -5000,
        terms: null, po: null, key: 'credit_memo:CM-1' },
      { number: 'INV-2001', type: 'invoice', due: '2026-02-24', amount: 50000, open: 50000,
        terms: 'NET45', po: null, key: 'invoice:INV-2001' },
      { number: 'DM-1', type: 'debit_memo', due: '2026-03-19', amount: 2500, open: 2500,
        terms: 'NET45', po: null, key: 'debit_memo:DM-1' },
    ]);
    expect(await batchEntry(r.value.batchId)).toEqual([
      { kind: 'import_invoices', account: 'ar_control', amount: 207549 },
      { kind: 'import_invoices', account: 'sales_clearing', amount: -212549 },
      { kind: 'import_invoices', account: 'sales_returns', amount: 5000 },
    ]);
  });

  it('payments: methods normalized, unidentified cash, identical receipts stay two', async () => {
    const r = await importFixture('payments', 'payments.csv');
    if (!r.ok) throw new Error(JSON.stringify(r.error));
    expect(r.value).toMatchObject({ rows: 6, created: 6, skipped: 0 });
    const b = r.value.batchId;
    expect(await rows(
      `SELECT c.account_number AS account, d.number, d.method, d.amount_cents AS amount,
         d.due_date AS due, d.external_id AS key
       FROM documents d LEFT JOIN customers c ON c.id = d.customer_id
       WHERE d.type = 'payment' ORDER BY d.id`)).toEqual([
      { account: 'C100', number: '5001', method: 'check', amount: -100000, due: '2026-02-01',
        key: 'pay:C100|check|5001|2026-02-01|100000|0' },
      { account: 'C100', number: 'ACH-77', method: 'ach', amount: -50050, due: '2026-02-15',
        key: 'pay:C100|ach|ACH-77|2026-02-15|50050|0' },
      { account: null, number: 'FW-1', method: 'wire', amount: -7500, due: '2026-02-16',
        key: 'pay:|wire|FW-1|2026-02-16|7500|0' },
      { account: null, number: `IMP${b}-5`, method: 'cash', amount: -2000, due: '2026-02-17',
        key: 'pay:|cash||2026-02-17|2000|0' },
      { account: null, number: `IMP${b}-6`, method: 'cash', amount: -2000, due: '2026-02-17',
        key: 'pay:|cash||2026-02-17|2000|1' },
      { account: 'C200', number: 'E-9', method: 'ach', amount: -47500, due: '2026-02-20',
        key: 'pay:C200|ach|E-9|2026-02-20|47500|0' },
    ]);
    expect(await batchEntry(b)).toEqual([
      { kind: 'import_payments', account: 'cash_clearing', amount: 209050 },
      { kind: 'import_payments', account: 'unapplied_cash', amount: -209050 },
    ]);
  });

  it('applications: open amounts, cash moves to AR, a credit memo moves nothing', async () => {
    const r = await importFixture('applications', 'applications.csv');
    if (!r.ok) throw new Error(JSON.stringify(r.error));
    expect(r.value).toMatchObject({ rows: 5, created: 5, skipped: 0 });
    expect(await rows(
      `SELECT number, open_cents AS open FROM documents
       WHERE number IN ('INV-1001', 'INV-1002', 'INV-2001', 'CM-1', '5001', 'ACH-77', 'E-9')
       ORDER BY id`)).toEqual([
      { number: 'INV-1001', open: 0 }, { number: 'INV-1002', open: 0 },
      { number: 'CM-1', open: 0 }, { number: 'INV-2001', open: 0 },
      { number: '5001', open: 0 }, { number: 'ACH-77', open: 0 }, { number: 'E-9', open: -2500 },
    ]);
    const apps = await rows<{ method: string; key: string }>(
      'SELECT method, external_id AS key FROM applications ORDER BY id LIMIT 1');
    expect(apps).toEqual([{ method: 'import', key: 'app:C100|5001|INV-1001|100000|2026-02-01|0' }]);
    expect(await batchEntry(r.value.batchId)).toEqual([
      { kind: 'import_applications', account: 'ar_control', amount: -195050 },
      { kind: 'import_applications', account: 'unapplied_cash', amount: 195050 },
    ]);
  });

  it('leaves a ledger that verifies: open amounts, control accounts, balanced entries', async () => {
    expect(await verifyLedger(db)).toEqual([]);
    const batches = await rows<{ kind: string; rows: number; created: number }>(
      `SELECT kind, row_count AS rows, created_count AS created FROM import_batches ORDER BY id`);
    expect(batches).toEqual([
      { kind: 'customers', rows: 4, created: 4 }, { kind: 'invoices', rows: 6, created: 6 },
      { kind: 'payments', rows: 6, created: 6 }, { kind: 'applications', rows: 5, created: 5 },
    ]);
  });
});
