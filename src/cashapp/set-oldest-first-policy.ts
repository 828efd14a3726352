/**
 * Sets how cash without usable remittance is applied: for one customer (or back to the company
 * default with `default`), or the company default itself. Audited with before and after.
 */
import { writeAudit, type Actor } from '../db/audit.ts';
import type { Db } from '../db/connection.ts';
import { loadCustomer, transactResult } from '../db/documents.ts';
import { err, ok, type Result } from '../domain/result.ts';
import type { MatchingSettingsError } from './matching-settings-errors.ts';
import {
  isOldestFirstPolicy, loadDefaultPolicy, loadOwnPolicy, OLDEST_FIRST_POLICIES, saveDefaultPolicy,
  saveOwnPolicy, type OldestFirstPolicy,
} from './matching-settings-store.ts';

const invalid = (policy: string): MatchingSettingsError => ({
  code: 'oldest_first_policy_invalid', policy, policies: [...OLDEST_FIRST_POLICIES],
});

/** `policy`: off, propose, apply, or `default` (follow the company default). */
export async function setCustomerOldestFirst(
  db: Db, actor: Actor, input: { customerId: number; policy: string },
): Promise<Result<{ oldestFirstOwn: OldestFirstPolicy | null; oldestFirst: OldestFirstPolicy },
  MatchingSettingsError>> {
  const { policy } = input;
  if (policy !== 'default' && !isOldestFirstPolicy(policy)) return err(invalid(policy));
  const own = policy === 'default' ? undefined : policy;
  return transactResult(db, async (tx) => {
    const customer = await loadCustomer(tx, input.customerId);
    if (!customer) return err({ code: 'customer_not_found', customerId: input.customerId });
    const before = await loadOwnPolicy(tx, customer.id);
    await saveOwnPolicy(tx, customer.id, own, actor.name);
    await writeAudit(tx, actor, {
      action: 'customer.oldest_first_policy', entityType: 'customer', entityId: customer.id,
      customerId: customer.id, before: { oldestFirst: before ?? 'default' },
      after: { oldestFirst: own ?? 'default' },
    });
    return ok({ oldestFirstOwn: own ?? null, oldestFirst: own ?? await loadDefaultPolicy(tx) });
  });
}

export async function setDefaultOldestFirst(
  db: Db, actor: Actor, input: { policy: string },
): Promise<Result<{ oldestFirstDefault: OldestFirstPolicy }, MatchingSettingsError>> {
  const { policy } = input;
  if (!isOldestFirstPolicy(policy)) return err(invalid(policy));
  return transactResult(db, async (tx) => {
    const before = await loadDefaultPolicy(tx);
    await saveDefaultPolicy(tx, policy);
    await writeAudit(tx, actor, {
      action: 'settings.oldest_first_default', entityType: 'setting',
      entityId: 'cashapp_oldest_first_default', before: { oldestFirst: before },
      after: { oldestFirst: policy },
    });
    return ok({ oldestFirstDefault: policy });
  });
}
