import type { Queryable } from '../src/db/connection.ts';
import {
  addToAging, ageDays, ALL_KEY, bucketLabels, emptyAmounts, NO_VALUE_KEY, UNIDENTIFIED_KEY,
  type AgingAmounts, type AgingBasis, type AgingGrouping,
} from '../src/domain/aging.ts';
import { isCreditType } from '../src/domain/ledger.ts';

// Test data for the aging tests, written straight to the tables with open_cents kept equal to
// amount -/+ applications, and a naive aging computed in memory from the same rows.

export interface CustomerRow {
  id: number; accountNumber: string; name: string; collector: string | null;
  salesRep: string | null; region: string | null;
}

export interface DocumentRow {
  id: number; customerId: number | null; type: string; number: string; documentDate: string;
  dueDate: string; amountCents: number; currency: string;
}

export interface ApplicationRow {
  id: number; creditId: number; debitId: number; amountCents: number; appliedOn: string;
}

/** Writes customers, documents and applications, and remembers them for naiveAging. */
export class LedgerWriter {
  readonly customers: CustomerRow[] = [];
  readonly documents: DocumentRow[] = [];
  readonly applications: ApplicationRow[] = [];

  constructor(private readonly db: Queryable) {}

  async customer(accountNumber: string, name: string, extra: {
    collector?: string; salesRep?: string; region?: string; currency?: string;
  } = {}): Promise<number> {
    const r = await this.db.query<{ id: number }>(
      `INSERT INTO customers (account_number, name, collector, sales_rep, region, currency)
       VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`,
      [accountNumber, name, extra.collector ?? null, extra.salesRep ?? null,
        extra.region ?? null, extra.currency ?? 'USD'],
    );
    const id = r.rows[0]!.id;
    this.customers.push({ id, accountNumber, name, collector: extra.collector ?? null,
      salesRep: extra.salesRep ?? null, region: extra.region ?? null });
    return id;
  }

  /** A document of `amountCents` (positive; stored negative for credit types), fully open. */
  async document(customerId: number | null, type: string, number: string, documentDate: string,
    dueDate: string, amountCents: number, currency = 'USD'): Promise<number> {
    const signed = isCreditType(type) ? -amountCents : amountCents;
    const r = await this.db.query<{ id: number }>(
      `INSERT INTO documents (customer_id, type, number, document_date, due_date, amount_cents,
         open_cents, currency, method, created_by)
       VALUES ($1, $2, $3, $4, $5, $6, $6, $7, $8, 'test') RETURNING id`,
      [customerId, type, number, documentDate, dueDate, signed, currency,
        type === 'payment' ? 'check' : null],
    );
    const id = r.rows[0]!.id;
    this.documents.push({ id, customerId, type, number, documentDate, dueDate,
      amountCents: signed, currency });
    return id;
  }

  /** Applies `amountCents` of a credit to a debit on `appliedOn` (negative: with `reverses`). */
  async apply(creditId: number, debitId: number, amountCents: number, appliedOn: string,
    reverses: number | null = null): Promise<number> {
    const r = await this.db.query<{ id: number }>(
      `INSERT INTO applications (credit_id, debit_id, amount_cents, applied_on, reverses_id,
         created_by) VALUES ($1, $2, $3, $4, $5, 'test') RETURNING id`,
      [creditId, debitId, amountCents, appliedOn, reverses],
    );
    await this.db.query(
      `UPDATE documents SET open_cents = open_cents + CASE WHEN id = $1 THEN $3::bigint
         ELSE -$3::bigint END WHERE id IN ($1, $2)`,
      [creditId, debitId, amountCents],
    );
    const id = r.rows[0]!.id;
    this.applications.push({ id, creditId, debitId, amountCents, appliedOn });
    return id;
  }

  /** Reverses an application on `on`: a negative row pointing at it. */
  async reverse(applicationId: number, on: string): Promise<number> {
    const a = this.applications.find((x) => x.id === applicationId)!;
    return this.apply(a.creditId, a.debitId, -a.amountCents, on, applicationId);
  }
}

/** open(item, asOf) = amount - applications to it (debits) / + applications from it (credits). */
export function openAsOf(w: LedgerWriter, d: DocumentRow, asOf: string): number {
  let open = d.amountCents;
  for (const a of w.applications) {
    if (a.appliedOn > asOf) continue;
    if (a.debitId === d.id) open -= a.amountCents;
    if (a.creditId === d.id) open += a.amountCents;
  }
  return open;
}

function groupOf(c: CustomerRow | undefined, by: AgingGrouping): { key: string; name: string } {
  const value = (v: string | null | undefined): string => v ?? NO_VALUE_KEY;
  switch (by) {
    case 'customer':
      return c ? { key: c.accountNumber, name: c.name }
        : { key: UNIDENTIFIED_KEY, name: UNIDENTIFIED_KEY };
    case 'collector':
      return { key: value(c?.collector), name: value(c?.collector) };
    case 'sales-rep':
      return { key: value(c?.salesRep), name: value(c?.salesRep) };
    case 'region':
      return { key: value(c?.region), name: value(c?.region) };
    case 'none':
      return { key: ALL_KEY, name: ALL_KEY };
  }
}

