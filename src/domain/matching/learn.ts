/**
 * Learning from clerks: a confirmed (or corrected) application teaches which customer a payer
 * bank account pays for. Pure: the caller stores the returned entry.
 */
import { normalizePayerAccount } from './normalize.ts';
import type { LearnedAccount, LearnedAccounts } from './types.ts';

/** Customers remembered per payer account; older ones drop off beyond this. */
const CUSTOMERS_PER_ACCOUNT_MAX = 20;

/**
 * The learned entry after a clerk confirms that `payerAccount` paid for `customerId`: the
 * customer moves to the front and the confirmation count grows. An account confirmed for several
 * customers (a parent company, a payment service) keeps them all, and then only narrows the
 * candidates instead of identifying one.
 * @example confirmPayerAccount(new Map(), 'DE89 3704 0044', 'c1')
 *   // { payerAccount: 'DE8937040044', customerIds: ['c1'], confirmations: 1 }
 */
export function confirmPayerAccount(
  learned: LearnedAccounts,
  payerAccount: string,
  customerId: string,
): LearnedAccount {
  const key = normalizePayerAccount(payerAccount);
  const before = learned.get(key);
  const others = (before?.customerIds ?? []).filter((id) => id !== customerId);
  return {
    payerAccount: key,
    customerIds: [customerId, ...others].slice(0, CUSTOMERS_PER_ACCOUNT_MAX),
    confirmations: (before?.confirmations ?? 0) + 1,
  };
}

/** Convenience for batches and tests: the map with the confirmation applied. */
export function withConfirmation(
  learned: LearnedAccounts,
  payerAccount: string,
  customerId: string,
): Map<string, LearnedAccount> {
  const entry = confirmPayerAccount(learned, payerAccount, customerId);
  return new Map(learned).set(entry.payerAccount, entry);
}
