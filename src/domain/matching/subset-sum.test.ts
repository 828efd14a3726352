import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { findSubsets } from './subset-sum.ts';

/** Every subset of `sizeMin..sizeMax` positive values summing to `target`, by brute force. */
function everySubset(values: readonly number[], target: number, sizeMin: number,
  sizeMax: number): string[] {
  const out: string[] = [];
  for (let mask = 1; mask < 1 << values.length; mask++) {
    const picked = values.flatMap((v, i) => ((mask >> i) & 1 && v > 0 ? [i] : []));
    const all = values.filter((_, i) => (mask >> i) & 1).length;
    if (all !== picked.length || picked.length < sizeMin || picked.length > sizeMax) continue;
    if (picked.reduce((s, i) => s + values[i]!, 0) === target) out.push(picked.join(','));
  }
  return out.sort();
}

describe('findSubsets: the bounds skip only branches without a solution', () => {
  it('finds exactly the subsets brute force finds, with a budget to spare', () => {
    fc.assert(fc.property(
      fc.array(fc.integer({ min: 1, max: 60 }), { minLength: 0, maxLength: 11 }),
      fc.integer({ min: 1, max: 200 }), fc.integer({ min: 1, max: 4 }),
      fc.integer({ min: 0, max: 4 }),
      (values, target, sizeMin, extra) => {
        const sizeMax = sizeMin + extra;
        const r = findSubsets(values, target, { sizeMin, sizeMax, nodesMax: 1e9,
          solutionsMax: Infinity });
        expect(r.complete).toBe(true);
        expect(r.solutions.map((s) => s.join(',')).sort())
          .toEqual(everySubset(values, target, sizeMin, sizeMax));
      }), { numRuns: 2000, seed: 20261207 });
  });

  it('visits fewer nodes than the sum of the rest alone would allow', () => {
    // Forty values near 1,000: no three reach 4,100 but the rest together do.
    const values = Array.from({ length: 40 }, (_, i) => 1000 + i * 7);
    const r = findSubsets(values, 4100, { sizeMin: 3, sizeMax: 3, nodesMax: 50,
      solutionsMax: 2 });
    expect(r).toEqual({ solutions: [], complete: true, nodes: 1 });
  });
});
