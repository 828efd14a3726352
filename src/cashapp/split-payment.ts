/**
 * Splits a payment across customers, and undoes a split by reversal.
 *
 * The payment's own customer's part stays on the payment. Every other part moves by a transfer
 * pair, so the original payment keeps its history and nothing posted is edited:
 * - a transfer item of the part's customer (a debit memo `SPLIT-…`, posted Dr AR control,
 *   Cr cash clearing), paid by the original payment (the ordinary application: Dr unapplied
 *   cash, Cr AR control), and
 * - a new payment of the part's customer (`<number>/<part>`, posted Dr cash clearing, Cr
 *   unapplied cash), applied to the customer's items the clerk chose; the rest of it stays on
 *   the customer's account.
 * The four lines net to nothing in every account: the cash only changes hands, and `arc verify`
 * re-derives every open amount from the rows as for any other posting. Un-splitting reverses
 * each piece with the ledger's own reversals (applications un-applied, documents voided), so the
 * payment is back where it was, with both the split and its reversal on record.
 */
import { writeAudit, type Actor } from '../db/audit.ts';
import type { Db, Queryable } from '../db/connection.ts';
import {
  addToOpenCents, findCustomerByAccount, findDocumentReversal, insertApplications,
  insertDocuments, transactResult, type LedgerDocument,
} from '../db/documents.ts';
import { insertJournalEntry } from '../db/journal.ts';
import {
  planSplit, type PlannedPart, type SplitError, type SplitLine,
} from '../domain/cashapp-split.ts';
import { isIsoDate, maxDate, type IsoDate } from '../domain/dates.ts';
import { applicationJournalLines, documentJournalLines } from '../domain/ledger.ts';
import type { Cents } from '../domain/money.ts';
import { err, ok, type Result } from '../domain/result.ts';
import { reverseDocumentInTx } from '../ledger/reverse-document.ts';
import { checkReversalShape, reverseApplicationInTx } from '../ledger/reverse-application.ts';
import { applyProposalInTx } from './apply-proposal.ts';
import type { CashappError } from './errors.ts';
import type { StoredPayment } from './receipt-payment.ts';
import {
  confirmPayerMapping, decideProposal, loadPayments, pendingProposals, queueStateOf,
  setQueueState,
} from './store.ts';

export interface SplitPartRequest {
  /** The customer's account number. */
  account: string;
  amountCents: Cents;
  lines?: readonly SplitLine[];
}

export interface SplitPaymentInput {
  paymentId: number;
  parts: readonly SplitPartRequest[];
  /**
   * The date of the transfers and applications. Default: the payment's value date (the date
   * cash application gives its applications), never before the payment's own date.
   */
  splitOn?: IsoDate;
}

export type SplitPaymentError =
  | SplitError
  | CashappError
  | { code: 'split_on_invalid'; date: string }
  | { code: 'split_before_payment_date'; documentDate: IsoDate };

export interface SplitPartOutcome {
  partNo: number;
  customerId: number;
  account: string;
  amountCents: Cents;
  /** The part's own payment; null when the part stayed on the split payment. */
  paymentId: number | null;
  transferDocumentId: number | null;
  applicationIds: number[];
  onAccountCents: Cents;
}

export interface SplitOutcome {
  splitId: number;
  paymentId: number;
  splitOn: IsoDate;
  currency: string;
  parts: SplitPartOutcome[];
  /** What the split payment itself still has unapplied (its own customer's part on account). */
  unappliedCents: Cents;
  /**
   * What the split taught about the payer's bank account (see teachPayerAccount): every part's
   * customer recorded as one of its payers; null when the payment carries no payer account.
   */
  payerLearned: { payerAccount: string; customerIds: number[] } | null;
}

export async function splitPayment(
  db: Db, actor: Actor, input: SplitPaymentInput,
): Promise<Result<SplitOutcome, SplitPaymentError>> {
  return transactResult(db, (tx) => splitPaymentInTx(tx, actor, input));
}

interface Resolved {
  payment: StoredPayment;
  customers: { id: number; accountNumber: string }[];
  splitOn: IsoDate;
}

