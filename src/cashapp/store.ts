/**
 * The cash-application tables (migration 010): bank files, bank facts of payments, proposals,
 * learned payer accounts. Repository functions only; the rules live in src/domain/matching and
 * the use cases beside this file.
 */
import type { Queryable } from '../db/connection.ts';
import type { Cents } from '../domain/money.ts';
import type { MatchProposal } from '../domain/matching/types.ts';
import type { BankFile } from '../formats/bank/model.ts';
import type { BankPaymentFacts, StoredPayment } from './receipt-payment.ts';

export type QueueState = 'review' | 'applied' | 'on_account' | 'unidentified' | 'returned';

export async function findBankFile(tx: Queryable, sha256: string): Promise<number | undefined> {
  const r = await tx.query<{ id: number }>('SELECT id FROM bank_files WHERE sha256 = $1',
    [sha256]);
  return r.rows[0]?.id;
}

export async function insertBankFile(
  tx: Queryable, file: BankFile, bytes: Uint8Array, importedBy: string,
): Promise<number> {
  const r = await tx.query<{ id: number }>(
    `INSERT INTO bank_files (sha256, file_name, format, format_version, file_id, raw, size_bytes,
       receipt_count, return_count, controls_tie, warnings, imported_by)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING id`,
    [file.sha256, file.fileName, file.format, file.formatVersion ?? null, file.fileId ?? null,
      bytes, bytes.length, file.receipts.length, file.returns.length, file.controlsTie,
      JSON.stringify(file.warnings), importedBy],
  );
  return r.rows[0]!.id;
}

export async function insertBankPayment(
  tx: Queryable, documentId: number, bankFileId: number | null, f: BankPaymentFacts,
  state: QueueState, by: string,
): Promise<void> {
  await tx.query(
    `INSERT INTO bank_payments (document_id, bank_file_id, seq, bank_reference,
       customer_reference, check_number, payer_name, payer_account, payer_bank_id, payer_id,
       value_date, remittance, source_record, queue_state, state_changed_by)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)
     ON CONFLICT (document_id) DO NOTHING`,
    [documentId, bankFileId, f.seq, f.bankReference, f.customerReference, f.checkNumber,
      f.payerName, f.payerAccount, f.payerBankId, f.payerId, f.valueDate,
      JSON.stringify(f.remittance), JSON.stringify(f.sourceRecord ?? null), state, by],
  );
}

/** Sets the research-queue state of payments (creating the bank facts row for hand-posted ones). */
export async function setQueueState(
  tx: Queryable, paymentIds: readonly number[], state: QueueState, by: string,
): Promise<void> {
  if (paymentIds.length === 0) return;
  await tx.query(
    `INSERT INTO bank_payments (document_id, seq, payer_name, value_date, remittance,
       queue_state, state_changed_by)
     SELECT d.id, 0, d.payer_name, d.document_date, '{"lines":[],"freeText":[]}', $2, $3
     FROM documents d WHERE d.id = ANY($1::bigint[])
     ON CONFLICT (document_id) DO UPDATE SET queue_state = EXCLUDED.queue_state,
       state_changed_at = now(), state_changed_by = EXCLUDED.state_changed_by`,
    [paymentIds, state, by],
  );
}

const PAYMENT_COLUMNS = `d.id, d.customer_id AS "customerId", d.number,
  d.document_date AS "documentDate", (-d.open_cents) AS "unappliedCents", d.currency,
  d.method, coalesce(b.payer_name, d.payer_name) AS "payerName",
  b.bank_reference AS "bankReference", b.payer_account AS "payerAccount",
  b.payer_id AS "payerId", b.value_date AS "valueDate", b.remittance`;

/** Payments with their bank facts, by id, in id order; with `lock`, FOR UPDATE of documents. */
export async function loadPayments(
  tx: Queryable, ids: readonly number[], lock = false,
): Promise<StoredPayment[]> {
  const r = await tx.query<StoredPayment>(
    `SELECT ${PAYMENT_COLUMNS} FROM documents d
     LEFT JOIN bank_payments b ON b.document_id = d.id
     WHERE d.id = ANY($1::bigint[]) AND d.type = 'payment' ORDER BY d.id
     ${lock ? 'FOR UPDATE OF d' : ''}`,
    [[...new Set(ids)]],
  );
  return r.rows;
}

export async function queueStateOf(tx: Queryable, paymentId: number): Promise<QueueState | null> {
  const r = await tx.query<{ s: QueueState }>(
    'SELECT queue_state AS s FROM bank_payments WHERE document_id = $1', [paymentId]);
  return r.rows[0]?.s ?? null;
}

