/**
 * Remittance advices that arrive apart from their money (an X12 820 beside a BAI2/camt/NACHA
 * deposit): kept when imported, linked to their deposit in either order of arrival (rules in
 * remittance-advice-rules.ts), and then the deposit is matched with the advice's invoice lines
 * as its remittance. Advices nobody could link wait in a list for a clerk, who links by hand.
 */
import { writeAudit, type Actor } from '../db/audit.ts';
import type { Db, Queryable } from '../db/connection.ts';
import { findDocumentReversal, transactResult } from '../db/documents.ts';
import { addDays, type IsoDate } from '../domain/dates.ts';
import { formatAmount } from '../domain/money.ts';
import { err, ok, type Result } from '../domain/result.ts';
import type { BankFile, Remittance } from '../formats/bank/model.ts';
import type { CashappError } from './errors.ts';
import { matchPaymentsInTx } from './match-payments.ts';
import { normalizePayerAccount } from '../domain/matching/normalize.ts';
import {
  chooseLink, DAYS_MAX, linkEvidence, mergeRemittance, referenceKey,
  type AdviceFacts, type DepositFacts, type LinkChoice, type LinkRule,
} from './remittance-advice-rules.ts';
import { queueStateOf } from './store.ts';

export interface AdviceLink {
  adviceId: number;
  traceNumber: string | null;
  amountCents: number;
  paymentId: number | null;
  rule: LinkRule | 'manual' | null;
  /** Why it was linked, or why not (no deposit yet, two deposits fit). */
  reasons: string[];
}

const ADVICE_COLUMNS = `a.id, a.trace_number AS "traceNumber", a.amount_cents AS "amountCents",
  a.currency, a.payment_date AS "paymentDate", a.payer_name AS "payerName",
  a.payer_id AS "payerId", a.payer_account AS "payerAccount"`;

const DEPOSIT_COLUMNS = `d.id, ARRAY[b.bank_reference, b.customer_reference, b.check_number,
    d.number] AS "references", (-d.amount_cents) AS "amountCents", d.currency,
  coalesce(b.value_date, d.document_date) AS "receivedOn",
  coalesce(b.payer_name, d.payer_name) AS "payerName", b.payer_id AS "payerId",
  b.payer_account AS "payerAccount"`;

/** A deposit an advice may describe: a live payment without an advice yet. */
export const LINKABLE_DEPOSIT = `d.type = 'payment' AND d.reverses_id IS NULL
  AND NOT EXISTS (SELECT 1 FROM documents v WHERE v.reverses_id = d.id)
  AND NOT EXISTS (SELECT 1 FROM remittance_advices r WHERE r.payment_id = d.id)
  AND coalesce(b.queue_state, 'review') <> 'returned'`;

/** Keeps every 820 payment of `file` as an advice; returns their ids in file order. */
export async function storeRemittanceAdvicesInTx(
  tx: Queryable, actor: Actor, file: BankFile, bankFileId: number,
): Promise<number[]> {
  if (file.format !== 'x12-820') return [];
  const rows = file.receipts.flatMap((r, seq) => r.status !== 'info' ? [] : [{
    seq, trace_number: r.customerReference?.trim() || null, amount_cents: r.amountCents,
    currency: r.currency, payment_date: r.valueDate ?? r.bookingDate ?? null, method: r.method,
    payer_name: r.payer.name?.trim() || null, payer_id: r.payer.id?.trim() || null,
    payer_account: r.payer.account ? normalizePayerAccount(r.payer.account) || null : null,
    payer_bank_id: r.payer.bankId ?? null,
    remittance: { lines: r.remittance.lines, freeText: [...r.remittance.freeText,
      ...r.bankText] },
    source_record: r.sourceRecord,
  }]);
  if (rows.length === 0) return [];
  const r = await tx.query<{ id: number }>(
    `INSERT INTO remittance_advices (bank_file_id, seq, trace_number, amount_cents, currency,
       payment_date, method, payer_name, payer_id, payer_account, payer_bank_id, remittance,
       source_record, created_by)
     SELECT $1, x.seq, x.trace_number, x.amount_cents, x.currency, x.payment_date, x.method,
       x.payer_name, x.payer_id, x.payer_account, x.payer_bank_id, x.remittance,
       x.source_record, $3
     FROM jsonb_to_recordset($2::jsonb) AS x(seq int, trace_number text, amount_cents bigint,
       currency text, payment_date date, method text, payer_name text, payer_id text,
       payer_account text, payer_bank_id text, remittance jsonb, source_record jsonb)
     ORDER BY x.seq RETURNING id`,
    [bankFileId, JSON.stringify(rows), actor.name]);
  return r.rows.map((x) => x.id).sort((a, b) => a - b);
}

