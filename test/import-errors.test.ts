import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Actor } from '../src/db/audit.ts';
import { openTabularFile } from '../src/formats/tabular.ts';
import {
  ERRORS_KEPT, runImport, type ImportKind, type ImportSource,
} from '../src/ledger/import.ts';
import { verifyLedger } from '../src/ledger/verify.ts';
import { freshDb } from './support/db.ts';

const FIXTURES = join(import.meta.dirname, 'fixtures', 'import');
const actor: Actor = { name: 'importer', kind: 'system', source: 'test' };

let db: Awaited<ReturnType<typeof freshDb>>;
beforeAll(async () => {
  db = await freshDb();
  for (const [kind, name] of [['customers', 'customers.csv'], ['invoices', 'invoices.csv']]) {
    const r = await importFixture(kind as ImportKind, name!);
    if (!r.ok) throw new Error(JSON.stringify(r.error));
  }
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

/** An in-memory source (as the demo seeder builds): rows numbered from line 2. */
function rowsSource(name: string, rows: Record<string, string>[]): ImportSource {
  return {
    fileName: name, sha256: `${name}-${JSON.stringify(rows).length}-${rows.length}`,
    rows: (async function* () {
      for (const [i, values] of rows.entries()) yield { line: i + 2, values };
    })(),
  };
}

async function counts(): Promise<Record<string, number>> {
  const r = await db.query<Record<string, number>>(
    `SELECT (SELECT count(*) FROM customers)::bigint AS customers,
            (SELECT count(*) FROM documents)::bigint AS documents,
            (SELECT count(*) FROM applications)::bigint AS applications,
            (SELECT count(*) FROM journal_entries)::bigint AS entries,
            (SELECT count(*) FROM import_batches)::bigint AS batches,
            (SELECT count(*) FROM audit_log)::bigint AS audit,
            (SELECT coalesce(sum(open_cents), 0) FROM documents)::bigint AS open`);
  return r.rows[0]!;
}

const error = (line: number, column: string, reason: string | RegExp) => ({
  file: expect.any(String), line, column,
  reason: typeof reason === 'string' ? reason : expect.stringMatching(reason),
});

describe('a file with bad rows', () => {
  it('is refused with every error (file, line, column) and nothing written', async () => {
    const before = await counts();
    const r = await importFixture('invoices', 'invoices-bad.csv');
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.error.errors).toEqual([
      error(2, 'date', 'not a date (YYYY-MM-DD): "2026-13-01"'),
      error(3, 'account_number', 'no customer with account number C999'),
      error(4, 'amount', 'must be positive: "-5"'),
      error(4, 'type', 'not invoice, credit_memo or debit_memo: "refund"'),
      error(5, 'due_date', 'before the document date 2026-01-05'),
      error(6, 'currency', 'EUR is not the customer\'s currency USD'),
      error(7, 'amount', 'more decimal places than USD has'),
      error(10, 'number', 'the same number as line 7'),
    ]);
    expect(r.error).toMatchObject({ code: 'import_rejected', file: 'invoices-bad.csv',
      kind: 'invoices', errorCount: 8 });
    expect(r.error.errors[0]!.file).toBe('invoices-bad.csv');
    expect(await counts()).toEqual(before);
  });

  it('names extra columns and refuses the file', async () => {
    const r = await importFixture('invoices', 'invoices-extra-columns.csv');
    expect(r.ok ? [] : r.error.errors).toEqual([
      error(1, 'discount', /^unknown column for invoices/),
      error(1, 'notes', /^unknown column for invoices/),
    ]);
  });

  it('reports a number repeated within an otherwise good file at the later line', async () => {
    const before = await counts();
    const row = { account_number: 'C100', number: 'INV-R1', date: '2026-01-05', amount: '1.00' };
    const r = await runImport(db, 'invoices', rowsSource('repeat.csv', [
      row, { ...row, number: 'INV-R2' }, { ...row, amount: '2.00' },
    ]), actor);
    expect(r.ok ? [] : r.error.errors).toEqual([
      error(4, 'number', 'the same number as line 2'),
    ]);
    expect(await counts()).toEqual(before);
  });

  it('keeps the first errors and counts the rest', async () => {
    const rows = Array.from({ length: ERRORS_KEPT + 500 }, (_, i) => ({
      account_number: 'C100', number: `BAD-${i}`, date: 'soon', amount: '1.00' }));
    const r = await runImport(db, 'invoices', rowsSource('many.csv', rows), actor);
    if (r.ok) throw new Error('expected the file to be refused');
    expect(r.error.errorCount).toBe(ERRORS_KEPT + 500);
    expect(r.error.errors).toHaveLength(ERRORS_KEPT);
    expect(r.error.errors.at(-1)!.line).toBe(ERRORS_KEPT + 1);
  });

  it('refuses parents that form a cycle within the file', async () => {
    const r = await runImport(db, 'customers', rowsSource('cycle.csv', [
      { account_number: 'X1', name: 'One', parent_account: 'X2' },
      { account_number: 'X2', name: 'Two', parent_account: 'X1' },
      { account_number: 'X3', name: 'Three', parent_account: 'NOBODY' },
    ]), actor);
    expect(r.ok ? [] : r.error.errors).toEqual([
      error(2, 'parent_account', 'parents in this file form a cycle through X1'),
      error(3, 'parent_account', 'parents in this file form a cycle through X2'),
      error(4, 'parent_account', 'no customer NOBODY in the ledger or this file'),
    ]);
  });
});

describe('importing again', () => {
  it('the same file changes nothing and says so', async () => {
    const before = await counts();
    const r = await importFixture('invoices', 'invoices.csv');
    expect(r).toEqual({ ok: true, value: { file: 'invoices.csv', kind: 'invoices',
      status: 'already_imported', rows: 6, created: 0, skipped: 0, batchId: expect.any(Number) } });
    expect(await counts()).toEqual(before);
  });

  it('a file repeating rows skips the identical ones', async () => {
    const before = await counts();
    const r = await importFixture('invoices', 'invoices-overlap.csv');
    expect(r).toMatchObject({ ok: true, value: { status: 'imported', rows: 3, created: 1,
      skipped: 2 } });
    expect(await counts()).toMatchObject({ documents: (before.documents ?? 0) + 1 });
  });

  it('rows that conflict with existing documents refuse the file', async () => {
    const before = await counts();
    const r = await importFixture('invoices', 'invoices-conflict.csv');
    expect(r.ok ? [] : r.error.errors).toEqual([
      error(3, 'number', 'invoice INV-1002 already exists with a different customer'),
      error(4, 'number', 'invoice INV-2001 already exists with a different date, amount'),
    ]);
    expect(await counts()).toEqual(before);
  });

  it('customers that exist identically are skipped; different ones are named', async () => {
    const same = { account_number: 'C200', name: 'Beta Supply', terms: 'NET45', currency: 'USD',
      collector: 'carl', sales_rep: 'bob', region: 'NW' };
    const ok = await runImport(db, 'customers', rowsSource('same.csv', [same]), actor);
    expect(ok).toMatchObject({ ok: true, value: { created: 0, skipped: 1 } });
    const changed = await runImport(db, 'customers',
      rowsSource('changed.csv', [{ ...same, name: 'Beta', terms: 'NET30' }]), actor);
    expect(changed.ok ? [] : changed.error.errors).toEqual([
      error(2, 'account_number', 'customer C200 already exists with a different name, terms'),
    ]);
  });
});

describe('applications', () => {
  it('refuses rows that together apply more than is open, at the line that goes over', async () => {
    const pay = await runImport(db, 'payments', rowsSource('p110.csv', [
      { account_number: 'C110', reference: 'P-110', received_on: '2026-02-19', amount: '200' },
    ]), actor);
    expect(pay.ok).toBe(true);
    const before = await counts();
    const r = await importFixture('applications', 'applications-over.csv');
    expect(r.ok ? [] : r.error.errors).toEqual([
      error(3, 'amount',
        'with earlier lines of this file, more than the open amount of INV-1003 (open 99.99)'),
    ]);
    expect(await counts()).toEqual(before);
  });

  it('refuses unknown references, early dates and amounts over the payment', async () => {
    const r = await runImport(db, 'applications', rowsSource('bad-apps.csv', [
      { account_number: 'C110', payment_reference: 'NOPE', document_number: 'INV-1003',
        amount: '1', applied_on: '2026-03-01' },
      { account_number: 'C110', payment_reference: 'P-110', document_number: 'INV-1001',
        amount: '1', applied_on: '2026-03-01' },
      { account_number: 'C110', payment_reference: 'P-110', document_number: 'INV-1003',
        amount: '1', applied_on: '2026-02-18' },
      { account_number: 'C110', payment_reference: 'P-110', document_number: 'INV-1003',
        amount: '99.99', applied_on: '2026-03-01' },
      { account_number: 'C110', payment_reference: 'P-110', document_number: 'INV-1003',
        amount: '100.02', applied_on: '2026-03-01' },
    ]), actor);
    expect(r.ok ? [] : r.error.errors).toEqual([
      error(2, 'payment_reference', 'no payment or credit memo NOPE of account C110'),
      error(3, 'document_number', 'no invoice or other debit item INV-1001 of account C110'),
      error(4, 'applied_on', 'before P-110 (2026-02-19)'),
      error(5, 'amount', 'with earlier lines of this file, more than the open amount of '
        + 'INV-1003 (open 99.99)'),
      error(6, 'amount', 'with earlier lines of this file, more than the open amount of '
        + 'INV-1003 (open 99.99)'),
      error(6, 'amount', 'with earlier lines of this file, more than the open amount of '
        + 'P-110 (open 200.00)'),
    ]);
  });

  it('leaves the ledger consistent after all the refusals', async () => {
    expect(await verifyLedger(db)).toEqual([]);
  });
});
