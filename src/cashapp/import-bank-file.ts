/**
 * Imports a bank, lockbox or remittance file: keeps the bytes and their SHA-256 (the same file
 * again creates nothing), posts each booked receipt as a payment with its bank reference, payer
 * and remittance, processes returned items (NSF workflow), links the new payments to remittance
 * advices that came before them, then runs matching on the new payments. An X12 820's payments
 * are kept as remittance advices and linked to their deposits (remittance-advice.ts). One
 * transaction: all of it or nothing.
 */
import { writeAudit, type Actor } from '../db/audit.ts';
import type { Db, Queryable } from '../db/connection.ts';
import { isUniqueViolation, transactResult } from '../db/documents.ts';
import type { IsoDate } from '../domain/dates.ts';
import { err, ok, type Result } from '../domain/result.ts';
import type { BankFile, ReturnedItem } from '../formats/bank/model.ts';
import { parseBankFile } from '../formats/bank/parse-bank-file.ts';
import { checkPostInput, postDocumentInTx } from '../ledger/post-document.ts';
import { fromBankFileError, type CashappError } from './errors.ts';
import { matchPaymentsInTx, type MatchOutcome } from './match-payments.ts';
import { isPostable, receiptPosting } from './receipt-payment.ts';
import {
  linkNewAdvicesInTx, linkNewDepositsInTx, storeRemittanceAdvicesInTx, type AdviceLink,
} from './remittance-advice.ts';
import { returnPaymentInTx } from './return-payment.ts';
import { findBankFile, insertBankFile, insertBankPayment } from './store.ts';

export interface ImportBankFileInput {
  bytes: Uint8Array;
  fileName: string;
  today: IsoDate;
}

export interface ImportedReturn {
  seq: number;
  reasonCode: string | null;
  amountCents: number;
  paymentId: number | null;
  status: 'reversed' | 'unmatched';
}

export interface ImportBankSummary {
  status: 'imported' | 'already_imported';
  bankFileId: number;
  file: string;
  format: string;
  sha256: string;
  receipts: number;
  /** Receipts not posted: pending entries and advices (camt PDNG/INFO, X12 820 advices). */
  notPosted: number;
  paymentIds: number[];
  autoApplied: number;
  review: number;
  returns: ImportedReturn[];
  /**
   * The file's remittance advices (X12 820: the payer's advice, its money comes in a bank
   * file), each with the deposit it was linked to or why not yet.
   */
  advices: AdviceLink[];
  /** New payments of the file that found the advice that came before them. */
  advicesLinked: AdviceLink[];
  warnings: string[];
  matches: MatchOutcome[];
}

export async function importBankFile(
  db: Db, actor: Actor, input: ImportBankFileInput,
): Promise<Result<ImportBankSummary, CashappError>> {
  const parsed = parseBankFile(input.bytes, input.fileName);
  if (!parsed.ok) return err(fromBankFileError(parsed.error));
  const file = parsed.value;
  for (let attempt = 1; ; attempt++) {
    try {
      return await transactResult(db, (tx) => importInTx(tx, actor, file, input));
    } catch (e) {
      // The same file imported concurrently: the retry finds the winner's row.
      if (attempt === 1 && isUniqueViolation(e, 'bank_files_sha256_key')) continue;
      throw e;
    }
  }
}

function summary(file: BankFile, bankFileId: number): ImportBankSummary {
  return {
    status: 'imported', bankFileId, file: file.fileName, format: file.format,
    sha256: file.sha256, receipts: file.receipts.length,
    notPosted: file.receipts.filter((r) => !isPostable(r)).length, paymentIds: [],
    autoApplied: 0, review: 0, returns: [], advices: [], advicesLinked: [],
    warnings: file.warnings.map((w) => w.message),
    matches: [],
  };
}

