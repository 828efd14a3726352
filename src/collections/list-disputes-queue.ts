import type { Queryable } from '../db/connection.ts';
import type { IsoDate } from '../domain/dates.ts';
import type {
  DisputeReason, DisputeResolution, DisputeStatus,
} from '../domain/collections/disputes.ts';

// Every account's disputes and deductions in one queue, filtered and sorted in SQL (set-based:
// the page comes back with its total, so millions of items cost one indexed pass).

export const DISPUTE_QUEUE_STATUSES = [
  'active', 'open', 'in_review', 'resolved', 'closed', 'all',
] as const;
export type DisputeQueueStatus = (typeof DISPUTE_QUEUE_STATUSES)[number];
export const DISPUTE_QUEUE_SORTS = ['age', 'amount'] as const;

export interface DisputeQueueQuery {
  asOf: IsoDate;
  /** Default active: open and in review. */
  status?: DisputeQueueStatus;
  reasonCode?: DisputeReason;
  kind?: 'dispute' | 'deduction';
  owner?: string;
  collector?: string;
  customerId?: number;
  /** Opened at least this many days before asOf. */
  ageDaysMin?: number;
  /** Only disputes routed to this person on their own customers (a sales rep's view). */
  routedTo?: string;
  sort?: (typeof DISPUTE_QUEUE_SORTS)[number];
  dir?: 'asc' | 'desc';
  limit: number;
  offset: number;
}

export interface DisputeQueueEntry {
  id: number;
  customerId: number;
  accountNumber: string;
  customerName: string;
  collector: string | null;
  salesRep: string | null;
  kind: 'dispute' | 'deduction';
  reasonCode: DisputeReason;
  amountCents: number;
  currency: string;
  status: DisputeStatus;
  resolution: DisputeResolution | null;
  owner: string | null;
  openedOn: IsoDate;
  ageDays: number;
  itemCount: number;
  /** The first few items' numbers. */
  itemNumbers: string[];
  lastNote: string | null;
  approvalPending: boolean;
}

export interface DisputeQueue {
  total: number;
  /** Count and amount per currency over every matching dispute, not only this page. */
  totals: { currency: string; count: number; amountCents: number }[];
  items: DisputeQueueEntry[];
  /** Owners and collectors that have disputes in this status: choices for the filters. */
  owners: string[];
  collectors: string[];
}

function where(q: DisputeQueueQuery, params: unknown[], facet = false): string {
  const add = (sql: string, value: unknown) => {
    params.push(value);
    return sql.replace('?', `$${params.length}`);
  };
  const status = q.status ?? 'active';
  const parts: string[] = [];
  if (status === 'active') parts.push(`d.status IN ('open', 'in_review')`);
  else if (status !== 'all') parts.push(add('d.status = ?', status));
  if (q.routedTo !== undefined) {
    parts.push(add('d.owner = ?', q.routedTo), add('c.sales_rep = ?', q.routedTo));
  }
  if (!facet) {
    if (q.reasonCode) parts.push(add('d.reason_code = ?', q.reasonCode));
    if (q.kind) parts.push(add('d.kind = ?', q.kind));
    if (q.owner) parts.push(add('d.owner = ?', q.owner));
    if (q.collector) parts.push(add('c.collector = ?', q.collector));
    if (q.customerId) parts.push(add('d.customer_id = ?', q.customerId));
    if (q.ageDaysMin) {
      parts.push(add(`d.opened_on <= ?::date - ${Math.trunc(q.ageDaysMin)}`, q.asOf));
    }
  }
  return parts.length ? `WHERE ${parts.join(' AND ')}` : '';
}

/** One page of the disputes queue with its totals and filter choices. */
export async function listDisputesQueue(
  db: Queryable, q: DisputeQueueQuery,
): Promise<DisputeQueue> {
  const params: unknown[] = [];
  const filter = where(q, params);
  const dir = q.dir === 'asc' ? 'ASC' : 'DESC';
  // Oldest first is "age desc": the earliest opened_on.
  const order = q.sort === 'amount' ? `d.amount_cents ${dir}, d.id`
    : `d.opened_on ${dir === 'DESC' ? 'ASC' : 'DESC'}, d.id`;
  params.push(q.asOf, q.limit, q.offset);
  const n = params.length;
  const page = await db.query<DisputeQueueEntry>(
    `SELECT d.id, d.customer_id AS "customerId", c.account_number AS "accountNumber",
       c.name AS "customerName", c.collector, c.sales_rep AS "salesRep", d.kind,
       d.reason_code AS "reasonCode", d.amount_cents AS "amountCents", d.currency, d.status,
       d.resolution, d.owner, d.opened_on AS "openedOn",
       ($${n - 2}::date - d.opened_on) AS "ageDays",
       (SELECT count(*)::int FROM dispute_items i WHERE i.dispute_id = d.id) AS "itemCount",
       ARRAY(SELECT x.number FROM dispute_items i JOIN documents x ON x.id = i.document_id
         WHERE i.dispute_id = d.id ORDER BY x.number LIMIT 5) AS "itemNumbers",
       (SELECT t.body FROM dispute_notes t WHERE t.dispute_id = d.id
         ORDER BY t.id DESC LIMIT 1) AS "lastNote",
       EXISTS (SELECT 1 FROM credit_memo_approvals a WHERE a.dispute_id = d.id
         AND a.status = 'pending') AS "approvalPending"
     FROM disputes d JOIN customers c ON c.id = d.customer_id
     ${filter}
     ORDER BY ${order} LIMIT $${n - 1} OFFSET $${n}`, params);
  // The customer is joined only when a filter reads it (the totals scan every match).
  const from = /\bc\./.test(filter) ? 'disputes d JOIN customers c ON c.id = d.customer_id'
    : 'disputes d';
  const totals = await db.query<{ currency: string; count: number; amountCents: number }>(
    `SELECT d.currency, count(*)::int AS count, sum(d.amount_cents)::bigint AS "amountCents"
     FROM ${from} ${filter}
     GROUP BY d.currency ORDER BY count(*) DESC, d.currency`, params.slice(0, n - 3));
  const facetParams: unknown[] = [];
  const facets = await db.query<{ owners: string[] | null; collectors: string[] | null }>(
    `SELECT array_agg(DISTINCT d.owner) FILTER (WHERE d.owner IS NOT NULL) AS owners,
       array_agg(DISTINCT c.collector) FILTER (WHERE c.collector IS NOT NULL) AS collectors
     FROM disputes d JOIN customers c ON c.id = d.customer_id
     ${where(q, facetParams, true)}`, facetParams);
  return {
    total: totals.rows.reduce((s, t) => s + t.count, 0),
    totals: totals.rows,
    items: page.rows,
    owners: (facets.rows[0]?.owners ?? []).sort(),
    collectors: (facets.rows[0]?.collectors ?? []).sort(),
  };
}
