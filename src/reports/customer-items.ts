import type { Queryable } from '../db/connection.ts';
import { daysBetween, type IsoDate } from '../domain/dates.ts';

export interface ItemView {
  id: number;
  customerId: number | null;
  type: string;
  number: string;
  documentDate: string;
  dueDate: string;
  amountCents: number;
  openCents: number;
  currency: string;
  daysPastDue: number;
  poNumber: string | null;
  orderNumber: string | null;
  method: string | null;
  payerName: string | null;
  memo: string | null;
}

export interface ItemRow {
  id: number; customer_id: number | null; type: string; number: string; document_date: string;
  due_date: string; amount_cents: number; open_cents: number; currency: string;
  po_number: string | null; order_number: string | null; method: string | null;
  payer_name: string | null; memo: string | null;
}

export const ITEM_COLUMNS = `id, customer_id, type, number, document_date, due_date, amount_cents,
  open_cents, currency, po_number, order_number, method, payer_name, memo`;

export function toItemView(r: ItemRow, today: IsoDate): ItemView {
  return {
    id: r.id, customerId: r.customer_id, type: r.type, number: r.number,
    documentDate: r.document_date, dueDate: r.due_date, amountCents: r.amount_cents,
    openCents: r.open_cents, currency: r.currency,
    daysPastDue: r.open_cents > 0 ? Math.max(0, daysBetween(r.due_date, today)) : 0,
    poNumber: r.po_number, orderNumber: r.order_number, method: r.method,
    payerName: r.payer_name, memo: r.memo,
  };
}

export type ItemSort = 'dueDate' | 'documentDate' | 'number' | 'amount' | 'open';

const ITEM_SORT_SQL: Record<ItemSort, string> = {
  dueDate: 'due_date, id', documentDate: 'document_date DESC, id DESC',
  number: 'number COLLATE "C", id', amount: 'amount_cents DESC, id', open: 'open_cents DESC, id',
};

export interface CustomerItemsQuery {
  status: 'open' | 'all';
  type?: string;
  sort?: ItemSort;
  limit?: number;
}

/** The items statement's WHERE (customer $1, type $2 when given), ORDER BY and LIMIT. */
function itemsSql(opts: CustomerItemsQuery): { where: string; order: string; limit: number } {
  const limit = Math.min(Math.max(opts.limit ?? 1000, 1), 5000);
  let where = 'customer_id = $1';
  if (opts.status === 'open') where += ' AND open_cents <> 0';
  if (opts.type) where += ' AND type = $2';
  const order = ITEM_SORT_SQL[opts.sort ?? (opts.status === 'open' ? 'dueDate' : 'documentDate')];
  return { where, order, limit };
}

/**
 * A customer's items: open ones (default: oldest due first) or all (default: newest first),
 * optionally of one type, capped.
 */
export async function listCustomerItems(
  db: Queryable,
  customerId: number,
  opts: CustomerItemsQuery,
  today: IsoDate,
): Promise<ItemView[]> {
  const { where, order, limit } = itemsSql(opts);
  const r = await db.query<ItemRow>(
    `SELECT ${ITEM_COLUMNS} FROM documents WHERE ${where} ORDER BY ${order} LIMIT ${limit}`,
    opts.type ? [customerId, opts.type] : [customerId],
  );
  return r.rows.map((row) => toItemView(row, today));
}

/**
 * listCustomerItems for a customer the caller may see (`salesRep`: only that rep's customers),
 * in one statement with the visibility check; null when the customer is absent or not theirs.
 */
export async function listVisibleCustomerItems(
  db: Queryable,
  customerId: number,
  scope: { salesRep?: string },
  opts: CustomerItemsQuery,
  today: IsoDate,
): Promise<ItemView[] | null> {
  const { where, order, limit } = itemsSql(opts);
  const params: unknown[] = opts.type ? [customerId, opts.type] : [customerId];
  params.push(scope.salesRep ?? null);
  const rep = `$${params.length}::text`;
  // The items come back as one JSON array (ordered by the aggregate): one JSON text parses
  // several times cheaper than the driver decoding each field of each row, and the account
  // page asks for this on every view.
  const r = await db.query<{ items: ItemRow[] | null }>(
    `SELECT (SELECT json_agg(d ORDER BY ${order}) FROM (
         SELECT ${ITEM_COLUMNS} FROM documents WHERE ${where} ORDER BY ${order} LIMIT ${limit}) d)
       AS items
     FROM customers c
     WHERE c.id = $1 AND (${rep} IS NULL OR c.sales_rep = ${rep})`,
    params, { prepare: true },
  );
  if (r.rows.length === 0) return null;
  return (r.rows[0]!.items ?? []).map((row) => toItemView(row, today));
}

