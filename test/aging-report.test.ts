import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bucketLowerBounds, DEFAULT_THRESHOLDS } from '../src/domain/aging.ts';
import { verifyLedger } from '../src/ledger/verify.ts';
import {
  agingReport, buildAgingSql, type AgingQuery, type AgingReport,
} from '../src/reports/aging.ts';
import { AS_OF, naiveAging, seedHandMade, type LedgerWriter } from './aging-fixtures.ts';
import { freshDb } from './support/db.ts';

let db: Awaited<ReturnType<typeof freshDb>>;
let w: LedgerWriter;
beforeAll(async () => {
  db = await freshDb();
  w = await seedHandMade(db);
});
afterAll(async () => db.dispose());

async function report(q: Partial<AgingQuery> = {}): Promise<AgingReport> {
  const r = await agingReport(db, { asOf: AS_OF, by: 'customer', basis: 'due', ...q });
  if (!r.ok) throw new Error(JSON.stringify(r.error));
  return r.value;
}

/** key -> [total, unapplied, ...buckets] in cents. */
async function lines(q: Partial<AgingQuery> = {}): Promise<Record<string, number[]>> {
  const r = await report(q);
  return Object.fromEntries(r.rows.map((row) =>
    [row.key, [row.totalCents, row.unappliedCents, ...row.amountsCents]]));
}

// Hand computation, as of 2026-06-30 (see seedHandMade). Buckets: current, 1-30, 31-45, 46-60,
// 61-90, 91-120, 120+. Alpha has one invoice at each boundary (-5 ... 121 days past due).
const ALPHA = [139_100, 0, 20_300, 20_700, 21_100, 21_500, 21_900, 22_300, 11_300];
const BETA = [85_000, -55_000, 20_000, 30_000, 0, 50_000, 0, 40_000, 0];
const GAMMA = [18_000, -8_000, 1_000, 25_000, 0, 0, 0, 0, 0];
const UNIDENTIFIED = [-12_000, -12_000, 0, 0, 0, 0, 0, 0, 0];
const TOTALS = [230_100, -75_000, 41_300, 75_700, 21_100, 71_500, 21_900, 62_300, 11_300];

describe('aging by customer as of a date', () => {
  it('matches the hand computation at every bucket boundary', async () => {
    const r = await report();
    expect(r.buckets).toEqual(['current', '1-30', '31-45', '46-60', '61-90', '91-120', '120+']);
    expect(r.currency).toBe('USD');
    expect(await lines()).toEqual({
      '(unidentified)': UNIDENTIFIED, A100: ALPHA, B200: BETA, C300: GAMMA,
    });
    expect(r.rows.map((x) => [x.key, x.name])).toEqual([
      ['(unidentified)', '(unidentified)'], ['A100', 'Alpha Foods'], ['B200', 'Beta Supply'],
      ['C300', 'Gamma Markets'],
    ]);
    const t = r.totals;
    expect([t.totalCents, t.unappliedCents, ...t.amountsCents]).toEqual(TOTALS);
  });

  it('shows what was open on an earlier date: paid later is open, dated later is absent', async () => {
    const before = await lines({ asOf: '2026-06-10' });
    // B1 (partially paid 05-15), B2 (paid 07-10) and B5 are open; B4 is applied until 06-20.
    expect(before.B200).toEqual([110_000, 0, 20_000, 0, 50_000, 0, 40_000, 0, 0]);
    expect(before.C300).toEqual([25_000, 0, 0, 25_000, 0, 0, 0, 0, 0]);
    expect(before['(unidentified)']).toBeUndefined();
    const after = await lines({ asOf: '2026-07-15' });
    // B2 and B5 paid; B3 (dated 07-05) now current; B4 reopened by the reversal.
    expect(after.B200).toEqual([105_000, -35_000, 70_000, 30_000, 0, 0, 0, 40_000, 0]);
  });

  it('follows an application and its reversal day by day', async () => {
    const items = async (asOf: string) => (await report({ asOf, detail: true })).rows
      .find((r) => r.key === 'B200')!.items!.filter((i) => ['B4', 'PB3'].includes(i.number))
      .map((i) => [i.number, i.openCents, i.bucket]);
    expect(await items('2026-05-31')).toEqual([['B4', 30_000, 'current']]);
    expect(await items('2026-06-01')).toEqual([]);
    expect(await items('2026-06-19')).toEqual([]);
    expect(await items('2026-06-20')).toEqual([['PB3', -30_000, 'unapplied'],
      ['B4', 30_000, '1-30']]);
  });

  it('lists the items of each row with --detail, oldest first, summing to the row', async () => {
    const r = await report({ detail: true });
    const beta = r.rows.find((x) => x.key === 'B200')!;
    expect(beta.items!.map((i) => [i.number, i.daysPastDue, i.openCents, i.bucket])).toEqual([
      ['B1', 91, 40_000, '91-120'], ['B2', 60, 50_000, '46-60'], ['PB3', 29, -30_000, 'unapplied'],
      ['CMB1', 15, -5_000, 'unapplied'], ['B4', 11, 30_000, '1-30'],
      ['PB4', 10, -20_000, 'unapplied'], ['B5', -1, 20_000, 'current'],
    ]);
    expect(beta.items![0]).toMatchObject({ type: 'invoice', documentDate: '2026-03-01',
      dueDate: '2026-03-31' });
    for (const row of r.rows) {
      expect(row.items!.reduce((s, i) => s + i.openCents, 0)).toBe(row.totalCents);
    }
    expect(r.rows.find((x) => x.key === 'A100')!.items!.map((i) => i.bucket)).toEqual([
      '120+', '91-120', '91-120', '61-90', '61-90', '46-60', '46-60', '31-45', '31-45', '1-30',
      '1-30', 'current', 'current',
    ]);
  });
});

