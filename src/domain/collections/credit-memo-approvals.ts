import { err, ok, type Result } from '../result.ts';
import {
  checkDisputeChange, DISPUTE_RESOLUTIONS, DISPUTE_STATUSES, type DisputeResolution,
  type DisputeStatus,
} from './disputes.ts';

// A credit memo resolution above the configured amount needs a manager (checkDisputeChange).
// Someone who is not a manager asks for one instead: the request waits in the managers'
// approval queue, and approving it resolves the dispute as credit_memo_requested.

/** One way a dispute may move from where it is, for the person asking. */
export interface DisputeMove {
  to: DisputeStatus;
  resolution: DisputeResolution | null;
  /** Allowed only through a manager's approval (a credit memo above the approval amount). */
  needsApproval: boolean;
}

/**
 * Every move checkDisputeChange allows from `from`, plus the credit memo it refuses only for
 * want of a manager (offered as needsApproval), in status then resolution order.
 * @example allowedDisputeMoves({ from: 'open', ... }) // [{ to: 'in_review', ... }]
 */
export function allowedDisputeMoves(input: {
  from: DisputeStatus;
  amountCents: number;
  byManager: boolean;
  creditMemoApprovalAboveCents: number;
}): DisputeMove[] {
  const moves: DisputeMove[] = [];
  for (const to of DISPUTE_STATUSES) {
    const resolutions = to === 'resolved' ? DISPUTE_RESOLUTIONS : [null];
    for (const resolution of resolutions) {
      const r = checkDisputeChange({ ...input, to, resolution });
      if (r.ok) moves.push({ to, resolution, needsApproval: false });
      else if (r.error.code === 'credit_memo_needs_manager_approval') {
        moves.push({ to, resolution, needsApproval: true });
      }
    }
  }
  return moves;
}

/** Asking for a credit memo approval, in the order checked. */
export type CreditMemoRequestError =
  | { code: 'dispute_not_in_review'; status: DisputeStatus }
  | { code: 'credit_memo_approval_not_needed'; approvalAboveCents: number }
  | { code: 'credit_memo_approval_pending_conflict'; approvalId: number };

export function checkCreditMemoRequest(input: {
  disputeStatus: DisputeStatus;
  amountCents: number;
  creditMemoApprovalAboveCents: number;
  pendingApprovalId: number | null;
}): Result<true, CreditMemoRequestError> {
  if (input.disputeStatus !== 'in_review') {
    return err({ code: 'dispute_not_in_review', status: input.disputeStatus });
  }
  if (input.amountCents <= input.creditMemoApprovalAboveCents) {
    return err({ code: 'credit_memo_approval_not_needed',
      approvalAboveCents: input.creditMemoApprovalAboveCents });
  }
  if (input.pendingApprovalId !== null) {
    return err({ code: 'credit_memo_approval_pending_conflict',
      approvalId: input.pendingApprovalId });
  }
  return ok(true);
}

export type CreditMemoApprovalStatus = 'pending' | 'approved' | 'rejected';

/** Deciding a credit memo approval, in the order checked. */
export type CreditMemoDecisionError =
  | { code: 'credit_memo_approval_already_decided'; status: CreditMemoApprovalStatus }
  | { code: 'credit_memo_needs_manager_approval'; approvalAboveCents: number }
  | { code: 'approver_must_not_be_requester' }
  | { code: 'dispute_not_in_review'; status: DisputeStatus };

export function checkCreditMemoDecision(input: {
  status: CreditMemoApprovalStatus;
  requestedBy: string;
  decidedBy: string;
  byManager: boolean;
  creditMemoApprovalAboveCents: number;
  disputeStatus: DisputeStatus;
  approve: boolean;
}): Result<true, CreditMemoDecisionError> {
  if (input.status !== 'pending') {
    return err({ code: 'credit_memo_approval_already_decided', status: input.status });
  }
  if (!input.byManager) {
    return err({ code: 'credit_memo_needs_manager_approval',
      approvalAboveCents: input.creditMemoApprovalAboveCents });
  }
  if (input.approve && input.decidedBy === input.requestedBy) {
    return err({ code: 'approver_must_not_be_requester' });
  }
  if (input.approve && input.disputeStatus !== 'in_review') {
    return err({ code: 'dispute_not_in_review', status: input.disputeStatus });
  }
  return ok(true);
}
