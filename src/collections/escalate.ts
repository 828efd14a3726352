import { writeAudit, type Actor } from '../db/audit.ts';
import type { Db } from '../db/connection.ts';
import { transactResult } from '../db/documents.ts';
import type { IsoDate } from '../domain/dates.ts';
import { err, ok, type Result } from '../domain/result.ts';
import { customerOrError, dateError, textError } from './checks.ts';
import type { CollectionsError } from './errors.ts';

export interface EscalateInput {
  customerId: number;
  note: string;
  /** The supervisor it goes to; they get a task due `on`. */
  escalatedTo: string | null;
  on: IsoDate;
}

export interface Escalation {
  id: number;
  customerId: number;
  note: string;
  escalatedTo: string | null;
  status: 'open' | 'closed';
  createdBy: string;
  taskId: number;
}

/**
 * Escalates an account to a supervisor with a note; the supervisor gets a task.
 * Errors, in order: text_required (note), date_invalid, customer_not_found.
 */
export async function escalate(
  db: Db, actor: Actor, input: EscalateInput,
): Promise<Result<Escalation, CollectionsError>> {
  const shape = textError('note', input.note) ?? dateError('on', input.on);
  if (shape) return err(shape);
  type Out = Result<Escalation, CollectionsError>;
  return transactResult(db, async (tx): Promise<Out> => {
    const customer = await customerOrError(tx, input.customerId);
    if (!customer.ok) return customer;
    const r = await tx.query<Omit<Escalation, 'taskId'>>(
      `INSERT INTO escalations (customer_id, note, escalated_to, created_by)
       VALUES ($1, $2, $3, $4) RETURNING id, customer_id AS "customerId", note,
         escalated_to AS "escalatedTo", status, created_by AS "createdBy"`,
      [input.customerId, input.note.trim(), input.escalatedTo, actor.name]);
    const e = r.rows[0]!;
    const t = await tx.query<{ id: number }>(
      `INSERT INTO tasks (customer_id, kind, title, due_on, assignee, source_type, source_id,
         created_by) VALUES ($1, 'escalation', $2, $3, $4, 'escalation', $5, $6) RETURNING id`,
      [input.customerId, `Escalated: ${customer.value.name}`, input.on, input.escalatedTo,
        e.id, actor.name]);
    const escalation = { ...e, taskId: t.rows[0]!.id };
    await writeAudit(tx, actor, { action: 'account.escalate', entityType: 'escalation',
      entityId: e.id, customerId: input.customerId, after: escalation });
    return ok(escalation);
  });
}