/** The aging straight from the definition, item by item, in memory. */
export function naiveAging(w: LedgerWriter, q: {
  asOf: string; by: AgingGrouping; basis: AgingBasis; thresholds: readonly number[];
  currency: string;
}): Map<string, AgingAmounts & { name: string }> {
  const rows = new Map<string, AgingAmounts & { name: string }>();
  const count = bucketLabels(q.thresholds).length;
  for (const d of w.documents) {
    if (d.documentDate > q.asOf || d.currency !== q.currency) continue;
    const open = openAsOf(w, d, q.asOf);
    if (open === 0) continue;
    const g = groupOf(w.customers.find((c) => c.id === d.customerId), q.by);
    const row = rows.get(g.key) ?? { ...emptyAmounts(count), name: g.name };
    rows.set(g.key, row);
    addToAging(row, open, ageDays(d, q.asOf, q.basis), q.thresholds);
  }
  return rows;
}

/** The as-of date of the hand-made data set. */
export const AS_OF = '2026-06-30';
/** Days past due (as of AS_OF) of Alpha's invoices: every default bucket boundary. */
export const BOUNDARY_DAYS = [-5, 0, 1, 30, 31, 45, 46, 60, 61, 90, 91, 120, 121];

/**
 * The hand-made data set (amounts in cents; see test/aging-report.test.ts for the expected
 * aging). Alpha: one invoice per boundary. Beta: a partial payment, an invoice paid after the
 * as-of date, one dated after it, an application reversed, an open credit memo, a payment
 * applied after the as-of date. Gamma: no collector or region, unapplied cash, an invoice dated
 * on the as-of date. An unidentified payment, and a EUR customer.
 */
export async function seedHandMade(db: Queryable): Promise<LedgerWriter> {
  const w = new LedgerWriter(db);
  const day = (offset: number): string => {
    const d = new Date(Date.UTC(2026, 5, 30 + offset));
    return d.toISOString().slice(0, 10);
  };
  const alpha = await w.customer('A100', 'Alpha Foods',
    { collector: 'Kim', salesRep: 'Ray', region: 'East' });
  for (const [i, d] of BOUNDARY_DAYS.entries()) {
    await w.document(alpha, 'invoice', `A${d + 100}`, day(-d - 30), day(-d), 10_100 + i * 100);
  }
  const beta = await w.customer('B200', 'Beta Supply',
    { collector: 'Kim', salesRep: 'Sue', region: 'West' });
  const b1 = await w.document(beta, 'invoice', 'B1', '2026-03-01', '2026-03-31', 100_000);
  const p1 = await w.document(beta, 'payment', 'PB1', '2026-05-15', '2026-05-15', 60_000);
  await w.apply(p1, b1, 60_000, '2026-05-15');
  const b2 = await w.document(beta, 'invoice', 'B2', '2026-04-01', '2026-05-01', 50_000);
  const p2 = await w.document(beta, 'payment', 'PB2', '2026-07-10', '2026-07-10', 50_000);
  await w.apply(p2, b2, 50_000, '2026-07-10');
  await w.document(beta, 'invoice', 'B3', '2026-07-05', '2026-08-04', 70_000);
  const b4 = await w.document(beta, 'invoice', 'B4', '2026-05-20', '2026-06-19', 30_000);
  const p3 = await w.document(beta, 'payment', 'PB3', '2026-06-01', '2026-06-01', 30_000);
  await w.reverse(await w.apply(p3, b4, 30_000, '2026-06-01'), '2026-06-20');
  await w.document(beta, 'credit_memo', 'CMB1', '2026-06-15', '2026-06-15', 5_000);
  const b5 = await w.document(beta, 'invoice', 'B5', '2026-06-01', '2026-07-01', 20_000);
  const p4 = await w.document(beta, 'payment', 'PB4', '2026-06-20', '2026-06-20', 20_000);
  await w.apply(p4, b5, 20_000, '2026-07-02');
  const gamma = await w.customer('C300', 'Gamma Markets', { salesRep: 'Ray' });
  await w.document(gamma, 'invoice', 'C1', '2026-06-01', '2026-06-01', 25_000);
  await w.document(gamma, 'payment', 'PC1', '2026-06-25', '2026-06-25', 8_000);
  await w.document(gamma, 'invoice', 'C2', AS_OF, '2026-07-30', 1_000);
  await w.document(null, 'payment', 'PU1', '2026-06-28', '2026-06-28', 12_000);
  const delta = await w.customer('D400', 'Delta Europe', { collector: 'Kim', currency: 'EUR' });
  await w.document(delta, 'invoice', 'D1', '2026-05-01', '2026-05-31', 99_900, 'EUR');
  return w;
}

