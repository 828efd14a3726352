import { describe, expect, it } from 'vitest';
import {
  allowedDisputeMoves, checkCreditMemoDecision, checkCreditMemoRequest,
} from './credit-memo-approvals.ts';

const ABOVE = 50_000;
const label = (m: { to: string; resolution: string | null; needsApproval: boolean }) =>
  `${m.to}${m.resolution ? `:${m.resolution}` : ''}${m.needsApproval ? ' (approval)' : ''}`;

describe('allowedDisputeMoves', () => {
  const rows: { name: string; from: 'open' | 'in_review' | 'resolved' | 'closed';
    amountCents: number; byManager: boolean; expected: string[] }[] = [
    { name: 'open goes to review only', from: 'open', amountCents: 100_000, byManager: false,
      expected: ['in_review'] },
    { name: 'in review, collector, above the approval amount', from: 'in_review',
      amountCents: 100_000, byManager: false,
      expected: ['resolved:credit_memo_requested (approval)', 'resolved:rebill',
        'resolved:valid_to_collect'] },
    { name: 'in review, collector, at the approval amount', from: 'in_review',
      amountCents: ABOVE, byManager: false,
      expected: ['resolved:credit_memo_requested', 'resolved:rebill',
        'resolved:valid_to_collect'] },
    { name: 'in review, manager, above the approval amount', from: 'in_review',
      amountCents: 100_000, byManager: true,
      expected: ['resolved:credit_memo_requested', 'resolved:rebill',
        'resolved:valid_to_collect'] },
    { name: 'resolved closes', from: 'resolved', amountCents: 100_000, byManager: false,
      expected: ['closed'] },
    { name: 'closed is final', from: 'closed', amountCents: 100_000, byManager: true,
      expected: [] },
  ];
  it.each(rows)('$name', ({ from, amountCents, byManager, expected }) => {
    expect(allowedDisputeMoves({ from, amountCents, byManager,
      creditMemoApprovalAboveCents: ABOVE }).map(label)).toEqual(expected);
  });
});

describe('checkCreditMemoRequest', () => {
  const base = { disputeStatus: 'in_review' as const, amountCents: 100_000,
    creditMemoApprovalAboveCents: ABOVE, pendingApprovalId: null as number | null };
  const rows: { name: string; c: Partial<typeof base>; expected: string }[] = [
    { name: 'only while in review', c: { disputeStatus: 'open' as never },
      expected: 'dispute_not_in_review' },
    { name: 'not needed at or below the amount', c: { amountCents: ABOVE },
      expected: 'credit_memo_approval_not_needed' },
    { name: 'one pending at a time', c: { pendingApprovalId: 7 },
      expected: 'credit_memo_approval_pending_conflict' },
    { name: 'above the amount, in review', c: {}, expected: 'ok' },
  ];
  it.each(rows)('$name', ({ c, expected }) => {
    const r = checkCreditMemoRequest({ ...base, ...c });
    expect(r.ok ? 'ok' : r.error.code).toBe(expected);
  });
});

describe('checkCreditMemoDecision', () => {
  const base = { status: 'pending' as const, requestedBy: 'ann', decidedBy: 'mia',
    byManager: true, creditMemoApprovalAboveCents: ABOVE, disputeStatus: 'in_review' as const,
    approve: true };
  type Row = { name: string; c: Record<string, unknown>; expected: string };
  const rows: Row[] = [
    { name: 'decided once', c: { status: 'approved' },
      expected: 'credit_memo_approval_already_decided' },
    { name: 'managers decide', c: { byManager: false },
      expected: 'credit_memo_needs_manager_approval' },
    { name: 'nobody approves their own request', c: { decidedBy: 'ann' },
      expected: 'approver_must_not_be_requester' },
    { name: 'the requester may withdraw it (reject)', c: { decidedBy: 'ann', approve: false },
      expected: 'ok' },
    { name: 'approving needs the dispute still in review', c: { disputeStatus: 'resolved' },
      expected: 'dispute_not_in_review' },
    { name: 'rejecting a stale request is allowed', c: { disputeStatus: 'resolved',
      approve: false }, expected: 'ok' },
    { name: 'a manager approves', c: {}, expected: 'ok' },
  ];
  it.each(rows)('$name', ({ c, expected }) => {
    const r = checkCreditMemoDecision({ ...base, ...c } as typeof base);
    expect(r.ok ? 'ok' : r.error.code).toBe(expected);
  });
});
