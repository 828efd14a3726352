import type { Queryable } from '../db/connection.ts';
import type { IsoDate } from '../domain/dates.ts';
import type {
  DisputeReason, DisputeResolution, DisputeStatus,
} from '../domain/collections/disputes.ts';

// Reads shared by the dispute use cases.

export interface Dispute {
  id: number;
  customerId: number;
  kind: 'dispute' | 'deduction';
  reasonCode: DisputeReason;
  amountCents: number;
  currency: string;
  status: DisputeStatus;
  resolution: DisputeResolution | null;
  owner: string | null;
  openedOn: IsoDate;
  resolvedOn: IsoDate | null;
  closedOn: IsoDate | null;
  createdBy: string;
  items: { documentId: number; amountCents: number }[];
}

export const DISPUTE_COLUMNS = `id, customer_id AS "customerId", kind, reason_code AS "reasonCode",
  amount_cents AS "amountCents", currency, status, resolution, owner, opened_on AS "openedOn",
  resolved_on AS "resolvedOn", closed_on AS "closedOn", created_by AS "createdBy"`;

export async function loadDispute(
  tx: Queryable, id: number, lock = false,
): Promise<Dispute | undefined> {
  const r = await tx.query<Omit<Dispute, 'items'>>(
    `SELECT ${DISPUTE_COLUMNS} FROM disputes WHERE id = $1 ${lock ? 'FOR UPDATE' : ''}`, [id]);
  const d = r.rows[0];
  if (!d) return undefined;
  const items = await tx.query<{ documentId: number; amountCents: number }>(
    `SELECT document_id AS "documentId", amount_cents AS "amountCents" FROM dispute_items
     WHERE dispute_id = $1 ORDER BY document_id`, [id]);
  return { ...d, items: items.rows };
}
