import { writeAudit, type Actor } from '../db/audit.ts';
import type { Db, Queryable } from '../db/connection.ts';
import { transactResult } from '../db/documents.ts';
import { checkEscalationChange } from '../domain/collections/escalations.ts';
import { err, ok, type Result } from '../domain/result.ts';
import { textError } from './checks.ts';
import {
  ESCALATION_COLUMNS, ESCALATION_FROM, escalationOf, type EscalationEntry,
} from './list-escalations.ts';
import type { CollectionsQueueError } from './queue-errors.ts';

export interface EscalationStepInput {
  escalationId: number;
  to: 'acknowledged' | 'resolved';
  /** Required to resolve; optional to acknowledge. */
  note?: string | null;
}

/** The escalation with its account, locked for the change when asked. */
export async function loadEscalation(
  tx: Queryable, id: number, lock = false,
): Promise<EscalationEntry | undefined> {
  const r = await tx.query<Parameters<typeof escalationOf>[0]>(
    `SELECT ${ESCALATION_COLUMNS} FROM ${ESCALATION_FROM} WHERE e.id = $1
     ${lock ? 'FOR UPDATE OF e' : ''}`, [id]);
  return r.rows[0] ? escalationOf(r.rows[0]) : undefined;
}

/**
 * A supervisor acknowledges an escalation (takes it on) or resolves it with a note; resolving
 * also completes the supervisor's escalation task. Errors, in order: text_required (note, to
 * resolve), escalation_not_found, EscalationChangeError's.
 */
export async function resolveEscalation(
  db: Db, actor: Actor, input: EscalationStepInput,
): Promise<Result<EscalationEntry, CollectionsQueueError>> {
  const note = input.note?.trim() || null;
  if (input.to === 'resolved') {
    const bad = textError('note', note);
    if (bad) return err(bad);
  }
  type Out = Result<EscalationEntry, CollectionsQueueError>;
  return transactResult(db, async (tx): Promise<Out> => {
    const before = await loadEscalation(tx, input.escalationId, true);
    if (!before) return err({ code: 'escalation_not_found', escalationId: input.escalationId });
    const checked = checkEscalationChange(before.stage, input.to);
    if (!checked.ok) return checked;
    if (input.to === 'acknowledged') {
      await tx.query(`UPDATE escalations SET acknowledged_by = $2, acknowledged_at = now(),
        acknowledge_note = $3 WHERE id = $1`, [before.id, actor.name, note]);
    } else {
      await tx.query(`UPDATE escalations SET status = 'closed', resolved_by = $2,
        resolved_at = now(), resolution_note = $3 WHERE id = $1`, [before.id, actor.name, note]);
      await tx.query(`UPDATE tasks SET status = 'done', done_at = now(), done_by = $2
        WHERE source_type = 'escalation' AND source_id = $1 AND status = 'open'`,
      [before.id, actor.name]);
    }
    const after = (await loadEscalation(tx, before.id))!;
    await writeAudit(tx, actor, {
      action: input.to === 'acknowledged' ? 'escalation.acknowledge' : 'escalation.resolve',
      entityType: 'escalation', entityId: before.id, customerId: before.customerId,
      before: { stage: before.stage }, after: { stage: after.stage, note },
    });
    return ok(after);
  });
}
