import { describe, expect, it } from 'vitest';
import { checkWriteOffApproval, DEFAULT_WRITE_OFF_LIMITS } from './write-offs.ts';

describe('checkWriteOffApproval', () => {
  const rows: { name: string; amountCents: number; approver: string; role: string;
    expected: string }[] = [
    { name: 'nobody approves their own request', amountCents: 100, approver: 'ann',
      role: 'admin', expected: 'approver_must_not_be_requester' },
    { name: 'a collector may not approve', amountCents: 100, approver: 'bob', role: 'collector',
      expected: 'role_may_not_approve_write_offs' },
    { name: 'AR manager within the limit', amountCents: 1_000_000, approver: 'bob',
      role: 'ar_manager', expected: 'ok' },
    { name: 'AR manager above the limit', amountCents: 1_000_001, approver: 'bob',
      role: 'ar_manager', expected: 'write_off_exceeds_approval_limit' },
    { name: 'credit manager above the AR manager limit', amountCents: 2_000_000,
      approver: 'bob', role: 'credit_manager', expected: 'ok' },
    { name: 'admin has no limit', amountCents: 900_000_000, approver: 'bob', role: 'admin',
      expected: 'ok' },
  ];
  it.each(rows)('$name', ({ amountCents, approver, role, expected }) => {
    const r = checkWriteOffApproval({ amountCents, requestedBy: 'ann', approver,
      approverRole: role, limits: DEFAULT_WRITE_OFF_LIMITS });
    expect(r.ok ? 'ok' : r.error.code).toBe(expected);
  });
});
