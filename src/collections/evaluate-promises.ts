import { writeAudit, type Actor } from '../db/audit.ts';
import type { Db, Queryable } from '../db/connection.ts';
import { isUniqueViolation } from '../db/documents.ts';
import { isIsoDate, type IsoDate } from '../domain/dates.ts';
import {
  evaluatePromise, type AppliedPayment, type PromiseStatus,
} from '../domain/collections/promises.ts';
import { assert } from '../domain/result.ts';
import { numberSetting } from './checks.ts';

export interface PromiseEvaluationRun {
  /** False when another instance already ran this slot (nothing was done). */
  ran: boolean;
  asOf: IsoDate;
  evaluated: number;
  kept: number;
  partiallyKept: number;
  broken: number;
  tasksCreated: number;
}

interface OpenPromise {
  id: number;
  customerId: number;
  amountCents: number;
  promisedOn: IsoDate;
  madeOn: IsoDate;
  collector: string | null;
  hasItems: boolean;
}

/**
 * The nightly promise check: every open promise is marked kept, partially kept or broken from the
 * payments applied to its items (or its account, when it names none) between the day it was made
 * and its date plus the grace period (setting promise_grace_days). Broken and partially kept
 * promises get a follow-up task for the account's collector. Runs once per `asOf` however many
 * instances call it (a claimed row in collection_job_runs); `rerun` evaluates again anyway.
 */
export async function evaluatePromises(
  db: Db, actor: Actor, asOf: IsoDate, options: { rerun?: boolean } = {},
): Promise<PromiseEvaluationRun> {
  assert(isIsoDate(asOf), 'asOf is an ISO date');
  try {
    return await db.transaction(async (tx) => {
      if (options.rerun) {
        await tx.query(`DELETE FROM collection_job_runs WHERE job = 'evaluate_promises'
          AND slot = $1`, [asOf]);
      }
      await tx.query(`INSERT INTO collection_job_runs (job, slot) VALUES ('evaluate_promises', $1)`,
        [asOf]);
      const run = await evaluateInTx(tx, actor, asOf);
      await tx.query(`UPDATE collection_job_runs SET finished_at = now(), result = $2
        WHERE job = 'evaluate_promises' AND slot = $1`, [asOf, JSON.stringify(run)]);
      await writeAudit(tx, actor, { action: 'promises.evaluate', entityType: 'job',
        entityId: `evaluate_promises:${asOf}`, after: run });
      return run;
    });
  } catch (e) {
    if (!isUniqueViolation(e, 'collection_job_runs_pkey')) throw e;
    return { ran: false, asOf, evaluated: 0, kept: 0, partiallyKept: 0, broken: 0,
      tasksCreated: 0 };
  }
}

async function evaluateInTx(tx: Queryable, actor: Actor, asOf: IsoDate) {
  const grace = await numberSetting(tx, 'promise_grace_days', 3);
  const open = await tx.query<OpenPromise>(
    `SELECT p.id, p.customer_id AS "customerId", p.amount_cents AS "amountCents",
       p.promised_on AS "promisedOn", p.made_on AS "madeOn", c.collector,
       EXISTS (SELECT 1 FROM promise_items i WHERE i.promise_id = p.id) AS "hasItems"
     FROM promises p JOIN customers c ON c.id = p.customer_id
     WHERE p.status = 'open' AND p.made_on <= $1 ORDER BY p.id FOR UPDATE OF p`, [asOf]);
  const payments = await paymentsFor(tx, open.rows.map((p) => p.id), asOf, grace);
  const run: PromiseEvaluationRun = { ran: true, asOf, evaluated: 0, kept: 0, partiallyKept: 0,
    broken: 0, tasksCreated: 0 };
  const changed: { id: number; status: PromiseStatus; paid: number }[] = [];
  for (const p of open.rows) {
    const e = evaluatePromise(p, payments.get(p.id) ?? [], asOf, grace);
    run.evaluated++;
    if (e.status === 'open') continue;
    changed.push({ id: p.id, status: e.status, paid: e.paidCents });
    if (e.status === 'kept') run.kept++;
    else if (e.status === 'partially_kept') run.partiallyKept++;
    else run.broken++;
  }
  if (changed.length === 0) return run;
  await tx.query(
    `UPDATE promises p SET status = v.status, paid_cents = v.paid, evaluated_on = $4
     FROM unnest($1::bigint[], $2::text[], $3::bigint[]) AS v(id, status, paid)
     WHERE p.id = v.id`,
    [changed.map((c) => c.id), changed.map((c) => c.status), changed.map((c) => c.paid), asOf]);
  const tasks = await tx.query(
    `INSERT INTO tasks (customer_id, kind, title, due_on, assignee, source_type, source_id,
       created_by)
     SELECT p.customer_id, 'broken_promise',
       'Promise of ' || to_char(p.promised_on, 'MM/DD') || ' ' || replace(p.status, '_', ' '),
       $2, c.collector, 'promise', p.id, $3
     FROM promises p JOIN customers c ON c.id = p.customer_id
     WHERE p.id = ANY($1::bigint[]) AND p.status IN ('broken', 'partially_kept')
     ON CONFLICT DO NOTHING`,
    [changed.map((c) => c.id), asOf, actor.name]);
  run.tasksCreated = tasks.rowCount;
  return run;
}

/**
 * Payment applications (reversals negative) counting toward each promise: to its items, or to
 * any of its account's items when it names none, applied within the promise's window.
 */
async function paymentsFor(
  tx: Queryable, ids: readonly number[], asOf: IsoDate, grace: number,
): Promise<Map<number, AppliedPayment[]>> {
  const r = await tx.query<AppliedPayment & { promiseId: number }>(
    `SELECT p.id AS "promiseId", a.applied_on AS "appliedOn", a.amount_cents AS "amountCents"
     FROM promises p
     JOIN documents d ON d.customer_id = p.customer_id
       AND (NOT EXISTS (SELECT 1 FROM promise_items i WHERE i.promise_id = p.id)
         OR EXISTS (SELECT 1 FROM promise_items i WHERE i.promise_id = p.id
           AND i.document_id = d.id))
     JOIN applications a ON a.debit_id = d.id
     JOIN documents c ON c.id = a.credit_id AND c.type = 'payment'
     WHERE p.id = ANY($1::bigint[]) AND a.applied_on >= p.made_on
       AND a.applied_on <= LEAST($2::date, p.promised_on + $3::int)`,
    [ids, asOf, grace]);
  const out = new Map<number, AppliedPayment[]>();
  for (const row of r.rows) {
    const list = out.get(row.promiseId) ?? [];
    list.push({ appliedOn: row.appliedOn, amountCents: row.amountCents });
    out.set(row.promiseId, list);
  }
  return out;
}
