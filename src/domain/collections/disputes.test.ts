import { describe, expect, it } from 'vitest';
import { checkDisputeChange, type DisputeChange } from './disputes.ts';

const BASE: DisputeChange = { from: 'open', to: 'in_review', resolution: null,
  amountCents: 100_000, byManager: false, creditMemoApprovalAboveCents: 50_000 };

describe('checkDisputeChange', () => {
  const rows: { name: string; c: Partial<DisputeChange>; expected: string }[] = [
    { name: 'unknown status', c: { to: 'lost' as never }, expected: 'dispute_status_invalid' },
    { name: 'open -> in_review', c: {}, expected: 'in_review' },
    { name: 'open -> resolved skips review', c: { to: 'resolved', resolution: 'rebill' },
      expected: 'dispute_transition_not_allowed' },
    { name: 'resolved -> open not allowed', c: { from: 'resolved', to: 'open' },
      expected: 'dispute_transition_not_allowed' },
    { name: 'closed is final', c: { from: 'closed', to: 'open' },
      expected: 'dispute_transition_not_allowed' },
    { name: 'resolving needs a resolution', c: { from: 'in_review', to: 'resolved' },
      expected: 'resolution_required' },
    { name: 'a resolution only when resolving', c: { resolution: 'rebill' },
      expected: 'resolution_only_when_resolving' },
    { name: 'rebill', c: { from: 'in_review', to: 'resolved', resolution: 'rebill' },
      expected: 'resolved' },
    { name: 'credit memo above the threshold by a collector',
      c: { from: 'in_review', to: 'resolved', resolution: 'credit_memo_requested' },
      expected: 'credit_memo_needs_manager_approval' },
    { name: 'credit memo above the threshold by a manager',
      c: { from: 'in_review', to: 'resolved', resolution: 'credit_memo_requested',
        byManager: true }, expected: 'resolved' },
    { name: 'credit memo at the threshold by a collector',
      c: { from: 'in_review', to: 'resolved', resolution: 'credit_memo_requested',
        amountCents: 50_000 }, expected: 'resolved' },
    { name: 'resolved -> closed', c: { from: 'resolved', to: 'closed' }, expected: 'closed' },
  ];
  it.each(rows)('$name', ({ c, expected }) => {
    const r = checkDisputeChange({ ...BASE, ...c });
    expect(r.ok ? r.value : r.error.code).toBe(expected);
  });
});
