/**
 * Choosing items from the amount alone, for payments (or the part of a payment) that name no
 * document: exact amount of one item, a unique combination, amounts net of the early-payment
 * discount, a short pay within tolerance, then oldest-first where the customer's policy says so.
 * Precision first: when two answers fit, none is taken (duplicates go oldest-first only by policy).
 */
import type { IsoDate } from '../dates.ts';
import { cents, formatAmount, ZERO } from '../money.ts';
import { openOf, type MatchIndex } from './match-index.ts';
import {
  allowedDiscount, discountTaken, settle, shortReason, termsDiscount, writeOffTolerance,
  type Settlement,
} from './residuals.ts';
import { SCORE } from './scores.ts';
import { choose, findSubsets } from './subset-sum.ts';
import type { CustomerPolicy, MatchConfig, MatchRule, OpenItemCandidate } from './types.ts';

export interface AmountContext {
  index: MatchIndex;
  config: MatchConfig;
  paidOn: IsoDate;
}

export interface AmountMatch {
  rule: MatchRule;
  settlements: Settlement[];
  confidence: number;
  reasons: string[];
  /** True when the amount ties to the items exactly (or within the write-off tolerance). */
  confirmed: boolean;
  /** Document numbers as written that this match resolved to the customer's items. */
  resolvedRefs?: string[];
}

export const money = (cents: number) => formatAmount(cents, 2, true);
const numbers = (items: readonly OpenItemCandidate[]) => items.map((i) => i.number).join(', ');

interface Candidate {
  items: OpenItemCandidate[];
  discounts: number[];
}

/** Oldest due first, then document date, then number: the order oldest-first applies cash in. */
export function byAge(a: OpenItemCandidate, b: OpenItemCandidate): number {
  return a.dueDate.localeCompare(b.dueDate) || a.documentDate.localeCompare(b.documentDate) ||
    a.number.localeCompare(b.number);
}

/**
 * Expected number of item subsets of 2..k items that sum to `target` by coincidence, from a
 * normal approximation of subset sums, with the lattice of whole-dollar and whole-hundred amounts
 * (round amounts make round sums far more likely).
 */
export function coincidenceRate(values: readonly number[], target: number, sizeMax: number) {
  const n = values.length;
  if (n < 2) return 0;
  const mean = values.reduce((s, v) => s + v, 0) / n;
  const variance = Math.max(1, values.reduce((s, v) => s + (v - mean) ** 2, 0) / n);
  const dollars = values.filter((v) => v % 100 === 0).length / n;
  const hundreds = values.filter((v) => v % 10000 === 0).length / n;
  let rate = 0;
  for (let j = 2; j <= Math.min(sizeMax, n); j++) {
    const sd = Math.sqrt(j * variance);
    const z = (target - j * mean) / sd;
    let density = Math.exp(-z * z / 2) / (sd * Math.sqrt(2 * Math.PI));
    if (target % 100 === 0) density *= 1 + 99 * dollars ** j;
    if (target % 10000 === 0) density *= 1 + 99 * hundreds ** j;
    rate += choose(n, j) * density;
  }
  return rate;
}

function settleAll(c: Candidate, open: (i: OpenItemCandidate) => number, config: MatchConfig) {
  return c.items.map((item, k) => {
    const o = open(item);
    const d = c.discounts[k] ?? 0;
    return settle(item, o, o - d, d, 'unexplained_short_pay', config);
  });
}

/** Combinations of exactly `size` items whose `values` sum to `target` (at most two). */
function combinations(values: number[], target: number, size: number, config: MatchConfig) {
  return findSubsets(values, target, {
    sizeMin: size, sizeMax: size, nodesMax: config.combination.nodesMax, solutionsMax: 2,
  });
}

function combinationConfidence(rate: number): number {
  if (rate < 0.01) return SCORE.combinationLikely;
  if (rate < 0.05) return SCORE.combinationFair;
  if (rate < 0.1) return SCORE.combinationWeak;
  return SCORE.combinationUnlikely;
}

