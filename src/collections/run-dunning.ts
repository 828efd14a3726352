import { writeAudit, type Actor } from '../db/audit.ts';
import type { Db, Queryable } from '../db/connection.ts';
import { isUniqueViolation } from '../db/documents.ts';
import { isIsoDate, type IsoDate } from '../domain/dates.ts';
import { err, ok, type Result } from '../domain/result.ts';
import {
  dunnableCustomerIds, isMessage, loadStrategies, planDunning, type PlannedMessage,
} from './dunning-plan.ts';
import type { CollectionsError } from './errors.ts';
import { recipientFor } from './preview-dunning.ts';

export interface DunningRun {
  runId: number;
  runKey: string;
  asOf: IsoDate;
  messages: number;
  sends: number;
  tasks: number;
  creditHolds: number;
}

const CHUNK = 5_000;
/** Serializes the write phase of concurrent runs (different keys), chunk by chunk. */
const DUNNING_LOCK = 7_310_020;

/**
 * Runs dunning for `asOf` under `runKey` (a schedule slot like "daily:2026-11-20", or a manual
 * run's key): claims the key (dunning_runs.run_key is unique, so with several instances exactly
 * one runs it), then, a chunk of customers per transaction, records one message per customer
 * with every (step, item) it sends (dunning_sends' key refuses a repeat; the message's activity
 * reaches its items through them), logs the contact,
 * creates call tasks and applies credit holds. Email, fax and letter messages are left queued
 * for deliverDunning. Errors: dunning_run_key_taken.
 */
export async function runDunning(
  db: Db, actor: Actor, input: { runKey: string; asOf: IsoDate },
): Promise<Result<DunningRun, CollectionsError>> {
  if (!isIsoDate(input.asOf)) return err({ code: 'date_invalid', field: 'asOf', date: input.asOf });
  let runId: number;
  try {
    const r = await db.query<{ id: number }>(
      `INSERT INTO dunning_runs (run_key, as_of, started_by) VALUES ($1, $2, $3) RETURNING id`,
      [input.runKey, input.asOf, actor.name]);
    runId = r.rows[0]!.id;
  } catch (e) {
    if (!isUniqueViolation(e, 'dunning_runs_run_key_key')) throw e;
    const r = await db.query<{ id: number }>('SELECT id FROM dunning_runs WHERE run_key = $1',
      [input.runKey]);
    return err({ code: 'dunning_run_key_taken', runKey: input.runKey, runId: r.rows[0]!.id });
  }
  const run: DunningRun = { runId, runKey: input.runKey, asOf: input.asOf, messages: 0,
    sends: 0, tasks: 0, creditHolds: 0 };
  try {
    const strategies = await loadStrategies(db);
    const ids = await dunnableCustomerIds(db);
    for (let i = 0; i < ids.length; i += CHUNK) {
      await db.transaction(async (tx) => {
        await tx.query('SELECT pg_advisory_xact_lock($1)', [DUNNING_LOCK]);
        const planned = (await planDunning(tx, ids.slice(i, i + CHUNK), input.asOf, strategies))
          .filter(isMessage);
        await recordChunk(tx, actor, run, planned);
      });
    }
  } catch (e) {
    await db.query(`UPDATE dunning_runs SET status = 'failed', finished_at = now() WHERE id = $1`,
      [runId]);
    throw e;
  }
  await db.transaction(async (tx) => {
    await tx.query(`UPDATE dunning_runs SET status = 'completed', finished_at = now(),
      message_count = $2, send_count = $3 WHERE id = $1`, [runId, run.messages, run.sends]);
    await writeAudit(tx, actor, { action: 'dunning.run', entityType: 'dunning_run',
      entityId: runId, after: run });
  });
  return ok(run);
}

