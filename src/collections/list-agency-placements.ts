import type { Queryable } from '../db/connection.ts';
import { commissionCents } from '../domain/collections/agency.ts';
import { PLACEMENT_COLUMNS, type AgencyPlacement } from './place-with-agency.ts';

export interface AgencyPlacementEntry extends AgencyPlacement {
  accountNumber: string;
  customerName: string;
  collector: string | null;
  /** The account's open balance today. */
  balanceCents: number;
  /** The agency's share of what it recovered (commissionCents). */
  commissionCents: number;
  recoveries: { id: number; amountCents: number; recoveredOn: string; note: string | null;
    createdBy: string }[];
}

/** Placements (active ones, or recalled ones), newest first, with recoveries and commission. */
export async function listAgencyPlacements(
  db: Queryable, q: { status: 'placed' | 'recalled'; limit: number },
): Promise<AgencyPlacementEntry[]> {
  const columns = PLACEMENT_COLUMNS.replace(/(^|,\s*)(\w+)/g, '$1p.$2');
  const r = await db.query<Omit<AgencyPlacementEntry, 'commissionCents'>>(
    `SELECT ${columns}, c.account_number AS "accountNumber", c.name AS "customerName",
       c.collector, coalesce(s.balance_cents, 0) AS "balanceCents",
       coalesce((SELECT json_agg(json_build_object('id', r.id, 'amountCents', r.amount_cents,
           'recoveredOn', r.recovered_on, 'note', r.note, 'createdBy', r.created_by)
           ORDER BY r.recovered_on, r.id)
         FROM agency_recoveries r WHERE r.placement_id = p.id), '[]'::json) AS recoveries
     FROM agency_placements p JOIN customers c ON c.id = p.customer_id
     LEFT JOIN customer_summary s ON s.customer_id = p.customer_id
     WHERE p.status = $1 ORDER BY p.placed_on DESC, p.id DESC LIMIT $2`, [q.status, q.limit]);
  return r.rows.map((p) => ({ ...p,
    commissionCents: commissionCents(p.recoveredCents, p.commissionBp) }));
}
