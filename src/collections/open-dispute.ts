import { writeAudit, type Actor } from '../db/audit.ts';
import type { Db, Queryable } from '../db/connection.ts';
import { transactResult } from '../db/documents.ts';
import type { IsoDate } from '../domain/dates.ts';
import { DISPUTE_REASONS, type DisputeReason } from '../domain/collections/disputes.ts';
import { cents, type Cents } from '../domain/money.ts';
import { err, ok, type Result } from '../domain/result.ts';
import { customerOrError, dateError, oneOf, openItemsOf } from './checks.ts';
import { loadDispute, type Dispute } from './disputes-store.ts';
import type { CollectionsError } from './errors.ts';

export interface OpenDisputeInput {
  customerId: number;
  kind?: 'dispute' | 'deduction';
  reasonCode: DisputeReason;
  /** Each item with the disputed part of it (default: all of its open amount). */
  items: readonly { documentId: number; amountCents?: Cents | null }[];
  /** Routed to (default: the account's sales rep). */
  owner?: string | null;
  openedOn: IsoDate;
  note?: string | null;
}

/**
 * Opens a dispute or deduction on one or more open items. Its amount leaves the collectible past
 * due (worklist, dunning) while it is open or in review, but stays in the aging.
 * Errors, in order: value_not_allowed (reason, kind), date_invalid, text_required (items),
 * amount_must_be_positive, customer_not_found, item_not_found, item_not_on_account,
 * item_not_open_debit, amount_exceeds_open_items.
 */
export async function openDispute(
  db: Db, actor: Actor, input: OpenDisputeInput,
): Promise<Result<Dispute, CollectionsError>> {
  return transactResult(db, (tx) => openDisputeInTx(tx, actor, input));
}

async function openDisputeInTx(
  tx: Queryable, actor: Actor, input: OpenDisputeInput,
): Promise<Result<Dispute, CollectionsError>> {
  const shape = oneOf('reasonCode', input.reasonCode, DISPUTE_REASONS)
    ?? oneOf('kind', input.kind ?? 'dispute', ['dispute', 'deduction'])
    ?? dateError('openedOn', input.openedOn)
    ?? (input.items.length === 0 ? { code: 'text_required' as const, field: 'items' } : null)
    ?? (input.items.some((i) => i.amountCents != null && cents(i.amountCents) <= 0)
      ? { code: 'amount_must_be_positive' as const } : null);
  if (shape) return err(shape);
  const customer = await customerOrError(tx, input.customerId);
  if (!customer.ok) return customer;
  const ids = input.items.map((i) => i.documentId);
  const docs = await openItemsOf(tx, customer.value, ids);
  if (!docs.ok) return docs;
  const amounts = input.items.map((i, n) => i.amountCents ?? docs.value[n]!.openCents);
  for (const [n, d] of docs.value.entries()) {
    if (amounts[n]! > d.openCents) {
      return err({ code: 'amount_exceeds_open_items', openCents: d.openCents });
    }
  }
  const r = await tx.query<{ id: number }>(
    `INSERT INTO disputes (customer_id, kind, reason_code, amount_cents, currency, owner,
       opened_on, created_by)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`,
    [input.customerId, input.kind ?? 'dispute', input.reasonCode,
      amounts.reduce((s, a) => s + a, 0), customer.value.currency,
      input.owner?.trim() || customer.value.salesRep, input.openedOn, actor.name]);
  const id = r.rows[0]!.id;
  await tx.query(
    `INSERT INTO dispute_items (dispute_id, document_id, amount_cents)
     SELECT $1, d, a FROM unnest($2::bigint[], $3::bigint[]) AS v(d, a)`, [id, ids, amounts]);
  if (input.note?.trim()) {
    await tx.query('INSERT INTO dispute_notes (dispute_id, body, author) VALUES ($1, $2, $3)',
      [id, input.note.trim(), actor.name]);
  }
  const dispute = (await loadDispute(tx, id))!;
  await writeAudit(tx, actor, { action: 'dispute.open', entityType: 'dispute', entityId: id,
    customerId: input.customerId, after: dispute });
  return ok(dispute);
}
