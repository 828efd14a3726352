import { err, ok, type Result } from '../result.ts';

// Collection agency placements: the agency keeps a commission (basis points, 2500 = 25%) of what
// it recovers; recoveries are reported one at a time and never exceed the amount placed.

/**
 * The agency's commission on `recoveredCents` at `commissionBp` basis points, rounded half up
 * to the cent (exact: integer arithmetic in bigint).
 * @example commissionCents(10_001, 2_500) // 2_500 (2500.25 rounds down)
 */
export function commissionCents(recoveredCents: number, commissionBp: number): number {
  const product = BigInt(recoveredCents) * BigInt(commissionBp);
  const n = Number((product + 5_000n) / 10_000n);
  if (!Number.isSafeInteger(n)) throw new Error(`commission outside the safe range: ${product}`);
  return n;
}

/** Recording a recovery, in the order checked. */
export type AgencyRecoveryError =
  | { code: 'amount_must_be_positive' }
  | { code: 'placement_already_recalled'; placementId: number }
  | { code: 'recovery_exceeds_placed_amount'; remainingCents: number };

export function checkAgencyRecovery(input: {
  placementId: number;
  status: 'placed' | 'recalled';
  placedCents: number;
  recoveredCents: number;
  amountCents: number;
}): Result<true, AgencyRecoveryError> {
  if (!Number.isSafeInteger(input.amountCents) || input.amountCents <= 0) {
    return err({ code: 'amount_must_be_positive' });
  }
  if (input.status === 'recalled') {
    return err({ code: 'placement_already_recalled', placementId: input.placementId });
  }
  const remainingCents = input.placedCents - input.recoveredCents;
  if (input.amountCents > remainingCents) {
    return err({ code: 'recovery_exceeds_placed_amount', remainingCents });
  }
  return ok(true);
}
