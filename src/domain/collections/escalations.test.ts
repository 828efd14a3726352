import { describe, expect, it } from 'vitest';
import { checkEscalationChange, escalationStage, type EscalationStage } from './escalations.ts';

describe('escalationStage', () => {
  it.each([
    [{ status: 'open' as const, acknowledgedAt: null }, 'new'],
    [{ status: 'open' as const, acknowledgedAt: '2026-06-30T10:00:00Z' }, 'acknowledged'],
    [{ status: 'closed' as const, acknowledgedAt: null }, 'resolved'],
  ])('%o is %s', (e, expected) => expect(escalationStage(e)).toBe(expected));
});

describe('checkEscalationChange', () => {
  const rows: { from: EscalationStage; to: 'acknowledged' | 'resolved'; expected: string }[] = [
    { from: 'resolved', to: 'acknowledged', expected: 'escalation_already_resolved' },
    { from: 'resolved', to: 'resolved', expected: 'escalation_already_resolved' },
    { from: 'acknowledged', to: 'acknowledged', expected: 'escalation_already_acknowledged' },
    { from: 'new', to: 'acknowledged', expected: 'acknowledged' },
    { from: 'new', to: 'resolved', expected: 'resolved' },
    { from: 'acknowledged', to: 'resolved', expected: 'resolved' },
  ];
  it.each(rows)('$from -> $to: $expected', ({ from, to, expected }) => {
    const r = checkEscalationChange(from, to);
    expect(r.ok ? r.value : r.error.code).toBe(expected);
  });
});
