import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseBankFile } from '../src/formats/bank/parse-bank-file.ts';
import { freshDb } from './support/db.ts';
import { cli, expectSound, read, seedLedger, SHARED } from './cashapp-support.ts';

// Every real bank, lockbox and remittance file in ../shared/fixtures, imported end to end on a
// seeded ledger through `arc import bank`: the ones the parsers accept post their booked
// receipts, record their returns and match; the malformed ones are refused (exit 1).

const FOLDERS = ['bai2', 'camt', 'edi820', 'nacha'];
const files = FOLDERS.flatMap((f) => readdirSync(join(SHARED, f))
  .filter((n) => !/\.(md|xsd|pydata)$/.test(n) && n !== 'xsd')
  .map((n) => join(f, n)));
const parsed = files.map((f) => ({ f, r: parseBankFile(read(join(SHARED, f)), f) }));
const good = parsed.filter((p) => p.r.ok).map((p) => ({
  f: p.f, value: (p.r as { ok: true; value: import('../src/formats/bank/model.ts').BankFile })
    .value,
}));
const bad = parsed.filter((p) => !p.r.ok).map((p) => p.f);

let db: Awaited<ReturnType<typeof freshDb>>;
let arc: ReturnType<typeof cli>;
beforeAll(async () => {
  db = await freshDb();
  await seedLedger(db);
  arc = cli(db);
});
afterAll(async () => db.dispose());

describe('every shared fixture through arc import bank', () => {
  it('has fixtures of each kind', () => {
    expect(good.length).toBeGreaterThanOrEqual(30);
    expect(bad.sort()).toEqual([
      'bai2/moov-invalid-sample-parseError.txt', 'camt/genkgo-camt053.v2.wrong.xml',
      'edi820/oopfactory-820-Example3_HomeDepot-TEMPLATE.txt',
    ]);
  });

  it.each(good.map((g) => [g.f, g.value] as const))('%s imports', async (f, file) => {
    const r = await arc('import', 'bank', join(SHARED, f), '--json');
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    const s = r.json();
    const booked = file.receipts.filter((x) => x.status === 'booked' && x.amountCents > 0);
    expect(s.paymentIds).toHaveLength(booked.length);
    expect(s.autoApplied + s.review).toBe(booked.length);
    expect(s.notPosted).toBe(file.receipts.length - booked.length);
    const ourReturns = file.returns.filter((x) => x.direction === 'debit' &&
      x.status === 'booked');
    expect(s.returns).toHaveLength(ourReturns.length);
    const stored = await db.query<{ raw: Uint8Array; sha256: string }>(
      'SELECT raw, sha256 FROM bank_files WHERE id = $1', [s.bankFileId]);
    expect(Buffer.from(stored.rows[0]!.raw).equals(read(join(SHARED, f)))).toBe(true);
    expect(stored.rows[0]!.sha256).toBe(file.sha256);
    const again = await arc('import', 'bank', join(SHARED, f), '--json');
    expect(again.json().status).toBe('already_imported');
  });

  it('the payments keep bank reference, payer and remittance; the ledger is sound', async () => {
    const p = await db.query<{ n: number; refs: number; payers: number; lines: number }>(
      `SELECT count(*)::int AS n, count(bank_reference)::int AS refs,
         count(payer_name)::int AS payers,
         sum(jsonb_array_length(remittance->'lines'))::int AS lines
       FROM bank_payments`);
    const total = good.reduce((s, g) => s + g.value.receipts.filter(
      (x) => x.status === 'booked' && x.amountCents > 0).length, 0);
    expect(p.rows[0]!.n).toBe(total);
    expect(p.rows[0]!.refs).toBeGreaterThan(total / 2);
    expect(p.rows[0]!.lines).toBeGreaterThan(0);
    const queue = (await arc('payments', 'list', '--unapplied', '--json')).json();
    expect(queue.items.length).toBeGreaterThan(0);
    expect(queue.byAge.reduce((s: number, b: { count: number }) => s + b.count, 0))
      .toBe(queue.items.length);
    expect(await expectSound(db)).toEqual([]);
  });
});
