import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_THRESHOLDS } from '../src/domain/aging.ts';
import { addDays } from '../src/domain/dates.ts';
import { verifyLedger } from '../src/ledger/verify.ts';
import { agingReport, type AgingQuery } from '../src/reports/aging.ts';
import { LedgerWriter, naiveAging, seedBackDated } from './aging-fixtures.ts';
import { freshDb } from './support/db.ts';

// The aging as of any date must be exactly the definition (open = amount -/+ applications
// effective on or before the date, debits by sign into buckets, credits into unapplied), also
// when applications were entered back-dated, reversed, or on a payment that had no customer yet:
// then an item's open amount on some past date can have the "wrong" sign (a debit applied twice
// over, a credit applied back), and the definition puts it where its sign says.

let db: Awaited<ReturnType<typeof freshDb>>;
let w: LedgerWriter;
/** The customer F600, whose book has a debit due before its document date. */
let lateCustomer: number;

beforeAll(async () => {
  db = await freshDb();
  w = await seedBackDated(db);
  lateCustomer = w.customers.find((c) => c.accountNumber === 'F600')!.id;
});
afterAll(async () => db.dispose());

async function rows(q: Omit<AgingQuery, 'by' | 'basis'> & Partial<AgingQuery>) {
  const r = await agingReport(db, { by: 'customer', basis: 'due', ...q });
  if (!r.ok) throw new Error(JSON.stringify(r.error));
  return Object.fromEntries(r.value.rows.map(({ key, name, totalCents, unappliedCents,
    amountsCents }) => [key, { name, totalCents, unappliedCents, amountsCents }]));
}

function naive(q: { asOf: string; by: AgingQuery['by']; basis: AgingQuery['basis'];
  thresholds?: readonly number[]; currency?: string }) {
  return Object.fromEntries(naiveAging(w, { thresholds: DEFAULT_THRESHOLDS, currency: 'USD',
    ...q }));
}

describe('aging with back-dated applications and reversals', () => {
  it('puts an item applied twice over on a past date where its sign says', async () => {
    const r = await rows({ asOf: '2026-03-15' });
    // E-I1 -100.00 (twice applied) and E-P3 +50.00 (over-applied, 64 days past due: 61-90).
    expect(r.E500).toEqual({ name: 'Echo Tools', totalCents: -5_000, unappliedCents: -10_000,
      amountsCents: [0, 0, 0, 0, 5_000, 0, 0] });
    expect(r).toEqual(naive({ asOf: '2026-03-15', by: 'customer', basis: 'due' }));
  });

  it('equals the definition on every date, grouping, basis, buckets and currency', async () => {
    const groupings = ['customer', 'collector', 'sales-rep', 'region', 'none'] as const;
    // The day before, of and after every date of the book, and a week apart around them.
    const dated = [...w.documents.map((d) => d.documentDate), ...w.documents.map((d) => d.dueDate),
      ...w.applications.map((a) => a.appliedOn)];
    const days = new Set(dated.flatMap((d) => [addDays(d, -1), d, addDays(d, 1)]));
    for (let day = 0; day <= 140; day += 7) days.add(addDays('2025-11-20', day));
    for (const [i, asOf] of [...days].sort().entries()) {
      const by = groupings[i % groupings.length]!;
      for (const basis of ['due', 'invoice'] as const) {
        expect(await rows({ asOf, by, basis }), `${asOf} ${by} ${basis}`)
          .toEqual(naive({ asOf, by, basis }));
      }
      const thresholds = [7, 40];
      expect(await rows({ asOf, thresholds }))
        .toEqual(naive({ asOf, by: 'customer', basis: 'due', thresholds }));
      expect(await rows({ asOf, currency: 'EUR' }))
        .toEqual(naive({ asOf, by: 'customer', basis: 'due', currency: 'EUR' }));
    }
  }, 240_000);

  it('keeps a payment applied before it had a customer with that customer', async () => {
    const r = await rows({ asOf: '2026-03-12' });
    expect(Object.keys(r)).not.toContain('(unidentified)');
    expect(r.F600).toEqual(naive({ asOf: '2026-03-12', by: 'customer', basis: 'due' }).F600);
    expect((await verifyLedger(db)).filter((d) => d.check === 'application')).toEqual([]);
  });
});

