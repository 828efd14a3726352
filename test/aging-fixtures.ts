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
