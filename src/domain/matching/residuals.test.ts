import { describe, expect, it } from 'vitest';
import type { Cents } from '../money.ts';
import { discountTaken, settle, writeOffTolerance } from './residuals.ts';
import { findSubsets } from './subset-sum.ts';
import { DEFAULT_MATCH_CONFIG, type OpenItemCandidate } from './types.ts';

const config = { ...DEFAULT_MATCH_CONFIG, writeOffToleranceCents: 500 as Cents,
  writeOffTolerancePercentBp: 100 };
const invoice: OpenItemCandidate = {
  id: 'i', customerId: 'c', number: 'INV-1', type: 'invoice', documentDate: '2026-01-01',
  dueDate: '2026-01-31', openCents: 100000 as Cents, amountCents: 100000 as Cents,
  currency: 'USD', terms: { kind: 'net', netDays: 30, discount: null },
};

describe('settle: what a short or over payment of one item becomes', () => {
  const rows: [string, number, number, number, string, object][] = [
    // name, open, cash, discount, reason, expected
    ['paid in full', 100000, 100000, 0, 'x',
      { applied: 100000, writeOff: 0, deduction: undefined, excess: 0 }],
    ['short within tolerance: written off', 100000, 99600, 0, 'unexplained_short_pay',
      { applied: 99600, writeOff: 400, deduction: undefined, excess: 0 }],
    ['short beyond tolerance: a deduction', 100000, 90000, 0, 'unexplained_short_pay',
      { applied: 90000, writeOff: 0, deduction: 10000, excess: 0 }],
    ['an unearned discount is never written off', 100000, 99600, 0, 'unearned_discount',
      { applied: 99600, writeOff: 0, deduction: 400, excess: 0 }],
    ['discount granted, rest paid', 100000, 98000, 2000, 'x',
      { applied: 98000, writeOff: 0, deduction: undefined, excess: 0 }],
    ['overpaid: the excess comes back', 100000, 100250, 0, 'x',
      { applied: 100000, writeOff: 0, deduction: undefined, excess: 250 }],
  ];
  for (const [name, open, cash, discount, reason, expected] of rows) {
    it(name, () => {
      const s = settle(invoice, open, cash, discount, reason, config);
      expect({ applied: s.allocation.appliedCents, writeOff: s.allocation.writeOffCents,
        deduction: s.deduction?.amountCents, excess: s.excessCents }).toEqual(expected);
    });
  }
});

describe('discountTaken and writeOffTolerance', () => {
  it.each([
    [2000, 2000, 2000], [2500, 2000, 2000], [1990, 2000, 1990], [1500, 2000, 0], [0, 2000, 0],
    [500, 0, 0],
  ])('short %i with %i allowed grants %i', (short, allowed, granted) => {
    expect(discountTaken(short, allowed)).toBe(granted);
  });
  it.each([[100000, 500], [20000, 200], [0, 0]])('open %i tolerates %i', (open, cents) => {
    expect(writeOffTolerance(open, config)).toBe(cents);
  });
});

describe('findSubsets: bounded, tells unique from several from gave up', () => {
  const limits = { sizeMin: 2, sizeMax: 4, nodesMax: 10_000, solutionsMax: 2 };
  it.each([
    ['one combination', [500, 300, 210, 150], 650, [[0, 3]], true],
    ['two combinations', [500, 300, 200, 100], 600, [[0, 3], [1, 2, 3]], true],
    ['none', [500, 300], 450, [], true],
  ] as const)('%s', (_, values, target, solutions, complete) => {
    const r = findSubsets(values, target, limits);
    expect(r.solutions.map((s) => [...s].sort()).sort()).toEqual(
      solutions.map((s) => [...s]).sort());
    expect(r.complete).toBe(complete);
  });
  it('reports an incomplete search when the node budget runs out', () => {
    const values = Array.from({ length: 40 }, (_, i) => 1000 + i * 7);
    const r = findSubsets(values, 1, { ...limits, nodesMax: 5 });
    expect(r.solutions).toEqual([]);
    const big = findSubsets(values, 4100, { ...limits, nodesMax: 5 });
    expect(big.complete).toBe(false);
  });
});
