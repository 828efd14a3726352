import { writeAudit, type Actor } from '../db/audit.ts';
import type { Db, Queryable } from '../db/connection.ts';
import { transactResult } from '../db/documents.ts';
import type { IsoDate } from '../domain/dates.ts';
import { cents, type Cents } from '../domain/money.ts';
import { err, ok, type Result } from '../domain/result.ts';
import { customerOrError, dateError, openItemsOf } from './checks.ts';
import type { CollectionsError } from './errors.ts';

export interface CreatePromiseInput {
  customerId: number;
  amountCents: Cents;
  promisedOn: IsoDate;
  /** Today: payments applied from this day on count toward the promise. */
  madeOn: IsoDate;
  /** The items promised; none means the account as a whole. */
  documentIds?: readonly number[];
  contactName?: string | null;
  /** The call (or other contact) the promise was taken on. */
  activityId?: number | null;
}

export type PromiseStatus = 'open' | 'kept' | 'partially_kept' | 'broken' | 'cancelled';

export interface PromiseRecord {
  id: number;
  customerId: number;
  amountCents: Cents;
  currency: string;
  promisedOn: IsoDate;
  madeOn: IsoDate;
  contactName: string | null;
  activityId: number | null;
  status: PromiseStatus;
  paidCents: Cents;
  evaluatedOn: IsoDate | null;
  createdBy: string;
  documentIds: number[];
}

export const PROMISE_COLUMNS = `id, customer_id AS "customerId", amount_cents AS "amountCents",
  currency, promised_on AS "promisedOn", made_on AS "madeOn", contact_name AS "contactName",
  activity_id AS "activityId", status, paid_cents AS "paidCents", evaluated_on AS "evaluatedOn",
  created_by AS "createdBy"`;

/**
 * Records a promise to pay. Errors, in order: amount_must_be_positive, date_invalid,
 * promise_date_before_today, customer_not_found, item_not_found, item_not_on_account,
 * item_not_open_debit, amount_exceeds_open_items (when items are named).
 */
export async function createPromise(
  db: Db, actor: Actor, input: CreatePromiseInput,
): Promise<Result<PromiseRecord, CollectionsError>> {
  return transactResult(db, (tx) => createPromiseInTx(tx, actor, input));
}

export async function createPromiseInTx(
  tx: Queryable, actor: Actor, input: CreatePromiseInput,
): Promise<Result<PromiseRecord, CollectionsError>> {
  cents(input.amountCents);
  if (input.amountCents <= 0) return err({ code: 'amount_must_be_positive' });
  const bad = dateError('promisedOn', input.promisedOn) ?? dateError('madeOn', input.madeOn);
  if (bad) return err(bad);
  if (input.promisedOn < input.madeOn) {
    return err({ code: 'promise_date_before_today', promisedOn: input.promisedOn });
  }
  const customer = await customerOrError(tx, input.customerId);
  if (!customer.ok) return customer;
  const ids = [...new Set(input.documentIds ?? [])];
  const items = await openItemsOf(tx, customer.value, ids);
  if (!items.ok) return items;
  const openCents = items.value.reduce((s, d) => s + d.openCents, 0);
  if (ids.length > 0 && input.amountCents > openCents) {
    return err({ code: 'amount_exceeds_open_items', openCents });
  }
  const r = await tx.query<Omit<PromiseRecord, 'documentIds'>>(
    `INSERT INTO promises (customer_id, amount_cents, currency, promised_on, made_on,
       contact_name, activity_id, created_by)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING ${PROMISE_COLUMNS}`,
    [input.customerId, input.amountCents, customer.value.currency, input.promisedOn,
      input.madeOn, input.contactName?.trim() || null, input.activityId ?? null, actor.name],
  );
  const promise = { ...r.rows[0]!, documentIds: ids };
  if (ids.length > 0) {
    await tx.query(
      'INSERT INTO promise_items (promise_id, document_id) SELECT $1, unnest($2::bigint[])',
      [promise.id, ids]);
  }
  await writeAudit(tx, actor, {
    action: 'promise.create', entityType: 'promise', entityId: promise.id,
    customerId: input.customerId, after: promise,
  });
  return ok(promise);
}
