/**
 * A short pay beyond tolerance becomes a deduction for the collector: the invoice is closed and
 * the shortfall moves to a new `deduction` item with the reason code. Two documents, both in AR
 * control so the balance does not change: the deduction (Dr AR control, Cr deductions clearing)
 * and a transfer credit (Dr deductions clearing, Cr AR control) applied to the invoice.
 */
import { writeAudit, type Actor } from '../db/audit.ts';
import type { Queryable } from '../db/connection.ts';
import { insertDocuments, loadDocuments, type LedgerDocument } from '../db/documents.ts';
import { insertJournalEntry } from '../db/journal.ts';
import type { IsoDate } from '../domain/dates.ts';
import { documentJournalLines } from '../domain/ledger.ts';
import type { Cents } from '../domain/money.ts';
import { assert, err, ok, type Result } from '../domain/result.ts';
import { applyCreditInTx } from '../ledger/apply-credit.ts';
import type { CashappError } from './errors.ts';

export interface OpenDeductionInput {
  paymentId: number;
  invoiceId: number;
  amountCents: Cents;
  reasonCode: string;
  date: IsoDate;
}

export interface OpenedDeduction {
  deduction: LedgerDocument;
  transfer: LedgerDocument;
}

export async function openDeductionInTx(
  tx: Queryable, actor: Actor, input: OpenDeductionInput,
): Promise<Result<OpenedDeduction, CashappError>> {
  assert(input.amountCents > 0, 'a deduction is a positive amount');
  const invoice = (await loadDocuments(tx, [input.invoiceId])).get(input.invoiceId);
  if (!invoice) return err({ code: 'debit_not_found', debitId: input.invoiceId });
  const base = {
    customerId: invoice.customerId, documentDate: input.date, dueDate: input.date,
    currency: invoice.currency, createdBy: actor.name,
  };
  const memo = `short pay ${input.reasonCode} on ${invoice.number} (payment ${input.paymentId})`;
  const [deduction, transfer] = await insertDocuments(tx, [
    { ...base, type: 'deduction', number: `DED-${invoice.number}-${input.paymentId}`,
      amountCents: input.amountCents, openCents: input.amountCents, memo,
      externalId: `deduction:${input.paymentId}:${invoice.id}` },
    { ...base, type: 'credit_memo', number: `DEDX-${invoice.number}-${input.paymentId}`,
      amountCents: -input.amountCents as Cents, openCents: -input.amountCents as Cents,
      memo: `transfer to deduction: ${memo}`,
      externalId: `deduction_transfer:${input.paymentId}:${invoice.id}` },
  ]);
  await insertJournalEntry(tx, {
    effectiveDate: input.date, kind: 'document', documentId: deduction!.id, createdBy: actor.name,
  }, documentJournalLines('deduction', input.amountCents, invoice.currency));
  await insertJournalEntry(tx, {
    effectiveDate: input.date, kind: 'document', documentId: transfer!.id, createdBy: actor.name,
  }, [
    { account: 'ar_control', currency: invoice.currency, amountCents: -input.amountCents as Cents },
    { account: 'deductions', currency: invoice.currency, amountCents: input.amountCents },
  ]);
  const applied = await applyCreditInTx(tx, actor, {
    creditId: transfer!.id, appliedOn: input.date, method: 'deduction',
    lines: [{ debitId: invoice.id, amountCents: input.amountCents }],
  });
  if (!applied.ok) return applied;
  await tx.query(
    `INSERT INTO deduction_items (document_id, payment_id, invoice_id, reason_code,
       transfer_document_id) VALUES ($1, $2, $3, $4, $5)`,
    [deduction!.id, input.paymentId, invoice.id, input.reasonCode, transfer!.id]);
  await writeAudit(tx, actor, {
    action: 'deduction.open', entityType: 'document', entityId: deduction!.id,
    customerId: invoice.customerId,
    after: { deduction: deduction!.id, transfer: transfer!.id, invoice: invoice.id,
      amountCents: input.amountCents, reasonCode: input.reasonCode },
  });
  return ok({ deduction: deduction!, transfer: applied.value.credit });
}
