import type { Queryable } from '../db/connection.ts';
import { DISPUTE_COLUMNS, type Dispute } from './disputes-store.ts';

/** An account's disputes and deductions, newest first, each with its items and amounts. */
export async function listDisputes(
  db: Queryable, customerId: number, limit = 200,
): Promise<Dispute[]> {
  const r = await db.query<Omit<Dispute, 'items'>>(
    `SELECT ${DISPUTE_COLUMNS} FROM disputes WHERE customer_id = $1
     ORDER BY opened_on DESC, id DESC LIMIT $2`, [customerId, limit]);
  if (r.rows.length === 0) return [];
  const items = await db.query<{ disputeId: number; documentId: number; amountCents: number }>(
    `SELECT dispute_id AS "disputeId", document_id AS "documentId",
       amount_cents::bigint AS "amountCents"
     FROM dispute_items WHERE dispute_id = ANY($1::bigint[]) ORDER BY document_id`,
    [r.rows.map((d) => d.id)]);
  return r.rows.map((d) => ({ ...d, items: items.rows.filter((i) => i.disputeId === d.id)
    .map(({ documentId, amountCents }) => ({ documentId, amountCents: Number(amountCents) })) }));
}
