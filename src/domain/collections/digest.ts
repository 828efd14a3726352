import { addDays, daysBetween, type IsoDate } from '../dates.ts';

// The sales-rep digest's rules: which window a digest covers, and which accounts crossed an age
// threshold in it. An account's age is the days past due of its oldest open past-due item.

/** The ages in days past due a rep hears about when an account first reaches them. */
export const DIGEST_AGE_THRESHOLDS = [60, 90] as const;

/**
 * The last day the previous digest saw: its as-of date, or, for a rep's first digest, one
 * period before `asOf` (7 days for the weekly digest). A digest reports what happened after it.
 * @example digestSinceOn(null, '2026-11-20', 7) // '2026-11-13'
 */
export function digestSinceOn(
  previousAsOf: IsoDate | null, asOf: IsoDate, periodDays: number,
): IsoDate {
  if (previousAsOf !== null && previousAsOf <= asOf) return previousAsOf;
  return addDays(asOf, -periodDays);
}

/**
 * The highest threshold an account's age crossed after `sinceOn` up to `asOf`: it is at least
 * that many days past due at `asOf` and was not at `sinceOn`. Null when it crossed none (still
 * younger, or already past it at the previous digest).
 * @example thresholdCrossed('2026-09-18', '2026-11-13', '2026-11-20', [60, 90]) // 60
 */
export function thresholdCrossed(
  oldestDueDate: IsoDate, sinceOn: IsoDate, asOf: IsoDate, thresholds: readonly number[],
): number | null {
  const now = daysBetween(oldestDueDate, asOf);
  const before = daysBetween(oldestDueDate, sinceOn);
  let crossed: number | null = null;
  for (const t of thresholds) if (now >= t && before < t && (crossed === null || t > crossed)) {
    crossed = t;
  }
  return crossed;
}

/** Counts per digest section, which make the subject line and the log row. */
export interface DigestCounts {
  newHolds: number;
  brokenPromises: number;
  disputes: number;
  past60: number;
  past90: number;
}

function plural(n: number, one: string, many: string): string {
  return `${n} ${n === 1 ? one : many}`;
}

/**
 * The subject: what needs the rep's attention, in section order, or that nothing is new.
 * @example digestSubject({ newHolds: 1, brokenPromises: 2, disputes: 0, past60: 0, past90: 1 },
 *   '2026-11-20') // 'Your accounts on 2026-11-20: 1 new hold, 2 broken promises, 1 past 90 days'
 */
export function digestSubject(c: DigestCounts, asOf: IsoDate): string {
  const parts = [
    c.newHolds ? plural(c.newHolds, 'new hold', 'new holds') : '',
    c.brokenPromises ? plural(c.brokenPromises, 'broken promise', 'broken promises') : '',
    c.disputes ? plural(c.disputes, 'dispute waiting on you', 'disputes waiting on you') : '',
    c.past60 ? `${c.past60} past 60 days` : '',
    c.past90 ? `${c.past90} past 90 days` : '',
  ].filter(Boolean);
  return `Your accounts on ${asOf}: ${parts.length ? parts.join(', ') : 'nothing new'}`;
}
