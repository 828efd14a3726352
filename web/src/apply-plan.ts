// The payment apply step's arithmetic, kept pure so it can be tested: which open items a payment
// covers by default, and whether the amounts typed in are valid.
import { minCents, parseCents } from './decimal.ts';

export interface OpenDebit {
  id: number;
  number: string;
  dueDate: string;
  documentDate: string;
  open: string;
}

/** Oldest first: by due date, then document date, then id (stable and deterministic). */
export function oldestFirst<T extends OpenDebit>(items: readonly T[]): T[] {
  return [...items].sort((a, b) =>
    a.dueDate.localeCompare(b.dueDate) || a.documentDate.localeCompare(b.documentDate)
    || a.id - b.id);
}

/**
 * Spreads `amountCents` over the open items, oldest first, each up to its open amount. With
 * `only`, just those items are filled. Items left out get no entry.
 * @example fillOldestFirst(items, 15000n) // Map { 7 => 10000n, 9 => 5000n }
 */
export function fillOldestFirst(
  items: readonly OpenDebit[],
  amountCents: bigint,
  only?: ReadonlySet<number>,
): Map<number, bigint> {
  const plan = new Map<number, bigint>();
  let left = amountCents;
  for (const it of oldestFirst(items)) {
    if (left <= 0n) break;
    if (only && !only.has(it.id)) continue;
    const open = parseCents(it.open) ?? 0n;
    if (open <= 0n) continue;
    const take = minCents(open, left);
    plan.set(it.id, take);
    left -= take;
  }
  return plan;
}

export interface PlanCheck {
  appliedCents: bigint;
  /** Payment minus applied; negative when over-applied. */
  remainderCents: bigint;
  /** Per item id: why its amount is not acceptable. */
  lineErrors: Map<number, string>;
  ok: boolean;
}

/** Validates typed amounts (decimal text per item id) against open amounts and the payment. */
export function checkPlan(
  paymentCents: bigint,
  items: readonly OpenDebit[],
  lines: ReadonlyMap<number, string>,
): PlanCheck {
  const lineErrors = new Map<number, string>();
  let applied = 0n;
  for (const it of items) {
    const text = lines.get(it.id);
    if (text === undefined) continue;
    const value = parseCents(text);
    const open = parseCents(it.open) ?? 0n;
    if (value === null) lineErrors.set(it.id, 'Enter an amount like 1234.56');
    else if (value <= 0n) lineErrors.set(it.id, 'Must be more than zero');
    else if (value > open) lineErrors.set(it.id, 'More than the open amount');
    // What was typed counts, valid or not, so the remainder matches the screen.
    if (value !== null && value > 0n) applied += value;
  }
  const remainder = paymentCents - applied;
  return {
    appliedCents: applied,
    remainderCents: remainder,
    lineErrors,
    ok: lineErrors.size === 0 && remainder >= 0n && paymentCents > 0n,
  };
}
