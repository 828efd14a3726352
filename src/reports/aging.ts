import type { Queryable } from '../db/connection.ts';
import {
  AGING_BASES, AGING_GROUPINGS, bucketLabels, bucketLowerBounds, DEFAULT_THRESHOLDS,
  isConsistent, isValidThresholds, sumAging, UNAPPLIED,
  type AgingAmounts, type AgingBasis, type AgingGrouping, type BucketsError,
} from '../domain/aging.ts';
import { isIsoDate, type IsoDate } from '../domain/dates.ts';
import { cents, isCurrencyCode, type Cents } from '../domain/money.ts';
import { assert, err, ok, type Result } from '../domain/result.ts';
import { buildAgingSql, parseAmounts, summaryAnswers } from './aging-sql.ts';
import type { CustomerScope } from './customers.ts';

export { buildAgingSql, summaryAnswers, SUMMARY_THRESHOLDS } from './aging-sql.ts';

// The aging report: open items as of a date in age buckets, one row per group, in ONE set-based
// statement. Open as of D is derived from the denormalized open amount, not from the whole
// application history: open(D) = open_cents now + applications dated after D (added back to
// debits, taken back from credits). The candidates are the items open now (the partial index
// documents_open) plus the items touched by an application after D (applications_applied_on),
// so "as of today" reads only the open items and a past date adds only the later applications.
// This equals open(item, D) = amount -/+ applications effective <= D as long as open_cents is
// what the applications say (the ledger's invariant, checked by `arc verify`). Before the last
// kept month end (migration 031) the base is the month end on or after D instead of now, so only
// the applications between D and it are read.

export interface AgingQuery {
  asOf: IsoDate;
  by: AgingGrouping;
  basis: AgingBasis;
  /** Bucket thresholds in days (see parseThresholds); default 30,45,60,90,120. */
  thresholds?: readonly number[];
  /** Only items in this currency; default: the base currency (settings). */
  currency?: string | null;
  /** Also list each row's open items. */
  detail?: boolean;
  /** Restrict to one portfolio's customers (unidentified cash then drops out). */
  scope?: CustomerScope;
}

/** agingReport's refusals, in the order checked. */
export type AgingQueryError =
  | { code: 'as_of_invalid'; date: string }
  | { code: 'grouping_invalid'; by: string }
  | { code: 'basis_invalid'; basis: string }
  | BucketsError
  | { code: 'currency_invalid'; currency: string };

/** An open item as of the date, in a row's detail. */
export interface AgingItem {
  id: number;
  number: string;
  type: string;
  documentDate: IsoDate;
  dueDate: IsoDate;
  /** Age on the report's basis, in days; negative: not due yet. */
  daysPastDue: number;
  openCents: Cents;
  /** Its bucket's label, or "unapplied" for a credit. */
  bucket: string;
}

export interface AgingRow extends AgingAmounts {
  key: string;
  name: string;
  items?: AgingItem[];
}

export interface AgingReport {
  asOf: IsoDate;
  by: AgingGrouping;
  basis: AgingBasis;
  currency: string;
  thresholds: number[];
  /** Bucket labels, one per amount in every row. */
  buckets: string[];
  /** Sorted by key (byte order). */
  rows: AgingRow[];
  totals: AgingAmounts;
}

/**
 * The aging report as of `query.asOf` (see src/domain/aging.ts for the buckets and basis).
 * @example agingReport(db, { asOf: '2026-11-20', by: 'customer', basis: 'due' })
 */
