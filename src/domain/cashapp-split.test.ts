import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { planSplit, splitRemainder, type SplitPartInput } from './cashapp-split.ts';
import type { Cents } from './money.ts';

const c = (n: number) => n as Cents;
const part = (customerId: number, amount: number, lines: [string, number][] = []):
  SplitPartInput => ({
  customerId, account: `A-${customerId}`, amountCents: c(amount),
  lines: lines.map(([documentNumber, a]) => ({ documentNumber, amountCents: c(a) })),
});

describe('planSplit: refusals, in the order checked', () => {
  const payment = { customerId: 1, unappliedCents: c(100_000) };
  const cases: { name: string; payment?: typeof payment | { customerId: null;
    unappliedCents: Cents }; parts: SplitPartInput[]; error: Record<string, unknown> }[] = [
    { name: 'nothing unapplied', payment: { customerId: 1, unappliedCents: c(0) },
      parts: [part(2, -1)], error: { code: 'payment_fully_applied' } },
    { name: 'no parts', parts: [], error: { code: 'parts_required' } },
    { name: 'a zero part before a repeated customer', parts: [part(2, 50_000), part(2, 0)],
      error: { code: 'part_amount_must_be_positive', part: 2 } },
    { name: 'a customer twice', parts: [part(2, 50_000), part(3, 1), part(2, 49_999)],
      error: { code: 'customer_listed_twice', part: 3, account: 'A-2' } },
    { name: 'one part above the unapplied cash', parts: [part(2, 100_001), part(3, 5)],
      error: { code: 'part_exceeds_unapplied', part: 1, amountCents: 100_001,
        unappliedCents: 100_000 } },
    { name: 'parts short of the payment', parts: [part(2, 60_000), part(3, 39_999)],
      error: { code: 'parts_must_sum_to_unapplied', partsCents: 99_999,
        unappliedCents: 100_000 } },
    { name: 'parts beyond the payment', parts: [part(2, 60_000), part(3, 40_001)],
      error: { code: 'parts_must_sum_to_unapplied', partsCents: 100_001,
        unappliedCents: 100_000 } },
    { name: 'only the own customer', parts: [part(1, 100_000)],
      error: { code: 'split_needs_another_customer' } },
    { name: 'a zero line', parts: [part(1, 50_000), part(2, 50_000, [['INV-1', 0]])],
      error: { code: 'line_amount_must_be_positive', part: 2, documentNumber: 'INV-1' } },
    { name: 'an item twice in a part', parts: [part(2, 50_000, [['INV-1', 1], ['INV-1', 1]]),
      part(3, 50_000)], error: { code: 'document_listed_twice', part: 1,
      documentNumber: 'INV-1' } },
    { name: 'lines beyond their part', parts: [part(2, 50_000, [['INV-1', 30_000],
      ['INV-2', 20_001]]), part(3, 50_000)], error: { code: 'lines_exceed_part', part: 1,
      linesCents: 50_001, amountCents: 50_000 } },
  ];
  it.each(cases)('$name: $error.code', ({ payment: p, parts, error }) => {
    const r = planSplit(p ?? payment, parts);
    expect(r).toEqual({ ok: false, error });
  });
});

describe('planSplit: plans', () => {
  it('keeps the own customer\'s part on the payment and moves the others', () => {
    const r = planSplit({ customerId: 1, unappliedCents: c(100_000) }, [
      part(1, 60_000, [['INV-1', 50_000]]), part(2, 40_000, [['INV-9', 40_000]])]);
    expect(r.ok && r.value).toMatchObject({
      transferCents: 40_000,
      parts: [
        { partNo: 1, customerId: 1, staysOnPayment: true, onAccountCents: 10_000 },
        { partNo: 2, customerId: 2, staysOnPayment: false, onAccountCents: 0 },
      ],
    });
  });

  it('moves every part of unidentified cash, a single part too (a transfer)', () => {
    const r = planSplit({ customerId: null, unappliedCents: c(5_000) }, [part(7, 5_000)]);
    expect(r.ok && r.value.transferCents).toBe(5_000);
    expect(r.ok && r.value.parts[0]!.staysOnPayment).toBe(false);
  });

  it('splitRemainder: what is left to allocate, negative when too much', () => {
    expect(splitRemainder(c(10_000), [c(2_500), c(2_500)])).toBe(5_000);
    expect(splitRemainder(c(10_000), [c(12_000)])).toBe(-2_000);
  });

  it('property: accepted parts divide the cash exactly; transfers plus kept equal it', () => {
    fc.assert(fc.property(
      fc.integer({ min: 1, max: 10_000_000 }), fc.array(fc.integer({ min: 1, max: 1000 }),
        { minLength: 1, maxLength: 8 }), fc.option(fc.integer({ min: 0, max: 7 })),
      (unapplied, weights, own) => {
        // Parts proportional to the weights, the rounding rest on the last one.
        const sumW = weights.reduce((a, b) => a + b, 0);
        const amounts = weights.map((w) => Math.floor((unapplied * w) / sumW));
        amounts[amounts.length - 1]! += unapplied - amounts.reduce((a, b) => a + b, 0);
        const parts = amounts.map((a, i) => part(i, a));
        const r = planSplit({ customerId: own ?? null, unappliedCents: c(unapplied) }, parts);
        if (amounts.some((a) => a <= 0) || (parts.length === 1 && own === 0)) {
          expect(r.ok).toBe(false);
          return;
        }
        expect(r.ok).toBe(true);
        if (!r.ok) return;
        const kept = r.value.parts.filter((p) => p.staysOnPayment)
          .reduce((s, p) => s + p.amountCents, 0);
        expect(kept + r.value.transferCents).toBe(unapplied);
        expect(r.value.parts.filter((p) => p.staysOnPayment).length)
          .toBeLessThanOrEqual(1);
      }));
  });
});
