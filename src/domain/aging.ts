import { addMonths, daysBetween, endOfMonth, type IsoDate } from './dates.ts';
import { cents, type Cents } from './money.ts';
import { err, ok, type Result } from './result.ts';

/**
 * Aging: the open items as of a date, spread over buckets by their age in days.
 *
 * - Age on the due-date basis is days past due: as-of minus due date. On the invoice basis it is
 *   the document's age: as-of minus document date.
 * - Buckets come from a list of thresholds, strictly increasing whole days, e.g. 30,45,60,90,120:
 *   "current" (age 0 or less), then "1-30", "31-45", "46-60", "61-90", "91-120", and "120+" (more
 *   than 120). On the invoice basis the same labels apply, so "current" holds only the items
 *   dated on the as-of date itself (documents dated later are not part of the aging at all).
 * - Only debit items (positive open amounts) are aged. Open credits (unapplied cash, open credit
 *   memos: negative open amounts) go to the separate "unapplied" column and net into the total.
 */

export const AGING_GROUPINGS = ['customer', 'collector', 'sales-rep', 'region', 'none'] as const;
/** What one row of the report stands for. */
export type AgingGrouping = (typeof AGING_GROUPINGS)[number];

export const AGING_BASES = ['due', 'invoice'] as const;
/** Which date an item's age counts from: its due date or its document date. */
export type AgingBasis = (typeof AGING_BASES)[number];

export const DEFAULT_THRESHOLDS: readonly number[] = [30, 45, 60, 90, 120];
/** At most this many thresholds (so at most THRESHOLDS_MAX + 2 buckets). */
export const THRESHOLDS_MAX = 12;
/** Ten years: thresholds beyond it are a typo, not an aging policy. */
export const THRESHOLD_DAYS_MAX = 3650;

/** The column an open credit goes to instead of a bucket. */
export const UNAPPLIED = 'unapplied';

export type BucketsError = { code: 'buckets_invalid'; text: string; reason: string };

/**
 * Reads a threshold list such as "30,45,60,90,120": whole days, strictly increasing, from 1 to
 * THRESHOLD_DAYS_MAX, at most THRESHOLDS_MAX of them.
 * @example parseThresholds('30,60,90') // ok([30, 60, 90])
 */
export function parseThresholds(text: string): Result<number[], BucketsError> {
  const fail = (reason: string) => err({ code: 'buckets_invalid' as const, text, reason });
  const parts = text.split(',').map((p) => p.trim());
  if (parts.length > THRESHOLDS_MAX) return fail(`at most ${THRESHOLDS_MAX} thresholds`);
  const days: number[] = [];
  for (const part of parts) {
    if (!/^\d{1,5}$/.test(part)) return fail(`"${part}" is not a whole number of days`);
    const n = Number(part);
    if (n < 1 || n > THRESHOLD_DAYS_MAX) return fail(`${n} is not between 1 and ${THRESHOLD_DAYS_MAX}`);
    const previous = days.at(-1);
    if (previous !== undefined && n <= previous) return fail(`${n} does not exceed ${previous}`);
    days.push(n);
  }
  return ok(days);
}

/** True for a threshold list parseThresholds would accept. */
export function isValidThresholds(thresholds: readonly number[]): boolean {
  return parseThresholds(thresholds.join(',')).ok && thresholds.length > 0;
}

/** The bucket labels for `thresholds`: [30, 60] -> ["current", "1-30", "31-60", "60+"]. */
export function bucketLabels(thresholds: readonly number[]): string[] {
  const labels = ['current'];
  let from = 1;
  for (const t of thresholds) {
    labels.push(`${from}-${t}`);
    from = t + 1;
  }
  labels.push(`${thresholds.at(-1) ?? 0}+`);
  return labels;
}

/**
 * The lowest age of each bucket after "current": [30, 60] -> [1, 31, 61]. The bucket of an age is
 * the number of these bounds it reaches (0 = current), which is SQL's width_bucket(age, bounds).
 */
export function bucketLowerBounds(thresholds: readonly number[]): number[] {
  return [1, ...thresholds.map((t) => t + 1)];
}

