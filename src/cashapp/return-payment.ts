/**
 * A returned payment (NSF, another ACH return reason, a camt reversal): the payment is reversed
 * through the ledger's reverse-document use case (its applications un-applied first, so exactly
 * the items it paid reopen, with every row kept), deductions it opened are voided, the returned
 * item fee is charged per the configured rule, the account goes on credit hold when the policy
 * says so, the customer and the sales rep are notified (outbox rows), and the return is recorded
 * with what the payment had paid, so that a redeposit can re-apply it.
 */
import { writeAudit, type Actor } from '../db/audit.ts';
import type { Db, Queryable } from '../db/connection.ts';
import {
  findDocumentReversal, insertDocuments, liveApplications, loadCustomer, transactResult,
  type LedgerDocument,
} from '../db/documents.ts';
import { insertJournalEntry } from '../db/journal.ts';
import type { IsoDate } from '../domain/dates.ts';
import { formatAmount, type Cents } from '../domain/money.ts';
import { err, ok, type Result } from '../domain/result.ts';
import { reverseDocumentInTx } from '../ledger/reverse-document.ts';
import { loadCashappConfig } from './config.ts';
import type { CashappError } from './errors.ts';
import { loadPayments, setQueueState } from './store.ts';

export interface ReturnPaymentInput {
  paymentId: number;
  returnedOn: IsoDate;
  kind?: string;
  reasonCode?: string | null;
  reasonText?: string | null;
  bankFileId?: number | null;
  seq?: number;
  originalReference?: string | null;
}

export interface ReturnedPayment {
  returnId: number;
  paymentId: number;
  reversalId: number;
  feeDocumentId: number | null;
  reopened: { debitId: number; amountCents: number }[];
  creditHold: boolean;
}

export async function returnPayment(
  db: Db, actor: Actor, input: ReturnPaymentInput,
): Promise<Result<ReturnedPayment, CashappError>> {
  return transactResult(db, (tx) => returnPaymentInTx(tx, actor, input));
}

export async function returnPaymentInTx(
  tx: Queryable, actor: Actor, input: ReturnPaymentInput,
): Promise<Result<ReturnedPayment, CashappError>> {
  const [payment] = await loadPayments(tx, [input.paymentId]);
  if (!payment) return err({ code: 'payment_not_found', paymentId: input.paymentId });
  if (await findDocumentReversal(tx, payment.id) !== undefined) {
    return err({ code: 'payment_is_returned', paymentId: payment.id });
  }
  const reason = `returned ${input.reasonCode ?? ''} ${input.reasonText ?? ''}`.trim();
  const reopened = await voidDeductions(tx, actor, payment.id, input.returnedOn, reason);
  if (!reopened.ok) return reopened;
  const paid = (await liveApplications(tx, payment.id))
    .filter((a) => a.creditId === payment.id)
    .map((a) => ({ debitId: a.debitId, amountCents: a.amountCents as number }));
  const reversed = await reverseDocumentInTx(tx, actor, {
    documentId: payment.id, reason, effectiveDate: input.returnedOn, unapplyFirst: true,
  });
  if (!reversed.ok) return reversed;
  const config = await loadCashappConfig(tx);
  const customer = payment.customerId === null ? undefined
    : await loadCustomer(tx, payment.customerId, true);
  const fee = customer && config.returns.feeCents > 0
    ? await chargeFee(tx, actor, reversed.value.original, config.returns.feeCents,
      input.returnedOn)
    : null;
  const hold = Boolean(customer && config.returns.creditHold && customer.status === 'active');
  if (hold) {
    await tx.query("UPDATE customers SET status = 'on_hold', updated_at = now() WHERE id = $1",
      [customer!.id]);
  }
  const r = await tx.query<{ id: number }>(
    `INSERT INTO payment_returns (bank_file_id, seq, payment_id, kind, reason_code, reason_text,
       amount_cents, currency, returned_on, original_reference, reversal_document_id,
       fee_document_id, reopened, status, created_by)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, 'reversed', $14)
     RETURNING id`,
    [input.bankFileId ?? null, input.seq ?? 0, payment.id, input.kind ?? 'return',
      input.reasonCode ?? null, input.reasonText ?? null, payment.unappliedCents
        + paid.reduce((s, p) => s + p.amountCents, 0), payment.currency, input.returnedOn,
      input.originalReference ?? null, reversed.value.reversal.id, fee?.id ?? null,
      JSON.stringify(paid), actor.name]);
  await setQueueState(tx, [payment.id], 'returned', actor.name);
  if (customer) await notify(tx, customer, payment.number, reason, fee, input.returnedOn);
  await writeAudit(tx, actor, {
    action: 'payment.return', entityType: 'document', entityId: payment.id,
    customerId: payment.customerId,
    after: { returnId: r.rows[0]!.id, reversalId: reversed.value.reversal.id,
      feeDocumentId: fee?.id ?? null, reopened: paid, creditHold: hold, reason },
  });
  return ok({
    returnId: r.rows[0]!.id, paymentId: payment.id, reversalId: reversed.value.reversal.id,
    feeDocumentId: fee?.id ?? null, reopened: paid, creditHold: hold,
  });
}