export async function agingReport(
  db: Queryable,
  query: AgingQuery,
): Promise<Result<AgingReport, AgingQueryError>> {
  const invalid = checkAgingQuery(query);
  if (invalid) return err(invalid);
  const thresholds = [...(query.thresholds ?? DEFAULT_THRESHOLDS)];
  const currency = query.currency ?? await baseCurrency(db);
  const sql = buildAgingSql(query.by, query.basis, thresholds.length + 2);
  const params = [query.asOf, currency, bucketLowerBounds(thresholds),
    query.scope?.salesRep ?? null, query.scope?.collector ?? null];
  const buckets = bucketLabels(thresholds);
  // As of the summary date with the default buckets (the aging page's first view), the
  // customers' summaries stand in for their open items; any other query reads the items.
  let r = summaryAnswers(query.basis, thresholds)
    ? await db.query<SummaryRow>(buildAgingSql(query.by, 'due', buckets.length, 'summary').summary,
      params)
    : { rows: [] };
  // As of a past date, the closest kept month end on or after it is the base (migration 031).
  if (r.rows.length === 0) {
    const end = await keptPeriodFor(db, query.asOf);
    if (end) {
      r = await db.query<SummaryRow>(
        buildAgingSql(query.by, query.basis, buckets.length, 'period').summary, [...params, end]);
    }
  }
  if (r.rows.length === 0) r = await db.query<SummaryRow>(sql.summary, params);
  const rows: AgingRow[] = r.rows.map((row) => toAgingRow(row, buckets.length));
  if (query.detail) {
    const items = await db.query<ItemRow>(sql.detail, params);
    attachItems(rows, items.rows, buckets);
  }
  return ok({
    asOf: query.asOf, by: query.by, basis: query.basis, currency, thresholds, buckets, rows,
    totals: sumAging(rows, buckets.length),
  });
}

/**
 * The kept month end (migration 031) an aging as of `asOf` starts from: the first ready one on
 * or after it; null after the last one (the report then starts from the items open now).
 */
export async function keptPeriodFor(db: Queryable, asOf: IsoDate): Promise<IsoDate | null> {
  const r = await db.query<{ end: string | null }>(`SELECT min(period_end)::text AS end
    FROM aging_periods WHERE period_end >= $1::date AND ready`, [asOf]);
  return r.rows[0]?.end ?? null;
}

export function checkAgingQuery(query: AgingQuery): AgingQueryError | null {
  if (!isIsoDate(query.asOf)) return { code: 'as_of_invalid', date: query.asOf };
  if (!(AGING_GROUPINGS as readonly string[]).includes(query.by)) {
    return { code: 'grouping_invalid', by: query.by };
  }
  if (!(AGING_BASES as readonly string[]).includes(query.basis)) {
    return { code: 'basis_invalid', basis: query.basis };
  }
  if (query.thresholds && !isValidThresholds(query.thresholds)) {
    const text = query.thresholds.join(',');
    return { code: 'buckets_invalid', text, reason: 'not whole days in increasing order' };
  }
  if (query.currency != null && !isCurrencyCode(query.currency)) {
    return { code: 'currency_invalid', currency: query.currency };
  }
  return null;
}

async function baseCurrency(db: Queryable): Promise<string> {
  const r = await db.query<{ currency: string | null }>(
    `SELECT value #>> '{}' AS currency FROM settings WHERE key = 'base_currency'`);
  return r.rows[0]?.currency ?? 'USD';
}

interface SummaryRow {
  key: string;
  name: string;
  /** total, unapplied, then each bucket, comma-separated (see parseAmounts). */
  amounts: string;
}

interface ItemRow {
  key: string;
  id: number;
  number: string;
  type: string;
  document_date: string;
  due_date: string;
  age: number;
  open_cents: number;
  bucket: number;
}

function toAgingRow(row: SummaryRow, bucketCount: number): AgingRow {
  // shift() in place: the rest is the buckets (a rest pattern would copy them).
  const amountsCents = parseAmounts(row.amounts, bucketCount);
  const totalCents = amountsCents.shift()!;
  const unappliedCents = amountsCents.shift()!;
  const line: AgingRow = { key: row.key, name: row.name, totalCents, unappliedCents, amountsCents };
  if (!isConsistent(line)) {
    assert(false, `aging row ${row.key}: buckets and unapplied make the total`);
  }
  return line;
}

function attachItems(rows: AgingRow[], items: readonly ItemRow[], buckets: string[]): void {
  const byKey = new Map(rows.map((row) => [row.key, row]));
  for (const item of items) {
    const row = byKey.get(item.key);
    if (!row) assert(false, `aging detail item ${item.id} belongs to a row (${item.key})`);
    row.items ??= [];
    row.items.push({
      id: item.id, number: item.number, type: item.type, documentDate: item.document_date,
      dueDate: item.due_date, daysPastDue: item.age, openCents: cents(item.open_cents),
      bucket: item.bucket < 0 ? UNAPPLIED : buckets[item.bucket]!,
    });
  }
}
