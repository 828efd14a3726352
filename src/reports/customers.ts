import type { Queryable } from '../db/connection.ts';
import { bucketLowerBounds, DEFAULT_THRESHOLDS } from '../domain/aging.ts';
import { daysBetween, type IsoDate } from '../domain/dates.ts';
import { describeTerms } from '../domain/terms.ts';
import { termsFromRow, type TermsRow } from '../db/terms.ts';
import {
  agingBucketSumsSql, customerAgingOf, type AgingBucketSums, type CustomerAging,
} from './customer-aging.ts';

/** Which customers a principal may see or a view covers: everything, or one portfolio. */
export interface CustomerScope {
  salesRep?: string;
  /** A collector's portfolio (their home page); collectors may still see every customer. */
  collector?: string;
}

export type CustomerSort = 'account' | 'name' | 'balance' | 'pastDue' | 'oldest' | 'collector';

export interface ListCustomersQuery {
  q?: string;
  collector?: string;
  salesRep?: string;
  region?: string;
  sort?: CustomerSort;
  dir?: 'asc' | 'desc';
  limit?: number;
  offset?: number;
}

export interface CustomerSummary {
  id: number;
  accountNumber: string;
  name: string;
  currency: string;
  balanceCents: number;
  pastDueCents: number;
  unappliedCents: number;
  oldestDueDate: string | null;
  daysPastDueMax: number;
  creditLimitCents: number | null;
  collector: string | null;
  salesRep: string | null;
  region: string | null;
  status: string;
  terms: string;
}

/**
 * Each sort's ORDER BY for ascending and descending. They follow the indexes, so the first page
 * is an index scan rather than a sort of the whole book: customer_summary (past_due_cents DESC,
 * customer_id) read forward for "largest first" and backward for "smallest first" (ties by id
 * the other way round); the summary's amounts are NOT NULL, so no NULLS clause gets in the way.
 */
const SORT_SQL: Record<CustomerSort, { asc: string; desc: string }> = {
  account: { asc: 'c.account_number, c.id', desc: 'c.account_number DESC, c.id DESC' },
  name: { asc: 'lower(c.name), c.id', desc: 'lower(c.name) DESC, c.id DESC' },
  balance: { asc: 's.balance_cents, s.customer_id DESC',
    desc: 's.balance_cents DESC, s.customer_id' },
  pastDue: { asc: 's.past_due_cents, s.customer_id DESC',
    desc: 's.past_due_cents DESC, s.customer_id' },
  oldest: { asc: 's.oldest_open_due_date NULLS LAST, s.customer_id',
    desc: 's.oldest_open_due_date DESC NULLS LAST, s.customer_id DESC' },
  collector: { asc: 'c.collector NULLS LAST, c.id', desc: 'c.collector DESC NULLS LAST, c.id DESC' },
};

/** A sort's ORDER BY over the page's rows `x` (SUMMARY_COLUMNS), instead of its tables c and s. */
function onPage(order: string): string {
  return order.replace(/\bs\.customer_id\b/g, 'x.id').replace(/\b[cs]\./g, 'x.');
}

const SUMMARY_COLUMNS = `c.id, c.account_number, c.name, c.currency, c.credit_limit_cents,
  c.collector, c.sales_rep, c.region, c.status, c.terms_code, s.balance_cents,
  s.past_due_cents, s.unapplied_cents, s.oldest_open_due_date`;

interface SummaryRow {
  id: number; account_number: string; name: string; currency: string;
  credit_limit_cents: number | null; collector: string | null; sales_rep: string | null;
  region: string | null; status: string; terms_code: string; balance_cents: number;
  past_due_cents: number; unapplied_cents: number; oldest_open_due_date: string | null;
}

function toSummary(r: SummaryRow, today: IsoDate): CustomerSummary {
  const oldest = r.oldest_open_due_date;
  return {
    id: r.id, accountNumber: r.account_number, name: r.name, currency: r.currency,
    balanceCents: r.balance_cents, pastDueCents: r.past_due_cents,
    unappliedCents: r.unapplied_cents, oldestDueDate: oldest,
    daysPastDueMax: oldest === null ? 0 : Math.max(0, daysBetween(oldest, today)),
    creditLimitCents: r.credit_limit_cents, collector: r.collector, salesRep: r.sales_rep,
    region: r.region, status: r.status, terms: r.terms_code,
  };
}

/**
 * The customer list: search by account number or name, filter, sort by any summary column,
 * paginate. Sorting by past due or balance reads the summary's index (no aggregation per call).
 * The total of the whole book comes from customer_count (migration 006), read in the page's own
 * statement; only a filtered list counts its rows (through the filter's index).
 */