async function resolve(
  tx: Queryable, input: SplitPaymentInput,
): Promise<Result<Resolved, SplitPaymentError>> {
  const [payment] = await loadPayments(tx, [input.paymentId], true);
  if (!payment) return err({ code: 'payment_not_found', paymentId: input.paymentId });
  const returned = await queueStateOf(tx, payment.id) === 'returned'
    || await findDocumentReversal(tx, payment.id) !== undefined;
  if (returned) return err({ code: 'payment_is_returned', paymentId: payment.id });
  const customers: Resolved['customers'] = [];
  for (const p of input.parts) {
    const c = await findCustomerByAccount(tx, p.account);
    if (!c) return err({ code: 'customer_not_found', account: p.account });
    if (c.currency !== payment.currency) {
      return err({ code: 'currency_must_match_customer', customerCurrency: c.currency });
    }
    customers.push(c);
  }
  const splitOn = input.splitOn ?? maxDate(payment.documentDate,
    payment.valueDate ?? payment.documentDate);
  if (!isIsoDate(splitOn)) return err({ code: 'split_on_invalid', date: splitOn });
  if (splitOn < payment.documentDate) {
    return err({ code: 'split_before_payment_date', documentDate: payment.documentDate });
  }
  return ok({ payment, customers, splitOn });
}