describe('aging by portfolio', () => {
  it('groups by collector, sales rep, region or not at all', async () => {
    expect(await lines({ by: 'collector' })).toEqual({
      '(none)': [6_000, -20_000, 1_000, 25_000, 0, 0, 0, 0, 0],
      Kim: [224_100, -55_000, 40_300, 50_700, 21_100, 71_500, 21_900, 62_300, 11_300],
    });
    expect(await lines({ by: 'sales-rep' })).toEqual({
      '(none)': UNIDENTIFIED,
      Ray: [157_100, -8_000, 21_300, 45_700, 21_100, 21_500, 21_900, 22_300, 11_300],
      Sue: BETA,
    });
    expect(await lines({ by: 'region' })).toEqual({
      '(none)': [6_000, -20_000, 1_000, 25_000, 0, 0, 0, 0, 0], East: ALPHA, West: BETA,
    });
    expect(await lines({ by: 'none' })).toEqual({ all: TOTALS });
    const r = await report({ by: 'region' });
    expect(r.rows.map((x) => [x.key, x.name])).toEqual([
      ['(none)', '(none)'], ['East', 'East'], ['West', 'West'],
    ]);
  });

  it("restricts to one sales rep's customers", async () => {
    expect(Object.keys(await lines({ scope: { salesRep: 'Sue' } }))).toEqual(['B200']);
  });
});

