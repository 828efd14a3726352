import { daysBetween, type IsoDate } from '../dates.ts';
import { monthDay, wholeMoney } from './format.ts';

// The collector's daily worklist: every account in a portfolio scored by what a contact today is
// likely to bring in. Amounts already promised or in dispute are not collectible today, so they
// do not drive the rank (they stay in the aging, which is another report).

/**
 * Open debit items of one account grouped by due date, or by age bucket (WORKLIST_BUCKET_FLOORS)
 * for past-due items: the ranking reads nothing finer than the bucket.
 */
export interface DueGroup {
  /** The due date; for a bucket, its oldest item's. */
  dueDate: IsoDate;
  openCents: number;
  /** Of `openCents`, the part under an open dispute. */
  disputedCents: number;
  /** Of `openCents`, the part covered by an open promise to pay naming these items. */
  promisedCents: number;
  /** The largest single open item in the group (for "upcoming large item"). */
  largestOpenCents: number;
}

/** What the ranking knows about one account. */
export interface WorklistAccount {
  customerId: number;
  accountNumber: string;
  name: string;
  currency: string;
  collector: string | null;
  groups: readonly DueGroup[];
  /** Open promises that name no items: they cover the oldest collectible amounts first. */
  promisedUnassignedCents: number;
  /** The most recent broken promise not yet followed by a contact, if any. */
  brokenPromise: { promisedOn: IsoDate; amountCents: number } | null;
  /** Open promises falling due today (the amount to check for). */
  promiseDueTodayCents: number;
  /** 1 (best) .. 5 (worst), null when not rated. */
  riskClass: number | null;
  openDisputes: number;
  lastContactOn: IsoDate | null;
  /** Placed with a collection agency: the agency works it, not the collector. */
  placedWithAgency: boolean;
}

/** How much each signal counts. Points; the defaults below are a starting point to tune. */
export interface WorklistWeights {
  /** Points per 1,000 currency units collectible past due, by age bucket 1-30/31-60/61-90/91+. */
  pastDuePerThousand: readonly [number, number, number, number];
  brokenPromise: number;
  promiseDueToday: number;
  /** Per risk class above 1. */
  riskPerClass: number;
  /** Per open dispute (its amount never counts): somebody must move it along. */
  openDispute: number;
  /** Per day since the last contact, up to `contactDaysMax`; never contacted counts the max. */
  perDaySinceContact: number;
  contactDaysMax: number;
  /** An item of at least `largeItemCentsMin` falling due within `largeItemDays`. */
  upcomingLargeItem: number;
  largeItemCentsMin: number;
  largeItemDays: number;
}

export const DEFAULT_WORKLIST_WEIGHTS: WorklistWeights = {
  pastDuePerThousand: [1, 2, 4, 6],
  brokenPromise: 40,
  promiseDueToday: 30,
  riskPerClass: 4,
  openDispute: 3,
  perDaySinceContact: 0.5,
  contactDaysMax: 30,
  upcomingLargeItem: 10,
  largeItemCentsMin: 1_000_000,
  largeItemDays: 7,
};

export interface WorklistEntry {
  customerId: number;
  accountNumber: string;
  name: string;
  collector: string | null;
  currency: string;
  /** Rounded to two decimals, for display and stable ordering. */
  score: number;
  collectiblePastDueCents: number;
  daysPastDueMax: number;
  /** Why the account is on the list, most important first: "$42,180 past 60+, ...". */
  reason: string;
  /** Flags for the list itself (they already count in `score` and `reason`). */
  brokenPromise: boolean;
  promiseDueToday: boolean;
  /** Some of the account is covered by an open promise to pay. */
  openPromise: boolean;
  openDisputes: number;
  lastContactOn: IsoDate | null;
}

/** Lower bounds (days past due) of the age buckets 1-30, 31-60, 61-90, 91+. */
export const WORKLIST_BUCKET_FLOORS = [1, 31, 61, 91] as const;
const BUCKET_FLOORS = WORKLIST_BUCKET_FLOORS;

function bucketOf(daysPastDue: number): 0 | 1 | 2 | 3 {
  if (daysPastDue >= 91) return 3;
  if (daysPastDue >= 61) return 2;
  if (daysPastDue >= 31) return 1;
  return 0;
}

/** Days from each date to `asOf`, computed once per distinct date (a portfolio has few). */
function daysTo(asOf: IsoDate): (date: IsoDate) => number {
  const memo = new Map<IsoDate, number>();
  return (date) => {
    let n = memo.get(date);
    if (n === undefined) memo.set(date, n = daysBetween(date, asOf));
    return n;
  };
}

/** Collectible past due per bucket: open minus disputed minus promised, oldest first. */
export function collectibleByBucket(
  a: WorklistAccount, asOf: IsoDate, pastDue: (date: IsoDate) => number = daysTo(asOf),
): number[] {
  const buckets = [0, 0, 0, 0];
  let unassigned = a.promisedUnassignedCents;
  const due = a.groups.filter((g) => g.dueDate < asOf)
    .sort((x, y) => (x.dueDate < y.dueDate ? -1 : x.dueDate > y.dueDate ? 1 : 0));
  for (const g of due) {
    let collectible = Math.max(0, g.openCents - g.disputedCents - g.promisedCents);
    const covered = Math.min(collectible, unassigned);
    collectible -= covered;
    unassigned -= covered;
    buckets[bucketOf(pastDue(g.dueDate))]! += collectible;
  }
  return buckets;
}

