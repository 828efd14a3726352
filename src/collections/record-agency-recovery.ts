import { writeAudit, type Actor } from '../db/audit.ts';
import type { Db } from '../db/connection.ts';
import { transactResult } from '../db/documents.ts';
import type { IsoDate } from '../domain/dates.ts';
import { checkAgencyRecovery } from '../domain/collections/agency.ts';
import type { Cents } from '../domain/money.ts';
import { err, ok, type Result } from '../domain/result.ts';
import { dateError } from './checks.ts';
import { PLACEMENT_COLUMNS, type AgencyPlacement } from './place-with-agency.ts';
import type { CollectionsQueueError } from './queue-errors.ts';

export interface RecordAgencyRecoveryInput {
  placementId: number;
  amountCents: Cents;
  recoveredOn: IsoDate;
  note?: string | null;
}

/**
 * Records what the agency reports it recovered on an active placement; the placement's
 * recovered total (and so the commission owed) grows by it. The cash itself reaches the ledger
 * as a payment like any other. Errors, in order: date_invalid, placement_not_found,
 * AgencyRecoveryError's (amount_must_be_positive, placement_already_recalled,
 * recovery_exceeds_placed_amount).
 */
export async function recordAgencyRecovery(
  db: Db, actor: Actor, input: RecordAgencyRecoveryInput,
): Promise<Result<AgencyPlacement, CollectionsQueueError>> {
  const bad = dateError('recoveredOn', input.recoveredOn);
  if (bad) return err(bad);
  type Out = Result<AgencyPlacement, CollectionsQueueError>;
  return transactResult(db, async (tx): Promise<Out> => {
    const r = await tx.query<AgencyPlacement>(
      `SELECT ${PLACEMENT_COLUMNS} FROM agency_placements WHERE id = $1 FOR UPDATE`,
      [input.placementId]);
    const before = r.rows[0];
    if (!before) return err({ code: 'placement_not_found', placementId: input.placementId });
    const checked = checkAgencyRecovery({ placementId: before.id, status: before.status,
      placedCents: before.placedCents, recoveredCents: before.recoveredCents,
      amountCents: input.amountCents });
    if (!checked.ok) return checked;
    const rec = await tx.query<{ id: number }>(
      `INSERT INTO agency_recoveries (placement_id, amount_cents, recovered_on, note, created_by)
       VALUES ($1, $2, $3, $4, $5) RETURNING id`,
      [before.id, input.amountCents, input.recoveredOn, input.note?.trim() || null, actor.name]);
    const u = await tx.query<AgencyPlacement>(
      `UPDATE agency_placements SET recovered_cents = recovered_cents + $2 WHERE id = $1
       RETURNING ${PLACEMENT_COLUMNS}`, [before.id, input.amountCents]);
    const after = u.rows[0]!;
    await writeAudit(tx, actor, { action: 'agency.recovery', entityType: 'agency_placement',
      entityId: before.id, customerId: before.customerId,
      before: { recoveredCents: before.recoveredCents },
      after: { recoveryId: rec.rows[0]!.id, amountCents: input.amountCents,
        recoveredOn: input.recoveredOn, recoveredCents: after.recoveredCents } });
    return ok(after);
  });
}
