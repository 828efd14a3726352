import { writeAudit, type Actor } from '../db/audit.ts';
import type { Db, Queryable } from '../db/connection.ts';
import { transactResult } from '../db/documents.ts';
import type { IsoDate } from '../domain/dates.ts';
import { err, ok, type Result } from '../domain/result.ts';
import { customerOrError, dateError, oneOf, openItemsOf, textError } from './checks.ts';
import type { CollectionsError } from './errors.ts';

export const ACTIVITY_KINDS = ['call', 'email', 'fax', 'letter', 'visit', 'note'] as const;
export type ActivityKind = (typeof ACTIVITY_KINDS)[number];
export const ACTIVITY_OUTCOMES = ['promise', 'dispute', 'paid', 'left_message', 'no_answer',
  'wrong_number', 'refused', 'sent', 'failed'] as const;
export type ActivityOutcome = (typeof ACTIVITY_OUTCOMES)[number];

export interface LogActivityInput {
  customerId: number;
  kind: ActivityKind;
  outcome?: ActivityOutcome | null;
  contactId?: number | null;
  contactName?: string | null;
  subject?: string | null;
  body?: string | null;
  /** Items the contact was about. */
  documentIds?: readonly number[];
  followUpOn?: IsoDate | null;
  occurredOn: IsoDate;
  source?: 'manual' | 'dunning' | 'system';
}

export interface Activity {
  id: number;
  customerId: number;
  kind: ActivityKind;
  outcome: ActivityOutcome | null;
  contactId: number | null;
  contactName: string | null;
  subject: string | null;
  body: string | null;
  followUpOn: IsoDate | null;
  occurredOn: IsoDate;
  author: string;
  source: string;
  documentIds: number[];
}

export const ACTIVITY_COLUMNS = `id, customer_id AS "customerId", kind, outcome,
  contact_id AS "contactId", contact_name AS "contactName", subject, body,
  follow_up_on AS "followUpOn", occurred_on AS "occurredOn", author, source`;

/**
 * Logs a call, email, fax, letter, visit or note on an account (and on items), with a follow-up
 * date that becomes an open task for the author. A call or visit completes the account's open
 * broken-promise tasks. Errors, in order: value_not_allowed (kind,
 * outcome), date_invalid, text_required (a note needs a body), customer_not_found,
 * contact_not_found, item_not_found, item_not_on_account.
 */
export async function logActivity(
  db: Db, actor: Actor, input: LogActivityInput,
): Promise<Result<Activity, CollectionsError>> {
  return transactResult(db, (tx) => logActivityInTx(tx, actor, input));
}

export async function logActivityInTx(
  tx: Queryable, actor: Actor, input: LogActivityInput,
): Promise<Result<Activity, CollectionsError>> {
  const shape = oneOf('kind', input.kind, ACTIVITY_KINDS)
    ?? (input.outcome == null ? null : oneOf('outcome', input.outcome, ACTIVITY_OUTCOMES))
    ?? dateError('occurredOn', input.occurredOn) ?? dateError('followUpOn', input.followUpOn)
    ?? (input.kind === 'note' ? textError('body', input.body) : null);
  if (shape) return err(shape);
  const customer = await customerOrError(tx, input.customerId);
  if (!customer.ok) return customer;
  if (input.contactId != null) {
    const c = await tx.query('SELECT 1 FROM contacts WHERE id = $1 AND customer_id = $2',
      [input.contactId, input.customerId]);
    if (c.rows.length === 0) return err({ code: 'contact_not_found', contactId: input.contactId });
  }
  const ids = [...new Set(input.documentIds ?? [])];
  const items = await openItemsOf(tx, customer.value, ids, { anyItem: true });
  if (!items.ok) return items;
  const r = await tx.query<Omit<Activity, 'documentIds'>>(
    `INSERT INTO activities (customer_id, kind, outcome, contact_id, contact_name, subject, body,
       follow_up_on, occurred_on, author, source)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING ${ACTIVITY_COLUMNS}`,
    [input.customerId, input.kind, input.outcome ?? null, input.contactId ?? null,
      input.contactName?.trim() || null, input.subject ?? null, input.body ?? null,
      input.followUpOn ?? null, input.occurredOn, actor.name, input.source ?? 'manual'],
  );
  const activity = { ...r.rows[0]!, documentIds: ids };
  if (ids.length > 0) {
    await tx.query(
      `INSERT INTO activity_items (activity_id, document_id)
       SELECT $1, unnest($2::bigint[])`, [activity.id, ids]);
  }
  if (input.followUpOn) {
    await tx.query(
      `INSERT INTO tasks (customer_id, kind, title, due_on, assignee, source_type, source_id,
         created_by) VALUES ($1, 'follow_up', $2, $3, $4, 'activity', $5, $4)`,
      [input.customerId, `Follow up: ${input.subject ?? input.kind}`, input.followUpOn,
        actor.name, activity.id]);
  }
  if (input.kind === 'call' || input.kind === 'visit') {
    // Talking to the customer is the follow-up a broken promise asked for.
    await tx.query(`UPDATE tasks SET status = 'done', done_at = now(), done_by = $2
      WHERE customer_id = $1 AND kind = 'broken_promise' AND status = 'open'`,
    [input.customerId, actor.name]);
  }
  await writeAudit(tx, actor, {
    action: 'activity.log', entityType: 'activity', entityId: activity.id,
    customerId: input.customerId, after: activity,
  });
  return ok(activity);
}
