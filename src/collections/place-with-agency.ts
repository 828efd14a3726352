import { writeAudit, type Actor } from '../db/audit.ts';
import type { Db, Queryable } from '../db/connection.ts';
import { isUniqueViolation, transactResult } from '../db/documents.ts';
import type { IsoDate } from '../domain/dates.ts';
import { cents, type Cents } from '../domain/money.ts';
import { err, ok, type Result } from '../domain/result.ts';
import { customerOrError, dateError, textError } from './checks.ts';
import type { CollectionsError } from './errors.ts';

export interface PlaceWithAgencyInput {
  customerId: number;
  agency: string;
  placedOn: IsoDate;
  /** Default: the account's open balance. */
  placedCents?: Cents | null;
  /** Basis points of recoveries (2500 = 25%). */
  commissionBp: number;
}

export interface AgencyPlacement {
  id: number;
  customerId: number;
  agency: string;
  placedOn: IsoDate;
  placedCents: Cents;
  currency: string;
  commissionBp: number;
  recoveredCents: Cents;
  status: 'placed' | 'recalled';
  recalledOn: IsoDate | null;
  recallReason: string | null;
}

export const PLACEMENT_COLUMNS = `id, customer_id AS "customerId", agency, placed_on AS "placedOn",
  placed_cents AS "placedCents", currency, commission_bp AS "commissionBp",
  recovered_cents AS "recoveredCents", status, recalled_on AS "recalledOn",
  recall_reason AS "recallReason"`;

/**
 * Places an account with a collection agency: dunning pauses and the account leaves the
 * collector's worklist until it is recalled. Errors, in order: text_required (agency),
 * date_invalid, value_not_allowed (commission), amount_must_be_positive, customer_not_found,
 * agency_placement_conflict (already placed).
 */
export async function placeWithAgency(
  db: Db, actor: Actor, input: PlaceWithAgencyInput,
): Promise<Result<AgencyPlacement, CollectionsError>> {
  try {
    return await transactResult(db, (tx) => placeInTx(tx, actor, input));
  } catch (e) {
    if (!isUniqueViolation(e, 'agency_placements_one_active')) throw e;
    return err({ code: 'agency_placement_conflict', placementId: 0 });
  }
}

async function placeInTx(
  tx: Queryable, actor: Actor, input: PlaceWithAgencyInput,
): Promise<Result<AgencyPlacement, CollectionsError>> {
  const shape = textError('agency', input.agency) ?? dateError('placedOn', input.placedOn)
    ?? (Number.isInteger(input.commissionBp) && input.commissionBp >= 0
      && input.commissionBp <= 10_000 ? null
      : { code: 'value_not_allowed' as const, field: 'commissionBp',
        value: String(input.commissionBp) });
  if (shape) return err(shape);
  const customer = await customerOrError(tx, input.customerId, true);
  if (!customer.ok) return customer;
  const active = await tx.query<{ id: number }>(
    `SELECT id FROM agency_placements WHERE customer_id = $1 AND status = 'placed'`,
    [input.customerId]);
  if (active.rows[0]) return err({ code: 'agency_placement_conflict',
    placementId: active.rows[0].id });
  const balance = await tx.query<{ b: number }>(
    `SELECT coalesce(sum(open_cents), 0)::bigint AS b FROM documents
     WHERE customer_id = $1 AND open_cents > 0`, [input.customerId]);
  const placedCents = input.placedCents ?? balance.rows[0]!.b;
  if (cents(placedCents) <= 0) return err({ code: 'amount_must_be_positive' });
  const r = await tx.query<AgencyPlacement>(
    `INSERT INTO agency_placements (customer_id, agency, placed_on, placed_cents, currency,
       commission_bp, created_by) VALUES ($1, $2, $3, $4, $5, $6, $7)
     RETURNING ${PLACEMENT_COLUMNS}`,
    [input.customerId, input.agency.trim(), input.placedOn, placedCents,
      customer.value.currency, input.commissionBp, actor.name]);
  const placement = r.rows[0]!;
  await writeAudit(tx, actor, { action: 'agency.place', entityType: 'agency_placement',
    entityId: placement.id, customerId: input.customerId, after: placement });
  return ok(placement);
}
