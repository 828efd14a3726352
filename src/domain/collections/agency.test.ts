import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkAgencyRecovery, commissionCents } from './agency.ts';

describe('commissionCents', () => {
  const rows: [number, number, number][] = [
    [0, 2_500, 0],
    [10_000, 2_500, 2_500],
    [10_001, 2_500, 2_500],
    [10_002, 2_500, 2_501],
    [1, 5_000, 1],
    // An exact half cent (22,246,933,198.5) rounds up.
    [889_877_327_940, 250, 22_246_933_199],
    [123_456_789, 3_333, 41_148_148],
    [9_000_000_000_000_000, 10_000, 9_000_000_000_000_000],
  ];
  it.each(rows)('%i cents at %i bp -> %i', (recovered, bp, expected) => {
    expect(commissionCents(recovered, bp)).toBe(expected);
  });
  it('never exceeds the recovery and is within half a cent of the exact share', () => {
    fc.assert(fc.property(fc.integer({ min: 0, max: 1e12 }), fc.integer({ min: 0, max: 10_000 }),
      (recovered, bp) => {
        const c = commissionCents(recovered, bp);
        expect(c).toBeLessThanOrEqual(recovered);
        const diff = BigInt(c) * 10_000n - BigInt(recovered) * BigInt(bp);
        // Half up: an exact half cent rounds up, so the difference is in (-0.5, +0.5] cent.
        expect(diff > -5_000n && diff <= 5_000n).toBe(true);
      }));
  });
});

describe('checkAgencyRecovery', () => {
  const base = { placementId: 3, status: 'placed' as const, placedCents: 100_000,
    recoveredCents: 60_000, amountCents: 40_000 };
  const rows: { name: string; c: Record<string, unknown>; expected: string }[] = [
    { name: 'a positive amount', c: { amountCents: 0 }, expected: 'amount_must_be_positive' },
    { name: 'not after a recall', c: { status: 'recalled' },
      expected: 'placement_already_recalled' },
    { name: 'not past the amount placed', c: { amountCents: 40_001 },
      expected: 'recovery_exceeds_placed_amount' },
    { name: 'up to the amount placed', c: {}, expected: 'ok' },
  ];
  it.each(rows)('$name', ({ c, expected }) => {
    const r = checkAgencyRecovery({ ...base, ...c } as typeof base);
    expect(r.ok ? 'ok' : r.error.code).toBe(expected);
  });
});
