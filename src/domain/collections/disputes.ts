import { err, ok, type Result } from '../result.ts';

// A dispute (or deduction) on one or more items moves open -> in_review -> resolved -> closed.
// Resolving names the outcome: a credit memo is requested, the item is rebilled, or the claim is
// found invalid and the amount is valid to collect. A credit memo above the configured amount
// needs a manager's approval: only a manager may resolve it that way.

export const DISPUTE_STATUSES = ['open', 'in_review', 'resolved', 'closed'] as const;
export type DisputeStatus = (typeof DISPUTE_STATUSES)[number];
export const DISPUTE_RESOLUTIONS = ['credit_memo_requested', 'rebill', 'valid_to_collect'] as const;
export type DisputeResolution = (typeof DISPUTE_RESOLUTIONS)[number];
export const DISPUTE_REASONS = [
  'pricing', 'shortage', 'damage', 'returns', 'promo', 'tax', 'duplicate_billing', 'quality',
  'not_received', 'other',
] as const;
export type DisputeReason = (typeof DISPUTE_REASONS)[number];

const NEXT: Record<DisputeStatus, readonly DisputeStatus[]> = {
  open: ['in_review'],
  in_review: ['resolved'],
  resolved: ['closed'],
  closed: [],
};

export interface DisputeChange {
  from: DisputeStatus;
  to: DisputeStatus;
  resolution: DisputeResolution | null;
  amountCents: number;
  /** Whether the person changing it is a manager (may approve credit memos). */
  byManager: boolean;
  creditMemoApprovalAboveCents: number;
}

/** Dispute status changes, in the order checked. */
export type DisputeChangeError =
  | { code: 'dispute_status_invalid'; status: string }
  | { code: 'dispute_transition_not_allowed'; from: DisputeStatus; to: DisputeStatus }
  | { code: 'resolution_required' }
  | { code: 'resolution_only_when_resolving' }
  | { code: 'credit_memo_needs_manager_approval'; approvalAboveCents: number };

/** An open dispute still holds its amount out of the collectible past due. */
export function isActiveDispute(status: DisputeStatus): boolean {
  return status === 'open' || status === 'in_review';
}

export function checkDisputeChange(c: DisputeChange): Result<DisputeStatus, DisputeChangeError> {
  if (!(DISPUTE_STATUSES as readonly string[]).includes(c.to)) {
    return err({ code: 'dispute_status_invalid', status: c.to });
  }
  if (!NEXT[c.from].includes(c.to)) {
    return err({ code: 'dispute_transition_not_allowed', from: c.from, to: c.to });
  }
  if (c.to === 'resolved' && c.resolution === null) return err({ code: 'resolution_required' });
  if (c.to !== 'resolved' && c.resolution !== null) {
    return err({ code: 'resolution_only_when_resolving' });
  }
  if (c.resolution === 'credit_memo_requested' && !c.byManager
    && c.amountCents > c.creditMemoApprovalAboveCents) {
    return err({ code: 'credit_memo_needs_manager_approval',
      approvalAboveCents: c.creditMemoApprovalAboveCents });
  }
  return ok(c.to);
}
