import { writeAudit, type Actor } from '../db/audit.ts';
import type { Db, Queryable } from '../db/connection.ts';
import { transactResult } from '../db/documents.ts';
import type { IsoDate } from '../domain/dates.ts';
import { cents, type Cents } from '../domain/money.ts';
import { err, ok, type Result } from '../domain/result.ts';
import { customerOrError, dateError, openItemsOf, textError } from './checks.ts';
import type { CollectionsError } from './errors.ts';

export interface RequestWriteOffInput {
  customerId: number;
  reason: string;
  /** Each item with the part to write off (default: all of its open amount). */
  items: readonly { documentId: number; amountCents?: Cents | null }[];
  requestedOn: IsoDate;
}

export interface WriteOffRequest {
  id: number;
  customerId: number;
  reason: string;
  amountCents: Cents;
  currency: string;
  status: 'pending' | 'approved' | 'rejected';
  requestedBy: string;
  requestedOn: IsoDate;
  decidedBy: string | null;
  decidedOn: IsoDate | null;
  writeOffDocumentId: number | null;
  items: { documentId: number; amountCents: Cents }[];
}

const COLUMNS = `id, customer_id AS "customerId", reason, amount_cents AS "amountCents", currency,
  status, requested_by AS "requestedBy", requested_on AS "requestedOn",
  decided_by AS "decidedBy", decided_on AS "decidedOn",
  write_off_document_id AS "writeOffDocumentId"`;

export async function loadWriteOffRequest(
  tx: Queryable, id: number, lock = false,
): Promise<WriteOffRequest | undefined> {
  const r = await tx.query<Omit<WriteOffRequest, 'items'>>(
    `SELECT ${COLUMNS} FROM write_off_requests WHERE id = $1 ${lock ? 'FOR UPDATE' : ''}`, [id]);
  if (!r.rows[0]) return undefined;
  const items = await tx.query<{ documentId: number; amountCents: Cents }>(
    `SELECT document_id AS "documentId", amount_cents AS "amountCents"
     FROM write_off_request_items WHERE request_id = $1 ORDER BY document_id`, [id]);
  return { ...r.rows[0], items: items.rows };
}

/**
 * Asks for a bad-debt write-off of open items; someone else approves it within their role's
 * limit (approveWriteOff). Errors, in order: text_required (reason, items), date_invalid,
 * amount_must_be_positive, customer_not_found, item_not_found, item_not_on_account,
 * item_not_open_debit, amount_exceeds_open_items.
 */
export async function requestWriteOff(
  db: Db, actor: Actor, input: RequestWriteOffInput,
): Promise<Result<WriteOffRequest, CollectionsError>> {
  const shape = textError('reason', input.reason)
    ?? (input.items.length === 0 ? { code: 'text_required' as const, field: 'items' } : null)
    ?? dateError('requestedOn', input.requestedOn)
    ?? (input.items.some((i) => i.amountCents != null && cents(i.amountCents) <= 0)
      ? { code: 'amount_must_be_positive' as const } : null);
  if (shape) return err(shape);
  type Out = Result<WriteOffRequest, CollectionsError>;
  return transactResult(db, async (tx): Promise<Out> => {
    const customer = await customerOrError(tx, input.customerId);
    if (!customer.ok) return customer;
    const docs = await openItemsOf(tx, customer.value, input.items.map((i) => i.documentId));
    if (!docs.ok) return docs;
    const amounts = input.items.map((i, n) => i.amountCents ?? docs.value[n]!.openCents);
    const over = docs.value.find((d, n) => amounts[n]! > d.openCents);
    if (over) return err({ code: 'amount_exceeds_open_items', openCents: over.openCents });
    const r = await tx.query<{ id: number }>(
      `INSERT INTO write_off_requests (customer_id, reason, amount_cents, currency,
         requested_by, requested_on) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`,
      [input.customerId, input.reason.trim(), amounts.reduce((s, a) => s + a, 0),
        customer.value.currency, actor.name, input.requestedOn]);
    const id = r.rows[0]!.id;
    await tx.query(
      `INSERT INTO write_off_request_items (request_id, document_id, amount_cents)
       SELECT $1, d, a FROM unnest($2::bigint[], $3::bigint[]) AS v(d, a)`,
      [id, docs.value.map((d) => d.id), amounts]);
    const request = (await loadWriteOffRequest(tx, id))!;
    await writeAudit(tx, actor, { action: 'write_off.request', entityType: 'write_off_request',
      entityId: id, customerId: input.customerId, after: request });
    return ok(request);
  });
}