/** A book whose history has every kind of back-dating, as the ledger allows it. */
export async function seedBackDated(db: Queryable): Promise<LedgerWriter> {
  const b = new LedgerWriter(db);
  const e = await b.customer('E500', 'Echo Tools', { collector: 'Lee', region: 'North' });
  // I1 paid by P1 on 03-01, that application reversed on 04-01, then P2 applied back-dated to
  // 02-01: between 03-01 and 04-01 I1 was applied twice over (open -100.00: unapplied).
  const i1 = await b.document(e, 'invoice', 'E-I1', '2026-01-01', '2026-01-31', 10_000);
  const p1 = await b.document(e, 'payment', 'E-P1', '2026-02-01', '2026-02-01', 10_000);
  const p2 = await b.document(e, 'payment', 'E-P2', '2026-01-15', '2026-01-15', 10_000);
  await b.reverse(await b.apply(p1, i1, 10_000, '2026-03-01'), '2026-04-01');
  await b.apply(p2, i1, 10_000, '2026-02-01');
  // P3 applied to I2 on 03-01, reversed on 04-01, then back-dated to I3 on 02-01: between 03-01
  // and 04-01 P3 was applied for more than its amount (open +50.00: aged from its due date).
  const i2 = await b.document(e, 'invoice', 'E-I2', '2026-01-05', '2026-02-04', 5_000);
  const i3 = await b.document(e, 'invoice', 'E-I3', '2026-01-05', '2026-02-04', 5_000);
  const p3 = await b.document(e, 'payment', 'E-P3', '2026-01-10', '2026-01-10', 5_000);
  await b.reverse(await b.apply(p3, i2, 5_000, '2026-03-01'), '2026-04-01');
  await b.apply(p3, i3, 5_000, '2026-02-01');
  // A partial application, reversed and applied again the same day, and one entered late.
  const f = await b.customer('F600', 'Foxtrot Ltd', { collector: 'Lee', salesRep: 'Ann' });
  const i4 = await b.document(f, 'invoice', 'F-I4', '2025-12-01', '2026-01-15', 30_000);
  const p4 = await b.document(f, 'payment', 'F-P4', '2026-01-20', '2026-01-20', 40_000);
  const a4 = await b.apply(p4, i4, 20_000, '2026-02-10');
  await b.reverse(a4, '2026-02-10');
  await b.apply(p4, i4, 20_000, '2026-02-10');
  await b.apply(p4, i4, 10_000, '2026-01-25');
  const cm = await b.document(f, 'credit_memo', 'F-CM1', '2026-03-05', '2026-03-05', 2_500);
  const i5 = await b.document(f, 'invoice', 'F-I5', '2026-03-01', '2026-03-31', 2_500);
  await b.apply(cm, i5, 2_500, '2026-03-20');
  // A debit memo due before its document date (customer_open_dates leaves it to the items),
  // partly paid later.
  const dm = await b.document(f, 'debit_memo', 'F-DM1', '2026-02-20', '2026-02-10', 4_000);
  await b.apply(p4, dm, 1_500, '2026-03-15');
  // A payment without a customer, applied (as cash application does) before it is assigned.
  const unidentified = await b.document(null, 'payment', 'U-P9', '2026-02-15', '2026-02-15', 7_000);
  const i6 = await b.document(f, 'invoice', 'F-I6', '2026-02-01', '2026-03-03', 7_000);
  await b.apply(unidentified, i6, 4_000, '2026-03-10');
  await db.query('UPDATE documents SET customer_id = $1 WHERE id = $2', [f, unidentified]);
  b.documents.find((d) => d.id === unidentified)!.customerId = f;
  // Unidentified cash voided by a debit memo, which has no customer either, applied to it.
  const u8 = await b.document(null, 'payment', 'U-P8', '2026-02-20', '2026-02-20', 3_000);
  const void8 = await db.query<{ id: number }>(`INSERT INTO documents (customer_id, type, number,
      document_date, due_date, amount_cents, open_cents, currency, reverses_id, created_by)
    VALUES (NULL, 'debit_memo', 'U-V8', '2026-03-02', '2026-03-02', 3000, 3000, 'USD', $1, 't')
    RETURNING id`, [u8]);
  const v8 = void8.rows[0]!.id;
  b.documents.push({ id: v8, customerId: null, type: 'debit_memo', number: 'U-V8',
    documentDate: '2026-03-02', dueDate: '2026-03-02', amountCents: 3_000, currency: 'USD' });
  await b.apply(u8, v8, 3_000, '2026-03-06');
  // A euro book beside it, not in the USD aging.
  const g = await b.customer('G700', 'Golf GmbH', { currency: 'EUR' });
  const i7 = await b.document(g, 'invoice', 'G-I7', '2026-01-10', '2026-02-09', 9_000, 'EUR');
  const p7 = await b.document(g, 'payment', 'G-P7', '2026-02-01', '2026-02-01', 9_000, 'EUR');
  await b.reverse(await b.apply(p7, i7, 9_000, '2026-03-01'), '2026-03-20');
  return b;
}
