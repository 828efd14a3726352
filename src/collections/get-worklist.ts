import type { Db } from '../db/connection.ts';
import { loadSetting } from '../db/documents.ts';
import type { IsoDate } from '../domain/dates.ts';
import {
  DEFAULT_WORKLIST_WEIGHTS, rankWorklist, WORKLIST_BUCKET_FLOORS, type DueGroup,
  type WorklistAccount, type WorklistEntry, type WorklistWeights,
} from '../domain/collections/worklist.ts';
import { assert } from '../domain/result.ts';

export interface GetWorklistInput {
  /** One collector's portfolio; null for every collector's accounts (supervisors). */
  collector: string | null;
  asOf: IsoDate;
  limit?: number;
}

/** Past-due items by age bucket, the others by due date ($n: today, $n+1: bucket floors). */
const groupKey = (n: number): string => `CASE WHEN d.due_date < $${n}::date
  THEN width_bucket($${n}::date - d.due_date, $${n + 1}::int[])::text ELSE d.due_date::text END`;

/**
 * The ranked worklist for today (domain: rankWorklist). Reads only: a few set-based queries over
 * the portfolio, run side by side. Weights come from the setting worklist_weights (any subset of
 * WorklistWeights), over the defaults.
 */
export async function getWorklist(db: Db, input: GetWorklistInput): Promise<WorklistEntry[]> {
  const { collector, asOf } = input;
  // Two spellings so the planner uses the collector index when there is one to use.
  const portfolio = collector === null ? 'c.collector IS NOT DISTINCT FROM c.collector'
    : 'c.collector = $1';
  const p = collector === null ? [] : [collector];
  const n = p.length + 1;
  const weights = await worklistWeights(db);
  const [accounts, groups, promises, disputes, contacts] = await Promise.all([
    db.query<Omit<WorklistAccount, 'groups' | 'promisedUnassignedCents' | 'brokenPromise'
      | 'promiseDueTodayCents' | 'openDisputes' | 'lastContactOn'>>(
      `SELECT c.id AS "customerId", c.account_number AS "accountNumber", c.name, c.currency,
         c.collector, pr.risk_class AS "riskClass", (a.id IS NOT NULL) AS "placedWithAgency"
       FROM customers c LEFT JOIN collection_profiles pr ON pr.customer_id = c.id
       LEFT JOIN agency_placements a ON a.customer_id = c.id AND a.status = 'placed'
       WHERE ${portfolio} AND c.status <> 'closed'`, p),
    // Past-due items grouped by age bucket and items due within the large-item window by date
    // (nothing else moves the rank), from an index-only scan of documents_open; disputed and
    // promised parts summed per group from the few items that have them.
    db.query<DueGroup & { customerId: number }>(
      `WITH held_items AS (
         SELECT i.document_id, sum(i.amount_cents) AS disputed, 0 AS promised FROM customers c
         JOIN disputes s ON s.customer_id = c.id AND s.status IN ('open', 'in_review')
         JOIN dispute_items i ON i.dispute_id = s.id WHERE ${portfolio} GROUP BY i.document_id
         UNION ALL
         SELECT i.document_id, 0, sum(q.amount_cents) FROM customers c
         JOIN promises q ON q.customer_id = c.id AND q.status = 'open'
         JOIN promise_items i ON i.promise_id = q.id WHERE ${portfolio} GROUP BY i.document_id),
       held AS (
         SELECT d.customer_id, ${groupKey(n)} AS k, sum(h.disputed) AS disputed,
           sum(LEAST(h.promised, d.open_cents)) AS promised
         FROM held_items h JOIN documents d ON d.id = h.document_id AND d.open_cents > 0
         GROUP BY 1, 2),
       open_items AS (
         SELECT d.customer_id, ${groupKey(n)} AS k, min(d.due_date) AS due,
           sum(d.open_cents) AS open, max(d.open_cents) AS big
         FROM customers c JOIN documents d ON d.customer_id = c.id AND d.open_cents > 0
         WHERE ${portfolio} AND d.due_date <= $${n}::date + $${n + 2}::int
         GROUP BY 1, 2)
       SELECT o.customer_id AS "customerId", o.due AS "dueDate", o.open::bigint AS "openCents",
         coalesce(h.disputed, 0)::bigint AS "disputedCents",
         coalesce(h.promised, 0)::bigint AS "promisedCents", o.big::bigint AS "largestOpenCents"
       FROM open_items o LEFT JOIN held h ON h.customer_id = o.customer_id AND h.k = o.k`,
    [...p, asOf, WORKLIST_BUCKET_FLOORS, weights.largeItemDays]),
    db.query<{ customerId: number; unassigned: number; dueToday: number;
      brokenOn: IsoDate | null; brokenCents: number | null }>(
      `SELECT q.customer_id AS "customerId",
         coalesce(sum(q.amount_cents) FILTER (WHERE q.status = 'open' AND NOT EXISTS
           (SELECT 1 FROM promise_items i WHERE i.promise_id = q.id)), 0)::bigint AS unassigned,
         coalesce(sum(q.amount_cents) FILTER (WHERE q.status = 'open'
           AND q.promised_on = $${n}), 0)::bigint AS "dueToday",
         max(q.promised_on) FILTER (WHERE t.id IS NOT NULL) AS "brokenOn",
         max(q.amount_cents) FILTER (WHERE t.id IS NOT NULL)::bigint AS "brokenCents"
       FROM customers c JOIN promises q ON q.customer_id = c.id
       LEFT JOIN tasks t ON t.source_type = 'promise' AND t.source_id = q.id
         AND t.kind = 'broken_promise' AND t.status = 'open'
       WHERE ${portfolio} AND (q.status = 'open' OR t.id IS NOT NULL)
       GROUP BY q.customer_id`, [...p, asOf]),
    db.query<{ customerId: number; n: number }>(
      `SELECT s.customer_id AS "customerId", count(*)::int AS n
       FROM customers c JOIN disputes s ON s.customer_id = c.id
         AND s.status IN ('open', 'in_review')
       WHERE ${portfolio} GROUP BY s.customer_id`, p),
    db.query<{ customerId: number; last: IsoDate }>(
      `SELECT c.id AS "customerId",
         (SELECT max(a.occurred_on) FROM activities a WHERE a.customer_id = c.id
           AND a.kind <> 'note') AS last
       FROM customers c WHERE ${portfolio}`, p),
  ]);
  const byCustomer = new Map<number, WorklistAccount>(accounts.rows.map((a) => [a.customerId, {
    ...a, groups: [], promisedUnassignedCents: 0, brokenPromise: null, promiseDueTodayCents: 0,
    openDisputes: 0, lastContactOn: null,
  }]));
  for (const { customerId, ...g } of groups.rows) {
    (byCustomer.get(customerId)?.groups as DueGroup[] | undefined)?.push(g);
  }
  for (const p of promises.rows) {
    const a = byCustomer.get(p.customerId);
    if (!a) continue;
    a.promisedUnassignedCents = p.unassigned;
    a.promiseDueTodayCents = p.dueToday;
    if (p.brokenOn) a.brokenPromise = { promisedOn: p.brokenOn, amountCents: p.brokenCents ?? 0 };
  }
  for (const d of disputes.rows) {
    const a = byCustomer.get(d.customerId);
    if (a) a.openDisputes = d.n;
  }
  for (const c of contacts.rows) {
    const a = byCustomer.get(c.customerId);
    if (a) a.lastContactOn = c.last;
  }
  const ranked = rankWorklist([...byCustomer.values()], asOf, weights);
  return input.limit === undefined ? ranked : ranked.slice(0, input.limit);
}

async function worklistWeights(db: Db): Promise<WorklistWeights> {
  const v = await loadSetting(db, 'worklist_weights');
  if (v === undefined || v === null) return DEFAULT_WORKLIST_WEIGHTS;
  assert(typeof v === 'object' && !Array.isArray(v), 'worklist_weights is an object');
  return { ...DEFAULT_WORKLIST_WEIGHTS, ...(v as Partial<WorklistWeights>) };
}
