import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CliContext } from '../src/cli/context.ts';
import { main } from '../src/cli/main.ts';
import { loadConfig } from '../src/config.ts';
import { freshDb } from './support/db.ts';

const FIXTURES = join(import.meta.dirname, 'fixtures', 'import');
const dir = mkdtempSync(join(tmpdir(), 'arc-import-cli-'));

let db: Awaited<ReturnType<typeof freshDb>>;
beforeAll(async () => {
  db = await freshDb();
});
afterAll(async () => {
  rmSync(dir, { recursive: true, force: true });
  await db.dispose();
});

/** A CLI context around the test database, capturing stdout and stderr. */
function context(): CliContext & { out(): string; err(): string } {
  let out = '';
  let err = '';
  const sink = (append: (s: string) => void) =>
    new Writable({ write(chunk, _enc, done) { append(String(chunk)); done(); } });
  return {
    config: loadConfig({}), db: async () => db,
    actor: { name: 'cli-test', kind: 'cli', source: 'cli' }, today: '2026-03-01',
    stdout: sink((s) => (out += s)), stderr: sink((s) => (err += s)),
    close: async () => undefined, out: () => out, err: () => err,
  };
}

async function arc(...args: string[]) {
  const ctx = context();
  const code = await main(['node', 'arc', ...args], ctx);
  return { code, out: ctx.out(), err: ctx.err() };
}

describe('arc import', () => {
  it('imports customers from an XLSX workbook (exit 0)', async () => {
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('Customers');
    ws.addRow(['Account_Number', 'Name', 'Terms', 'Credit_Limit']);
    ws.addRow(['C100', 'Acme Foods, Inc.', 'NET30', 5000]);
    ws.addRow(['C110', 'Acme Foods West', '2/10 net 30', 1000.5]);
    ws.addRow(['C200', 'Beta Supply', 'NET45', null]);
    const path = join(dir, 'customers.xlsx');
    await wb.xlsx.writeFile(path);
    const r = await arc('import', 'customers', path, '--json');
    expect(r.code, r.err).toBe(0);
    expect(JSON.parse(r.out)).toEqual({ file: 'customers.xlsx', kind: 'customers',
      status: 'imported', rows: 3, created: 3, skipped: 0, batchId: expect.any(Number) });
    const limits = await db.query<{ limit: number }>(
      `SELECT credit_limit_cents AS "limit" FROM customers ORDER BY account_number`);
    expect(limits.rows.map((x) => x.limit)).toEqual([500000, 100050, null]);
  });

  it('imports a CSV file and says what it did', async () => {
    const r = await arc('import', 'invoices', join(FIXTURES, 'invoices.csv'));
    expect(r.code, r.err).toBe(0);
    expect(r.out).toMatch(/^imported invoices from invoices\.csv \(batch \d+\): 6 rows, 6 created, 0 already present\n$/);
  });

  it('says so when the same file comes again (exit 0)', async () => {
    const r = await arc('import', 'invoices', join(FIXTURES, 'invoices.csv'));
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^invoices\.csv was already imported \(batch \d+, 6 rows\): nothing changed/);
    const json = await arc('import', 'invoices', join(FIXTURES, 'invoices.csv'), '--json');
    expect(JSON.parse(json.out)).toMatchObject({ status: 'already_imported', rows: 6 });
  });

  it('lists every error on stderr, file:line: column: reason (exit 1)', async () => {
    const r = await arc('import', 'invoices', join(FIXTURES, 'invoices-bad.csv'));
    expect(r.code).toBe(1);
    expect(r.err).toContain('invoices-bad.csv:2: date: not a date (YYYY-MM-DD): "2026-13-01"\n');
    expect(r.err).toContain('invoices-bad.csv:3: account_number: no customer with account number '
      + 'C999\n');
    expect(r.err).toMatch(/error: import_rejected: 8 error\(s\) in invoices-bad\.csv; nothing was imported/);
  });

  it('prints errors as JSON with --json (exit 1)', async () => {
    const r = await arc('import', 'invoices', join(FIXTURES, 'invoices-extra-columns.csv'),
      '--json');
    expect(r.code).toBe(1);
    expect(JSON.parse(r.out)).toEqual({ errorCount: 2, errors: [
      { file: 'invoices-extra-columns.csv', line: 1, column: 'discount',
        reason: expect.stringMatching(/^unknown column/) },
      { file: 'invoices-extra-columns.csv', line: 1, column: 'notes',
        reason: expect.stringMatching(/^unknown column/) },
    ] });
  });

  it('refuses a missing file (exit 1) and an unknown kind (exit 2)', async () => {
    const missing = await arc('import', 'invoices', join(dir, 'nope.csv'));
    expect(missing.code).toBe(1);
    expect(missing.err).toMatch(/file_not_found/);
    expect((await arc('import', 'orders', join(FIXTURES, 'invoices.csv'))).code).toBe(2);
  });
});
