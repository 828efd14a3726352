import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bucketLowerBounds, DEFAULT_THRESHOLDS, type AgingGrouping } from '../src/domain/aging.ts';
import { addDays } from '../src/domain/dates.ts';
import { buildAgingPeriod, keepAgingPeriods } from '../src/ledger/aging-periods.ts';
import { verifyLedger } from '../src/ledger/verify.ts';
import { agingReport, buildAgingSql } from '../src/reports/aging.ts';
import { parseAmounts } from '../src/reports/aging-sql.ts';
import { LedgerWriter, naiveAging, seedBackDated } from './aging-fixtures.ts';
import { freshDb, onPostgres } from './support/db.ts';

// The month ends the aging keeps as bases for past dates (migration 031): kept exact by every
// back-dated write, from the moment they are built; the aging from any kept month end on or
// after a date equals the definition; a period that is not (or no longer) kept gives no row, and
// the report then reads the items.

let db: Awaited<ReturnType<typeof freshDb>>;
let w: LedgerWriter;
/** Business date of the tests: the periods are the six month ends before it. */
const TODAY = '2026-05-15';
const ENDS = ['2026-04-30', '2026-03-31', '2026-02-28', '2026-01-31', '2025-12-31', '2025-11-30'];

beforeAll(async () => {
  db = await freshDb();
  // Built before the book is written: every write of it is back-dated into them (the triggers).
  expect((await keepAgingPeriods(db, TODAY, { count: 6 })).built.map((b) => b.periodEnd))
    .toEqual(ENDS);
  w = await seedBackDated(db);
});
afterAll(async () => db.dispose());

type Rows = Record<string, { name: string; totalCents: number; unappliedCents: number;
  amountsCents: number[] }>;

function naive(q: { asOf: string; by: AgingGrouping; basis: 'due' | 'invoice';
  thresholds?: readonly number[]; currency?: string }): Rows {
  return Object.fromEntries(naiveAging(w, { thresholds: DEFAULT_THRESHOLDS, currency: 'USD',
    ...q }));
}

/** The aging computed from the period ending `end`, straight from its statement. */
async function fromPeriod(q: { asOf: string; by: AgingGrouping; basis: 'due' | 'invoice';
  thresholds?: readonly number[]; currency?: string }, end: string): Promise<Rows> {
  const thresholds = q.thresholds ?? DEFAULT_THRESHOLDS;
  const count = thresholds.length + 2;
  const r = await db.query<{ key: string; name: string; amounts: string }>(
    buildAgingSql(q.by, q.basis, count, 'period').summary,
    [q.asOf, q.currency ?? 'USD', bucketLowerBounds(thresholds), null, null, end]);
  return Object.fromEntries(r.rows.map((row) => {
    const [totalCents, unappliedCents, ...amountsCents] = parseAmounts(row.amounts, count);
    return [row.key, { name: row.name, totalCents: totalCents!, unappliedCents: unappliedCents!,
      amountsCents }];
  }));
}

/**
 * A transaction that writes with `write` (the documents remembered by `w` too) and stays open
 * until released: a writer in flight.
 */
async function heldWrite(write: (tx: LedgerWriter) => Promise<unknown>) {
  let release!: () => void;
  const held = new Promise<void>((resolve) => { release = resolve; });
  let wrote!: () => void;
  const written = new Promise<void>((resolve) => { wrote = resolve; });
  const committed = db.transaction(async (tx) => {
    const t = new LedgerWriter(tx);
    await write(t);
    w.documents.push(...t.documents);
    wrote();
    await held;
  });
  await Promise.race([written, committed]);
  return { release, committed };
}

async function periodRows(): Promise<unknown[]> {
  const r = await db.query(`
    SELECT period_end::text, customer_id::int, currency, due_on::text, due_cents::text,
      debit_on::text, debit_cents::text, credit_on::text, credit_cents::text
    FROM period_open_dates ORDER BY 1, 2, 3`);
  const irregular = await db.query(`SELECT period_end::text, document_id::int, customer_id::int,
      open_cents::int FROM period_open_irregular ORDER BY 1, 2`);
  return [...r.rows, ...irregular.rows];
}