async function recordChunk(
  tx: Queryable, actor: Actor, run: DunningRun, planned: readonly PlannedMessage[],
): Promise<void> {
  if (planned.length === 0) return;
  const m = planned.map((p) => p.selection.message);
  const activities = await tx.query<{ id: number; customerId: number }>(
    `INSERT INTO activities (customer_id, kind, outcome, subject, occurred_on, author, source)
     SELECT c, CASE WHEN ch = 'call_task' THEN 'note' ELSE ch END, NULL, s, $4, $5, 'dunning'
     FROM unnest($1::bigint[], $2::text[], $3::text[]) AS v(c, ch, s)
     RETURNING id, customer_id AS "customerId"`,
    [m.map((x) => x.customerId), m.map((x) => x.step.channel),
      m.map((x) => `Dunning: ${x.step.name}`), run.asOf, actor.name]);
  const activityOf = new Map(activities.rows.map((a) => [a.customerId, a.id]));
  const messages = await tx.query<{ id: number; customerId: number }>(
    `INSERT INTO dunning_messages (run_id, customer_id, step_id, channel, template, total_cents,
       currency, recipient, status, activity_id)
     SELECT $1, c, st, ch, t, tot, cur, rcp,
       CASE WHEN ch = 'call_task' THEN 'task' WHEN rcp IS NULL AND ch <> 'letter'
         THEN 'no_recipient' ELSE 'queued' END, a
     FROM unnest($2::bigint[], $3::bigint[], $4::text[], $5::text[], $6::bigint[], $7::text[],
       $8::text[], $9::bigint[]) AS v(c, st, ch, t, tot, cur, rcp, a)
     RETURNING id, customer_id AS "customerId"`,
    [run.runId, m.map((x) => x.customerId), m.map((x) => x.step.id),
      m.map((x) => x.step.channel), m.map((x) => x.step.template), m.map((x) => x.totalCents),
      planned.map((p) => p.currency), planned.map((p) => recipientFor(p.selection.message.step
        .channel, p)), m.map((x) => activityOf.get(x.customerId)!)]);
  const messageOf = new Map(messages.rows.map((x) => [x.customerId, x.id]));
  const sends = m.flatMap((x) => x.sends.map((s) => ({ c: x.customerId, s, msg:
    messageOf.get(x.customerId)! })));
  await tx.query(
    `INSERT INTO dunning_sends (customer_id, step_id, document_id, message_id)
     SELECT * FROM unnest($1::bigint[], $2::bigint[], $3::bigint[], $4::bigint[])`,
    [sends.map((x) => x.c), sends.map((x) => x.s.step.id), sends.map((x) => x.s.item.documentId),
      sends.map((x) => x.msg)]);
  run.messages += m.length;
  run.sends += sends.length;
  await applyActions(tx, actor, run, planned, messageOf);
}

/** Call tasks for the collector, agency referrals for the supervisor, credit holds. */
async function applyActions(
  tx: Queryable, actor: Actor, run: DunningRun, planned: readonly PlannedMessage[],
  messageOf: ReadonlyMap<number, number>,
): Promise<void> {
  const tasks = planned.flatMap((p) => {
    const m = p.selection.message;
    const out: { kind: string; title: string }[] = [];
    if (m.step.channel === 'call_task') out.push({ kind: 'dunning_call', title: m.step.name });
    if (m.actions.includes('agency_referral')) {
      out.push({ kind: 'escalation', title: 'Refer to a collection agency?' });
    }
    return out.map((t) => ({ ...t, p, msg: messageOf.get(p.customerId)! }));
  });
  if (tasks.length > 0) {
    const r = await tx.query(
      `INSERT INTO tasks (customer_id, kind, title, due_on, assignee, source_type, source_id,
         created_by)
       SELECT c, k, t, $4, a, 'dunning_message', m, $5
       FROM unnest($1::bigint[], $2::text[], $3::text[], $6::text[], $7::bigint[])
         AS v(c, k, t, a, m)`,
      [tasks.map((t) => t.p.customerId), tasks.map((t) => t.kind), tasks.map((t) => t.title),
        run.asOf, actor.name, tasks.map((t) => t.p.collector), tasks.map((t) => t.msg)]);
    run.tasks += r.rowCount;
  }
  const holds = planned.filter((p) => p.selection.message.actions.includes('credit_hold'))
    .map((p) => p.customerId);
  if (holds.length === 0) return;
  const held = await tx.query<{ id: number }>(
    `UPDATE customers SET status = 'on_hold', updated_at = now()
     WHERE id = ANY($1::bigint[]) AND status = 'active' RETURNING id`, [holds]);
  run.creditHolds += held.rowCount;
  if (held.rowCount > 0) {
    await writeAudit(tx, actor, { action: 'dunning.credit_hold', entityType: 'dunning_run',
      entityId: run.runId, after: { customerIds: held.rows.map((x) => x.id) } });
  }
}
