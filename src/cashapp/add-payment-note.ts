/** A clerk's note on a payment in the research queue (kept, never edited). */
import { writeAudit, type Actor } from '../db/audit.ts';
import type { Db } from '../db/connection.ts';
import { transactResult } from '../db/documents.ts';
import { err, ok, type Result } from '../domain/result.ts';
import type { CashappError } from './errors.ts';
import { loadPayments } from './store.ts';

export async function addPaymentNote(
  db: Db, actor: Actor, input: { paymentId: number; note: string },
): Promise<Result<{ noteId: number }, CashappError>> {
  const note = input.note.trim();
  if (note === '') return err({ code: 'note_required' });
  return transactResult(db, async (tx) => {
    const [payment] = await loadPayments(tx, [input.paymentId]);
    if (!payment) return err({ code: 'payment_not_found', paymentId: input.paymentId });
    const r = await tx.query<{ id: number }>(
      'INSERT INTO payment_notes (payment_id, note, created_by) VALUES ($1, $2, $3) RETURNING id',
      [payment.id, note, actor.name]);
    await writeAudit(tx, actor, {
      action: 'payment.note', entityType: 'document', entityId: payment.id,
      customerId: payment.customerId, after: { note },
    });
    return ok({ noteId: r.rows[0]!.id });
  });
}