describe('the aging periods (kept month ends)', () => {
  it('are kept exact by every back-dated write: the same as built afresh, and verified',
    async () => {
    const kept = await periodRows();
    expect(kept.length).toBeGreaterThan(10);
    // The book's debit memo due before its document date is kept item by item.
    const irregular = await db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM period_open_irregular`);
    expect(irregular.rows[0]!.n).toBeGreaterThan(0);
    expect((await verifyLedger(db)).filter((d) => d.check === 'aging_period')).toEqual([]);
    const again = await keepAgingPeriods(db, TODAY, { count: 6, rebuild: true });
    expect(again.built.map((b) => b.periodEnd)).toEqual(ENDS);
    expect(await periodRows()).toEqual(kept);
  });

  it('give the definition from every kept month end on or after the date', async () => {
    const dated = [...w.documents.map((d) => d.documentDate), ...w.documents.map((d) => d.dueDate),
      ...w.applications.map((a) => a.appliedOn), ...ENDS];
    const days = [...new Set(dated.flatMap((d) => [addDays(d, -1), d, addDays(d, 1)]))]
      .filter((d) => d <= ENDS[0]!).sort();
    const groupings = ['customer', 'collector', 'sales-rep', 'region', 'none'] as const;
    let compared = 0;
    for (const [i, asOf] of days.entries()) {
      const by = groupings[i % groupings.length]!;
      for (const end of ENDS.filter((e) => e >= asOf)) {
        for (const basis of ['due', 'invoice'] as const) {
          expect(await fromPeriod({ asOf, by, basis }, end), `${asOf} from ${end} ${by} ${basis}`)
            .toEqual(naive({ asOf, by, basis }));
          compared += 1;
        }
      }
      const end = ENDS.filter((e) => e >= asOf).at(-1)!;
      expect(await fromPeriod({ asOf, by: 'customer', basis: 'due', thresholds: [7, 40] }, end))
        .toEqual(naive({ asOf, by: 'customer', basis: 'due', thresholds: [7, 40] }));
      expect(await fromPeriod({ asOf, by: 'customer', basis: 'due', currency: 'EUR' }, end))
        .toEqual(naive({ asOf, by: 'customer', basis: 'due', currency: 'EUR' }));
    }
    expect(compared).toBeGreaterThan(100);
  }, 240_000);

  it('give no row from a month end that is not kept, and the report reads the items', async () => {
    const asOf = '2026-03-15';
    expect(await fromPeriod({ asOf, by: 'customer', basis: 'due' }, '2026-05-31')).toEqual({});
    // A kept month end before the date is no base for it either.
    expect(await fromPeriod({ asOf, by: 'customer', basis: 'due' }, '2026-02-28')).toEqual({});
    const r = await agingReport(db, { asOf: '2026-05-10', by: 'customer', basis: 'due' });
    if (!r.ok) throw new Error(JSON.stringify(r.error));
    expect(Object.fromEntries(r.value.rows.map(({ key, name, totalCents, unappliedCents,
      amountsCents }) => [key, { name, totalCents, unappliedCents, amountsCents }])))
      .toEqual(naive({ asOf: '2026-05-10', by: 'customer', basis: 'due' }));
  });

  it('are dropped by a write too large to refresh, and built again by the job', async () => {
    // 60 customers invoiced in one statement, back-dated into January: 4 periods x 60
    // customers is past the refresh limit (100 customer-periods).
    const made = await db.query<{ id: number; account: string }>(`
      INSERT INTO customers (account_number, name)
      SELECT 'BULK' || lpad(i::text, 4, '0'), 'Bulk customer ' || i FROM generate_series(1, 60) i
      RETURNING id::int, account_number AS account`);
    const docs = await db.query<{ id: number; customer: number; number: string }>(`
      INSERT INTO documents (customer_id, type, number, document_date, due_date, amount_cents,
        open_cents, currency, created_by)
      SELECT id, 'invoice', 'BULK-' || id, '2026-01-10', '2026-02-09', 1000 + id, 1000 + id,
        'USD', 't' FROM unnest($1::bigint[]) id
      RETURNING id::int, customer_id::int AS customer, number`, [made.rows.map((c) => c.id)]);
    for (const c of made.rows) {
      w.customers.push({ id: c.id, accountNumber: c.account, name: `Bulk customer ${
        Number(c.account.slice(4))}`, collector: null, salesRep: null, region: null });
    }
    for (const d of docs.rows) {
      w.documents.push({ id: d.id, customerId: d.customer, type: 'invoice', number: d.number,
        documentDate: '2026-01-10', dueDate: '2026-02-09', amountCents: 1000 + d.customer,
        currency: 'USD' });
    }
    const left = await db.query<{ end: string }>(
      'SELECT period_end::text AS end FROM aging_periods ORDER BY 1 DESC');
    expect(left.rows.map((r) => r.end)).toEqual(ENDS.slice(4));
    // The report reads the items meanwhile: still the definition.
    const asOf = '2026-03-20';
    const r = await agingReport(db, { asOf, by: 'customer', basis: 'due' });
    if (!r.ok) throw new Error(JSON.stringify(r.error));
    expect(r.value.rows).toHaveLength(Object.keys(naive({ asOf, by: 'customer', basis: 'due' }))
      .length);
    const job = await keepAgingPeriods(db, TODAY, { count: 6 });
    expect(job.built.map((b) => b.periodEnd)).toEqual(ENDS.slice(0, 4));
    expect(await fromPeriod({ asOf, by: 'customer', basis: 'due' }, '2026-03-31'))
      .toEqual(naive({ asOf, by: 'customer', basis: 'due' }));
    expect((await verifyLedger(db)).filter((d) => d.check === 'aging_period')).toEqual([]);
  });

  it('move with the business date: the month end past a year and one is dropped', async () => {
    const moved = await keepAgingPeriods(db, '2026-06-02', { count: 6 });
    expect(moved.built.map((b) => b.periodEnd)).toEqual(['2026-05-31']);
    expect(moved.dropped).toEqual(['2025-11-30']);
    expect(moved.kept).toEqual(['2026-05-31', ...ENDS.slice(0, 5)]);
    expect(await fromPeriod({ asOf: '2026-05-20', by: 'customer', basis: 'invoice' },
      '2026-05-31')).toEqual(naive({ asOf: '2026-05-20', by: 'customer', basis: 'invoice' }));
  });

  it('are found wrong by verify when a row is not what the ledger says', async () => {
    await db.query(`UPDATE period_open_dates SET credit_cents = credit_cents[1:0]
      WHERE period_end = '2026-04-30' AND customer_id = $1`,
    [w.customers.find((c) => c.accountNumber === 'E500')!.id]);
    expect((await verifyLedger(db)).filter((d) => d.check === 'aging_period')).toEqual([
      { check: 'aging_period', periodEnd: '2026-04-30', currency: 'USD',
        customerId: w.customers.find((c) => c.accountNumber === 'E500')!.id }]);
    await keepAgingPeriods(db, '2026-06-02', { count: 6, rebuild: true });
    expect((await verifyLedger(db)).filter((d) => d.check === 'aging_period')).toEqual([]);
  });

  it('wait for a back-dated writer in flight when announced, and hold what it wrote', async () => {
    const e = w.customers.find((c) => c.accountNumber === 'E500')!.id;
    const inv = await w.document(e, 'invoice', 'E-LATE', '2026-04-02', '2026-05-02', 1_234);
    if (!onPostgres()) {
      // One connection (PGlite): one after the other.
      await keepAgingPeriods(db, '2026-06-02', { count: 6, rebuild: true });
    } else {
      // The writer's transaction posts a payment back-dated into April and holds it open while
      // the build starts: the build waits for it (and the writer is not cancelled).
      const writer = await heldWrite((t) => t.document(e, 'payment', 'E-LATE-P', '2026-04-10',
        '2026-04-10', 1_234));
      const build = keepAgingPeriods(db, '2026-06-02', { count: 6, rebuild: true });
      await new Promise((resolve) => setTimeout(resolve, 700));
      writer.release();
      await writer.committed;
      await build;
    }
    expect(inv).toBeGreaterThan(0);
    expect(await fromPeriod({ asOf: '2026-04-15', by: 'customer', basis: 'due' }, '2026-04-30'))
      .toEqual(naive({ asOf: '2026-04-15', by: 'customer', basis: 'due' }));
    expect((await verifyLedger(db)).filter((d) => d.check === 'aging_period')).toEqual([]);
  });

  it('note a back-dated write made while one is computed, and refresh it when finished',
    async () => {
    const f = w.customers.find((c) => c.accountNumber === 'F600')!.id;
    await buildAgingPeriod(db, '2026-03-31', async () => {
      // Computed already, not ready yet: the write is noted, the period is not used meanwhile.
      await w.document(f, 'invoice', 'F-MID', '2026-03-05', '2026-04-04', 4_321);
      const pending = await db.query<{ c: number }>(`SELECT customer_id::int AS c
        FROM aging_period_pending WHERE period_end = '2026-03-31'`);
      expect(pending.rows).toEqual([{ c: f }]);
      expect(await fromPeriod({ asOf: '2026-03-20', by: 'customer', basis: 'due' },
        '2026-03-31')).toEqual({});
      const r = await agingReport(db, { asOf: '2026-03-20', by: 'customer', basis: 'due' });
      if (!r.ok) throw new Error(JSON.stringify(r.error));
      expect(r.value.rows.find((row) => row.key === 'F600')?.totalCents)
        .toBe(naive({ asOf: '2026-03-20', by: 'customer', basis: 'due' }).F600!.totalCents);
    });
    if (onPostgres()) {
      // A writer still in flight when the build finishes: the finish waits for its note.
      await buildAgingPeriod(db, '2026-03-31', async () => {
        const writer = await heldWrite((t) => t.document(f, 'invoice', 'F-MID2', '2026-03-06',
          '2026-04-05', 777));
        setTimeout(writer.release, 700);
        void writer.committed;
      });
    }
    const pending = await db.query('SELECT * FROM aging_period_pending');
    expect(pending.rows).toEqual([]);
    expect(await fromPeriod({ asOf: '2026-03-20', by: 'customer', basis: 'due' }, '2026-03-31'))
      .toEqual(naive({ asOf: '2026-03-20', by: 'customer', basis: 'due' }));
    expect((await verifyLedger(db)).filter((d) => d.check === 'aging_period')).toEqual([]);
  });
});
