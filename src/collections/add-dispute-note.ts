import { writeAudit, type Actor } from '../db/audit.ts';
import type { Db } from '../db/connection.ts';
import { transactResult } from '../db/documents.ts';
import { err, ok, type Result } from '../domain/result.ts';
import { textError } from './checks.ts';
import type { DisputeNote } from './get-dispute-detail.ts';
import type { CollectionsQueueError } from './queue-errors.ts';

/**
 * Adds a note to a dispute (what the customer sent, what the sales rep found), whatever its
 * status. Errors, in order: text_required (body), dispute_not_found.
 */
export async function addDisputeNote(
  db: Db, actor: Actor, input: { disputeId: number; body: string },
): Promise<Result<DisputeNote, CollectionsQueueError>> {
  const bad = textError('body', input.body);
  if (bad) return err(bad);
  type Out = Result<DisputeNote, CollectionsQueueError>;
  return transactResult(db, async (tx): Promise<Out> => {
    const d = await tx.query<{ customerId: number }>(
      'SELECT customer_id AS "customerId" FROM disputes WHERE id = $1', [input.disputeId]);
    if (!d.rows[0]) return err({ code: 'dispute_not_found', disputeId: input.disputeId });
    const r = await tx.query<DisputeNote>(
      `INSERT INTO dispute_notes (dispute_id, body, author) VALUES ($1, $2, $3)
       RETURNING id, body, author, created_at AS "createdAt"`,
      [input.disputeId, input.body.trim(), actor.name]);
    const note = r.rows[0]!;
    await tx.query('UPDATE disputes SET updated_at = now() WHERE id = $1', [input.disputeId]);
    await writeAudit(tx, actor, { action: 'dispute.note', entityType: 'dispute',
      entityId: input.disputeId, customerId: d.rows[0].customerId,
      after: { noteId: note.id, body: note.body } });
    return ok(note);
  });
}
