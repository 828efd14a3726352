import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyLedger } from '../src/ledger/verify.ts';
import { seedHandMade } from './aging-fixtures.ts';
import { freshDb } from './support/db.ts';

// A bulk load of invoices refreshes every customer at once (refresh_all_customer_summaries,
// refresh_all_customer_open_dates: migration 029 computes the open dates in one sort). The rows
// must be exactly those the per-customer refresh writes (refresh_customer_summaries, through
// the documents' statement triggers), on a book with every kind of item.

type TestDb = Awaited<ReturnType<typeof freshDb>>;

describe('refreshing every customer at once', () => {
  let db: TestDb;
  beforeAll(async () => {
    db = await freshDb();
    const w = await seedHandMade(db);
    // Several items on one date (one day of the running totals), a debit due before its date
    // (left to the items), another currency beside the customer's own, a customer whose only
    // item is paid (no row at all), credits on one date.
    const e = await w.customer('E500', 'Echo Trading');
    for (const n of [1, 2, 3]) {
      await w.document(e, 'invoice', `E${n}`, '2026-04-01', '2026-05-01', 1_000 * n);
    }
    await w.document(e, 'invoice', 'E4', '2026-04-01', '2026-04-20', 700);
    await w.document(e, 'debit_memo', 'E5', '2026-05-10', '2026-05-01', 300);
    await w.document(e, 'invoice', 'E6', '2026-05-02', '2026-06-01', 4_400, 'EUR');
    await w.document(e, 'credit_memo', 'E7', '2026-05-05', '2026-05-05', 250);
    await w.document(e, 'credit_memo', 'E8', '2026-05-05', '2026-05-05', 150);
    const f = await w.customer('F600', 'Foxtrot Paid');
    const fi = await w.document(f, 'invoice', 'F1', '2026-02-01', '2026-03-03', 9_000);
    const fp = await w.document(f, 'payment', 'PF1', '2026-03-01', '2026-03-01', 9_000);
    await w.apply(fp, fi, 9_000, '2026-03-01');
  });
  afterAll(async () => {
    await db.dispose();
  });

  const rows = async (table: string) =>
    (await db.query(`SELECT * FROM ${table} ORDER BY 1, 2`)).rows;

  it('gives the open dates of the per-customer refresh, writing only what differs', async () => {
    const perCustomer = await rows('customer_open_dates');
    expect(perCustomer.length).toBeGreaterThanOrEqual(6);
    expect(await rows('customer_open_dates_of()')).toEqual(perCustomer);
    const idOf = async (account: string) => (await db.query<{ id: number }>(
      'SELECT id FROM customers WHERE account_number = $1', [account])).rows[0]!.id;
    const [a, e, f] = [await idOf('A100'), await idOf('E500'), await idOf('F600')];
    await db.query('DELETE FROM customer_open_dates WHERE customer_id = $1', [a]);
    await db.query(`UPDATE customer_open_dates SET due_cents[1] = due_cents[1] + 1
      WHERE customer_id = $1 AND currency = 'USD'`, [e]);
    await db.query(`INSERT INTO customer_open_dates (customer_id, currency, credit_on,
      credit_cents) VALUES ($1, 'USD', '{2026-01-01}', '{-1}')`, [f]);
    expect(await rows('customer_open_dates')).not.toEqual(perCustomer);
    await db.query('SELECT refresh_all_customer_open_dates()');
    expect(await rows('customer_open_dates')).toEqual(perCustomer);
    // (The fixtures write no journal entries: only the open dates' check applies here.)
    expect((await verifyLedger(db)).filter((d) => d.check === 'customer_open_dates'))
      .toEqual([]);
  });

  it('gives the summaries of the per-customer refresh', async () => {
    const perCustomer = await rows('customer_summary');
    await db.query(`UPDATE customer_summary SET balance_cents = 0, past_due_cents = 0,
      open_items = 0, oldest_open_due_date = NULL, aging_a1 = 7`);
    await db.query('SELECT refresh_all_customer_summaries(summary_date())');
    expect(await rows('customer_summary')).toEqual(perCustomer);
  });
});