/** The index into bucketLabels(thresholds) of an item `ageDays` old. */
export function bucketIndex(ageDays: number, thresholds: readonly number[]): number {
  let index = 0;
  for (const bound of bucketLowerBounds(thresholds)) if (ageDays >= bound) index += 1;
  return index;
}

/** The age of an item as of `asOf` on `basis`, in days (negative: not due yet). */
export function ageDays(
  item: { documentDate: IsoDate; dueDate: IsoDate },
  asOf: IsoDate,
  basis: AgingBasis,
): number {
  return daysBetween(basis === 'due' ? item.dueDate : item.documentDate, asOf);
}

/** One line of aging: a bucket per label, the unapplied credits, and their sum. */
export interface AgingAmounts {
  totalCents: Cents;
  unappliedCents: Cents;
  /** One per bucket label. */
  amountsCents: Cents[];
}

export function emptyAmounts(bucketCount: number): AgingAmounts {
  return {
    totalCents: cents(0), unappliedCents: cents(0),
    amountsCents: Array.from({ length: bucketCount }, () => cents(0)),
  };
}

/**
 * Adds an item open `openCents` (signed) aged `ageDays` to `line`: a debit to its bucket, a credit
 * to unapplied. Returns the bucket label it went to ("unapplied" for a credit).
 */
export function addToAging(
  line: AgingAmounts, openCents: number, age: number, thresholds: readonly number[],
): string {
  line.totalCents = cents(line.totalCents + openCents);
  if (openCents < 0) {
    line.unappliedCents = cents(line.unappliedCents + openCents);
    return UNAPPLIED;
  }
  const index = bucketIndex(age, thresholds);
  line.amountsCents[index] = cents((line.amountsCents[index] ?? 0) + openCents);
  return bucketLabels(thresholds)[index]!;
}

/** Sums lines (the totals row); every line must have the same number of buckets. */
export function sumAging(lines: readonly AgingAmounts[], bucketCount: number): AgingAmounts {
  // Plain numbers in the loop (this runs over every row of a 50,000-customer report), checked
  // as cents once at the end: the sums stay exact while they are below 2^53 cents.
  let totalCents = 0;
  let unappliedCents = 0;
  const amounts = new Array<number>(bucketCount).fill(0);
  for (const line of lines) {
    totalCents += line.totalCents;
    unappliedCents += line.unappliedCents;
    for (let i = 0; i < bucketCount; i++) amounts[i]! += line.amountsCents[i] ?? 0;
  }
  return {
    totalCents: cents(totalCents), unappliedCents: cents(unappliedCents),
    amountsCents: amounts.map(cents),
  };
}

/** The invariant of every line: buckets plus unapplied make the total. */
export function isConsistent(line: AgingAmounts): boolean {
  return line.amountsCents.reduce((s, a) => s + a, 0) + line.unappliedCents === line.totalCents;
}

/** The key of a row without a value for the grouping (no collector, unidentified cash...). */
export const NO_VALUE_KEY = '(none)';
/** The key of unidentified payments (no customer) when aging by customer. */
export const UNIDENTIFIED_KEY = '(unidentified)';
/** The single row's key when aging by "none". */
export const ALL_KEY = 'all';

/** How many month ends the aging keeps as bases for past dates (migration 031): a year and one. */
export const AGING_PERIODS_KEPT = 13;

/**
 * The month ends the aging keeps as of business date `asOf`: the last `count` before it, newest
 * first. A month end is kept only once it has passed, as writes dated on or before a kept month
 * end cost a refresh of it, and today's writes are dated today.
 * @example keptMonthEnds('2026-11-20', 2) // ['2026-10-31', '2026-09-30']
 * @example keptMonthEnds('2026-12-01', 1) // ['2026-11-30']
 */
export function keptMonthEnds(asOf: IsoDate, count: number = AGING_PERIODS_KEPT): IsoDate[] {
  const ends: IsoDate[] = [];
  for (let back = 1; ends.length < count; back++) {
    ends.push(endOfMonth(addMonths(`${asOf.slice(0, 7)}-01`, -back)));
  }
  return ends;
}