/** A clerk confirmed that `payerAccount` pays for `customerId`. */
export async function confirmPayerMapping(
  tx: Queryable, payerAccount: string, customerId: number,
): Promise<void> {
  await tx.query(
    `INSERT INTO payer_mappings (payer_account, customer_id) VALUES ($1, $2)
     ON CONFLICT (payer_account, customer_id) DO UPDATE SET
       confirmations = payer_mappings.confirmations + 1, last_confirmed_at = now()`,
    [payerAccount, customerId],
  );
}

export type ProposalStatus = 'auto_applied' | 'pending' | 'accepted' | 'rejected' | 'superseded';

export interface StoredAllocation {
  documentId: number;
  appliedCents: Cents;
  discountCents: Cents;
  writeOffCents: Cents;
}

export interface StoredDeduction {
  documentId: number | null;
  amountCents: Cents;
  reasonCode: string;
}

export interface StoredProposal {
  id: number;
  paymentId: number;
  customerId: number | null;
  rule: string;
  confidence: number;
  customerConfidence: number;
  reasons: string[];
  allocations: StoredAllocation[];
  deductions: StoredDeduction[];
  unappliedCents: Cents;
  status: ProposalStatus;
}

/** The engine's proposal with document ids as numbers, as stored. */
export function storedShape(p: MatchProposal): Omit<StoredProposal, 'id' | 'status'> {
  return {
    paymentId: Number(p.paymentId),
    customerId: p.customerId === null ? null : Number(p.customerId),
    rule: p.rule, confidence: p.confidence, customerConfidence: p.customerConfidence,
    reasons: [...p.customerReasons, ...p.reasons],
    allocations: p.allocations.map((a) => ({
      documentId: Number(a.itemId), appliedCents: a.appliedCents,
      discountCents: a.discountCents, writeOffCents: a.writeOffCents,
    })),
    deductions: p.deductions.map((d) => ({
      documentId: d.itemId === undefined ? null : Number(d.itemId), amountCents: d.amountCents,
      reasonCode: d.reasonCode,
    })),
    unappliedCents: p.unappliedCents,
  };
}

/** Stores proposals, superseding the earlier open proposals of the same payments. */
export async function insertProposals(
  tx: Queryable, proposals: readonly (Omit<StoredProposal, 'id'>)[],
): Promise<number[]> {
  if (proposals.length === 0) return [];
  await tx.query(
    `UPDATE match_proposals SET status = 'superseded'
     WHERE payment_id = ANY($1::bigint[]) AND status = 'pending'`,
    [proposals.map((p) => p.paymentId)]);
  const r = await tx.query<{ id: number }>(
    `INSERT INTO match_proposals (payment_id, customer_id, rule, confidence, customer_confidence,
       reasons, allocations, deductions, unapplied_cents, status)
     SELECT * FROM jsonb_to_recordset($1::jsonb) AS x(payment_id bigint, customer_id bigint,
       rule text, confidence smallint, customer_confidence smallint, reasons jsonb,
       allocations jsonb, deductions jsonb, unapplied_cents bigint, status text)
     RETURNING id`,
    [JSON.stringify(proposals.map((p) => ({
      payment_id: p.paymentId, customer_id: p.customerId, rule: p.rule,
      confidence: p.confidence, customer_confidence: Math.min(100, p.customerConfidence),
      reasons: p.reasons, allocations: p.allocations, deductions: p.deductions,
      unapplied_cents: p.unappliedCents, status: p.status,
    })))],
  );
  return r.rows.map((row) => row.id);
}

const PROPOSAL_COLUMNS = `id, payment_id AS "paymentId", customer_id AS "customerId", rule,
  confidence, customer_confidence AS "customerConfidence", reasons, allocations, deductions,
  unapplied_cents AS "unappliedCents", status`;

/** The latest pending proposal of each payment. */
export async function pendingProposals(
  tx: Queryable, paymentIds: readonly number[],
): Promise<Map<number, StoredProposal>> {
  const r = await tx.query<StoredProposal>(
    `SELECT DISTINCT ON (payment_id) ${PROPOSAL_COLUMNS} FROM match_proposals
     WHERE payment_id = ANY($1::bigint[]) AND status = 'pending'
     ORDER BY payment_id, id DESC`,
    [[...paymentIds]]);
  return new Map(r.rows.map((p) => [p.paymentId, p]));
}

export async function decideProposal(
  tx: Queryable, id: number, status: ProposalStatus, by: string,
): Promise<void> {
  await tx.query(
    `UPDATE match_proposals SET status = $2, decided_at = now(), decided_by = $3 WHERE id = $1`,
    [id, status, by]);
}
