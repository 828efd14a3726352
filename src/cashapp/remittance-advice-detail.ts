/**
 * One remittance advice as the research screen shows it: its lines, the deposit it is linked to
 * (with what that deposit still has unapplied), and, while unlinked, the deposits a clerk may
 * link it to: live payments without an advice in its currency, those of its amount, with cash
 * unapplied and nearest its payment date first.
 */
import type { Queryable } from '../db/connection.ts';
import type { IsoDate } from '../domain/dates.ts';
import { formatAmount } from '../domain/money.ts';
import type { Remittance } from '../formats/bank/model.ts';
import { LINKABLE_DEPOSIT } from './remittance-advice.ts';

export interface AdviceLineView {
  referenceType: string;
  documentNumber: string | null;
  /** Signed: negative for a credit note or a deduction taken. */
  paid: string | null;
  gross: string | null;
  discount: string | null;
  adjustment: string | null;
  adjustmentReason: string | null;
}

export interface AdviceDeposit {
  paymentId: number;
  reference: string;
  amount: string;
  unapplied: string;
  receivedOn: IsoDate;
  payerName: string | null;
  customer: { id: number; accountNumber: string; name: string } | null;
}

export interface AdviceDetail {
  adviceId: number;
  file: string;
  traceNumber: string | null;
  amount: string;
  currency: string;
  paymentDate: IsoDate | null;
  payerName: string | null;
  payerAccount: string | null;
  lines: AdviceLineView[];
  freeText: string[];
  linkRule: string | null;
  reasons: string[];
  linkedBy: string | null;
  deposit: AdviceDeposit | null;
  /**
   * Unlinked only: deposits it may describe, best first (at most 8): of its amount, then with
   * cash unapplied, then nearest its payment date.
   */
  candidates: AdviceDeposit[];
}

const money = (c: number | undefined) => (c === undefined ? null : formatAmount(c));

const DEPOSIT = `d.id AS "paymentId", d.number AS reference, -d.amount_cents AS "amountCents",
  -d.open_cents AS "unappliedCents", coalesce(b.value_date, d.document_date) AS "receivedOn",
  coalesce(b.payer_name, d.payer_name) AS "payerName", c.id AS "customerId",
  c.account_number AS "accountNumber", c.name AS "customerName"`;

interface DepositRow {
  paymentId: number; reference: string; amountCents: number; unappliedCents: number;
  receivedOn: IsoDate; payerName: string | null; customerId: number | null;
  accountNumber: string | null; customerName: string | null;
}

function depositOf(r: DepositRow): AdviceDeposit {
  return {
    paymentId: Number(r.paymentId), reference: r.reference, amount: formatAmount(r.amountCents),
    unapplied: formatAmount(r.unappliedCents), receivedOn: r.receivedOn, payerName: r.payerName,
    customer: r.customerId === null ? null
      : { id: Number(r.customerId), accountNumber: r.accountNumber!, name: r.customerName! },
  };
}

/** The advice `adviceId`, or null when there is none. */
export async function getRemittanceAdvice(
  tx: Queryable, adviceId: number,
): Promise<AdviceDetail | null> {
  const a = await tx.query<{ adviceId: number; file: string; traceNumber: string | null;
    amountCents: number; currency: string; paymentDate: IsoDate | null; payerName: string | null;
    payerAccount: string | null; remittance: Remittance; paymentId: number | null;
    linkRule: string | null; reasons: string[]; linkedBy: string | null }>(
    `SELECT a.id AS "adviceId", f.file_name AS file, a.trace_number AS "traceNumber",
       a.amount_cents AS "amountCents", a.currency, a.payment_date AS "paymentDate",
       a.payer_name AS "payerName", a.payer_account AS "payerAccount", a.remittance,
       a.payment_id AS "paymentId", a.link_rule AS "linkRule", a.link_reasons AS reasons,
       a.linked_by AS "linkedBy"
     FROM remittance_advices a JOIN bank_files f ON f.id = a.bank_file_id WHERE a.id = $1`,
    [adviceId]);
  const row = a.rows[0];
  if (!row) return null;
  const deposits = await tx.query<DepositRow>(row.paymentId !== null
    ? `SELECT ${DEPOSIT} FROM documents d LEFT JOIN bank_payments b ON b.document_id = d.id
       LEFT JOIN customers c ON c.id = d.customer_id WHERE d.id = $1`
    : `SELECT ${DEPOSIT} FROM documents d LEFT JOIN bank_payments b ON b.document_id = d.id
       LEFT JOIN customers c ON c.id = d.customer_id
       WHERE ${LINKABLE_DEPOSIT} AND d.currency = $1
       ORDER BY d.amount_cents = -$2::bigint DESC, d.open_cents < 0 DESC,
         abs(coalesce(b.value_date, d.document_date) - coalesce($3::date,
           coalesce(b.value_date, d.document_date))), d.id DESC
       LIMIT 8`,
  row.paymentId !== null ? [row.paymentId]
    : [row.currency, row.amountCents, row.paymentDate]);
  const { remittance, amountCents, paymentId, ...rest } = row;
  return {
    ...rest, adviceId: Number(row.adviceId), amount: formatAmount(amountCents),
    lines: remittance.lines.map((l) => ({
      referenceType: l.referenceType, documentNumber: l.documentNumber ?? null,
      paid: money(l.paidCents), gross: money(l.grossCents), discount: money(l.discountCents),
      adjustment: money(l.adjustmentCents), adjustmentReason: l.adjustmentReason ?? null,
    })),
    freeText: remittance.freeText,
    reasons: paymentId === null && row.reasons.length === 0
      ? ['waiting for its deposit'] : row.reasons,
    deposit: paymentId === null ? null : depositOf(deposits.rows[0]!),
    candidates: paymentId === null ? deposits.rows.map(depositOf) : [],
  };
}
