/** A customer's matching settings: its aliases and its oldest-first policy (own and in force). */
import type { Queryable } from '../db/connection.ts';
import { loadCustomer } from '../db/documents.ts';
import { err, ok, type Result } from '../domain/result.ts';
import type { MatchingSettingsError } from './matching-settings-errors.ts';
import {
  listAliases, loadDefaultPolicy, loadOwnPolicy, type CustomerAlias, type OldestFirstPolicy,
} from './matching-settings-store.ts';

export interface CustomerMatchingSettings {
  customerId: number;
  accountNumber: string;
  name: string;
  aliases: CustomerAlias[];
  /** The customer's own policy; null: it follows the company default. */
  oldestFirstOwn: OldestFirstPolicy | null;
  /** The policy the engine applies. */
  oldestFirst: OldestFirstPolicy;
  oldestFirstDefault: OldestFirstPolicy;
}

export async function getCustomerMatchingSettings(
  tx: Queryable, customerId: number,
): Promise<Result<CustomerMatchingSettings, MatchingSettingsError>> {
  const customer = await loadCustomer(tx, customerId);
  if (!customer) return err({ code: 'customer_not_found', customerId });
  const own = await loadOwnPolicy(tx, customerId);
  const fallback = await loadDefaultPolicy(tx);
  return ok({
    customerId, accountNumber: customer.accountNumber, name: customer.name,
    aliases: await listAliases(tx, customerId), oldestFirstOwn: own ?? null,
    oldestFirst: own ?? fallback, oldestFirstDefault: fallback,
  });
}
