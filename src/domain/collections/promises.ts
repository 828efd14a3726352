import { addDays, type IsoDate } from '../dates.ts';

// A promise to pay (PTP): the customer says they will pay an amount by a date. The nightly
// evaluation compares it with the payments actually applied since the promise was made.

export type PromiseStatus = 'open' | 'kept' | 'partially_kept' | 'broken';

export interface PromiseToPay {
  amountCents: number;
  promisedOn: IsoDate;
  /** The day the promise was taken: payments applied earlier do not count toward it. */
  madeOn: IsoDate;
}

/** A payment applied to the promised items (or to the account when the promise names none). */
export interface AppliedPayment {
  appliedOn: IsoDate;
  amountCents: number;
}

export interface PromiseEvaluation {
  status: PromiseStatus;
  paidCents: number;
  /** The last day a payment still counts: the promised date plus the grace period. */
  graceEndsOn: IsoDate;
}

/**
 * Kept once the applied payments reach the amount (even before the date); after the grace period,
 * partially kept when something came in, else broken; open until then.
 * @example evaluatePromise({ amountCents: 1000, promisedOn: '2026-11-14', madeOn: '2026-11-01' },
 *   [], '2026-11-20', 3) // { status: 'broken', paidCents: 0, graceEndsOn: '2026-11-17' }
 */
export function evaluatePromise(
  p: PromiseToPay, payments: readonly AppliedPayment[], asOf: IsoDate, graceDays: number,
): PromiseEvaluation {
  const graceEndsOn = addDays(p.promisedOn, graceDays);
  const paidCents = payments
    .filter((x) => x.appliedOn >= p.madeOn && x.appliedOn <= graceEndsOn && x.appliedOn <= asOf)
    .reduce((s, x) => s + x.amountCents, 0);
  if (paidCents >= p.amountCents) return { status: 'kept', paidCents, graceEndsOn };
  if (asOf <= graceEndsOn) return { status: 'open', paidCents, graceEndsOn };
  return { status: paidCents > 0 ? 'partially_kept' : 'broken', paidCents, graceEndsOn };
}