/** Payments waiting in the research queue: open (unapplied) receipts, oldest first. */
export async function listUnappliedPayments(
  db: Queryable,
  opts: { customerId?: number; limit?: number; offset?: number },
  today: IsoDate,
): Promise<{ items: ItemView[]; total: number }> {
  const params: unknown[] = [];
  let where = `type = 'payment' AND open_cents <> 0`;
  if (opts.customerId !== undefined) {
    params.push(opts.customerId);
    where += ` AND customer_id = $1`;
  }
  const limit = Math.min(Math.max(opts.limit ?? 100, 1), 1000);
  const offset = Math.max(opts.offset ?? 0, 0);
  const r = await db.query<ItemRow>(
    `SELECT ${ITEM_COLUMNS} FROM documents WHERE ${where}
     ORDER BY document_date, id LIMIT ${limit} OFFSET ${offset}`,
    params,
  );
  const n = await db.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM documents WHERE ${where}`, params,
  );
  return { items: r.rows.map((row) => toItemView(row, today)), total: n.rows[0]?.n ?? 0 };
}

export interface ApplicationView {
  id: number;
  creditId: number;
  creditNumber: string;
  creditType: string;
  debitId: number;
  debitNumber: string;
  amountCents: number;
  appliedOn: string;
  reversesId: number | null;
  reversedBy: number | null;
  method: string;
  reason: string | null;
  createdBy: string;
  createdAt: string;
}

const APPLICATION_SQL = `SELECT a.id, a.credit_id, c.number AS credit_number,
    c.type AS credit_type, a.debit_id, d.number AS debit_number, a.amount_cents, a.applied_on,
    a.reverses_id, r.id AS reversed_by, a.method, a.reason, a.created_by, a.created_at
  FROM applications a JOIN documents d ON d.id = a.debit_id
  JOIN documents c ON c.id = a.credit_id
  LEFT JOIN applications r ON r.reverses_id = a.id`;

interface ApplicationRow {
  id: number; credit_id: number; credit_number: string; credit_type: string; debit_id: number;
  debit_number: string; amount_cents: number; applied_on: string; reverses_id: number | null;
  reversed_by: number | null; method: string; reason: string | null; created_by: string;
  created_at: Date;
}

function toApplicationView(a: ApplicationRow): ApplicationView {
  return {
    id: a.id, creditId: a.credit_id, creditNumber: a.credit_number, creditType: a.credit_type,
    debitId: a.debit_id, debitNumber: a.debit_number, amountCents: a.amount_cents,
    appliedOn: a.applied_on, reversesId: a.reverses_id, reversedBy: a.reversed_by,
    method: a.method, reason: a.reason, createdBy: a.created_by,
    createdAt: new Date(a.created_at).toISOString(),
  };
}

/** Every application touching a customer's items, newest first, with reversal links. */
export async function listCustomerApplications(
  db: Queryable,
  customerId: number,
  limit = 500,
): Promise<ApplicationView[]> {
  const r = await db.query<ApplicationRow>(
    `${APPLICATION_SQL} WHERE d.customer_id = $1 OR c.customer_id = $1
     ORDER BY a.applied_on DESC, a.id DESC LIMIT $2`,
    [customerId, Math.min(Math.max(limit, 1), 5000)],
  );
  return r.rows.map(toApplicationView);
}

/** The applications with these ids, or those of one credit or debit item, in id order. */
export async function listApplications(
  db: Queryable,
  filter: { ids: readonly number[] } | { documentId: number },
): Promise<ApplicationView[]> {
  const r = 'ids' in filter
    ? await db.query<ApplicationRow>(`${APPLICATION_SQL} WHERE a.id = ANY($1::bigint[])
        ORDER BY a.id`, [filter.ids])
    : await db.query<ApplicationRow>(`${APPLICATION_SQL} WHERE a.credit_id = $1
        OR a.debit_id = $1 ORDER BY a.id`, [filter.documentId]);
  return r.rows.map(toApplicationView);
}
