import { isoInstant } from '../auth/users.ts';
import type { Queryable } from '../db/connection.ts';
import { addDays, daysBetween, type IsoDate } from '../domain/dates.ts';
import { DIGEST_AGE_THRESHOLDS, thresholdCrossed } from '../domain/collections/digest.ts';

// What a sales-rep digest reports, read for many reps at once (one query per section): each rep
// comes with the window since their previous digest.

export interface DigestAccount {
  customerId: number;
  accountNumber: string;
  name: string;
  currency: string;
}

export interface DigestHold extends DigestAccount {
  heldOn: IsoDate;
  balanceCents: number;
  pastDueCents: number;
}

export interface DigestPromise extends DigestAccount {
  promiseId: number;
  promisedOn: IsoDate;
  amountCents: number;
  paidCents: number;
  status: 'broken' | 'partially_kept';
  collector: string | null;
}

export interface DigestDispute extends DigestAccount {
  disputeId: number;
  kind: string;
  reasonCode: string;
  amountCents: number;
  status: string;
  openedOn: IsoDate;
  daysOpen: number;
}

export interface DigestAgedAccount extends DigestAccount {
  /** The age threshold (60 or 90 days past due) it reached since the previous digest. */
  threshold: number;
  oldestDueDate: IsoDate;
  daysPastDue: number;
  pastDueCents: number;
}

export interface DigestTopAccount extends DigestAccount {
  balanceCents: number;
  pastDueCents: number;
  daysPastDueMax: number | null;
}

/** A rep and the window their digest covers. */
export interface DigestWindow {
  salesRep: string;
  /** Instants (audit records, holds) after this count as new. */
  sinceAt: Date;
  /** Business dates (promise evaluations, ages) after this count as new. */
  sinceOn: IsoDate;
}

export interface DigestSections {
  holds: DigestHold[];
  brokenPromises: DigestPromise[];
  disputes: DigestDispute[];
  aged: DigestAgedAccount[];
  top: DigestTopAccount[];
}

/** How many accounts "top outstanding" lists. */
export const TOP_ACCOUNTS = 10;

const ACCOUNT = `c.id AS "customerId", c.account_number AS "accountNumber", c.name, c.currency`;
const REPS = `unnest($1::text[], $2::timestamptz[], $3::date[]) AS r(rep, since_at, since_on)`;

/** Every section for every rep in `windows`, as of `asOf`, keyed by the rep's name. */
export async function loadDigestSections(
  db: Queryable, windows: readonly DigestWindow[], asOf: IsoDate,
): Promise<Map<string, DigestSections>> {
  const out = new Map<string, DigestSections>(windows.map((w) => [w.salesRep,
    { holds: [], brokenPromises: [], disputes: [], aged: [], top: [] }]));
  if (windows.length === 0) return out;
  const params = [windows.map((w) => w.salesRep), windows.map((w) => w.sinceAt.toISOString()),
    windows.map((w) => w.sinceOn), asOf];
  const add = <K extends keyof DigestSections>(key: K, rows: (DigestSections[K][number]
    & { rep: string })[]) => {
    for (const { rep, ...row } of rows) (out.get(rep)![key] as unknown[]).push(row);
  };
  add('holds', await holds(db, params));
  add('brokenPromises', await brokenPromises(db, params));
  add('disputes', await disputes(db, params, asOf));
  add('aged', await aged(db, params, windows, asOf));
  add('top', await top(db, params, asOf));
  return out;
}

/**
 * Accounts on credit hold now that went on hold in the window: a customer change to on_hold
 * (by hand or an import) or a dunning credit hold, as the audit log recorded it. The audit
 * records are read once over the widest window (by time, then action), not per account.
 */
async function holds(db: Queryable, params: unknown[]) {
  const r = await db.query<DigestHold & { rep: string; heldAt: unknown }>(
    `WITH r AS (SELECT * FROM ${REPS}),
     held AS (
       SELECT x.id::bigint AS customer_id, a.at FROM audit_log a
       CROSS JOIN LATERAL jsonb_array_elements_text(a.after->'customerIds') AS x(id)
       WHERE a.action = 'dunning.credit_hold' AND a.at > (SELECT min(since_at) FROM r)
       UNION ALL
       SELECT a.customer_id, a.at FROM audit_log a
       WHERE a.action IN ('customer.create', 'customer.update')
         AND a.at > (SELECT min(since_at) FROM r) AND a.after->>'status' = 'on_hold'
         AND coalesce(a.before->>'status', '') <> 'on_hold')
     SELECT r.rep, ${ACCOUNT}, min(h.at) AS "heldAt",
       coalesce((SELECT sum(d.open_cents) FROM documents d
         WHERE d.customer_id = c.id AND d.open_cents <> 0), 0)::bigint AS "balanceCents",
       coalesce((SELECT sum(d.open_cents) FROM documents d WHERE d.customer_id = c.id
         AND d.open_cents > 0 AND d.due_date < $4::date), 0)::bigint AS "pastDueCents"
     FROM r
     JOIN customers c ON c.sales_rep = r.rep AND c.status = 'on_hold'
     JOIN held h ON h.customer_id = c.id AND h.at > r.since_at
     GROUP BY r.rep, c.id ORDER BY r.rep, "balanceCents" DESC, c.id`, params);
  return r.rows.map(({ heldAt, ...h }) => ({ ...h, heldOn: isoInstant(heldAt).slice(0, 10) }));
}