/** Everything the amount alone could mean, by rule family. */
interface Fits {
  exact: OpenItemCandidate[];
  /** The combinations of the fewest items that fit (`size` items), gross and net of discount. */
  combos: Candidate[];
  discountedCombos: Candidate[];
  size: number;
  /** False when the search for `size` items or fewer hit its node limit. */
  combosComplete: boolean;
  discounted: Candidate[];
  /** Expected coincidental fits of `size` items or fewer. */
  rate: number;
  count: number;
  opens: number[];
}

/**
 * Combinations are searched by size, fewest items first, and the search stops at the first
 * size that fits. A payer pays two invoices far more often than six, and six of twenty items
 * can be chosen in 38,760 ways against 190 for two: when two items fit exactly, a set of six
 * that happens to fit too is almost surely the coincidence. Within one size, two fits are
 * still ambiguous.
 */
function findCombinations(fits: Fits, items: OpenItemCandidate[], discounts: number[],
  target: number, ctx: AmountContext): void {
  const { opens } = fits;
  const nets = discounts.some((d) => d > 0) ? opens.map((o, k) => o - discounts[k]!) : undefined;
  for (let size = 2; size <= Math.min(ctx.config.combination.itemsMax, items.length); size++) {
    fits.size = size;
    const gross = combinations(opens, target, size, ctx.config);
    fits.combosComplete &&= gross.complete;
    fits.combos = gross.solutions.map((s) => ({ items: s.map((k) => items[k]!), discounts: [] }));
    if (nets) {
      const net = combinations(nets, target, size, ctx.config);
      fits.combosComplete &&= net.complete;
      fits.discountedCombos = net.solutions.filter((s) => s.some((k) => discounts[k]! > 0))
        .map((s) => ({ items: s.map((k) => items[k]!), discounts: s.map((k) => discounts[k]!) }));
    }
    if (fits.combos.length + fits.discountedCombos.length > 0) break;
  }
  fits.rate = coincidenceRate(opens, target, fits.size);
}

function findFits(target: number, items: OpenItemCandidate[], ctx: AmountContext): Fits {
  const open = (i: OpenItemCandidate) => openOf(ctx.index, i);
  const opens = items.map(open);
  const discounts = items.map((i, k) => allowedDiscount(i, opens[k]!, ctx.paidOn) as number);
  const exact = items.filter((_, k) => opens[k] === target);
  const fits: Fits = {
    exact, combos: [], discountedCombos: [], size: 0, combosComplete: true, discounted: [],
    rate: 0, count: items.length, opens,
  };
  items.forEach((item, k) => {
    const taken = discountTaken(opens[k]! - target, discounts[k]!);
    if (taken > 0 && opens[k]! - taken === target) {
      fits.discounted.push({ items: [item], discounts: [taken] });
    }
  });
  if (exact.length > 0) return fits;
  findCombinations(fits, items, discounts, target, ctx);
  return fits;
}

/**
 * Matches `target` cents against `items` (one customer's open items not already chosen).
 * Returns null when nothing fits; a match with low confidence when the fit is ambiguous.
 */
export function matchByAmount(
  target: number,
  items: OpenItemCandidate[],
  ctx: AmountContext,
  policy: CustomerPolicy,
): AmountMatch | null {
  const debit = items.filter((i) => openOf(ctx.index, i) > 0);
  if (target <= 0 || debit.length === 0) return null;
  const fits = findFits(target, debit, ctx);
  const open = (i: OpenItemCandidate) => openOf(ctx.index, i);
  const amount = money(target);
  if (fits.exact.length === 1) {
    const item = fits.exact[0]!;
    const match: AmountMatch = {
      rule: 'exact_amount',
      settlements: settleAll({ items: [item], discounts: [] }, open, ctx.config),
      confidence: SCORE.exactAmount,
      reasons: [`amount ${amount} equals the open balance of ${item.number} (the only such item)`],
      confirmed: true,
    };
    if (fits.discounted.length > 0) {
      match.confidence = SCORE.otherRuleAlsoFits;
      match.reasons.push(`but it also equals ${numbers(fits.discounted[0]!.items)} net of discount`);
    } else if (policy.oldestFirst && target % 10000 === 0) {
      match.confidence = SCORE.exactRoundOnAccount;
      match.reasons.push('a round amount from a customer who pays on account may fit by chance');
    }
    return match;
  }
  if (fits.exact.length > 1) return duplicates(fits.exact, target, ctx, policy);
  const all = [...fits.combos, ...fits.discounted, ...fits.discountedCombos];
  if (all.length === 1) return single(all[0]!, fits, target, ctx, policy);
  if (all.length > 1) {
    const listed = all.slice(0, 2).map((c) => numbers(c.items)).join(' or ');
    return ambiguous(`amount ${amount} fits more than one set of items (${listed}): not guessed`);
  }
  return nearMatch(target, debit, ctx) ?? null;
}

