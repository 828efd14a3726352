import { describe, expect, it } from 'vitest';
import { evaluatePromise, type AppliedPayment } from './promises.ts';

const P = { amountCents: 10_000, promisedOn: '2026-11-14', madeOn: '2026-11-05' };
const GRACE = 3; // counts through 11/17

describe('evaluatePromise', () => {
  const rows: { name: string; asOf: string; paid: AppliedPayment[]; status: string;
    paidCents: number }[] = [
    { name: 'paid in full early: kept', asOf: '2026-11-10',
      paid: [{ appliedOn: '2026-11-09', amountCents: 10_000 }], status: 'kept', paidCents: 10_000 },
    { name: 'overpaid: kept', asOf: '2026-11-20',
      paid: [{ appliedOn: '2026-11-14', amountCents: 12_000 }], status: 'kept', paidCents: 12_000 },
    { name: 'paid in parts within grace: kept', asOf: '2026-11-20', paid: [
      { appliedOn: '2026-11-14', amountCents: 6_000 },
      { appliedOn: '2026-11-17', amountCents: 4_000 }], status: 'kept', paidCents: 10_000 },
    { name: 'nothing yet, before the date: open', asOf: '2026-11-13', paid: [], status: 'open',
      paidCents: 0 },
    { name: 'nothing yet, within grace: open', asOf: '2026-11-17', paid: [], status: 'open',
      paidCents: 0 },
    { name: 'nothing after grace: broken', asOf: '2026-11-18', paid: [], status: 'broken',
      paidCents: 0 },
    { name: 'part after grace: partially kept', asOf: '2026-11-18',
      paid: [{ appliedOn: '2026-11-12', amountCents: 2_500 }], status: 'partially_kept',
      paidCents: 2_500 },
    { name: 'payments after grace do not count', asOf: '2026-11-25',
      paid: [{ appliedOn: '2026-11-18', amountCents: 10_000 }], status: 'broken', paidCents: 0 },
    { name: 'payments before the promise was made do not count', asOf: '2026-11-25',
      paid: [{ appliedOn: '2026-11-04', amountCents: 10_000 }], status: 'broken', paidCents: 0 },
    { name: 'a reversal (negative) takes a payment back', asOf: '2026-11-25', paid: [
      { appliedOn: '2026-11-10', amountCents: 10_000 },
      { appliedOn: '2026-11-12', amountCents: -10_000 }], status: 'broken', paidCents: 0 },
  ];
  it.each(rows)('$name', ({ asOf, paid, status, paidCents }) => {
    expect(evaluatePromise(P, paid, asOf, GRACE))
      .toEqual({ status, paidCents, graceEndsOn: '2026-11-17' });
  });
});
