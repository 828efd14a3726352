import type { Db } from '../db/connection.ts';
import { loadSetting } from '../db/documents.ts';
import type { IsoDate } from '../domain/dates.ts';
import {
  DEFAULT_WORKLIST_WEIGHTS, rankWorklist, type DueGroup, type WorklistAccount,
  type WorklistEntry, type WorklistWeights,
} from '../domain/collections/worklist.ts';
import { assert } from '../domain/result.ts';

export interface GetWorklistInput {
  /** One collector's portfolio; null for every collector's accounts (supervisors). */
  collector: string | null;
  asOf: IsoDate;
  limit?: number;
}

/**
 * The ranked worklist for today (domain: rankWorklist). Reads only: a few set-based queries over
 * the portfolio, run side by side. Weights come from the setting worklist_weights (any subset of
 * WorklistWeights), over the defaults.
 */
export async function getWorklist(db: Db, input: GetWorklistInput): Promise<WorklistEntry[]> {
  const { collector, asOf } = input;
  const [weights, accounts, groups, promises, disputes, contacts] = await Promise.all([
    worklistWeights(db),
    db.query<Omit<WorklistAccount, 'groups' | 'promisedUnassignedCents' | 'brokenPromise'
      | 'promiseDueTodayCents' | 'openDisputes' | 'lastContactOn'>>(
      `SELECT c.id AS "customerId", c.account_number AS "accountNumber", c.name, c.currency,
         c.collector, p.risk_class AS "riskClass",
         EXISTS (SELECT 1 FROM agency_placements a WHERE a.customer_id = c.id
           AND a.status = 'placed') AS "placedWithAgency"
       FROM customers c LEFT JOIN collection_profiles p ON p.customer_id = c.id
       WHERE ($1::text IS NULL OR c.collector = $1) AND c.status <> 'closed'`, [collector]),
    db.query<DueGroup & { customerId: number }>(
      `SELECT d.customer_id AS "customerId", d.due_date AS "dueDate",
         sum(d.open_cents)::bigint AS "openCents",
         coalesce(sum(x.disputed), 0)::bigint AS "disputedCents",
         coalesce(sum(y.promised), 0)::bigint AS "promisedCents",
         max(d.open_cents)::bigint AS "largestOpenCents"
       FROM customers c
       JOIN documents d ON d.customer_id = c.id AND d.open_cents > 0
       LEFT JOIN LATERAL (SELECT sum(i.amount_cents) AS disputed FROM dispute_items i
         JOIN disputes s ON s.id = i.dispute_id AND s.status IN ('open', 'in_review')
         WHERE i.document_id = d.id) x ON true
       LEFT JOIN LATERAL (SELECT sum(LEAST(p.amount_cents, d.open_cents)) AS promised
         FROM promise_items i JOIN promises p ON p.id = i.promise_id AND p.status = 'open'
         WHERE i.document_id = d.id) y ON true
       WHERE ($1::text IS NULL OR c.collector = $1)
       GROUP BY d.customer_id, d.due_date`, [collector]),
    db.query<{ customerId: number; unassigned: number; dueToday: number;
      brokenOn: IsoDate | null; brokenCents: number | null }>(
      `SELECT p.customer_id AS "customerId",
         coalesce(sum(p.amount_cents) FILTER (WHERE p.status = 'open' AND NOT EXISTS
           (SELECT 1 FROM promise_items i WHERE i.promise_id = p.id)), 0)::bigint AS unassigned,
         coalesce(sum(p.amount_cents) FILTER (WHERE p.status = 'open'
           AND p.promised_on = $2), 0)::bigint AS "dueToday",
         max(p.promised_on) FILTER (WHERE t.id IS NOT NULL) AS "brokenOn",
         max(p.amount_cents) FILTER (WHERE t.id IS NOT NULL)::bigint AS "brokenCents"
       FROM customers c JOIN promises p ON p.customer_id = c.id
       LEFT JOIN tasks t ON t.source_type = 'promise' AND t.source_id = p.id
         AND t.kind = 'broken_promise' AND t.status = 'open'
       WHERE ($1::text IS NULL OR c.collector = $1)
         AND (p.status = 'open' OR t.id IS NOT NULL)
       GROUP BY p.customer_id`, [collector, asOf]),
    db.query<{ customerId: number; n: number }>(
      `SELECT s.customer_id AS "customerId", count(*)::int AS n
       FROM customers c JOIN disputes s ON s.customer_id = c.id
         AND s.status IN ('open', 'in_review')
       WHERE ($1::text IS NULL OR c.collector = $1) GROUP BY s.customer_id`, [collector]),
    db.query<{ customerId: number; last: IsoDate }>(
      `SELECT c.id AS "customerId",
         (SELECT max(a.occurred_on) FROM activities a WHERE a.customer_id = c.id
           AND a.kind <> 'note') AS last
       FROM customers c WHERE ($1::text IS NULL OR c.collector = $1)`, [collector]),
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