/** splitPayment inside the caller's transaction. */
export async function splitPaymentInTx(
  tx: Queryable, actor: Actor, input: SplitPaymentInput,
): Promise<Result<SplitOutcome, SplitPaymentError>> {
  const resolved = await resolve(tx, input);
  if (!resolved.ok) return resolved;
  const { payment, customers, splitOn } = resolved.value;
  const plan = planSplit(payment, input.parts.map((p, i) => ({
    customerId: customers[i]!.id, account: customers[i]!.accountNumber,
    amountCents: p.amountCents, lines: p.lines ?? [],
  })));
  if (!plan.ok) return plan;
  const split = await tx.query<{ id: number }>(
    `INSERT INTO payment_splits (payment_id, split_on, amount_cents, status, created_by)
     VALUES ($1, $2, $3, 'split', $4) RETURNING id`,
    [payment.id, splitOn, payment.unappliedCents, actor.name]);
  const splitId = split.rows[0]!.id;
  const parts: SplitPartOutcome[] = [];
  let unappliedCents = 0 as Cents;
  for (const part of plan.value.parts) {
    const r = part.staysOnPayment
      ? await keepPart(tx, actor, payment, part, splitOn)
      : await movePart(tx, actor, payment, part, { splitId, splitOn });
    if (!r.ok) return r;
    parts.push(r.value);
    if (part.staysOnPayment) unappliedCents = r.value.onAccountCents;
    await tx.query(
      `INSERT INTO payment_split_parts (split_id, part_no, customer_id, amount_cents, payment_id,
         transfer_document_id, transfer_application_id, application_ids)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
      [splitId, part.partNo, part.customerId, part.amountCents, r.value.paymentId,
        r.value.transferDocumentId, r.transferApplicationId, r.value.applicationIds]);
  }
  const pending = (await pendingProposals(tx, [payment.id])).get(payment.id);
  if (pending) await decideProposal(tx, pending.id, 'rejected', actor.name);
  await setQueueState(tx, [payment.id], unappliedCents > 0 ? 'on_account' : 'applied',
    actor.name);
  const payerLearned = await teachPayerAccount(tx, payment, plan.value.parts);
  const outcome = { splitId, paymentId: payment.id, splitOn, currency: payment.currency, parts,
    unappliedCents, payerLearned };
  await writeAudit(tx, actor, {
    action: 'payment.split', entityType: 'document', entityId: payment.id,
    customerId: payment.customerId,
    before: { unappliedCents: payment.unappliedCents, customerId: payment.customerId },
    after: outcome,
  });
  return ok(outcome);
}

/**
 * What a split teaches the payer-to-customer mapping. The clerk said this payer paid for every
 * part's customer, so each is confirmed as a payer of the account once. With two or more parts
 * (nearly every split) the account then names several customers: identification treats it as a
 * shared payer, which narrows the candidates (each at SCORE.sharedAccount) instead of naming
 * one, so the next payment from it goes to a clerk unless other evidence (an account number, a
 * referenced item, the one customer with an item of the amount) decides. Mapping the account to
 * one of the customers (the payment's own, or the largest part) would be a guess the clerk never
 * made. A split part's own payment has no payer account, so applying it later teaches nothing.
 */
async function teachPayerAccount(
  tx: Queryable, payment: StoredPayment, parts: readonly PlannedPart[],
): Promise<SplitOutcome['payerLearned']> {
  if (!payment.payerAccount) return null;
  const customerIds = [...new Set(parts.map((p) => p.customerId))];
  for (const id of customerIds) await confirmPayerMapping(tx, payment.payerAccount, id);
  return { payerAccount: payment.payerAccount, customerIds };
}

type PartResult = Result<SplitPartOutcome, SplitPaymentError> & {
  transferApplicationId?: number | null;
};

/** The open items `numbers` of the customer (or its parent or children), by number. */
async function itemIds(
  tx: Queryable, customerId: number, numbers: readonly string[],
): Promise<Result<Map<string, number>, SplitPaymentError>> {
  const found = await tx.query<{ id: number; number: string }>(
    `SELECT DISTINCT ON (number) id, number FROM documents
     WHERE number = ANY($1::text[]) AND type <> 'payment' AND open_cents > 0
       AND (customer_id = $2 OR customer_id IN (
         SELECT id FROM customers WHERE parent_id = $2 OR id = (
           SELECT parent_id FROM customers WHERE id = $2)))
     ORDER BY number, customer_id = $2 DESC, id`, [numbers, customerId]);
  const ids = new Map(found.rows.map((r) => [r.number, r.id]));
  const missing = numbers.find((n) => !ids.has(n));
  return missing === undefined ? ok(ids) : err({ code: 'document_not_found', number: missing });
}

/** Applies a part's lines from `payment` (the split one, or the part's new payment). */
async function applyLines(
  tx: Queryable, actor: Actor, payment: StoredPayment, part: PlannedPart, appliedOn: IsoDate,
): Promise<Result<number[], SplitPaymentError>> {
  if (part.lines.length === 0) return ok([]);
  const ids = await itemIds(tx, part.customerId, part.lines.map((l) => l.documentNumber));
  if (!ids.ok) return ids;
  const r = await applyProposalInTx(tx, actor, payment, {
    customerId: part.customerId, deductions: [],
    allocations: part.lines.map((l) => ({
      documentId: ids.value.get(l.documentNumber)!, appliedCents: l.amountCents,
      discountCents: 0 as Cents, writeOffCents: 0 as Cents,
    })),
  }, { method: 'manual', confidence: null, appliedOn });
  return r.ok ? ok(r.value.applicationIds) : r;
}

function outcomeOf(part: PlannedPart, paymentId: number | null, transferId: number | null,
  applicationIds: number[]): SplitPartOutcome {
  return {
    partNo: part.partNo, customerId: part.customerId, account: part.account,
    amountCents: part.amountCents, paymentId, transferDocumentId: transferId, applicationIds,
    onAccountCents: part.onAccountCents,
  };
}

async function keepPart(
  tx: Queryable, actor: Actor, payment: StoredPayment, part: PlannedPart, splitOn: IsoDate,
): Promise<PartResult> {
  const applied = await applyLines(tx, actor, payment, part, splitOn);
  if (!applied.ok) return applied;
  return { ...ok(outcomeOf(part, null, null, applied.value)), transferApplicationId: null };
}

/** The transfer item, its application from the split payment, the part's new payment. */
async function movePart(
  tx: Queryable, actor: Actor, payment: StoredPayment, part: PlannedPart,
  at: { splitId: number; splitOn: IsoDate },
): Promise<PartResult> {
  const { splitId, splitOn } = at;
  const amount = part.amountCents;
  const base = {
    customerId: part.customerId, documentDate: splitOn, dueDate: splitOn,
    currency: payment.currency, createdBy: actor.name,
  };
  const what = `part ${part.partNo} of payment ${payment.number} (#${payment.id}, `
    + `split ${splitId})`;
  const [transfer, moved] = await insertDocuments(tx, [
    { ...base, type: 'debit_memo', number: `SPLIT-${payment.id}-${splitId}-${part.partNo}`,
      amountCents: amount, openCents: amount, memo: `transfer of ${what}`,
      externalId: `split_transfer:${splitId}:${part.partNo}` },
    { ...base, type: 'payment', number: `${payment.number}/${part.partNo}`.slice(0, 120),
      amountCents: -amount as Cents, openCents: -amount as Cents, method: methodOf(payment),
      payerName: payment.payerName, memo: what,
      externalId: `split_payment:${splitId}:${part.partNo}` },
  ]) as [LedgerDocument, LedgerDocument];
  const c = payment.currency;
  await insertJournalEntry(tx, { effectiveDate: splitOn, kind: 'document',
    documentId: transfer.id, memo: `payment split ${splitId}`, createdBy: actor.name }, [
    { account: 'ar_control', currency: c, amountCents: amount },
    { account: 'cash_clearing', currency: c, amountCents: -amount as Cents },
  ]);
  await insertJournalEntry(tx, { effectiveDate: splitOn, kind: 'document',
    documentId: moved.id, memo: `payment split ${splitId}`, createdBy: actor.name },
  documentJournalLines('payment', -amount as Cents, c));
  const [app] = await insertApplications(tx, [{
    creditId: payment.id, debitId: transfer.id, amountCents: amount, appliedOn: splitOn,
    method: 'split', reason: `payment split ${splitId}`, createdBy: actor.name,
  }]);
  await insertJournalEntry(tx, { effectiveDate: splitOn, kind: 'application',
    applicationId: app!.id, createdBy: actor.name },
  applicationJournalLines('payment', 'debit_memo', amount, c));
  await addToOpenCents(tx, new Map([[payment.id, amount], [transfer.id, -amount]]));
  await insertPartFacts(tx, actor, moved.id, payment.id, { splitId, partNo: part.partNo });
  const newPayment: StoredPayment = {
    ...payment, id: moved.id, customerId: part.customerId, number: moved.number,
    documentDate: splitOn, unappliedCents: amount, bankReference: null, payerAccount: null,
    valueDate: splitOn, remittance: null,
  };
  const applied = await applyLines(tx, actor, newPayment, part, splitOn);
  if (!applied.ok) return applied;
  await setQueueState(tx, [moved.id], part.onAccountCents > 0 ? 'on_account' : 'applied',
    actor.name);
  return { ...ok(outcomeOf(part, moved.id, transfer.id, applied.value)),
    transferApplicationId: app!.id };
}

function methodOf(p: StoredPayment): LedgerDocument['method'] {
  return (p.method as LedgerDocument['method']) ?? 'check';
}

/**
 * The bank facts of a part's payment: the payer as the bank named it, but none of the split
 * payment's references, so a return of the deposit still finds the deposit itself.
 */
async function insertPartFacts(
  tx: Queryable, actor: Actor, paymentId: number, fromId: number,
  source: { splitId: number; partNo: number },
): Promise<void> {
  await tx.query(
    `INSERT INTO bank_payments (document_id, seq, payer_name, payer_id, value_date, remittance,
       source_record, queue_state, state_changed_by)
     SELECT $1, $3, coalesce(b.payer_name, d.payer_name), b.payer_id,
       coalesce(b.value_date, d.document_date), '{"lines":[],"freeText":[]}',
       jsonb_build_object('splitFromPaymentId', d.id, 'splitId', $4::bigint, 'partNo', $3::int),
       'review', $5
     FROM documents d LEFT JOIN bank_payments b ON b.document_id = d.id WHERE d.id = $2`,
    [paymentId, fromId, source.partNo, source.splitId, actor.name]);
}

export interface ReverseSplitInput {
  splitId: number;
  /** Why (required), kept on every reversing row and in the audit log. */
  reason: string;
  /** On or after the split's date. */
  effectiveDate: IsoDate;
}

export type ReverseSplitError =
  | CashappError
  | { code: 'split_not_found'; splitId: number }
  | { code: 'split_already_reversed'; splitId: number }
  | { code: 'effective_before_split_on'; splitOn: IsoDate }
  /** A part's payment was split again: undo that split first. */
  | { code: 'split_part_is_split'; splitId: number; paymentId: number };

export interface ReversedSplit {
  splitId: number;
  paymentId: number;
  /** The split payment's unapplied cash again. */
  unappliedCents: Cents;
  reversedApplicationIds: number[];
  voidedDocumentIds: number[];
}

interface SplitRow {
  id: number; paymentId: number; splitOn: IsoDate; status: string;
}

interface PartRow {
  partNo: number; paymentId: number | null; transferDocumentId: number | null;
  transferApplicationId: number | null; applicationIds: number[];
}

/**
 * Undoes a split by reversal: each moved part's payment is voided (what it paid is un-applied
 * first, so the customer's items reopen), the transfer is un-applied from the split payment and
 * the transfer item voided; the applications of the payment's own part are reversed. The payment
 * goes back to the research queue with the unapplied cash it had.
 */
export async function reversePaymentSplit(
  db: Db, actor: Actor, input: ReverseSplitInput,
): Promise<Result<ReversedSplit, ReverseSplitError>> {
  return transactResult(db, (tx) => reversePaymentSplitInTx(tx, actor, input));
}

export async function reversePaymentSplitInTx(
  tx: Queryable, actor: Actor, input: ReverseSplitInput,
): Promise<Result<ReversedSplit, ReverseSplitError>> {
  const shape = checkReversalShape(input.reason, input.effectiveDate);
  if (shape) return err(shape);
  const s = await tx.query<SplitRow>(
    `SELECT id, payment_id AS "paymentId", split_on AS "splitOn", status FROM payment_splits
     WHERE id = $1 FOR UPDATE`, [input.splitId]);
  const split = s.rows[0];
  if (!split) return err({ code: 'split_not_found', splitId: input.splitId });
  if (split.status !== 'split') return err({ code: 'split_already_reversed', splitId: split.id });
  if (input.effectiveDate < split.splitOn) {
    return err({ code: 'effective_before_split_on', splitOn: split.splitOn });
  }
  await loadPayments(tx, [split.paymentId], true);
  const parts = await tx.query<PartRow>(
    `SELECT part_no AS "partNo", payment_id AS "paymentId",
       transfer_document_id AS "transferDocumentId",
       transfer_application_id AS "transferApplicationId", application_ids AS "applicationIds"
     FROM payment_split_parts WHERE split_id = $1 ORDER BY part_no DESC`, [split.id]);
  const again = await tx.query<{ id: number; paymentId: number }>(
    `SELECT s.id, s.payment_id AS "paymentId" FROM payment_splits s
     WHERE s.status = 'split' AND s.payment_id = ANY($1::bigint[]) ORDER BY s.id LIMIT 1`,
    [parts.rows.flatMap((p) => p.paymentId ?? [])]);
  if (again.rows[0]) {
    return err({ code: 'split_part_is_split', splitId: again.rows[0].id,
      paymentId: again.rows[0].paymentId });
  }
  const common = { reason: `un-split: ${input.reason.trim()}`, effectiveDate: input.effectiveDate };
  const out = { reversedApplicationIds: [] as number[], voidedDocumentIds: [] as number[] };
  for (const part of parts.rows) {
    const r = part.paymentId === null
      ? await unapplyAll(tx, actor, part.applicationIds.map(Number), common, out)
      : await unmovePart(tx, actor, part, common, out);
    if (!r.ok) return r;
  }
  await tx.query(
    `UPDATE payment_splits SET status = 'reversed', reversed_on = $2, reverse_reason = $3,
       reversed_by = $4, reversed_at = now() WHERE id = $1`,
    [split.id, input.effectiveDate, input.reason.trim(), actor.name]);
  const [payment] = await loadPayments(tx, [split.paymentId]);
  await setQueueState(tx, [split.paymentId], 'review', actor.name);
  const result = { splitId: split.id, paymentId: split.paymentId,
    unappliedCents: payment!.unappliedCents, ...out };
  await writeAudit(tx, actor, {
    action: 'payment.unsplit', entityType: 'document', entityId: split.paymentId,
    customerId: payment!.customerId, before: { splitId: split.id, status: 'split' },
    after: { ...result, reason: input.reason.trim() },
  });
  return ok(result);
}

type Common = { reason: string; effectiveDate: IsoDate };
type Done = { reversedApplicationIds: number[]; voidedDocumentIds: number[] };

/** Reverses the applications still live (a clerk may have reversed one since). */
async function unapplyAll(
  tx: Queryable, actor: Actor, ids: readonly number[], w: Common, out: Done,
): Promise<Result<null, ReverseSplitError>> {
  for (const applicationId of ids) {
    const r = await reverseApplicationInTx(tx, actor, {
      applicationId, ...w, includeAdjustments: true });
    if (!r.ok && r.error.code === 'application_already_reversed') continue;
    if (!r.ok) return r;
    out.reversedApplicationIds.push(applicationId);
  }
  return ok(null);
}

async function unmovePart(
  tx: Queryable, actor: Actor, part: PartRow, w: Common, out: Done,
): Promise<Result<null, ReverseSplitError>> {
  const voided = await reverseDocumentInTx(tx, actor, {
    documentId: part.paymentId!, ...w, unapplyFirst: true });
  if (!voided.ok) return voided;
  out.reversedApplicationIds.push(...voided.value.unapplied.map((u) => u.reversal.reversesId!));
  out.voidedDocumentIds.push(part.paymentId!);
  const back = await unapplyAll(tx, actor, [part.transferApplicationId!], w, out);
  if (!back.ok) return back;
  const transfer = await reverseDocumentInTx(tx, actor, {
    documentId: part.transferDocumentId!, ...w, unapplyFirst: true });
  if (!transfer.ok) return transfer;
  out.voidedDocumentIds.push(part.transferDocumentId!);
  return ok(null);
}