export async function listCustomers(
  db: Queryable,
  query: ListCustomersQuery,
  scope: CustomerScope,
  today: IsoDate,
): Promise<{ items: CustomerSummary[]; total: number }> {
  const where: string[] = [];
  const params: unknown[] = [];
  const add = (sql: string, value: unknown): void => {
    params.push(value);
    where.push(sql.replace('?', `$${params.length}`));
  };
  if (query.q) {
    // One parameter, LIKE wildcards in the search text taken literally.
    const n = params.length + 1;
    add(`(c.account_number ILIKE $${n} || '%' OR c.name ILIKE '%' || $${n} || '%')`,
      query.q.replace(/[\\%_]/g, (ch) => `\\${ch}`));
  }
  if (query.collector) add('c.collector = ?', query.collector);
  if (query.salesRep) add('c.sales_rep = ?', query.salesRep);
  if (query.region) add('c.region = ?', query.region);
  if (scope.salesRep !== undefined) add('c.sales_rep = ?', scope.salesRep);
  if (scope.collector !== undefined) add('c.collector = ?', scope.collector);
  const whereSql = where.length ? `WHERE ${where.join(' AND ')}` : '';
  const sort = SORT_SQL[query.sort ?? 'account'];
  const descending = query.dir === 'desc';
  const order = (descending ? sort.desc : sort.asc);
  const limit = Math.min(Math.max(query.limit ?? 50, 1), 500);
  const offset = Math.max(query.offset ?? 0, 0);
  const unfiltered = where.length === 0;
  // The page comes back as one JSON array built by PostgreSQL: parsing one JSON text is several
  // times cheaper than the driver decoding 50 rows of 15 columns field by field, and this
  // statement runs for every view of the customers page. The aggregate orders its rows itself.
  const page = db.query<{ page: SummaryRow[] | null; book_count?: number }>(
    `SELECT json_agg(x ORDER BY ${onPage(order)}) AS page
       ${unfiltered ? ', (SELECT customers FROM customer_count) AS book_count' : ''}
     FROM (SELECT ${SUMMARY_COLUMNS} FROM customers c JOIN customer_summary s ON s.customer_id = c.id
       ${whereSql} ORDER BY ${order} LIMIT ${limit} OFFSET ${offset}) x`,
    params, { prepare: true },
  );
  const count = unfiltered
    ? undefined
    : db.query<{ n: number }>(`SELECT count(*)::int AS n FROM customers c ${whereSql}`, params,
      { prepare: true });
  const [result, counted] = await Promise.all([page, count]);
  const row = result.rows[0];
  const items = (row?.page ?? []).map((r) => toSummary(r, today));
  if (counted) return { items, total: counted.rows[0]?.n ?? 0 };
  const total = row?.book_count ?? await bookCount(db);
  return { items, total };
}

/** How many customers there are (a page past the end has no row to carry it). */
async function bookCount(db: Queryable): Promise<number> {
  const r = await db.query<{ n: number }>('SELECT customers AS n FROM customer_count');
  return r.rows[0]?.n ?? 0;
}

export interface ContactView {
  id: number; name: string; role: string | null; email: string | null; phone: string | null;
  fax: string | null; isPrimary: boolean;
}

export interface CustomerDetail extends CustomerSummary {
  termsDescription: string;
  availableCreditCents: number | null;
  parent: { id: number; accountNumber: string; name: string } | null;
  contacts: ContactView[];
  notes: string | null;
}

interface DetailRow extends SummaryRow, TermsRow {
  notes: string | null; parent_id: number | null; parent_account: string | null;
  parent_name: string | null; contacts: ContactView[]; aging?: AgingBucketSums;
}

/**
 * The header's statement: customer, summary, terms, parent and contacts (as JSON) in one, and
 * with `agingParams` (the $n of as-of and bucket bounds) the aging strip's sums too.
 */
function detailSql(agingParams?: { asOf: string; bounds: string }): string {
  const aging = agingParams
    ? `, ${agingBucketSumsSql('c.id', agingParams.asOf, agingParams.bounds)} AS aging`
    : '';
  return `SELECT ${SUMMARY_COLUMNS}, c.notes, c.parent_id, p.account_number AS parent_account,
       p.name AS parent_name, t.code, t.kind, t.net_days, t.discount_bp, t.discount_days,
       (SELECT coalesce(json_agg(json_build_object('id', k.id, 'name', k.name, 'role', k.role,
           'email', k.email, 'phone', k.phone, 'fax', k.fax, 'isPrimary', k.is_primary)
           ORDER BY k.is_primary DESC, k.id), '[]'::json)
         FROM contacts k WHERE k.customer_id = c.id) AS contacts${aging}
     FROM customers c JOIN customer_summary s ON s.customer_id = c.id
     JOIN terms t ON t.code = c.terms_code LEFT JOIN customers p ON p.id = c.parent_id
     WHERE c.id = $1 AND ($2::text IS NULL OR c.sales_rep = $2)`;
}

function toDetail(row: DetailRow, today: IsoDate): CustomerDetail {
  const summary = toSummary(row, today);
  return {
    ...summary,
    termsDescription: describeTerms(termsFromRow(row)),
    availableCreditCents: row.credit_limit_cents === null
      ? null
      : row.credit_limit_cents - Math.max(0, summary.balanceCents),
    parent: row.parent_id === null
      ? null
      : { id: row.parent_id, accountNumber: row.parent_account ?? '', name: row.parent_name ?? '' },
    contacts: row.contacts,
    notes: row.notes,
  };
}

/** One customer's header data, or null when absent or outside the scope. */
export async function getCustomer(
  db: Queryable,
  id: number,
  scope: CustomerScope,
  today: IsoDate,
): Promise<CustomerDetail | null> {
  const r = await db.query<DetailRow>(detailSql(), [id, scope.salesRep ?? null],
    { prepare: true });
  return r.rows[0] ? toDetail(r.rows[0], today) : null;
}

/**
 * The customer account page's header: the customer and its aging strip as of `today` (default
 * buckets), in one statement; null when absent or outside the scope.
 */
export async function getCustomerAccount(
  db: Queryable,
  id: number,
  scope: CustomerScope,
  today: IsoDate,
): Promise<{ customer: CustomerDetail; aging: CustomerAging } | null> {
  const r = await db.query<DetailRow>(detailSql({ asOf: '$3', bounds: '$4' }),
    [id, scope.salesRep ?? null, today, bucketLowerBounds(DEFAULT_THRESHOLDS)], { prepare: true });
  const row = r.rows[0];
  if (!row) return null;
  return { customer: toDetail(row, today), aging: customerAgingOf(row.aging ?? []) };
}
