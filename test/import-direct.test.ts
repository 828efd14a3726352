import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Actor } from '../src/db/audit.ts';
import { openTabularFile } from '../src/formats/tabular.ts';
import { runImport, type ImportKind, type ImportOptions } from '../src/ledger/import.ts';
import { verifyLedger } from '../src/ledger/verify.ts';
import { LedgerWriter } from './aging-fixtures.ts';
import { freshDb } from './support/db.ts';

// The direct path (rows COPYed straight into documents, src/ledger/import-direct.ts) against
// the staged path: the same file gives the same ledger either way, and a file the direct path
// cannot take alone (a bad row, a number already present) is refused or skipped exactly as the
// staged path says, with nothing of the direct attempt left behind.

const FIXTURES = join(import.meta.dirname, 'fixtures', 'import');
const actor: Actor = { name: 'importer', kind: 'system', source: 'test' };
const HEADER = 'account_number,number,type,date,due_date,amount,currency,po_number,order_number';
const dir = mkdtempSync(join(tmpdir(), 'arc-import-direct-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

type TestDb = Awaited<ReturnType<typeof freshDb>>;

async function importFile(db: TestDb, kind: ImportKind, path: string, opts?: ImportOptions) {
  const source = await openTabularFile(path);
  try {
    return await runImport(db, kind, source, actor, { chunkRows: 7, ...opts });
  } finally {
    await source.close();
  }
}

function csv(name: string, lines: string[]): string {
  const path = join(dir, name);
  writeFileSync(path, [HEADER, ...lines].join('\n') + '\n');
  return path;
}

/** 40 rows over the fixture's customers: invoices, memos, given and derived due dates. */
const manyRows = Array.from({ length: 40 }, (_, i) => {
  const account = ['C100', 'C101', 'C110', 'C200'][i % 4];
  const type = i % 9 === 0 ? 'credit_memo' : i % 7 === 0 ? 'debit memo' : 'invoice';
  const due = i % 5 === 0 ? `2026-04-${String(10 + (i % 15)).padStart(2, '0')}` : '';
  return `${account},N-${1000 + i},${type},2026-03-${String(1 + (i % 28)).padStart(2, '0')},`
    + `${due},${100 + i}.${String(i % 100).padStart(2, '0')},,PO${i},`;
});

async function ledger(db: TestDb) {
  const q = async (sql: string) => (await db.query(sql)).rows;
  return {
    // Not the ids: a direct attempt that was undone used some (identity values have gaps).
    documents: await q(`SELECT c.account_number, d.type, d.number, d.document_date,
      d.due_date, d.amount_cents, d.open_cents, d.currency, d.terms_code, d.po_number,
      d.order_number, d.external_id, d.batch_id, d.created_by
      FROM documents d JOIN customers c ON c.id = d.customer_id ORDER BY d.id`),
    journal: await q(`SELECT e.kind, e.effective_date, e.batch_id, l.line_no, l.account,
      l.currency, l.amount_cents FROM journal_entries e JOIN journal_lines l ON l.entry_id = e.id
      ORDER BY e.id, l.line_no`),
    summaries: await q(`SELECT * FROM customer_summary ORDER BY customer_id`),
    batches: await q(`SELECT kind, file_name, row_count, created_count FROM import_batches
      ORDER BY id`),
  };
}

async function withCustomers(): Promise<TestDb> {
  const db = await freshDb();
  const r = await importFile(db, 'customers', join(FIXTURES, 'customers.csv'));
  if (!r.ok) throw new Error(JSON.stringify(r.error));
  return db;
}

describe('the direct path of an invoices import', () => {
  let direct: TestDb;
  let staged: TestDb;
  beforeAll(async () => {
    [direct, staged] = await Promise.all([withCustomers(), withCustomers()]);
  });
  afterAll(async () => {
    await direct.dispose();
    await staged.dispose();
  });

  it('writes the same documents, journal entry and summaries as the staged path', async () => {
    const path = csv('many.csv', manyRows);
    const a = await importFile(direct, 'invoices', path);
    const b = await importFile(staged, 'invoices', path, { direct: false });
    expect(a).toMatchObject({ ok: true, value: { rows: 40, created: 40, skipped: 0 } });
    expect(a).toEqual(b);
    expect(await ledger(direct)).toEqual(await ledger(staged));
    expect(await verifyLedger(direct)).toEqual([]);
  });

  it('the same file again changes nothing and says so', async () => {
    const before = await ledger(direct);
    const r = await importFile(direct, 'invoices', csv('many.csv', manyRows));
    expect(r).toMatchObject({ ok: true, value: { status: 'already_imported', created: 0 } });
    expect(await ledger(direct)).toEqual(before);
  });

  it('a file repeating imported rows skips them (the staged path takes over)', async () => {
    const path = csv('overlap.csv', [...manyRows.slice(30), 'C100,N-2000,,2026-03-30,,10.00,,,']);
    const a = await importFile(direct, 'invoices', path);
    const b = await importFile(staged, 'invoices', path, { direct: false });
    expect(a).toMatchObject({ ok: true, value: { rows: 11, created: 1, skipped: 10 } });
    expect(a).toEqual(b);
    expect(await ledger(direct)).toEqual(await ledger(staged));
    // The direct attempt ran (and was undone): it used ids for the rows of its first COPY.
    const lastId = async (db: TestDb) =>
      (await db.query<{ id: number }>('SELECT max(id) AS id FROM documents')).rows[0]!.id;
    expect(await lastId(direct)).toBeGreaterThan(await lastId(staged));
    expect(await verifyLedger(direct)).toEqual([]);
  });

  it('a bad row anywhere refuses the file with every error, nothing written', async () => {
    const before = await ledger(direct);
    const rows = [...manyRows.map((l) => l.replace(',N-', ',B-')),
      'C999,B-9001,,2026-03-01,,1.00,,,', 'C100,B-1001,,2026-03-02,,2.00,,,',
      'C100,B-9002,,2026-13-01,,3.00,,,'];
    const r = await importFile(direct, 'invoices', csv('bad.csv', rows));
    expect(r).toEqual({ ok: false, error: expect.objectContaining({
      code: 'import_rejected', errorCount: 3, errors: [
        { file: 'bad.csv', line: 42, column: 'account_number',
          reason: 'no customer with account number C999' },
        { file: 'bad.csv', line: 43, column: 'number', reason: 'the same number as line 3' },
        { file: 'bad.csv', line: 44, column: 'date', reason: expect.stringMatching(/not a date/) },
      ] }) });
    expect(await ledger(direct)).toEqual(before);
  });

  it('a number repeated within an otherwise good file is reported, nothing written', async () => {
    const before = await ledger(direct);
    const rows = [...manyRows.map((l) => l.replace(',N-', ',R-')),
      'C200,R-1003,,2026-03-03,,4.00,,,'];
    const r = await importFile(direct, 'invoices', csv('repeat.csv', rows));
    expect(r).toEqual({ ok: false, error: expect.objectContaining({ errorCount: 1, errors: [
      { file: 'repeat.csv', line: 42, column: 'number', reason: 'the same number as line 5' },
    ] }) });
    expect(await ledger(direct)).toEqual(before);
  });
});

// A load at least as large as the ledger (BulkLoad, src/ledger/import-direct.ts) drops the
// secondary indexes of documents and builds them again: a rebuilt index is a new relation (a
// new oid), which tells whether the bulk load ran.
describe('a bulk load of invoices', () => {
  let db: TestDb;
  beforeAll(async () => {
    db = await withCustomers();
  });
  afterAll(async () => {
    await db.dispose();
  });

  async function indexes(of = db) {
    const r = await of.query<{ name: string; definition: string; oid: number }>(
      `SELECT c.relname AS name, pg_get_indexdef(c.oid) AS definition, c.oid::bigint AS oid
       FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
       WHERE i.indrelid = 'documents'::regclass ORDER BY c.relname`);
    return r.rows;
  }
  const definitions = (xs: Awaited<ReturnType<typeof indexes>>) =>
    xs.map(({ name, definition }) => ({ name, definition }));
  const bulk = { bulkLoadRows: 1 };

  it('rebuilds the same indexes, and the ledger is the staged path\'s', async () => {
    const before = await indexes();
    const secondary = before.filter((i) =>
      !['documents_pkey', 'documents_external_id_key', 'documents_billing_number',
        'documents_reversed_once'].includes(i.name));
    expect(secondary.map((i) => i.name)).toContain('documents_open');
    const path = csv('bulk.csv', manyRows);
    const r = await importFile(db, 'invoices', path, bulk);
    expect(r).toMatchObject({ ok: true, value: { rows: 40, created: 40 } });
    const after = await indexes();
    expect(definitions(after)).toEqual(definitions(before));
    // The secondary ones were built again (new oids); the unique ones were kept.
    for (const i of after) {
      const old = before.find((b) => b.name === i.name)!;
      expect([i.name, i.oid === old.oid]).toEqual([i.name, !secondary.includes(old)]);
    }
    expect(await verifyLedger(db)).toEqual([]);
    const staged = await withCustomers();
    try {
      await importFile(staged, 'invoices', path, { direct: false });
      expect(await ledger(db)).toEqual(await ledger(staged));
    } finally {
      await staged.dispose();
    }
  });

  it('adds the load to the open dates the ledger kept (customer_open_dates)', async () => {
    const kept = await withCustomers();
    try {
      // Before the load: items on dates the load repeats and on others, a credit, a debit due
      // before its date (no open dates), one part paid, another currency, and a customer the
      // load leaves alone.
      const w = new LedgerWriter(kept);
      const id = async (account: string) => (await kept.query<{ id: number }>(
        'SELECT id FROM customers WHERE account_number = $1', [account])).rows[0]!.id;
      const [c100, c101, c110, c200] = (await Promise.all(
        ['C100', 'C101', 'C110', 'C200'].map(id))) as [number, number, number, number];
      await w.document(c100, 'invoice', 'K-1', '2026-03-02', '2026-04-10', 1_000);
      const k2 = await w.document(c100, 'invoice', 'K-2', '2026-02-01', '2026-03-03', 2_000);
      const p = await w.document(c100, 'payment', 'KP', '2026-03-01', '2026-03-01', 500);
      await w.apply(p, k2, 500, '2026-03-01');
      await w.document(c101, 'credit_memo', 'K-3', '2026-03-03', '2026-03-03', 500);
      await w.document(c110, 'invoice', 'K-4', '2026-03-05', '2026-03-01', 700);
      await w.document(c200, 'invoice', 'K-5', '2026-03-06', '2026-04-06', 800, 'EUR');
      const c900 = await w.customer('C900', 'Nine');
      await w.document(c900, 'invoice', 'K-9', '2026-01-09', '2026-02-08', 100);
      const rows = async () => (await kept.query(
        'SELECT * FROM customer_open_dates ORDER BY customer_id, currency')).rows;
      const other = (await rows()).filter((r) => r.customer_id === c900);
      expect(other).toHaveLength(1);
      const r = await importFile(kept, 'invoices', csv('bulk-kept.csv', manyRows), bulk);
      expect(r).toMatchObject({ ok: true, value: { created: 40 } });
      const after = await rows();
      expect(after).toEqual((await kept.query(
        'SELECT * FROM customer_open_dates_of() ORDER BY customer_id, currency')).rows);
      expect(after.filter((x) => x.currency === 'EUR')).toHaveLength(1);
      expect(after.filter((x) => x.customer_id === c900)).toEqual(other);
      // (The items written above have no journal entries: only the open dates' check applies.)
      expect((await verifyLedger(kept)).filter((d) => d.check === 'customer_open_dates'))
        .toEqual([]);
    } finally {
      await kept.dispose();
    }
  });

  it('a bad file leaves the ledger and every index as they were', async () => {
    const empty = await withCustomers();
    const before = { ledger: await ledger(empty), indexes: await indexes(empty) };
    // Into the empty ledger; the bad row and the repeated number come after the bulk load began
    // (chunks of 7 rows).
    const rows = manyRows;
    const bad = await importFile(empty, 'invoices',
      csv('bulk-bad.csv', [...rows, 'C100,N-9001,,2026-13-01,,3.00,,,']), bulk);
    expect(bad).toMatchObject({ ok: false, error: { errorCount: 1, errors: [
      { line: 42, column: 'date' }] } });
    const repeat = await importFile(empty, 'invoices',
      csv('bulk-repeat.csv', [...rows, 'C200,N-1003,,2026-03-03,,4.00,,,']), bulk);
    expect(repeat).toMatchObject({ ok: false, error: { errorCount: 1, errors: [
      { line: 42, column: 'number', reason: 'the same number as line 5' }] } });
    expect({ ledger: await ledger(empty), indexes: await indexes(empty) }).toEqual(before);
    await empty.dispose();
  });

  it('a file smaller than the ledger keeps the indexes', async () => {
    const before = await indexes();
    const r = await importFile(db, 'invoices', csv('small.csv',
      ['C100,S-1,,2026-03-01,,1.00,,,', 'C101,S-2,,2026-03-02,,2.00,,,']), bulk);
    expect(r).toMatchObject({ ok: true, value: { created: 2 } });
    expect(await indexes()).toEqual(before);
    expect(await verifyLedger(db)).toEqual([]);
  });

  it('a file below bulkLoadRows keeps the indexes, whatever the ledger holds', async () => {
    const fresh = await withCustomers();
    try {
      const ids = async () => (await fresh.query<{ oid: number }>(
        `SELECT indexrelid::bigint AS oid FROM pg_index WHERE indrelid = 'documents'::regclass
         ORDER BY 1`)).rows;
      const before = await ids();
      const r = await importFile(fresh, 'invoices', csv('below.csv', manyRows),
        { bulkLoadRows: 1_000 });
      expect(r).toMatchObject({ ok: true, value: { created: 40 } });
      expect(await ids()).toEqual(before);
    } finally {
      await fresh.dispose();
    }
  });
});
