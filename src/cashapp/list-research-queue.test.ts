import { describe, expect, it } from 'vitest';
import { queueExplanation, type ExplanationFacts } from './list-research-queue.ts';

// Why a payment waits in the research queue when nothing can be accepted: one row per case, in
// the order queueExplanation tries them.
const base: ExplanationFacts = { state: 'review', amountCents: 50_000, unappliedCents: 50_000,
  customerAccount: 'C-1', proposal: { customerId: 1, allocations: [],
    reasons: ['payer name matches', 'rule none', 'no open item or combination fits 500.00'] } };
const cases: { name: string; facts: Partial<ExplanationFacts>; says: string | null }[] = [
  { name: 'a suggestion to accept', says: null, facts: { proposal: { customerId: 1, reasons: [],
    allocations: [{ documentId: 1, appliedCents: 1 as never, discountCents: 0 as never,
      writeOffCents: 0 as never }] } } },
  { name: 'left on account by a clerk', facts: { state: 'on_account' }, says: 'left on account' },
  { name: 'marked unidentified', facts: { state: 'unidentified' },
    says: 'marked unidentified: customer unknown' },
  { name: 'the rest of an overpayment', facts: { amountCents: 95_714, unappliedCents: 47_857 },
    says: 'overpayment: 478.57 of 957.14 applied, the rest has no open item to pay' },
  { name: 'never matched, customer known', facts: { proposal: null },
    says: 'not matched yet (posted by hand or by import)' },
  { name: 'never matched, no customer', facts: { proposal: null, customerAccount: null },
    says: 'customer unknown, not matched yet (posted by hand or by import)' },
  { name: 'matched, nobody found', facts: { customerAccount: null,
    proposal: { customerId: null, allocations: [], reasons: ['customer not identified'] } },
  says: 'customer unknown: no account, payer account, invoice number or name matches' },
  { name: 'matched, no item fits', facts: {}, says: 'no open item or combination fits 500.00' },
  { name: 'no item fits, the payer named another customer', facts: { proposal: {
    customerId: 2, allocations: [], reasons: [...base.proposal!.reasons,
      'the payment is posted to another customer: review'] } },
  says: 'no open item or combination fits 500.00; the payer looks like another customer' },
];

describe('queueExplanation', () => {
  it.each(cases)('$name', ({ facts, says }) => {
    expect(queueExplanation({ ...base, ...facts })).toBe(says);
  });
});