describe("the documents' columns copied onto applications (migration 026)", () => {
  it('are filled from the documents when the insert gives no currency, whatever else it says',
    async () => {
    const inv = w.documents.find((d) => d.number === 'F-I4')!;
    const pay = w.documents.find((d) => d.number === 'F-P4')!;
    const r = await db.query<Record<string, string | number | null>>(
      `INSERT INTO applications (credit_id, debit_id, amount_cents, applied_on, created_by,
         debit_customer_id, debit_due_date, credit_document_date)
       VALUES ($1, $2, 1, '2026-04-30', 't', 999, '2000-01-01', '2000-01-01')
       RETURNING currency, debit_customer_id::int AS "debitCustomer",
         to_char(debit_document_date, 'YYYY-MM-DD') AS "debitDated",
         to_char(debit_due_date, 'YYYY-MM-DD') AS "debitDue",
         credit_customer_id::int AS "creditCustomer",
         to_char(credit_document_date, 'YYYY-MM-DD') AS "creditDated"`,
      [pay.id, inv.id]);
    expect(r.rows[0]).toEqual({ currency: 'USD', debitCustomer: inv.customerId,
      debitDated: inv.documentDate, debitDue: inv.dueDate, creditCustomer: pay.customerId,
      creditDated: pay.documentDate });
    // Reversed at once: the book (and the definition the tests above compare with) is unchanged.
    await db.query(`INSERT INTO applications (credit_id, debit_id, amount_cents, applied_on,
      reverses_id, created_by) SELECT credit_id, debit_id, -1, '2026-05-01', id, 't'
      FROM applications WHERE amount_cents = 1`);
    expect((await verifyLedger(db)).filter((d) => d.check === 'application')).toEqual([]);
  });

  it('are taken as given when the writer fills them (migration 027), and checked by verify',
    async () => {
    // A set-based writer fills them itself: the trigger does not run. Wrong ones are found.
    const inv = w.documents.find((d) => d.number === 'F-I6')!;
    const pay = w.documents.find((d) => d.number === 'F-P4')!;
    const r = await db.query<{ id: number; due: string }>(
      `INSERT INTO applications (credit_id, debit_id, amount_cents, applied_on, created_by,
         currency, debit_customer_id, debit_document_date, debit_due_date, credit_customer_id,
         credit_document_date)
       VALUES ($1, $2, 1, '2026-04-30', 't', 'USD', $3, $4, '2000-01-01', $3, $5)
       RETURNING id::int, to_char(debit_due_date, 'YYYY-MM-DD') AS due`,
      [pay.id, inv.id, inv.customerId, inv.documentDate, pay.documentDate]);
    expect(r.rows[0]!.due).toBe('2000-01-01');
    const id = r.rows[0]!.id;
    expect((await verifyLedger(db)).filter((d) => d.check === 'application')).toEqual([
      { check: 'application', applicationId: id, problem: 'copy_differs' }]);
    await db.transaction(async (tx) => {
      await tx.query('SET LOCAL session_replication_role = replica');
      await tx.query('UPDATE applications SET debit_due_date = $2 WHERE id = $1',
        [id, inv.dueDate]);
    });
    await db.query(`INSERT INTO applications (credit_id, debit_id, amount_cents, applied_on,
      reverses_id, created_by) VALUES ($1, $2, -1, '2026-05-01', $3, 't')`,
    [pay.id, inv.id, id]);
    expect((await verifyLedger(db)).filter((d) => d.check === 'application')).toEqual([]);
  });

  it('refuse an application across currencies, and keep the due date', async () => {
    const usd = w.documents.find((d) => d.number === 'F-I5')!;
    const eur = w.documents.find((d) => d.number === 'G-P7')!;
    await expect(db.query(`INSERT INTO applications (credit_id, debit_id, amount_cents,
      applied_on, created_by) VALUES ($1, $2, 1, '2026-04-30', 't')`, [eur.id, usd.id]))
      .rejects.toThrow(/currencies differ/);
    await expect(db.query(`UPDATE documents SET due_date = '2026-12-31' WHERE id = $1`,
      [usd.id])).rejects.toThrow(/only its open amount may change/);
  });

  it('record the dates on which an item was over-applied', async () => {
    const windows = await db.query<{ number: string; from: string; to: string }>(
      `SELECT d.number, w.from_on::text AS from, w.to_on::text AS to
       FROM aging_over_applied w JOIN documents d ON d.id = w.document_id ORDER BY 1, 2`);
    // E-I1 applied by P1 and P2 between 03-01 and the reversal on 04-01, E-P3 likewise, and
    // F-I4 (paid in full) applied one cent more by the test above: as far as anyone knew then,
    // for good (its reversal the next day does not narrow the window; the aging checks it).
    expect(windows.rows).toEqual([
      { number: 'E-I1', from: '2026-03-01', to: '2026-04-01' },
      { number: 'E-P3', from: '2026-03-01', to: '2026-04-01' },
      { number: 'F-I4', from: '2026-04-30', to: 'infinity' },
    ]);
    expect((await verifyLedger(db)).filter((d) => d.check === 'over_applied_dates'))
      .toEqual([]);
    await db.query('DELETE FROM aging_over_applied');
    expect((await verifyLedger(db)).filter((d) => d.check === 'over_applied_dates'))
      .toEqual(windows.rows.map((x) => ({ check: 'over_applied_dates',
        documentId: w.documents.find((d) => d.number === x.number)!.id })));
  });

  it('are re-derived by arc verify', async () => {
    const a = w.applications[0]!;
    await db.transaction(async (tx) => {
      // Around the append-only trigger, as only a bulk load with triggers off could.
      await tx.query('SET LOCAL session_replication_role = replica');
      await tx.query(`UPDATE applications SET debit_due_date = debit_due_date + 1 WHERE id = $1`,
        [a.id]);
    });
    expect((await verifyLedger(db)).filter((d) => d.check === 'application')).toEqual([
      { check: 'application', applicationId: a.id, problem: 'copy_differs' }]);
    await db.transaction(async (tx) => {
      await tx.query('SET LOCAL session_replication_role = replica');
      await tx.query(`UPDATE applications SET debit_due_date = debit_due_date - 1 WHERE id = $1`,
        [a.id]);
    });
  });
});

