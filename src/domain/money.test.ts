import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { allocate, formatAmount, parseAmount } from './money.ts';

describe('parseAmount', () => {
  it.each([
    ['1234.56', 123456],
    ['-12.5', -1250],
    ['1,234.56', 123456],
    ['.5', 50],
    ['0', 0],
    ['10.500', 1050],
    ['+7', 700],
    ['  3.01 ', 301],
  ])('%s -> %i cents', (text, expected) => {
    expect(parseAmount(text)).toEqual({ ok: true, value: expected });
  });

  it.each([
    ['', 'amount_empty'],
    ['abc', 'amount_not_a_number'],
    ['1.2.3', 'amount_not_a_number'],
    ['12,34.00', 'amount_not_a_number'],
    ['1.234', 'amount_too_precise'],
    ['99999999999999999999', 'amount_too_large'],
    ['.', 'amount_not_a_number'],
    ['1e5', 'amount_not_a_number'],
  ])('%j is refused as %s', (text, code) => {
    const r = parseAmount(text);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.code).toBe(code);
  });

  it('reads zero-exponent and three-decimal currencies', () => {
    expect(parseAmount('1500', 0)).toEqual({ ok: true, value: 1500 });
    expect(parseAmount('1.234', 3)).toEqual({ ok: true, value: 1234 });
  });

  it('round-trips with formatAmount for every safe amount', () => {
    fc.assert(
      fc.property(fc.integer({ min: -1e15, max: 1e15 }), (n) => {
        expect(parseAmount(formatAmount(n))).toEqual({ ok: true, value: n });
        expect(parseAmount(formatAmount(n, 2, true))).toEqual({ ok: true, value: n });
      }),
    );
  });
});

describe('formatAmount', () => {
  it.each([
    [123456, 2, false, '1234.56'],
    [-5, 2, false, '-0.05'],
    [0, 2, false, '0.00'],
    [123456789, 2, true, '1,234,567.89'],
    [-100000, 2, true, '-1,000.00'],
    [1500, 0, true, '1,500'],
  ])('%i (exp %i, grouping %s) -> %s', (n, exp, grouping, text) => {
    expect(formatAmount(n, exp, grouping)).toBe(text);
  });
});

describe('allocate', () => {
  it('spreads the remainder to the largest fractions, ties to the earliest', () => {
    expect(allocate(100, [1, 1, 1])).toEqual([34, 33, 33]);
    expect(allocate(-100, [1, 1, 1])).toEqual([-34, -33, -33]);
    expect(allocate(10, [0, 1])).toEqual([0, 10]);
    expect(allocate(7, [2, 3, 5])).toEqual([1, 2, 4]);
  });

  it('always sums to the total and stays within one unit of the exact share', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: -1e12, max: 1e12 }),
        fc.array(fc.integer({ min: 0, max: 1e6 }), { minLength: 1, maxLength: 20 }),
        (total, weights) => {
          fc.pre(weights.some((w) => w > 0));
          const parts = allocate(total, weights);
          expect(parts.reduce((a, b) => a + b, 0)).toBe(total);
          const wsum = weights.reduce((a, b) => a + b, 0);
          parts.forEach((p, i) => {
            const exact = (total * weights[i]!) / wsum;
            expect(Math.abs(p - exact)).toBeLessThan(1.0001);
          });
        },
      ),
    );
  });
});
