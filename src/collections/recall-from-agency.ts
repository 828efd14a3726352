import { writeAudit, type Actor } from '../db/audit.ts';
import type { Db } from '../db/connection.ts';
import { transactResult } from '../db/documents.ts';
import type { IsoDate } from '../domain/dates.ts';
import { cents, type Cents } from '../domain/money.ts';
import { err, ok, type Result } from '../domain/result.ts';
import { dateError, textError } from './checks.ts';
import type { CollectionsError } from './errors.ts';
import { PLACEMENT_COLUMNS, type AgencyPlacement } from './place-with-agency.ts';

export interface RecallFromAgencyInput {
  placementId: number;
  recalledOn: IsoDate;
  reason: string;
  /** What the agency recovered in all, as reported at recall. */
  recoveredCents?: Cents | null;
}

/**
 * Recalls an account from its agency: dunning and the worklist take it back. Errors, in order:
 * date_invalid, text_required (reason), placement_not_found, placement_already_recalled.
 */
export async function recallFromAgency(
  db: Db, actor: Actor, input: RecallFromAgencyInput,
): Promise<Result<AgencyPlacement, CollectionsError>> {
  const shape = dateError('recalledOn', input.recalledOn) ?? textError('reason', input.reason);
  if (shape) return err(shape);
  if (input.recoveredCents != null) cents(input.recoveredCents);
  type Out = Result<AgencyPlacement, CollectionsError>;
  return transactResult(db, async (tx): Promise<Out> => {
    const r = await tx.query<AgencyPlacement>(
      `SELECT ${PLACEMENT_COLUMNS} FROM agency_placements WHERE id = $1 FOR UPDATE`,
      [input.placementId]);
    const before = r.rows[0];
    if (!before) return err({ code: 'placement_not_found', placementId: input.placementId });
    if (before.status === 'recalled') {
      return err({ code: 'placement_already_recalled', placementId: before.id });
    }
    const u = await tx.query<AgencyPlacement>(
      `UPDATE agency_placements SET status = 'recalled', recalled_on = $2, recall_reason = $3,
         recovered_cents = coalesce($4, recovered_cents)
       WHERE id = $1 RETURNING ${PLACEMENT_COLUMNS}`,
      [before.id, input.recalledOn, input.reason.trim(), input.recoveredCents ?? null]);
    const after = u.rows[0]!;
    await writeAudit(tx, actor, { action: 'agency.recall', entityType: 'agency_placement',
      entityId: before.id, customerId: before.customerId, before, after });
    return ok(after);
  });
}