describe("customers' open items by date (migration 028)", () => {
  const differences = async () => (await verifyLedger(db))
    .filter((d) => d.check === 'customer_open_dates');

  it('keep running totals of the open items, without the debit due before its date', async () => {
    const r = await db.query<{ due: string[]; dueCents: number[]; credit: string[];
      creditCents: number[] }>(
      `SELECT due_on::text[] AS due, due_cents::int[] AS "dueCents", credit_on::text[] AS credit,
         credit_cents::int[] AS "creditCents"
       FROM customer_open_dates WHERE customer_id = $1 AND currency = 'USD'`, [lateCustomer]);
    // F600: F-I6 30.00 of 70.00 open (due 03-03); F-DM1 (due 02-10, dated 02-20) is not kept;
    // F-P4 100.00 open less 15.00 on F-DM1, and U-P9 (assigned) 30.00 left.
    expect(r.rows).toEqual([{ due: ['2026-03-03'], dueCents: [3_000],
      credit: ['2026-01-20', '2026-02-15'], creditCents: [-8_500, -11_500] }]);
    expect(await differences()).toEqual([]);
  });

  it('are re-derived by arc verify', async () => {
    await db.query(`UPDATE customer_open_dates SET due_cents[1] = due_cents[1] + 1
      WHERE customer_id = $1`, [lateCustomer]);
    const echo = w.customers.find((c) => c.accountNumber === 'E500')!.id;
    await db.query('DELETE FROM customer_open_dates WHERE customer_id = $1', [echo]);
    expect(await differences()).toEqual([
      { check: 'customer_open_dates', customerId: Math.min(echo, lateCustomer), currency: 'USD' },
      { check: 'customer_open_dates', customerId: Math.max(echo, lateCustomer), currency: 'USD' },
    ]);
    await db.query('SELECT refresh_customer_summaries($1::bigint[])', [[echo, lateCustomer]]);
    expect(await differences()).toEqual([]);
    // A row left over (Golf has no USD item) and one changed: the full rebuild mends both.
    const golf = w.customers.find((c) => c.accountNumber === 'G700')!.id;
    await db.query(`INSERT INTO customer_open_dates (customer_id, currency, credit_on,
      credit_cents) VALUES ($1, 'USD', '{2026-01-01}', '{-1}')`, [golf]);
    await db.query(`UPDATE customer_open_dates SET credit_cents = NULL WHERE customer_id = $1`,
      [lateCustomer]);
    expect(await differences()).toHaveLength(2);
    await db.query('SELECT refresh_all_customer_open_dates()');
    expect(await differences()).toEqual([]);
  });
});
