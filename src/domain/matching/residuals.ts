/**
 * Settling one item with the cash a payment gives it: the allowed discount, then a short pay
 * within tolerance written off, beyond it a deduction for the collector; cash beyond what the
 * item needs comes back as excess (unapplied on account).
 */
import type { IsoDate } from '../dates.ts';
import { formatAmount, type Cents } from '../money.ts';
import { discountAllowed, discountDeadline } from '../terms.ts';
import type { Allocation, Deduction, MatchConfig, OpenItemCandidate } from './types.ts';

/** Largest short pay written off for an item of `openCents`: the smaller of the two limits. */
export function writeOffTolerance(openCents: number, config: MatchConfig): number {
  const byPercent = Math.floor((Math.abs(openCents) * config.writeOffTolerancePercentBp) / 10000);
  return Math.min(config.writeOffToleranceCents, byPercent);
}

/**
 * Memo of each item's discount deadline: the amount rules ask for the same items' discounts
 * again and again in a batch, and the calendar arithmetic dominated the engine's time. A pure
 * function's cache, keyed weakly on the item, so it changes no answer and holds no item alive.
 */
const deadlineMemo = new WeakMap<OpenItemCandidate, IsoDate | null>();

function deadlineOf(item: OpenItemCandidate): IsoDate | null {
  let deadline = deadlineMemo.get(item);
  if (deadline === undefined) {
    deadline = discountDeadline(item.terms, item.documentDate);
    deadlineMemo.set(item, deadline);
  }
  return deadline;
}

/** `discountAllowed` with the item's deadline known. */
function discountOn(item: OpenItemCandidate, open: number, paidOn: IsoDate): Cents {
  const deadline = deadlineOf(item);
  if (deadline === null || paidOn > deadline || open <= 0) return 0 as Cents;
  const bp = (item.terms as { discount: { percentBp: number } }).discount.percentBp;
  // Rounded half up on the exact product, as discountAllowed does (its BigInt when huge).
  const product = open * bp + 5000;
  return Number.isSafeInteger(product) ? Math.floor(product / 10000) as Cents
    : discountAllowed(item.terms, item.documentDate, open as Cents, paidOn);
}

/** The discount the item's terms allow on its open amount when paid on `paidOn`. */
export function allowedDiscount(item: OpenItemCandidate, open: number, paidOn: IsoDate): Cents {
  return discountOn(item, open, paidOn);
}

/** The discount the terms would allow had it been paid in time (for unearned discounts). */
export function termsDiscount(item: OpenItemCandidate, open: number): Cents {
  return discountOn(item, open, item.documentDate);
}

/**
 * The discount to grant when the payer is `shortfall` short of an item whose terms allow
 * `allowed`: all of it when they took at least that much; what they took when it is the allowed
 * discount computed a little differently (rounded down, within a cent or 1%); else none, so that
 * a fee or a deduction is not mistaken for a discount.
 */
export function discountTaken(shortfall: number, allowed: number): number {
  if (allowed <= 0 || shortfall <= 0) return 0;
  if (shortfall >= allowed) return allowed;
  return allowed - shortfall <= Math.max(1, Math.floor(allowed / 100)) ? shortfall : 0;
}

/**
 * Why an item is short: the payer's reason when given; `unearned_discount` when the shortfall is
 * the discount the terms would have allowed in time; else `unexplained_short_pay`.
 */
export function shortReason(
  item: OpenItemCandidate,
  open: number,
  short: number,
  given: string | undefined,
): string {
  if (given) return given;
  const late = termsDiscount(item, open);
  return late > 0 && discountTaken(short, late) === short ? 'unearned_discount'
    : 'unexplained_short_pay';
}

export interface Settlement {
  allocation: Allocation;
  deduction?: Deduction;
  /** Cash the item did not need. */
  excessCents: Cents;
  /** What the residual became, for the reasons. */
  note?: string;
}

/**
 * Settles a debit item of `open` cents with `cash` and a granted `discount`. A shortfall within
 * tolerance is written off (unless it is an `unearned_discount`); beyond it becomes a deduction
 * with `reasonCode` (the payer's adjustment reason when given). A credit item (open < 0) takes
 * at most its open amount.
 */
export function settle(
  item: OpenItemCandidate,
  open: number,
  cash: number,
  discount: number,
  reasonCode: string,
  config: MatchConfig,
): Settlement {
  const base = { itemId: item.id, discountCents: 0 as Cents, writeOffCents: 0 as Cents };
  if (open < 0) {
    const applied = Math.max(open, Math.min(cash, 0));
    return {
      allocation: { ...base, appliedCents: applied as Cents },
      excessCents: (cash - applied) as Cents,
    };
  }
  const granted = Math.max(0, Math.min(discount, open));
  const needed = open - granted;
  const applied = Math.max(0, Math.min(cash, needed));
  const allocation: Allocation = { ...base, appliedCents: applied as Cents };
  allocation.discountCents = granted as Cents;
  const short = needed - applied;
  const result: Settlement = { allocation, excessCents: (cash - applied) as Cents };
  if (short === 0) return result;
  // An unearned discount is never written off: granting it is the collector's decision.
  if (short <= writeOffTolerance(open, config) && reasonCode !== 'unearned_discount') {
    allocation.writeOffCents = short as Cents;
    result.note = `short ${formatAmount(short, 2, true)} written off (within tolerance)`;
  } else {
    result.deduction = { amountCents: short as Cents, reasonCode, itemId: item.id };
    result.note = `short ${formatAmount(short, 2, true)} becomes a deduction (${reasonCode})`;
  }
  return result;
}
