import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshDb } from './support/db.ts';
import { customer, post } from './ledger-fixtures.ts';

// An UPDATE of documents keeps customer_summary from its own changes (migration 030): each
// updated document's old open amount leaves the sums and counts and the new one enters them; the
// oldest open due date is read again when the item due on it closes. Whatever the statement
// does, the rows must be those customer_summary_of computes from the documents, and the open
// dates those of customer_open_dates_of.

let db: Awaited<ReturnType<typeof freshDb>>;
const ids = new Map<string, number>();

/** Rows in one and not the other, both ways: none when the trigger kept them right. */
async function differences(): Promise<unknown[]> {
  const r = await db.query(
    `(SELECT 'kept' AS side, * FROM customer_open_dates
      EXCEPT ALL SELECT 'kept', * FROM customer_open_dates_of())
     UNION ALL
     (SELECT 'derived', * FROM customer_open_dates_of()
      EXCEPT ALL SELECT 'derived', * FROM customer_open_dates)`);
  const summaries = await db.query(
    `SELECT s.* FROM customer_summary s
     LEFT JOIN customer_summary_of(summary_date(), base_currency()) x
       ON x.customer_id = s.customer_id
     WHERE (s.balance_cents, s.past_due_cents, s.unapplied_cents, s.open_items,
         s.oldest_open_due_date, s.aging_items, s.aging_unapplied_cents, s.aging_a0, s.aging_a1,
         s.aging_a2, s.aging_a3, s.aging_a4, s.aging_a5, s.aging_a6)
       IS DISTINCT FROM (coalesce(x.balance, 0), coalesce(x.past_due, 0),
         coalesce(x.unapplied, 0), coalesce(x.n, 0), x.oldest, coalesce(x.aging_items, 0),
         coalesce(x.aging_unapplied, 0), coalesce(x.a0, 0), coalesce(x.a1, 0),
         coalesce(x.a2, 0), coalesce(x.a3, 0), coalesce(x.a4, 0), coalesce(x.a5, 0),
         coalesce(x.a6, 0))`);
  return [...r.rows, ...summaries.rows];
}

beforeAll(async () => {
  db = await freshDb();
  const a = (await customer(db, { name: 'Alder Supply' })).id;
  const b = (await customer(db, { name: 'Birch Goods' })).id;
  ids.set('A', a).set('B', b);
  const docs: [string, 'invoice' | 'credit_memo' | 'payment', number | null, string, string,
    number][] = [
    // key, type, customer, document date, due date, amount
    ['a1', 'invoice', a, '2026-01-10', '2026-02-09', 10000],
    ['a2', 'invoice', a, '2026-01-12', '2026-02-09', 5000],
    ['a4', 'invoice', a, '2026-01-25', '2026-02-24', 3000],
    ['ac', 'credit_memo', a, '2026-01-15', '2026-01-15', 3000],
    // Not yet due, and dated after the summary date (not aged).
    ['a5', 'invoice', a, '2026-02-20', '2026-03-22', 4000],
    ['a6', 'invoice', a, '2026-03-05', '2026-04-04', 6000],
    ['a7', 'invoice', a, '2025-10-01', '2025-10-31', 900],
    ['b1', 'invoice', b, '2026-01-10', '2026-02-09', 8000],
    ['p', 'payment', null, '2026-02-01', '2026-02-01', 12000],
  ];
  for (const [key, type, c, dated, due, cents] of docs) {
    ids.set(key, (await post(db, type, c, dated, cents, { dueDate: due })).id);
  }
  // Due before its document date (an irregular item, read from the documents, not the arrays):
  // written directly, as an import may bring it.
  const r = await db.query<{ id: number }>(
    `INSERT INTO documents (customer_id, type, number, document_date, due_date, amount_cents,
       open_cents, currency, created_by)
     VALUES ($1, 'invoice', 'IRR-1', '2026-01-20', '2026-01-05', 7000, 7000, 'USD', 'test')
     RETURNING id`, [a]);
  ids.set('a3', r.rows[0]!.id);
  // Items in every bucket of the summary's aging.
  await db.query("SELECT refresh_all_customer_summaries('2026-03-01')");
  expect(await differences()).toEqual([]);
});
afterAll(async () => db.dispose());

// Each step sets open amounts in one statement, as the set-based writers do; in order.
const steps: [string, [string, number][], string?][] = [
  ['one item of a shared due date closes: the date stays with the other', [['a1', 0]]],
  ['the other closes too: the date goes', [['a2', 0]]],
  ['an item due before its document date moves (not in the arrays)', [['a3', 2000]]],
  ['a credit memo partly applied, and an item of another customer closed', [['ac', -1000],
    ['b1', 0]]],
  ['a closed item open again (a reversal), a credit closed', [['a1', 4000], ['ac', 0]]],
  ['an unidentified payment assigned, part applied', [['p', -2000]], 'A'],
  ['several items of both customers at once, one closing the last date of its side',
    [['a1', 0], ['a4', 1000], ['b1', 8000], ['p', 0], ['a3', 0]]],
  ['the oldest due closes, and items of other buckets move', [['a7', 0], ['a5', 100],
    ['a6', 10]]],
  ['every open item closed: the rows go', [['a1', 0], ['a4', 0], ['a5', 0], ['a6', 0],
    ['b1', 0]]],
];

describe('customer summaries kept from the changes of an UPDATE', () => {
  it.each(steps)('%s', async (_, changes, assign) => {
    const keys = changes.map(([k]) => ids.get(k)!);
    await db.query(
      `UPDATE documents d SET open_cents = v.open,
         customer_id = coalesce(d.customer_id, $3::bigint)
       FROM unnest($1::bigint[], $2::bigint[]) AS v(id, open) WHERE d.id = v.id`,
      [keys, changes.map(([, open]) => open), assign ? ids.get(assign)! : null]);
    expect(await differences()).toEqual([]);
  });

  it('leaves no row for a customer without open items', async () => {
    const r = await db.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM customer_open_dates WHERE customer_id = ANY($1::bigint[])',
      [[ids.get('A'), ids.get('B')]]);
    expect(r.rows[0]!.n).toBe(0);
  });
});
