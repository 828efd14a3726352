/**
 * A clerk accepts the suggestion waiting for a payment: it is applied as proposed (method
 * 'manual', with the rule and confidence kept on the proposal), and the payer's bank account is
 * learned for the customer so the next payment from it is recognised.
 */
import { writeAudit, type Actor } from '../db/audit.ts';
import type { Db, Queryable } from '../db/connection.ts';
import { transactResult } from '../db/documents.ts';
import { err, ok, type Result } from '../domain/result.ts';
import { applyProposalInTx, type AppliedProposal } from './apply-proposal.ts';
import type { CashappError } from './errors.ts';
import type { StoredPayment } from './receipt-payment.ts';
import {
  confirmPayerMapping, decideProposal, loadPayments, pendingProposals, setQueueState,
} from './store.ts';

export interface AcceptProposalInput {
  paymentId: number;
}

export async function acceptProposal(
  db: Db, actor: Actor, input: AcceptProposalInput,
): Promise<Result<AppliedProposal, CashappError>> {
  return transactResult(db, async (tx) => {
    const [payment] = await loadPayments(tx, [input.paymentId], true);
    if (!payment) return err({ code: 'payment_not_found', paymentId: input.paymentId });
    const proposal = (await pendingProposals(tx, [payment.id])).get(payment.id);
    if (!proposal) return err({ code: 'proposal_not_found', paymentId: payment.id });
    if (proposal.customerId === null || proposal.allocations.length === 0) {
      return err({ code: 'proposal_has_no_items', paymentId: payment.id });
    }
    const r = await applyProposalInTx(tx, actor, payment, {
      customerId: proposal.customerId, allocations: proposal.allocations,
      deductions: proposal.deductions,
    }, { method: 'manual', confidence: null, appliedOn: payment.valueDate ?? payment.documentDate });
    if (!r.ok) return r;
    await decideProposal(tx, proposal.id, 'accepted', actor.name);
    await settleQueue(tx, actor, payment, proposal.customerId, r.value);
    await writeAudit(tx, actor, {
      action: 'proposal.accept', entityType: 'document', entityId: payment.id,
      customerId: proposal.customerId,
      after: { proposalId: proposal.id, rule: proposal.rule, confidence: proposal.confidence,
        applicationIds: r.value.applicationIds },
    });
    return ok(r.value);
  });
}

/** After a clerk applied a payment: learn the payer account, update the queue state. */
export async function settleQueue(
  tx: Queryable, actor: Actor, payment: StoredPayment, customerId: number, r: AppliedProposal,
): Promise<void> {
  if (payment.payerAccount) await confirmPayerMapping(tx, payment.payerAccount, customerId);
  await setQueueState(tx, [payment.id], r.unappliedCents > 0 ? 'review' : 'applied', actor.name);
}
