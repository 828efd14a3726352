/**
 * Carries out a proposal (the engine's, or a clerk's own lines in the same shape) for one
 * payment through the ledger's apply-credit use case: credit memos the remittance nets are
 * applied to the invoices first, then the payment's cash with the discounts and write-offs, then
 * each short pay beyond tolerance becomes a deduction. Inside the caller's transaction.
 */
import type { Actor } from '../db/audit.ts';
import type { Queryable } from '../db/connection.ts';
import { loadDocuments } from '../db/documents.ts';
import type { IsoDate } from '../domain/dates.ts';
import { maxDate } from '../domain/dates.ts';
import type { Cents } from '../domain/money.ts';
import { err, ok, type Result } from '../domain/result.ts';
import { applyCreditInTx, type ApplyLine } from '../ledger/apply-credit.ts';
import { assignPaymentCustomerInTx } from './assign-payment-customer.ts';
import type { CashappError } from './errors.ts';
import { openDeductionInTx } from './open-deduction.ts';
import type { StoredPayment } from './receipt-payment.ts';
import type { StoredAllocation, StoredDeduction } from './store.ts';

export interface ProposalToApply {
  customerId: number;
  allocations: readonly StoredAllocation[];
  deductions: readonly StoredDeduction[];
}

export interface AppliedProposal {
  applicationIds: number[];
  deductionIds: number[];
  unappliedCents: Cents;
}

interface Need {
  debitId: number;
  cash: number;
  discount: Cents;
  writeOff: Cents;
}

/**
 * Splits the debit allocations between the credit memos taken (negative allocations) and the
 * payment: each memo covers cash of the debits in order until it is used up.
 */
export function splitByCredit(allocations: readonly StoredAllocation[]) {
  const needs: Need[] = allocations.filter((a) => a.appliedCents >= 0).map((a) => ({
    debitId: a.documentId, cash: a.appliedCents, discount: a.discountCents,
    writeOff: a.writeOffCents,
  }));
  const memos = allocations.filter((a) => a.appliedCents < 0).map((a) => {
    let left = -a.appliedCents;
    const lines: ApplyLine[] = [];
    for (const n of needs) {
      const take = Math.min(left, n.cash);
      if (take <= 0) continue;
      n.cash -= take;
      left -= take;
      lines.push({ debitId: n.debitId, amountCents: take as Cents });
    }
    return { creditId: a.documentId, lines };
  });
  return { needs, memos };
}

export async function applyProposalInTx(
  tx: Queryable, actor: Actor, payment: StoredPayment, proposal: ProposalToApply,
  how: { method: string; confidence: number | null; appliedOn: IsoDate },
): Promise<Result<AppliedProposal, CashappError>> {
  const assigned = await assignPaymentCustomerInTx(tx, actor, payment, proposal.customerId);
  if (!assigned.ok) return assigned;
  const ids = proposal.allocations.map((a) => a.documentId);
  const docs = await loadDocuments(tx, ids);
  const latest = [...docs.values()].reduce((d, x) => maxDate(d, x.documentDate),
    maxDate(payment.documentDate, how.appliedOn));
  const appliedOn = latest;
  const { needs, memos } = splitByCredit(proposal.allocations);
  const applicationIds: number[] = [];
  for (const memo of memos) {
    if (memo.lines.length === 0) continue;
    const r = await applyCreditInTx(tx, actor, {
      creditId: memo.creditId, appliedOn, lines: memo.lines, method: how.method,
      confidence: how.confidence,
    });
    if (!r.ok) return r;
    applicationIds.push(...r.value.applications.map((a) => a.id));
  }
  const lines: ApplyLine[] = needs.filter((n) => n.cash > 0).map((n) => ({
    debitId: n.debitId, amountCents: n.cash as Cents,
    discountCents: n.discount as Cents, writeOffCents: n.writeOff as Cents,
  }));
  let unappliedCents = payment.unappliedCents;
  if (lines.length > 0) {
    const r = await applyCreditInTx(tx, actor, {
      creditId: payment.id, appliedOn, lines, method: how.method, confidence: how.confidence,
      // The engine and the clerk grant a discount on the payment's value date.
      allowDiscountOverride: appliedOn !== how.appliedOn,
    });
    if (!r.ok) return r;
    applicationIds.push(...r.value.applications.map((a) => a.id));
    unappliedCents = r.value.unappliedCents;
  }
  const deductionIds: number[] = [];
  for (const d of proposal.deductions) {
    if (d.documentId === null) continue;
    const r = await openDeductionInTx(tx, actor, {
      paymentId: payment.id, invoiceId: d.documentId, amountCents: d.amountCents,
      reasonCode: d.reasonCode, date: appliedOn,
    });
    if (!r.ok) return r;
    deductionIds.push(r.value.deduction.id);
  }
  if (applicationIds.length === 0 && deductionIds.length === 0) {
    return err({ code: 'proposal_has_no_items', paymentId: payment.id });
  }
  return ok({ applicationIds, deductionIds, unappliedCents });
}
