/** Removes a customer alias; the audit log keeps what it was. */
import { writeAudit, type Actor } from '../db/audit.ts';
import type { Db } from '../db/connection.ts';
import { transactResult } from '../db/documents.ts';
import { err, ok, type Result } from '../domain/result.ts';
import type { MatchingSettingsError } from './matching-settings-errors.ts';
import { deleteAlias, loadAlias, type CustomerAlias } from './matching-settings-store.ts';

/** `customerId` must be the alias's customer (a route names both). */
export async function removeCustomerAlias(
  db: Db, actor: Actor, input: { customerId: number; aliasId: number },
): Promise<Result<{ removed: CustomerAlias }, MatchingSettingsError>> {
  return transactResult(db, async (tx) => {
    const alias = await loadAlias(tx, input.aliasId);
    if (!alias || alias.customerId !== input.customerId) {
      return err({ code: 'alias_not_found', aliasId: input.aliasId });
    }
    await deleteAlias(tx, alias.id);
    await writeAudit(tx, actor, {
      action: 'customer.alias_remove', entityType: 'customer_alias', entityId: alias.id,
      customerId: alias.customerId, before: { alias: alias.alias, kind: alias.kind },
    });
    return ok({ removed: alias });
  });
}