/** Voids the deductions the payment opened (transfer un-applied, both documents reversed). */
async function voidDeductions(
  tx: Queryable, actor: Actor, paymentId: number, date: IsoDate, reason: string,
): Promise<Result<null, CashappError>> {
  const d = await tx.query<{ deductionId: number; transferId: number }>(
    `SELECT document_id AS "deductionId", transfer_document_id AS "transferId"
     FROM deduction_items WHERE payment_id = $1 ORDER BY document_id`, [paymentId]);
  for (const row of d.rows) {
    if ((await liveApplications(tx, row.deductionId)).length > 0) continue;
    for (const id of [row.transferId, row.deductionId]) {
      const r = await reverseDocumentInTx(tx, actor, {
        documentId: id, reason, effectiveDate: date, unapplyFirst: true,
      });
      if (!r.ok) return r;
    }
  }
  return ok(null);
}

/** The returned item fee: a debit memo, Dr AR control, Cr returned item fee income. */
async function chargeFee(
  tx: Queryable, actor: Actor, payment: LedgerDocument, feeCents: Cents, date: IsoDate,
): Promise<LedgerDocument> {
  const [fee] = await insertDocuments(tx, [{
    customerId: payment.customerId, type: 'debit_memo', number: `NSF-${payment.id}`,
    documentDate: date, dueDate: date, amountCents: feeCents, openCents: feeCents,
    currency: payment.currency, memo: `returned item fee for payment ${payment.number}`,
    externalId: `nsf_fee:${payment.id}`, createdBy: actor.name,
  }]);
  await insertJournalEntry(tx, {
    effectiveDate: date, kind: 'document', documentId: fee!.id, createdBy: actor.name,
  }, [
    { account: 'ar_control', currency: payment.currency, amountCents: feeCents },
    { account: 'nsf_fees', currency: payment.currency, amountCents: -feeCents as Cents },
  ]);
  await writeAudit(tx, actor, {
    action: 'document.post', entityType: 'document', entityId: fee!.id,
    customerId: fee!.customerId, after: fee,
  });
  return fee!;
}

async function notify(
  tx: Queryable, customer: { id: number; accountNumber: string; name: string;
    salesRep: string | null },
  paymentNumber: string, reason: string, fee: LedgerDocument | null, date: IsoDate,
): Promise<void> {
  const contact = await tx.query<{ email: string }>(
    `SELECT email FROM contacts WHERE customer_id = $1 AND email IS NOT NULL
     ORDER BY is_primary DESC, id LIMIT 1`, [customer.id]);
  const body = {
    account: customer.accountNumber, name: customer.name, payment: paymentNumber, reason,
    returnedOn: date, fee: fee ? formatAmount(fee.amountCents) : null,
  };
  const recipients: [string, string][] = [
    ['payment_returned_customer', contact.rows[0]?.email ?? `customer:${customer.accountNumber}`],
  ];
  if (customer.salesRep) recipients.push(['payment_returned_sales_rep', customer.salesRep]);
  for (const [kind, recipient] of recipients) {
    await tx.query(
      `INSERT INTO cashapp_outbox (kind, recipient, customer_id, subject, body)
       VALUES ($1, $2, $3, $4, $5)`,
      [kind, recipient, customer.id, `Payment ${paymentNumber} was returned`,
        JSON.stringify(body)]);
  }
}
