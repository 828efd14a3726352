import type { Queryable } from '../db/connection.ts';
import type { Cents } from '../domain/money.ts';

// The card_payments table (migration 012): one row per idempotency key, the charge's outcome.

export interface CardPaymentRecord {
  id: number;
  idempotencyKey: string;
  requestHash: string;
  customerId: number;
  amountCents: Cents;
  currency: string;
  gateway: string;
  status: 'succeeded' | 'declined';
  gatewayId: string | null;
  brand: string | null;
  last4: string | null;
  declineCode: string | null;
  paymentId: number | null;
  receiptTo: string | null;
  receiptMessageId: string | null;
  receiptError: string | null;
  activityId: number | null;
}

const COLUMNS = `id, idempotency_key AS "idempotencyKey", request_hash AS "requestHash",
  customer_id AS "customerId", amount_cents AS "amountCents", currency, gateway, status,
  gateway_id AS "gatewayId", brand, last4, decline_code AS "declineCode",
  payment_id AS "paymentId", receipt_to AS "receiptTo", receipt_message_id AS "receiptMessageId",
  receipt_error AS "receiptError", activity_id AS "activityId"`;

export type NewCardPayment = Omit<CardPaymentRecord,
  'id' | 'receiptTo' | 'receiptMessageId' | 'receiptError' | 'activityId'>;

/**
 * Serializes the writers of one idempotency key until the transaction ends, so two concurrent
 * requests with the same key record one outcome.
 */
export async function lockIdempotencyKey(tx: Queryable, key: string): Promise<void> {
  await tx.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 12))', [`card:${key}`]);
}

export async function findCardPayment(
  tx: Queryable, idempotencyKey: string,
): Promise<CardPaymentRecord | undefined> {
  const r = await tx.query<CardPaymentRecord>(
    `SELECT ${COLUMNS} FROM card_payments WHERE idempotency_key = $1`, [idempotencyKey]);
  return r.rows[0];
}

export async function insertCardPayment(
  tx: Queryable, row: NewCardPayment, createdBy: string,
): Promise<CardPaymentRecord> {
  const r = await tx.query<CardPaymentRecord>(
    `INSERT INTO card_payments (idempotency_key, request_hash, customer_id, amount_cents,
       currency, gateway, status, gateway_id, brand, last4, decline_code, payment_id, created_by)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) RETURNING ${COLUMNS}`,
    [row.idempotencyKey, row.requestHash, row.customerId, row.amountCents, row.currency,
      row.gateway, row.status, row.gatewayId, row.brand, row.last4, row.declineCode,
      row.paymentId, createdBy]);
  return r.rows[0]!;
}

/** Notes the receipt sent (or why not) on the charge's row, once. */
export async function recordReceipt(
  tx: Queryable, id: number,
  receipt: { to: string | null; messageId: string | null; error: string | null;
    activityId: number | null },
): Promise<CardPaymentRecord> {
  const r = await tx.query<CardPaymentRecord>(
    `UPDATE card_payments SET receipt_to = $2, receipt_message_id = $3, receipt_error = $4,
       activity_id = $5 WHERE id = $1 RETURNING ${COLUMNS}`,
    [id, receipt.to, receipt.messageId, receipt.error, receipt.activityId]);
  return r.rows[0]!;
}