function ambiguous(reason: string): AmountMatch {
  return { rule: 'none', settlements: [], confidence: 0, reasons: [reason], confirmed: false };
}

function duplicates(
  exact: OpenItemCandidate[],
  target: number,
  ctx: AmountContext,
  policy: CustomerPolicy,
): AmountMatch {
  const reason = `amount ${money(target)} equals ${exact.length} open items (${numbers(exact)})`;
  if (!policy.oldestFirst) return ambiguous(`${reason}: not guessed`);
  const oldest = [...exact].sort(byAge)[0]!;
  return {
    rule: 'exact_amount',
    settlements: settleAll({ items: [oldest], discounts: [] }, (i) => openOf(ctx.index, i),
      ctx.config),
    confidence: Math.min(oldestFirstConfidence(policy, ctx.config, target),
      SCORE.duplicateOldest),
    reasons: [`${reason}; the oldest, ${oldest.number}, by the customer's oldest-first policy`],
    confirmed: false,
  };
}

function single(c: Candidate, fits: Fits, target: number, ctx: AmountContext,
  policy: CustomerPolicy): AmountMatch {
  const open = (i: OpenItemCandidate) => openOf(ctx.index, i);
  const discounted = c.discounts.some((d) => d > 0);
  const settlements = settleAll(c, open, ctx.config);
  const amount = money(target);
  if (discounted && c.items.length === 1) {
    const item = c.items[0]!;
    const twins = fits.opens.filter((o) => o === open(item)).length - 1;
    const reasons = [`amount ${amount} equals ${item.number} net of the ` +
      `${money(c.discounts[0]!)} early-payment discount its terms allow on ${ctx.paidOn}`];
    if (twins > 0) reasons.push(`but ${twins} other open item(s) have the same amount`);
    return {
      rule: 'discounted_amount', settlements, confirmed: true, reasons,
      confidence: twins > 0 ? SCORE.otherRuleAlsoFits : SCORE.discountedSingle,
    };
  }
  const chance = Math.min(99, Math.round(fits.rate * 1000) / 10);
  // Three items or more that fit with a fair chance of coincidence: a clerk confirms.
  let confidence = combinationConfidence(fits.rate);
  if (c.items.length >= 3 && fits.rate >= 0.01) {
    confidence = Math.min(confidence, SCORE.combinationWeak);
  }
  const reasons = [
    `amount ${amount} equals ${discounted ? 'net of allowed discounts ' : ''}the sum of ` +
      `${c.items.length} of ${fits.count} open items (${numbers(c.items)}), the only ` +
      `combination of ${c.items.length} that fits and none of fewer items does; chance of a ` +
      `coincidental fit ~${chance}%`,
  ];
  if (policy.oldestFirst && target % 10000 === 0) {
    confidence = Math.min(confidence, SCORE.exactRoundOnAccount);
    reasons.push('a round amount from a customer who pays on account may fit by chance');
  }
  if (!fits.combosComplete) {
    confidence = Math.min(confidence, SCORE.combinationIncomplete);
    reasons.push('the combination search hit its limit, so the fit may not be unique');
  }
  return {
    rule: discounted ? 'discounted_amount' : 'amount_combination',
    settlements, confidence, reasons, confirmed: true,
  };
}

/**
 * One item whose open amount (or net of an allowed discount) exceeds the payment by no more than
 * the write-off tolerance, or falls short of it by that much (the excess stays unapplied), or
 * that the payer paid net of a discount its terms no longer allow.
 */
