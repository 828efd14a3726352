/**
 * A clerk applies a payment by hand: to the customer's items they chose (by document number),
 * assigning the customer to unidentified cash first. Confirms the payer account for the customer
 * (learning) and closes any pending suggestion as rejected.
 */
import { writeAudit, type Actor } from '../db/audit.ts';
import type { Db } from '../db/connection.ts';
import { findCustomerByAccount, transactResult } from '../db/documents.ts';
import type { IsoDate } from '../domain/dates.ts';
import type { Cents } from '../domain/money.ts';
import { err, ok, type Result } from '../domain/result.ts';
import { settleQueue } from './accept-proposal.ts';
import { applyProposalInTx, type AppliedProposal } from './apply-proposal.ts';
import type { CashappError } from './errors.ts';
import { decideProposal, loadPayments, pendingProposals } from './store.ts';

export interface HandLine {
  documentNumber: string;
  amountCents: Cents;
  discountCents?: Cents;
  writeOffCents?: Cents;
}

export interface ApplyByHandInput {
  paymentId: number;
  account: string;
  lines: readonly HandLine[];
  appliedOn?: IsoDate;
}

export async function applyPaymentByHand(
  db: Db, actor: Actor, input: ApplyByHandInput,
): Promise<Result<AppliedProposal, CashappError>> {
  return transactResult(db, async (tx) => {
    const [payment] = await loadPayments(tx, [input.paymentId], true);
    if (!payment) return err({ code: 'payment_not_found', paymentId: input.paymentId });
    const customer = await findCustomerByAccount(tx, input.account);
    if (!customer) return err({ code: 'customer_not_found', account: input.account });
    const numbers = input.lines.map((l) => l.documentNumber);
    const found = await tx.query<{ id: number; number: string }>(
      `SELECT DISTINCT ON (number) id, number FROM documents
       WHERE number = ANY($1::text[]) AND type <> 'payment' AND open_cents <> 0
         AND (customer_id = $2 OR customer_id IN (
           SELECT id FROM customers WHERE parent_id = $2 OR id = (
             SELECT parent_id FROM customers WHERE id = $2)))
       ORDER BY number, id`, [numbers, customer.id]);
    const ids = new Map(found.rows.map((r) => [r.number, r.id]));
    const missing = numbers.find((n) => !ids.has(n));
    if (missing !== undefined) return err({ code: 'document_not_found', number: missing });
    const r = await applyProposalInTx(tx, actor, payment, {
      customerId: customer.id,
      allocations: input.lines.map((l) => ({
        documentId: ids.get(l.documentNumber)!, appliedCents: l.amountCents,
        discountCents: l.discountCents ?? (0 as Cents), writeOffCents: l.writeOffCents ?? (0 as Cents),
      })),
      deductions: [],
    }, { method: 'manual', confidence: null,
      appliedOn: input.appliedOn ?? payment.valueDate ?? payment.documentDate });
    if (!r.ok) return r;
    const pending = (await pendingProposals(tx, [payment.id])).get(payment.id);
    if (pending) await decideProposal(tx, pending.id, 'rejected', actor.name);
    await settleQueue(tx, actor, payment, customer.id, r.value);
    await writeAudit(tx, actor, {
      action: 'payment.apply_by_hand', entityType: 'document', entityId: payment.id,
      customerId: customer.id, after: { applicationIds: r.value.applicationIds },
    });
    return ok(r.value);
  });
}
