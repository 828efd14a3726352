import { err, ok, type Result } from '../result.ts';

// Bad-debt write-off requests: a collector asks, someone else approves within their role's limit.

/** Role -> the largest write-off (cents) that role may approve; a role not listed approves none. */
export type WriteOffLimits = Readonly<Record<string, number | null>>;

/** The default ladder; null means no limit. Kept in the settings table, this is the seed. */
export const DEFAULT_WRITE_OFF_LIMITS: WriteOffLimits = {
  admin: null, credit_manager: 2_500_000, ar_manager: 1_000_000,
};

export interface WriteOffApproval {
  amountCents: number;
  requestedBy: string;
  approver: string;
  approverRole: string;
  limits: WriteOffLimits;
}

/** Write-off approval, in the order checked. */
export type WriteOffApprovalError =
  | { code: 'approver_must_not_be_requester' }
  | { code: 'role_may_not_approve_write_offs'; role: string }
  | { code: 'write_off_exceeds_approval_limit'; limitCents: number };

export function checkWriteOffApproval(a: WriteOffApproval): Result<true, WriteOffApprovalError> {
  if (a.approver === a.requestedBy) return err({ code: 'approver_must_not_be_requester' });
  if (!(a.approverRole in a.limits)) {
    return err({ code: 'role_may_not_approve_write_offs', role: a.approverRole });
  }
  const limit = a.limits[a.approverRole] ?? null;
  if (limit !== null && a.amountCents > limit) {
    return err({ code: 'write_off_exceeds_approval_limit', limitCents: limit });
  }
  return ok(true);
}