async function importInTx(
  tx: Queryable, actor: Actor, file: BankFile, input: ImportBankFileInput,
): Promise<Result<ImportBankSummary, CashappError>> {
  const existing = await findBankFile(tx, file.sha256);
  if (existing !== undefined) {
    return ok({ ...summary(file, existing), status: 'already_imported', notPosted: 0 });
  }
  const bankFileId = await insertBankFile(tx, file, input.bytes, actor.name);
  const out = summary(file, bankFileId);
  for (const [seq, receipt] of file.receipts.entries()) {
    if (!isPostable(receipt)) continue;
    const p = receiptPosting(file, receipt, seq, input.today);
    const post = {
      type: 'payment' as const, customerId: null, number: p.number, documentDate: p.documentDate,
      amountCents: p.amountCents, currency: p.currency, method: p.method,
      payerName: p.payerName, memo: p.memo, externalId: p.externalId,
    };
    const invalid = checkPostInput(post);
    if (invalid) return err(invalid);
    const posted = await postDocumentInTx(tx, actor, post);
    if (!posted.ok) return posted;
    await insertBankPayment(tx, posted.value.document.id, bankFileId, p.facts, 'review',
      actor.name);
    out.paymentIds.push(posted.value.document.id);
  }
  for (const [seq, item] of file.returns.entries()) {
    const r = await processReturn(tx, actor, bankFileId, seq, item, input.today);
    if (!r.ok) return r;
    if (r.value) out.returns.push(r.value);
  }
  const advised = await linkNewDepositsInTx(tx, actor, out.paymentIds, input.today);
  if (!advised.ok) return advised;
  out.advicesLinked = advised.value;
  const matched = await matchPaymentsInTx(tx, actor, out.paymentIds, input.today);
  if (!matched.ok) return matched;
  out.autoApplied = matched.value.autoApplied;
  out.review = matched.value.review;
  out.matches = matched.value.outcomes;
  const adviceIds = await storeRemittanceAdvicesInTx(tx, actor, file, bankFileId);
  const advices = await linkNewAdvicesInTx(tx, actor, adviceIds, input.today);
  if (!advices.ok) return advices;
  out.advices = advices.value;
  await writeAudit(tx, actor, {
    action: 'bank_file.import', entityType: 'bank_file', entityId: bankFileId,
    after: { file: file.fileName, format: file.format, sha256: file.sha256,
      payments: out.paymentIds.length, returns: out.returns.length,
      autoApplied: out.autoApplied, advices: out.advices.length,
      advicesLinked: out.advicesLinked.length },
  });
  return ok(out);
}

/**
 * A returned receipt (money taken back from us) reverses the payment it returns, found by its
 * original reference and amount; one that matches no payment is recorded for a clerk. Returns
 * of our own outgoing payments (money back to us) are not receivables and are left alone.
 */
async function processReturn(
  tx: Queryable, actor: Actor, bankFileId: number, seq: number, item: ReturnedItem,
  today: IsoDate,
): Promise<Result<ImportedReturn | null, CashappError>> {
  if (item.direction !== 'debit' || item.status !== 'booked') return ok(null);
  const returnedOn = item.date ?? today;
  const paymentId = await findReturnedPayment(tx, item);
  const base = { seq, reasonCode: item.reasonCode ?? null, amountCents: item.amountCents };
  if (paymentId !== null) {
    const r = await returnPaymentInTx(tx, actor, {
      paymentId, returnedOn, kind: item.kind, reasonCode: item.reasonCode ?? null,
      reasonText: item.reasonText ?? null, bankFileId, seq,
      originalReference: item.originalReference ?? null,
    });
    if (!r.ok) return r;
    return ok({ ...base, paymentId, status: 'reversed' });
  }
  await tx.query(
    `INSERT INTO payment_returns (bank_file_id, seq, kind, reason_code, reason_text, amount_cents,
       currency, returned_on, original_reference, status, created_by)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 'unmatched', $10)`,
    [bankFileId, seq, item.kind, item.reasonCode ?? null, item.reasonText ?? null,
      item.amountCents, item.currency || 'USD', returnedOn, item.originalReference ?? null,
      actor.name]);
  return ok({ ...base, paymentId: null, status: 'unmatched' });
}

/** The payment a return names: same reference and amount, not already reversed. */
async function findReturnedPayment(tx: Queryable, item: ReturnedItem): Promise<number | null> {
  const refs = [item.originalReference, item.bankReference].filter(
    (x): x is string => Boolean(x && x.trim()));
  if (refs.length === 0) return null;
  const r = await tx.query<{ id: number }>(
    `SELECT d.id FROM documents d LEFT JOIN bank_payments b ON b.document_id = d.id
     WHERE d.type = 'payment' AND d.amount_cents = $2
       AND (b.bank_reference = ANY($1::text[]) OR b.customer_reference = ANY($1::text[])
         OR b.check_number = ANY($1::text[]) OR d.number = ANY($1::text[]))
       AND NOT EXISTS (SELECT 1 FROM documents v WHERE v.reverses_id = d.id)
     ORDER BY d.id DESC LIMIT 1`,
    [refs.map((x) => x.trim()), -item.amountCents]);
  return r.rows[0]?.id ?? null;
}
