import { writeAudit, type Actor } from '../db/audit.ts';
import type { Db, Queryable } from '../db/connection.ts';
import { transactResult } from '../db/documents.ts';
import type { IsoDate } from '../domain/dates.ts';
import {
  checkDisputeChange, type DisputeResolution, type DisputeStatus,
} from '../domain/collections/disputes.ts';
import { err, ok, type Result } from '../domain/result.ts';
import { dateError, numberSetting } from './checks.ts';
import { loadDispute, type Dispute } from './disputes-store.ts';
import type { CollectionsError } from './errors.ts';

export interface ChangeDisputeStatusInput {
  disputeId: number;
  to: DisputeStatus;
  resolution?: DisputeResolution | null;
  /** The person is a manager: may approve a credit memo above the configured amount. */
  byManager: boolean;
  on: IsoDate;
  note?: string | null;
}

/**
 * Moves a dispute along open -> in_review -> resolved -> closed (domain rules in
 * checkDisputeChange; the credit-memo approval amount is the setting
 * credit_memo_approval_above_cents). Errors, in order: date_invalid, dispute_not_found, then
 * DisputeChangeError's.
 */
export async function changeDisputeStatus(
  db: Db, actor: Actor, input: ChangeDisputeStatusInput,
): Promise<Result<Dispute, CollectionsError>> {
  return transactResult(db, (tx) => changeInTx(tx, actor, input));
}

/** changeDisputeStatus in the caller's transaction (a credit memo approval resolves with it). */
export async function changeInTx(
  tx: Queryable, actor: Actor, input: ChangeDisputeStatusInput,
): Promise<Result<Dispute, CollectionsError>> {
  const bad = dateError('on', input.on);
  if (bad) return err(bad);
  const before = await loadDispute(tx, input.disputeId, true);
  if (!before) return err({ code: 'dispute_not_found', disputeId: input.disputeId });
  const checked = checkDisputeChange({
    from: before.status, to: input.to, resolution: input.resolution ?? null,
    amountCents: before.amountCents, byManager: input.byManager,
    creditMemoApprovalAboveCents: await numberSetting(tx, 'credit_memo_approval_above_cents', 0),
  });
  if (!checked.ok) return checked;
  await tx.query(
    `UPDATE disputes SET status = $2, resolution = coalesce($3, resolution),
       resolved_on = CASE WHEN $2 = 'resolved' THEN $4::date ELSE resolved_on END,
       closed_on = CASE WHEN $2 = 'closed' THEN $4::date ELSE closed_on END,
       updated_at = now()
     WHERE id = $1`,
    [input.disputeId, input.to, input.resolution ?? null, input.on]);
  if (input.note?.trim()) {
    await tx.query('INSERT INTO dispute_notes (dispute_id, body, author) VALUES ($1, $2, $3)',
      [input.disputeId, input.note.trim(), actor.name]);
  }
  const after = (await loadDispute(tx, input.disputeId))!;
  await writeAudit(tx, actor, {
    action: `dispute.${input.to}`, entityType: 'dispute', entityId: input.disputeId,
    customerId: before.customerId,
    before: { status: before.status, resolution: before.resolution },
    after: { status: after.status, resolution: after.resolution, byManager: input.byManager },
  });
  return ok(after);
}