function reasonsOf<T>(choice: LinkChoice<T>, waitingFor: string): string[] {
  if (choice.kind === 'linked') return choice.evidence.reasons;
  if (choice.kind === 'ambiguous') {
    return [`${choice.count} ${waitingFor}s fit by ${choice.rule.replace('_', ' and ')}: `
      + 'link by hand'];
  }
  return [`no ${waitingFor} with its trace number, or its amount and payer within `
    + `${DAYS_MAX} days, yet`];
}

/**
 * Links each new advice to the deposit already imported that it describes, then matches that
 * deposit again with the advice's lines (when it still waits for review).
 */
export async function linkNewAdvicesInTx(
  tx: Queryable, actor: Actor, adviceIds: readonly number[], today: IsoDate,
): Promise<Result<AdviceLink[], CashappError>> {
  const out: AdviceLink[] = [];
  const advices = await tx.query<AdviceFacts>(
    `SELECT ${ADVICE_COLUMNS} FROM remittance_advices a WHERE a.id = ANY($1::bigint[])
     ORDER BY a.id`, [[...adviceIds]]);
  for (const advice of advices.rows) {
    const deposits = await depositCandidates(tx, advice);
    const choice = chooseLink(deposits, (d) => linkEvidence(advice, d));
    const reasons = reasonsOf(choice, 'deposit');
    const link = { adviceId: advice.id, traceNumber: advice.traceNumber,
      amountCents: advice.amountCents, paymentId: null as number | null,
      rule: null as AdviceLink['rule'], reasons };
    if (choice.kind === 'linked') {
      const r = await linkInTx(tx, actor, advice.id, choice.candidate.id, choice.evidence.rule,
        reasons, today);
      if (!r.ok) return r;
      Object.assign(link, { paymentId: choice.candidate.id, rule: choice.evidence.rule });
    } else {
      // Kept for the list of advices waiting for their deposit.
      await tx.query('UPDATE remittance_advices SET link_reasons = $2 WHERE id = $1',
        [advice.id, JSON.stringify(reasons)]);
    }
    out.push(link);
  }
  return ok(out);
}

/** Deposits of the advice's amount: with its trace number, or dated near its payment date. */
async function depositCandidates(tx: Queryable, a: AdviceFacts): Promise<DepositFacts[]> {
  const from = a.paymentDate === null ? null : addDays(a.paymentDate, -DAYS_MAX);
  const to = a.paymentDate === null ? null : addDays(a.paymentDate, DAYS_MAX);
  const r = await tx.query<DepositFacts>(
    `SELECT ${DEPOSIT_COLUMNS} FROM documents d LEFT JOIN bank_payments b ON b.document_id = d.id
     WHERE ${LINKABLE_DEPOSIT} AND d.amount_cents = $1 AND d.currency = $2
       AND (($3::text <> '' AND $3 IN (document_key(b.bank_reference),
              document_key(b.customer_reference), document_key(b.check_number),
              document_key(d.number)))
         OR coalesce(b.value_date, d.document_date) BETWEEN $4::date AND $5::date)
     ORDER BY d.id LIMIT 50`,
    [-a.amountCents, a.currency, referenceKey(a.traceNumber), from, to]);
  return r.rows;
}

/**
 * Links each new deposit to an advice that arrived before it. Inside the import, before the
 * deposits are matched, so matching already reads the advice's lines. An advice is taken by
 * the first deposit that fits it.
 */
