import type { Queryable } from '../db/connection.ts';
import type { IsoDate } from '../domain/dates.ts';
import { ITEM_COLUMNS, toItemView, type ItemRow, type ItemView } from './customer-items.ts';

export interface PaymentQuery {
  /** Only payments with cash left to apply. */
  unapplied?: boolean;
  customerId?: number;
  limit?: number;
  offset?: number;
}

/**
 * Payments, newest first; with `unapplied` only the open ones, oldest first (the research queue
 * works from the oldest).
 */
export async function listPayments(
  db: Queryable,
  query: PaymentQuery,
  today: IsoDate,
): Promise<{ items: ItemView[]; total: number }> {
  const params: unknown[] = [];
  let where = `type = 'payment'`;
  if (query.unapplied) where += ' AND open_cents <> 0';
  if (query.customerId !== undefined) {
    params.push(query.customerId);
    where += ` AND customer_id = $${params.length}`;
  }
  const order = query.unapplied ? 'document_date, id' : 'document_date DESC, id DESC';
  const limit = Math.min(Math.max(query.limit ?? 50, 1), 500);
  const offset = Math.max(query.offset ?? 0, 0);
  const r = await db.query<ItemRow>(
    `SELECT ${ITEM_COLUMNS} FROM documents WHERE ${where}
     ORDER BY ${order} LIMIT ${limit} OFFSET ${offset}`,
    params,
  );
  const n = await db.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM documents WHERE ${where}`, params,
  );
  return { items: r.rows.map((row) => toItemView(row, today)), total: n.rows[0]?.n ?? 0 };
}

/** One document by id (any type), or null. */
export async function getItem(
  db: Queryable, id: number, today: IsoDate,
): Promise<ItemView | null> {
  const r = await db.query<ItemRow>(`SELECT ${ITEM_COLUMNS} FROM documents WHERE id = $1`, [id]);
  const row = r.rows[0];
  return row ? toItemView(row, today) : null;
}
