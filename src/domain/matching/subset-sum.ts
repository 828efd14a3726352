/**
 * Bounded subset-sum: which sets of open amounts add up to a payment exactly. The search visits at
 * most `nodesMax` nodes and stops at `solutionsMax` solutions, so that the caller can tell "exactly
 * one combination fits" from "several fit" and from "the search gave up".
 */

export interface SubsetSearchLimits {
  sizeMin: number;
  sizeMax: number;
  nodesMax: number;
  /** Stop after this many solutions (2 is enough to know a fit is not unique). */
  solutionsMax: number;
}

export interface SubsetSearchResult {
  /** Indexes into the input values, each solution ascending. */
  solutions: number[][];
  /** False when the node budget ran out before the search space was exhausted. */
  complete: boolean;
  nodes: number;
}

/**
 * Finds subsets of `values` (positive integers) of `sizeMin..sizeMax` elements summing exactly to
 * `target`. Deterministic: values are searched largest first, ties by index.
 * @example findSubsets([500, 300, 200], 500, { sizeMin: 1, sizeMax: 3, nodesMax: 100,
 *   solutionsMax: 2 }) // solutions [[0], [1, 2]]
 */
export function findSubsets(
  values: readonly number[],
  target: number,
  limits: SubsetSearchLimits,
): SubsetSearchResult {
  const order = values
    .map((v, i) => ({ v, i }))
    .filter((e) => e.v > 0 && e.v <= target)
    .sort((a, b) => b.v - a.v || a.i - b.i);
  const sorted = order.map((e) => e.v);
  const n = sorted.length;
  // prefix[i]: sum of sorted[..i-1]. With r elements still to pick from i on, the most they can
  // add is the r largest from i (prefix[i + r] - prefix[i]), the least the r smallest of all
  // (the last r). A branch outside those bounds holds no solution: it is not visited, which
  // leaves the solutions and their order as they were and spends the node budget on the rest.
  const prefix = new Array<number>(n + 1).fill(0);
  for (let i = 0; i < n; i++) prefix[i + 1] = prefix[i]! + sorted[i]!;
  const result: SubsetSearchResult = { solutions: [], complete: true, nodes: 0 };
  const chosen: number[] = [];

  // The first index at or after `from` whose value is at most `amount` (values descend).
  const firstAtMost = (from: number, amount: number): number => {
    let [lo, hi] = [from, n];
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (sorted[mid]! > amount) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
  const record = (): boolean => {
    if (chosen.length < limits.sizeMin) return true;
    result.solutions.push(chosen.map((k) => order[k]!.i).sort((a, b) => a - b));
    return result.solutions.length < limits.solutionsMax;
  };
  const visit = (start: number, remaining: number): boolean => {
    if (++result.nodes > limits.nodesMax) {
      result.complete = false;
      return false;
    }
    if (chosen.length === limits.sizeMax - 1) {
      // Last element: only an exact value completes the sum.
      for (let i = firstAtMost(start, remaining); i < n && sorted[i] === remaining; i++) {
        chosen.push(i);
        const more = record();
        chosen.pop();
        if (!more) return false;
      }
      return true;
    }
    const most = limits.sizeMax - chosen.length;
    const least = Math.max(1, limits.sizeMin - chosen.length);
    if (least > n - start || prefix[n]! - prefix[n - least]! > remaining) return true;
    for (let i = firstAtMost(start, remaining); i <= n - least; i++) {
      if (prefix[Math.min(n, i + most)]! - prefix[i]! < remaining) return true;
      const v = sorted[i]!;
      chosen.push(i);
      const more = v === remaining ? record() : visit(i + 1, remaining - v);
      chosen.pop();
      if (!more) return false;
    }
    return true;
  };
  if (target > 0 && limits.sizeMax >= 1) visit(0, target);
  return result;
}

/** Binomial coefficient n choose k, as a float (an estimate of the search space, not money). */
export function choose(n: number, k: number): number {
  if (k < 0 || k > n) return 0;
  let c = 1;
  for (let j = 1; j <= k; j++) c = (c * (n - k + j)) / j;
  return c;
}
