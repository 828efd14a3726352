/**
 * Assigns the customer to an unidentified payment (allowed once by the ledger's trigger). Moves
 * nothing in the GL: the cash stays in unapplied cash, now on the customer's account.
 */
import { writeAudit, type Actor } from '../db/audit.ts';
import type { Queryable } from '../db/connection.ts';
import { loadCustomer } from '../db/documents.ts';
import { err, ok, type Result } from '../domain/result.ts';
import type { CashappError } from './errors.ts';
import type { StoredPayment } from './receipt-payment.ts';

/**
 * Same customer: nothing to do. A payment of another customer is refused (a clerk moves cash
 * between customers by reversing, not by re-assigning). `payment` is locked by the caller.
 */
export async function assignPaymentCustomerInTx(
  tx: Queryable, actor: Actor, payment: StoredPayment, customerId: number,
): Promise<Result<StoredPayment, CashappError>> {
  if (payment.customerId === customerId) return ok(payment);
  if (payment.customerId !== null) {
    return err({
      code: 'payment_belongs_to_another_customer', paymentId: payment.id,
      customerId: payment.customerId,
    });
  }
  const customer = await loadCustomer(tx, customerId);
  if (!customer) return err({ code: 'customer_not_found', account: String(customerId) });
  if (customer.currency !== payment.currency) {
    return err({ code: 'currency_must_match_customer', customerCurrency: customer.currency });
  }
  await tx.query('UPDATE documents SET customer_id = $2 WHERE id = $1 AND customer_id IS NULL',
    [payment.id, customerId]);
  await writeAudit(tx, actor, {
    action: 'payment.assign_customer', entityType: 'document', entityId: payment.id,
    customerId, before: { customerId: null }, after: { customerId },
  });
  return ok({ ...payment, customerId });
}