interface Signal {
  points: number;
  text: string;
}

function pastDueSignal(a: WorklistAccount, buckets: number[], w: WorklistWeights): Signal {
  const unit = 1000 * 100;
  const points = buckets.reduce((s, c, i) => s + (c / unit) * w.pastDuePerThousand[i]!, 0);
  const total = buckets.reduce((s, c) => s + c, 0);
  if (total === 0) return { points: 0, text: '' };
  const oldest = buckets.findLastIndex((c) => c > 0);
  const older = buckets.slice(oldest).reduce((s, c) => s + c, 0);
  if (oldest === 0) return { points, text: `${wholeMoney(total, a.currency)} past due` };
  const head = `${wholeMoney(older, a.currency)} past ${BUCKET_FLOORS[oldest]! - 1}+`;
  return {
    points,
    text: older === total ? head : `${head} (${wholeMoney(total, a.currency)} past due)`,
  };
}

function signals(
  a: WorklistAccount, asOf: IsoDate, w: WorklistWeights, buckets: number[],
  pastDue: (date: IsoDate) => number,
) {
  const out: Signal[] = [pastDueSignal(a, buckets, w)];
  if (a.brokenPromise) {
    out.push({ points: w.brokenPromise,
      text: `promise of ${monthDay(a.brokenPromise.promisedOn)} broken` });
  }
  if (a.promiseDueTodayCents > 0) {
    out.push({ points: w.promiseDueToday,
      text: `promise of ${wholeMoney(a.promiseDueTodayCents, a.currency)} due today` });
  }
  if (a.riskClass !== null && a.riskClass > 1) {
    out.push({ points: (a.riskClass - 1) * w.riskPerClass, text: `risk ${a.riskClass}` });
  }
  if (a.openDisputes > 0) {
    out.push({ points: a.openDisputes * w.openDispute,
      text: `${a.openDisputes} open dispute${a.openDisputes === 1 ? '' : 's'}` });
  }
  const since = a.lastContactOn === null ? null : pastDue(a.lastContactOn);
  const contactDays = Math.min(w.contactDaysMax, since ?? w.contactDaysMax);
  if (contactDays > 0 && buckets.some((c) => c > 0)) {
    out.push({ points: contactDays * w.perDaySinceContact,
      text: since === null ? 'never contacted' : `no contact in ${since} days` });
  }
  const large = a.groups.filter((g) => g.dueDate >= asOf
    && -pastDue(g.dueDate) <= w.largeItemDays
    && g.largestOpenCents - g.disputedCents >= w.largeItemCentsMin)
    .sort((x, y) => y.largestOpenCents - x.largestOpenCents)[0];
  if (large) {
    out.push({ points: w.upcomingLargeItem,
      text: `${wholeMoney(large.largestOpenCents, a.currency)} due ${monthDay(large.dueDate)}` });
  }
  return out.filter((s) => s.points > 0);
}

/**
 * Ranks a portfolio for today: highest score first (ties: account number), accounts with nothing
 * to act on (score 0) and accounts placed with an agency left out.
 * @example rankWorklist(accounts, '2026-11-20')[0].reason
 *   // "$42,180 past 60+, promise of 11/14 broken"
 */
export function rankWorklist(
  accounts: readonly WorklistAccount[], asOf: IsoDate,
  weights: WorklistWeights = DEFAULT_WORKLIST_WEIGHTS,
): WorklistEntry[] {
  const entries: WorklistEntry[] = [];
  const pastDue = daysTo(asOf);
  for (const a of accounts) {
    if (a.placedWithAgency) continue;
    const buckets = collectibleByBucket(a, asOf, pastDue);
    const found = signals(a, asOf, weights, buckets, pastDue);
    const score = Math.round(found.reduce((s, x) => s + x.points, 0) * 100) / 100;
    if (score <= 0) continue;
    const oldestDue = a.groups.filter((g) => g.dueDate < asOf
      && g.openCents - g.disputedCents - g.promisedCents > 0)
      .reduce<IsoDate | null>((m, g) => (m === null || g.dueDate < m ? g.dueDate : m), null);
    entries.push({
      customerId: a.customerId, accountNumber: a.accountNumber, name: a.name,
      collector: a.collector, currency: a.currency, score,
      collectiblePastDueCents: buckets.reduce((s, c) => s + c, 0),
      daysPastDueMax: oldestDue === null ? 0 : pastDue(oldestDue),
      reason: found.filter((s) => s.text !== '').map((s) => s.text).join(', '),
      brokenPromise: a.brokenPromise !== null, promiseDueToday: a.promiseDueTodayCents > 0,
      openPromise: a.promisedUnassignedCents > 0 || a.groups.some((g) => g.promisedCents > 0),
      openDisputes: a.openDisputes, lastContactOn: a.lastContactOn,
    });
  }
  return entries.sort((x, y) => y.score - x.score
    || (x.accountNumber < y.accountNumber ? -1 : x.accountNumber > y.accountNumber ? 1 : 0));
}
