import { writeAudit, type Actor } from '../db/audit.ts';
import type { Db } from '../db/connection.ts';
import { isUniqueViolation, transactResult } from '../db/documents.ts';
import type { IsoDate } from '../domain/dates.ts';
import { checkCreditMemoRequest } from '../domain/collections/credit-memo-approvals.ts';
import { err, ok, type Result } from '../domain/result.ts';
import { dateError, numberSetting } from './checks.ts';
import { loadDispute } from './disputes-store.ts';
import { APPROVAL_COLUMNS, type CreditMemoApproval } from './get-dispute-detail.ts';
import type { CollectionsQueueError } from './queue-errors.ts';

export interface RequestCreditMemoApprovalInput {
  disputeId: number;
  on: IsoDate;
  note?: string | null;
}

/**
 * Asks a manager to approve resolving an in-review dispute with a credit memo above the setting
 * credit_memo_approval_above_cents (below it, anyone resolves it directly). The dispute stays in
 * review until a manager decides. Errors, in order: date_invalid, dispute_not_found,
 * CreditMemoRequestError's (dispute_not_in_review, credit_memo_approval_not_needed,
 * credit_memo_approval_pending_conflict).
 */
export async function requestCreditMemoApproval(
  db: Db, actor: Actor, input: RequestCreditMemoApprovalInput,
): Promise<Result<CreditMemoApproval, CollectionsQueueError>> {
  const bad = dateError('on', input.on);
  if (bad) return err(bad);
  type Out = Result<CreditMemoApproval, CollectionsQueueError>;
  try {
    return await transactResult(db, async (tx): Promise<Out> => {
      const dispute = await loadDispute(tx, input.disputeId, true);
      if (!dispute) return err({ code: 'dispute_not_found', disputeId: input.disputeId });
      const pending = await tx.query<{ id: number }>(
        `SELECT id FROM credit_memo_approvals WHERE dispute_id = $1 AND status = 'pending'`,
        [dispute.id]);
      const checked = checkCreditMemoRequest({ disputeStatus: dispute.status,
        amountCents: dispute.amountCents, pendingApprovalId: pending.rows[0]?.id ?? null,
        creditMemoApprovalAboveCents: await numberSetting(tx,
          'credit_memo_approval_above_cents', 0) });
      if (!checked.ok) return checked;
      const r = await tx.query<CreditMemoApproval>(
        `INSERT INTO credit_memo_approvals AS a (dispute_id, amount_cents, currency, note,
           requested_by, requested_on) VALUES ($1, $2, $3, $4, $5, $6)
         RETURNING ${APPROVAL_COLUMNS}`,
        [dispute.id, dispute.amountCents, dispute.currency, input.note?.trim() || null,
          actor.name, input.on]);
      const approval = r.rows[0]!;
      await writeAudit(tx, actor, { action: 'credit_memo.request',
        entityType: 'credit_memo_approval', entityId: approval.id,
        customerId: dispute.customerId, after: approval });
      return ok(approval);
    });
  } catch (e) {
    // Two requests at once: the second meets the first's pending row.
    if (!isUniqueViolation(e, 'credit_memo_approvals_one_pending')) throw e;
    return err({ code: 'credit_memo_approval_pending_conflict', approvalId: 0 });
  }
}