export async function linkNewDepositsInTx(
  tx: Queryable, actor: Actor, paymentIds: readonly number[], today: IsoDate,
): Promise<Result<AdviceLink[], CashappError>> {
  if (paymentIds.length === 0) return ok([]);
  const deposits = (await tx.query<DepositFacts>(
    `SELECT ${DEPOSIT_COLUMNS} FROM documents d LEFT JOIN bank_payments b ON b.document_id = d.id
     WHERE d.id = ANY($1::bigint[]) ORDER BY d.id`, [[...paymentIds]])).rows;
  const advices = (await tx.query<AdviceFacts>(
    `SELECT ${ADVICE_COLUMNS} FROM remittance_advices a
     WHERE a.payment_id IS NULL AND (a.currency, a.amount_cents) IN (
       SELECT x.c, x.a FROM unnest($1::text[], $2::bigint[]) AS x(c, a))
     ORDER BY a.id`,
    [deposits.map((d) => d.currency), deposits.map((d) => d.amountCents)])).rows;
  const taken = new Set<number>();
  const out: AdviceLink[] = [];
  for (const deposit of deposits) {
    const choice = chooseLink(advices.filter((a) => !taken.has(a.id)),
      (a) => linkEvidence(a, deposit));
    if (choice.kind !== 'linked') continue;
    const advice = choice.candidate;
    taken.add(advice.id);
    const r = await linkInTx(tx, actor, advice.id, deposit.id, choice.evidence.rule,
      choice.evidence.reasons, today, false);
    if (!r.ok) return r;
    out.push({ adviceId: advice.id, traceNumber: advice.traceNumber,
      amountCents: advice.amountCents, paymentId: deposit.id, rule: choice.evidence.rule,
      reasons: choice.evidence.reasons });
  }
  return ok(out);
}

/**
 * Records the link, puts the advice's lines into the deposit's remittance (what it had is kept
 * on the advice) and, with `rematch`, matches the deposit again when it still waits for review
 * or is unidentified.
 */
async function linkInTx(
  tx: Queryable, actor: Actor, adviceId: number, paymentId: number,
  rule: LinkRule | 'manual', reasons: readonly string[], today: IsoDate, rematch = true,
): Promise<Result<null, CashappError>> {
  const a = await tx.query<{ remittance: Remittance; before: Remittance | null }>(
    `SELECT a.remittance, b.remittance AS before FROM remittance_advices a
     LEFT JOIN bank_payments b ON b.document_id = $2 WHERE a.id = $1`, [adviceId, paymentId]);
  const { remittance, before } = a.rows[0]!;
  await tx.query(
    `UPDATE remittance_advices SET payment_id = $2, link_rule = $3, link_reasons = $4,
       payment_remittance_before = $5, linked_by = $6, linked_at = now() WHERE id = $1`,
    [adviceId, paymentId, rule, JSON.stringify(reasons), JSON.stringify(before), actor.name]);
  const merged = mergeRemittance(before, remittance);
  await tx.query(
    `INSERT INTO bank_payments (document_id, seq, payer_name, value_date, remittance,
       queue_state, state_changed_by)
     SELECT d.id, 0, d.payer_name, d.document_date, $2, 'review', $3 FROM documents d
     WHERE d.id = $1
     ON CONFLICT (document_id) DO UPDATE SET remittance = EXCLUDED.remittance`,
    [paymentId, JSON.stringify(merged), actor.name]);
  await writeAudit(tx, actor, {
    action: 'remittance_advice.link', entityType: 'remittance_advice', entityId: adviceId,
    before: { paymentId: null, remittance: before },
    after: { paymentId, rule, reasons, remittance: merged },
  });
  if (!rematch) return ok(null);
  const state = await queueStateOf(tx, paymentId);
  if (state !== 'review' && state !== 'unidentified') return ok(null);
  const matched = await matchPaymentsInTx(tx, actor, [paymentId], today);
  return matched.ok ? ok(null) : matched;
}

export type LinkAdviceError =
  | CashappError
  | { code: 'remittance_advice_not_found'; adviceId: number }
  | { code: 'remittance_advice_already_linked'; adviceId: number; paymentId: number }
  | { code: 'payment_has_remittance_advice'; paymentId: number; adviceId: number }
  | { code: 'currencies_must_match_advice'; adviceCurrency: string; paymentCurrency: string };

