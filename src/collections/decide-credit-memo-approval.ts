import { writeAudit, type Actor } from '../db/audit.ts';
import type { Db, Queryable } from '../db/connection.ts';
import { transactResult } from '../db/documents.ts';
import type { IsoDate } from '../domain/dates.ts';
import { checkCreditMemoDecision } from '../domain/collections/credit-memo-approvals.ts';
import { err, ok, type Result } from '../domain/result.ts';
import { changeInTx } from './change-dispute-status.ts';
import { dateError, numberSetting } from './checks.ts';
import { loadDispute } from './disputes-store.ts';
import { APPROVAL_COLUMNS, type CreditMemoApproval } from './get-dispute-detail.ts';
import type { CollectionsQueueError } from './queue-errors.ts';

export interface DecideCreditMemoInput {
  approvalId: number;
  approve: boolean;
  /** The person deciding is a manager (collections.supervise). */
  byManager: boolean;
  on: IsoDate;
  note?: string | null;
}

/**
 * A manager approves (the dispute is resolved as credit_memo_requested, in the same transaction)
 * or rejects (the dispute stays in review, the reason noted on it) a credit memo request.
 * Errors, in order: date_invalid, credit_memo_approval_not_found, CreditMemoDecisionError's
 * (credit_memo_approval_already_decided, credit_memo_needs_manager_approval,
 * approver_must_not_be_requester, dispute_not_in_review).
 */
export async function decideCreditMemoApproval(
  db: Db, actor: Actor, input: DecideCreditMemoInput,
): Promise<Result<CreditMemoApproval, CollectionsQueueError>> {
  const bad = dateError('on', input.on);
  if (bad) return err(bad);
  return transactResult(db, (tx) => decideInTx(tx, actor, input));
}

async function decideInTx(
  tx: Queryable, actor: Actor, input: DecideCreditMemoInput,
): Promise<Result<CreditMemoApproval, CollectionsQueueError>> {
  const r = await tx.query<CreditMemoApproval>(
    `SELECT ${APPROVAL_COLUMNS} FROM credit_memo_approvals a WHERE a.id = $1 FOR UPDATE`,
    [input.approvalId]);
  const before = r.rows[0];
  if (!before) return err({ code: 'credit_memo_approval_not_found', approvalId: input.approvalId });
  const dispute = (await loadDispute(tx, before.disputeId, true))!;
  const above = await numberSetting(tx, 'credit_memo_approval_above_cents', 0);
  const checked = checkCreditMemoDecision({ status: before.status, requestedBy: before.requestedBy,
    decidedBy: actor.name, byManager: input.byManager, creditMemoApprovalAboveCents: above,
    disputeStatus: dispute.status, approve: input.approve });
  if (!checked.ok) return checked;
  const note = input.note?.trim() || null;
  if (input.approve) {
    const resolved = await changeInTx(tx, actor, { disputeId: dispute.id, to: 'resolved',
      resolution: 'credit_memo_requested', byManager: true, on: input.on,
      note: `Credit memo approved${note ? `: ${note}` : '.'}` });
    if (!resolved.ok) return resolved;
  } else {
    await tx.query('INSERT INTO dispute_notes (dispute_id, body, author) VALUES ($1, $2, $3)',
      [dispute.id, `Credit memo not approved${note ? `: ${note}` : '.'}`, actor.name]);
  }
  const u = await tx.query<CreditMemoApproval>(
    `UPDATE credit_memo_approvals a SET status = $2, decided_by = $3, decided_on = $4,
       decision_note = $5 WHERE a.id = $1 RETURNING ${APPROVAL_COLUMNS}`,
    [before.id, input.approve ? 'approved' : 'rejected', actor.name, input.on, note]);
  const after = u.rows[0]!;
  await writeAudit(tx, actor, {
    action: input.approve ? 'credit_memo.approve' : 'credit_memo.reject',
    entityType: 'credit_memo_approval', entityId: before.id, customerId: dispute.customerId,
    before: { status: before.status }, after,
  });
  return ok(after);
}