function nearMatch(target: number, items: OpenItemCandidate[], ctx: AmountContext) {
  const found: { item: OpenItemCandidate; discount: number; kind: string }[] = [];
  for (const item of items) {
    const o = openOf(ctx.index, item);
    const tolerance = writeOffTolerance(o, ctx.config);
    const discount = allowedDiscount(item, o, ctx.paidOn);
    const net = o - discount;
    if (net - target > 0 && net - target <= tolerance) found.push({ item, discount, kind: 'short' });
    else if (target - net > 0 && target - net <= tolerance) {
      found.push({ item, discount, kind: 'over' });
    } else if (discount === 0) {
      const unearned = termsDiscount(item, o);
      if (unearned > 0 && o - unearned === target) found.push({ item, discount: 0, kind: 'late' });
    }
  }
  if (found.length !== 1) {
    return found.length > 1
      ? ambiguous(`amount ${money(target)} is close to several items: not guessed`)
      : null;
  }
  const { item, discount, kind } = found[0]!;
  const o = openOf(ctx.index, item);
  const reason = kind === 'late' ? 'unearned_discount'
    : shortReason(item, o, o - discount - target, undefined);
  const settlement = settle(item, o, target, discount, reason, ctx.config);
  const what = kind === 'short' ? `short of ${item.number}'s open balance within tolerance`
    : kind === 'over' ? `over ${item.number}'s open balance by less than the tolerance`
      : `${item.number} net of a discount its terms no longer allow on ${ctx.paidOn}`;
  let confidence = kind === 'short' ? SCORE.shortWithinTolerance
    : kind === 'over' ? SCORE.overWithinTolerance : SCORE.unearnedDiscountSingle;
  const reasons = [`amount ${money(target)} is ${what}`, ...(settlement.note ? [settlement.note]
    : [])];
  // Which of several items of the same amount lost its discount is a clerk's call.
  const twins = items.filter((i) => i !== item && openOf(ctx.index, i) === o).length;
  if (kind === 'late' && twins > 0) {
    confidence = SCORE.otherRuleAlsoFits;
    reasons.push(`but ${twins} other open item(s) have the same amount`);
  }
  return {
    rule: (discount > 0 || kind === 'late' ? 'discounted_amount' : 'exact_amount') as MatchRule,
    settlements: [settlement], confidence, reasons, confirmed: kind !== 'late',
  };
}

/**
 * Oldest-first applies itself only where the customer agreed to it, and only to a whole-dollar
 * amount: a lump sum on account is round, while an amount with cents that fits none of the items
 * is more likely a short or over payment of particular items, which a clerk should see.
 */
export function oldestFirstConfidence(
  policy: CustomerPolicy, config: MatchConfig, target: number,
): number {
  return policy.oldestFirstAutoApply && target % 100 === 0 ? config.autoApplyConfidenceMin
    : SCORE.oldestFirst;
}

/**
 * Applies `target` to the oldest items first, each in full, the last one partly (it stays open
 * for the rest: an on-account payment, not a short pay). Excess stays unapplied. Items that other
 * payments of the batch propose to pay are skipped.
 */
export function oldestFirst(
  target: number,
  items: OpenItemCandidate[],
  ctx: AmountContext,
  policy: CustomerPolicy,
): AmountMatch | null {
  const debit = items.filter((i) => openOf(ctx.index, i) > 0 && !ctx.index.reserved.has(i.id))
    .sort(byAge);
  if (debit.length === 0 || target <= 0) return null;
  const settlements: Settlement[] = [];
  let left = target;
  for (const item of debit) {
    if (left === 0) break;
    const o = openOf(ctx.index, item);
    const applied = Math.min(o, left);
    settlements.push({
      allocation: { itemId: item.id, appliedCents: cents(applied), discountCents: ZERO,
        writeOffCents: ZERO },
      excessCents: ZERO,
    });
    left -= applied;
  }
  const paid = settlements.map((s) => s.allocation.itemId);
  if (left > 0) settlements[settlements.length - 1]!.excessCents = cents(left);
  return {
    rule: 'oldest_first',
    settlements,
    confidence: oldestFirstConfidence(policy, ctx.config, target),
    reasons: [`no item or combination fits ${money(target)}; applied oldest first to ` +
      `${paid.length} item(s) by the customer's policy` +
      (policy.oldestFirstAutoApply ? ' (agreed for automatic application)' : '')],
    confirmed: false,
  };
}