/** A clerk links an advice to the deposit it describes (any amount: the clerk decides). */
export async function linkRemittanceAdvice(
  db: Db, actor: Actor, input: { adviceId: number; paymentId: number; today: IsoDate },
): Promise<Result<AdviceLink, LinkAdviceError>> {
  return transactResult(db, async (tx): Promise<Result<AdviceLink, LinkAdviceError>> => {
    const a = await tx.query<{ id: number; paymentId: number | null; currency: string;
      amountCents: number; traceNumber: string | null }>(
      `SELECT id, payment_id AS "paymentId", currency, amount_cents AS "amountCents",
         trace_number AS "traceNumber" FROM remittance_advices WHERE id = $1 FOR UPDATE`,
      [input.adviceId]);
    const advice = a.rows[0];
    if (!advice) return err({ code: 'remittance_advice_not_found', adviceId: input.adviceId });
    if (advice.paymentId !== null) {
      return err({ code: 'remittance_advice_already_linked', adviceId: advice.id,
        paymentId: advice.paymentId });
    }
    const p = await tx.query<{ id: number; currency: string; amountCents: number;
      adviceId: number | null }>(
      `SELECT d.id, d.currency, -d.amount_cents AS "amountCents",
         (SELECT r.id FROM remittance_advices r WHERE r.payment_id = d.id) AS "adviceId"
       FROM documents d WHERE d.id = $1 AND d.type = 'payment' FOR UPDATE`, [input.paymentId]);
    const payment = p.rows[0];
    if (!payment) return err({ code: 'payment_not_found', paymentId: input.paymentId });
    if (await findDocumentReversal(tx, payment.id) !== undefined
      || await queueStateOf(tx, payment.id) === 'returned') {
      return err({ code: 'payment_is_returned', paymentId: payment.id });
    }
    if (payment.adviceId !== null) {
      return err({ code: 'payment_has_remittance_advice', paymentId: payment.id,
        adviceId: payment.adviceId });
    }
    if (payment.currency !== advice.currency) {
      return err({ code: 'currencies_must_match_advice', adviceCurrency: advice.currency,
        paymentCurrency: payment.currency });
    }
    const reasons = ['linked by hand'];
    if (payment.amountCents !== advice.amountCents) {
      reasons.push(`the deposit is ${formatAmount(payment.amountCents)}, the advice says `
        + formatAmount(advice.amountCents));
    }
    const r = await linkInTx(tx, actor, advice.id, payment.id, 'manual', reasons, input.today);
    if (!r.ok) return r;
    return ok({ adviceId: advice.id, traceNumber: advice.traceNumber,
      amountCents: advice.amountCents, paymentId: payment.id, rule: 'manual', reasons });
  });
}

export interface AdviceListItem {
  adviceId: number;
  file: string;
  traceNumber: string | null;
  amount: string;
  currency: string;
  paymentDate: IsoDate | null;
  payerName: string | null;
  invoices: string[];
  lines: number;
  paymentId: number | null;
  paymentReference: string | null;
  linkRule: string | null;
  reasons: string[];
  importedAt: string;
}

/**
 * Advices, newest first; `unlinked` only those still waiting for their deposit, `linked` only
 * those linked to one.
 */
export async function listRemittanceAdvices(
  tx: Queryable, filter: { unlinked?: boolean; linked?: boolean; limit?: number } = {},
): Promise<AdviceListItem[]> {
  const r = await tx.query<Omit<AdviceListItem, 'amount' | 'invoices' | 'lines'> & {
    amountCents: number; remittance: Remittance }>(
    `SELECT a.id AS "adviceId", f.file_name AS file, a.trace_number AS "traceNumber",
       a.amount_cents AS "amountCents", a.currency, a.payment_date AS "paymentDate",
       a.payer_name AS "payerName", a.remittance, a.payment_id AS "paymentId",
       d.number AS "paymentReference", a.link_rule AS "linkRule", a.link_reasons AS reasons,
       a.created_at AS "importedAt"
     FROM remittance_advices a JOIN bank_files f ON f.id = a.bank_file_id
     LEFT JOIN documents d ON d.id = a.payment_id
     WHERE (NOT $1::boolean OR a.payment_id IS NULL)
       AND (NOT $3::boolean OR a.payment_id IS NOT NULL)
     ORDER BY a.id DESC LIMIT $2`,
    [filter.unlinked ?? false, filter.limit ?? 1000, filter.linked ?? false]);
  return r.rows.map(({ amountCents, remittance, importedAt, ...row }) => ({
    ...row, amount: formatAmount(amountCents), lines: remittance.lines.length,
    invoices: remittance.lines.flatMap((l) => l.documentNumber ? [l.documentNumber] : []),
    importedAt: new Date(importedAt).toISOString(),
    reasons: row.paymentId === null && row.reasons.length === 0
      ? ['waiting for its deposit'] : row.reasons,
  }));
}