/** Promises of the rep's accounts found broken or partially kept in the window. */
async function brokenPromises(db: Queryable, params: unknown[]) {
  const r = await db.query<DigestPromise & { rep: string }>(
    `SELECT r.rep, ${ACCOUNT}, p.id AS "promiseId", p.promised_on AS "promisedOn",
       p.amount_cents AS "amountCents", p.paid_cents AS "paidCents", p.status, c.collector
     FROM ${REPS}
     JOIN customers c ON c.sales_rep = r.rep
     JOIN promises p ON p.customer_id = c.id AND p.status IN ('broken', 'partially_kept')
       AND p.evaluated_on > r.since_on AND p.evaluated_on <= $4::date
     ORDER BY r.rep, p.amount_cents - p.paid_cents DESC, p.id`, params);
  return r.rows;
}

/** Disputes routed to the rep (owner) that are still open or in review, oldest first. */
async function disputes(db: Queryable, params: unknown[], asOf: IsoDate) {
  const r = await db.query<Omit<DigestDispute, 'daysOpen'> & { rep: string }>(
    `SELECT r.rep, ${ACCOUNT}, d.id AS "disputeId", d.kind, d.reason_code AS "reasonCode",
       d.amount_cents AS "amountCents", d.status, d.opened_on AS "openedOn"
     FROM ${REPS}
     JOIN disputes d ON d.owner = r.rep AND d.status IN ('open', 'in_review')
       AND d.opened_on <= $4::date
     JOIN customers c ON c.id = d.customer_id
     ORDER BY r.rep, d.opened_on, d.id`, params);
  return r.rows.map((d) => ({ ...d, daysOpen: daysBetween(d.openedOn, asOf) }));
}

/**
 * Accounts whose oldest open past-due item reached 60 or 90 days past due in the window
 * (the SQL only narrows the candidates; thresholdCrossed decides).
 */
async function aged(
  db: Queryable, params: unknown[], windows: readonly DigestWindow[], asOf: IsoDate,
) {
  const thresholds = DIGEST_AGE_THRESHOLDS;
  const r = await db.query<DigestAccount & { rep: string; oldestDueDate: IsoDate;
    pastDueCents: number }>(
    `SELECT r.rep, ${ACCOUNT}, min(d.due_date) AS "oldestDueDate",
       sum(d.open_cents)::bigint AS "pastDueCents"
     FROM ${REPS}
     JOIN customers c ON c.sales_rep = r.rep
     JOIN documents d ON d.customer_id = c.id AND d.open_cents > 0 AND d.due_date < $4::date
     GROUP BY r.rep, r.since_on, c.id
     HAVING min(d.due_date) <= $4::date - $5::int AND min(d.due_date) > r.since_on - $6::int
     ORDER BY r.rep, min(d.due_date), c.id`,
    [...params, Math.min(...thresholds), Math.max(...thresholds)]);
  const sinceOf = new Map(windows.map((w) => [w.salesRep, w.sinceOn]));
  return r.rows.flatMap((a) => {
    const sinceOn = sinceOf.get(a.rep) ?? addDays(asOf, -7);
    const threshold = thresholdCrossed(a.oldestDueDate, sinceOn, asOf, thresholds);
    return threshold === null ? []
      : [{ ...a, threshold, daysPastDue: daysBetween(a.oldestDueDate, asOf) }];
  });
}

/** The rep's accounts with the largest balances owed (open debits less open credits). */
async function top(db: Queryable, params: unknown[], asOf: IsoDate) {
  const r = await db.query<Omit<DigestTopAccount, 'daysPastDueMax'> & { rep: string;
    oldest: IsoDate | null }>(
    `SELECT rep, "customerId", "accountNumber", name, currency, "balanceCents",
       "pastDueCents", oldest FROM (
       SELECT r.rep, ${ACCOUNT}, sum(d.open_cents)::bigint AS "balanceCents",
         coalesce(sum(d.open_cents) FILTER (WHERE d.open_cents > 0
           AND d.due_date < $4::date), 0)::bigint AS "pastDueCents",
         min(d.due_date) FILTER (WHERE d.open_cents > 0 AND d.due_date < $4::date) AS oldest,
         row_number() OVER (PARTITION BY r.rep ORDER BY sum(d.open_cents) DESC, c.id) AS n
       FROM ${REPS}
       JOIN customers c ON c.sales_rep = r.rep
       JOIN documents d ON d.customer_id = c.id AND d.open_cents <> 0
       GROUP BY r.rep, c.id) x
     WHERE n <= ${TOP_ACCOUNTS} AND "balanceCents" > 0 ORDER BY rep, n`, params);
  return r.rows.map(({ oldest, ...a }) => ({ ...a,
    daysPastDueMax: oldest === null ? null : daysBetween(oldest, asOf) }));
}