describe('aging options', () => {
  it('ages from the document date on the invoice basis ("current" = dated on the as-of date)',
    async () => {
      const r = await lines({ basis: 'invoice' });
      expect(r.A100).toEqual([139_100, 0, 0, 20_300, 10_300, 10_400, 42_600, 21_900, 33_600]);
      expect(r.C300).toEqual([18_000, -8_000, 1_000, 25_000, 0, 0, 0, 0, 0]);
    });

  it('takes custom bucket thresholds', async () => {
    const r = await report({ thresholds: [15, 60] });
    expect(r.buckets).toEqual(['current', '1-15', '16-60', '60+']);
    expect(r.rows.find((x) => x.key === 'A100')).toMatchObject({
      totalCents: 139_100, amountsCents: [20_300, 10_300, 53_000, 55_500] });
  });

  it('ages one currency at a time', async () => {
    expect(await lines({ currency: 'EUR' })).toEqual({
      D400: [99_900, 0, 0, 99_900, 0, 0, 0, 0, 0],
    });
    expect(await lines({ currency: 'JPY' })).toEqual({});
  });

  it('agrees with the naive definition on every grouping and basis', async () => {
    for (const by of ['customer', 'collector', 'sales-rep', 'region', 'none'] as const) {
      for (const basis of ['due', 'invoice'] as const) {
        for (const asOf of ['2026-05-31', AS_OF, '2026-07-15']) {
          const r = await report({ by, basis, asOf });
          const naive = naiveAging(w, { asOf, by, basis, thresholds: [30, 45, 60, 90, 120],
            currency: 'USD' });
          expect(Object.fromEntries(r.rows.map(({ key, name, totalCents, unappliedCents,
            amountsCents }) => [key, { name, totalCents, unappliedCents, amountsCents }])))
            .toEqual(Object.fromEntries(naive));
        }
      }
    }
  });

  it('refuses bad input with codes, in order', async () => {
    const q = { asOf: AS_OF, by: 'customer', basis: 'due' } as const;
    const code = async (extra: object) => {
      const r = await agingReport(db, { ...q, ...extra } as AgingQuery);
      return r.ok ? 'ok' : r.error.code;
    };
    expect(await code({ asOf: '2026-02-30', by: 'x' })).toBe('as_of_invalid');
    expect(await code({ by: 'customers', basis: 'x' })).toBe('grouping_invalid');
    expect(await code({ basis: 'document' })).toBe('basis_invalid');
    expect(await code({ thresholds: [30, 20], currency: 'usd' })).toBe('buckets_invalid');
    expect(await code({ thresholds: [] })).toBe('buckets_invalid');
    expect(await code({ currency: 'usd' })).toBe('currency_invalid');
  });
});

// Last: it adds to the hand-made ledger.
describe('aging from the customer summaries', () => {
  it('reads the customer summaries when they are dated the as-of date, and they follow the ledger',
    async () => {
      const check = async (asOf: string) => {
        await db.query('SELECT refresh_all_customer_summaries($1::date)', [asOf]);
        // The summaries answer (rows come from them, not from the items) ...
        const kept = await db.query(buildAgingSql('customer', 'due', 7, 'summary').summary,
          [asOf, 'USD', bucketLowerBounds(DEFAULT_THRESHOLDS), null, null]);
        expect(kept.rows.length).toBeGreaterThan(0);
        // ... and say what the items say, on every grouping.
        for (const by of ['customer', 'collector', 'sales-rep', 'region', 'none'] as const) {
          const r = await report({ by, asOf });
          const naive = naiveAging(w, { asOf, by, basis: 'due', thresholds: [30, 45, 60, 90, 120],
            currency: 'USD' });
          expect(Object.fromEntries(r.rows.map(({ key, name, totalCents, unappliedCents,
            amountsCents }) => [key, { name, totalCents, unappliedCents, amountsCents }])))
            .toEqual(Object.fromEntries(naive));
        }
        // Another date or currency is not theirs to answer.
        const other = await db.query(buildAgingSql('customer', 'due', 7, 'summary').summary,
          ['2026-05-31', 'USD', bucketLowerBounds(DEFAULT_THRESHOLDS), null, null]);
        expect(other.rows).toEqual([]);
        const eur = await db.query(buildAgingSql('customer', 'due', 7, 'summary').summary,
          [asOf, 'EUR', bucketLowerBounds(DEFAULT_THRESHOLDS), null, null]);
        expect(eur.rows).toEqual([]);
      };
      await check(AS_OF);
      // A new invoice and a payment applied after the summaries were dated move them too.
      const alpha = w.customers.find((c) => c.accountNumber === 'A100')!.id;
      const inv = await w.document(alpha, 'invoice', 'SUM-1', '2026-06-01', '2026-06-10', 7_700);
      const pay = await w.document(alpha, 'payment', 'SUM-P', '2026-06-20', '2026-06-20', 5_000);
      await w.apply(pay, inv, 2_500, '2026-06-25');
      await check(AS_OF);
      await check('2026-07-15');
      expect((await verifyLedger(db)).filter((d) => d.check === 'customer_summary')).toEqual([]);
    });
});
