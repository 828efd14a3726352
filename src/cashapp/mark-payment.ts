/**
 * A clerk files a payment in the research queue: unidentified (nobody found yet; the customer is
 * kept if one was assigned) or on account (the customer keeps the cash as a credit; it must have a
 * customer, which assigning with `account` gives).
 */
import { writeAudit, type Actor } from '../db/audit.ts';
import type { Db } from '../db/connection.ts';
import { findCustomerByAccount, transactResult } from '../db/documents.ts';
import { err, ok, type Result } from '../domain/result.ts';
import { assignPaymentCustomerInTx } from './assign-payment-customer.ts';
import type { CashappError } from './errors.ts';
import { confirmPayerMapping, loadPayments, queueStateOf, setQueueState } from './store.ts';

export interface MarkPaymentInput {
  paymentId: number;
  state: 'unidentified' | 'on_account';
  /** On account: the customer, when the payment has none yet. */
  account?: string;
}

export async function markPayment(
  db: Db, actor: Actor, input: MarkPaymentInput,
): Promise<Result<{ paymentId: number; state: string; customerId: number | null }, CashappError>> {
  return transactResult(db, async (tx) => {
    let [payment] = await loadPayments(tx, [input.paymentId], true);
    if (!payment) return err({ code: 'payment_not_found', paymentId: input.paymentId });
    const before = await queueStateOf(tx, payment.id);
    if (before === 'returned') return err({ code: 'payment_is_returned', paymentId: payment.id });
    if (input.account !== undefined) {
      const customer = await findCustomerByAccount(tx, input.account);
      if (!customer) return err({ code: 'customer_not_found', account: input.account });
      const r = await assignPaymentCustomerInTx(tx, actor, payment, customer.id);
      if (!r.ok) return r;
      payment = r.value;
      if (payment.payerAccount) await confirmPayerMapping(tx, payment.payerAccount, customer.id);
    }
    if (input.state === 'on_account' && payment.customerId === null) {
      return err({ code: 'payment_unidentified', creditId: payment.id });
    }
    await setQueueState(tx, [payment.id], input.state, actor.name);
    await writeAudit(tx, actor, {
      action: `payment.mark_${input.state}`, entityType: 'document', entityId: payment.id,
      customerId: payment.customerId, before: { state: before }, after: { state: input.state },
    });
    return ok({ paymentId: payment.id, state: input.state, customerId: payment.customerId });
  });
}
