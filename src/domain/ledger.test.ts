import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  applicationJournalLines, CREDIT_TYPES, DEBIT_TYPES, documentJournalLines, isBalanced,
  summarizeLines, type CreditType, type DebitType, type JournalLine,
} from './ledger.ts';
import type { Cents } from './money.ts';

describe('journal postings', () => {
  it('posts an invoice Dr AR control / Cr sales and a payment Dr cash / Cr unapplied', () => {
    expect(documentJournalLines('invoice', 1000 as Cents, 'USD')).toEqual([
      { account: 'ar_control', currency: 'USD', amountCents: 1000 },
      { account: 'sales_clearing', currency: 'USD', amountCents: -1000 },
    ]);
    expect(documentJournalLines('payment', -500 as Cents, 'USD')).toEqual([
      { account: 'unapplied_cash', currency: 'USD', amountCents: -500 },
      { account: 'cash_clearing', currency: 'USD', amountCents: 500 },
    ]);
  });

  it('moves unapplied cash to AR control when a payment is applied; a credit memo moves nothing', () => {
    expect(applicationJournalLines('payment', 'invoice', 300 as Cents, 'USD')).toEqual([
      { account: 'unapplied_cash', currency: 'USD', amountCents: 300 },
      { account: 'ar_control', currency: 'USD', amountCents: -300 },
    ]);
    expect(applicationJournalLines('credit_memo', 'invoice', 300 as Cents, 'USD')).toEqual([]);
  });

  it('refuses a document whose sign contradicts its type', () => {
    expect(() => documentJournalLines('invoice', -1 as Cents, 'USD')).toThrow();
    expect(() => documentJournalLines('credit_memo', 1 as Cents, 'USD')).toThrow();
  });

  it('every posting and every summary balances', () => {
    const debit = fc.record({
      type: fc.constantFrom(...DEBIT_TYPES),
      amount: fc.integer({ min: 1, max: 1e9 }),
    });
    const credit = fc.record({
      type: fc.constantFrom(...CREDIT_TYPES),
      amount: fc.integer({ min: 1, max: 1e9 }),
    });
    fc.assert(
      fc.property(fc.array(debit), fc.array(credit), fc.array(fc.tuple(credit, debit)), (ds, cs, apps) => {
        const lines: JournalLine[] = [];
        for (const d of ds) lines.push(...documentJournalLines(d.type, d.amount as Cents, 'USD'));
        for (const c of cs) lines.push(...documentJournalLines(c.type, -c.amount as Cents, 'USD'));
        for (const [c, d] of apps) {
          const part = applicationJournalLines(
            c.type as CreditType, d.type as DebitType, Math.min(c.amount, d.amount) as Cents, 'USD',
          );
          expect(isBalanced(part)).toBe(true);
          lines.push(...part);
        }
        expect(isBalanced(lines)).toBe(true);
        expect(isBalanced(summarizeLines(lines))).toBe(true);
      }),
    );
  });
});
