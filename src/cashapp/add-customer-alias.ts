/**
 * Adds a name a customer pays under (a DBA name, a parent company, the holder of the bank account
 * it pays from, a former name): the matching engine compares payer names with it as with the
 * customer's own name. Audited; the same alias twice (any case) is refused.
 */
import { writeAudit, type Actor } from '../db/audit.ts';
import type { Db } from '../db/connection.ts';
import { loadCustomer, transactResult } from '../db/documents.ts';
import { err, ok, type Result } from '../domain/result.ts';
import type { MatchingSettingsError } from './matching-settings-errors.ts';
import {
  ALIAS_KINDS, ALIAS_LENGTH_MAX, insertAlias, type AliasKind, type CustomerAlias,
} from './matching-settings-store.ts';

export interface AddAliasInput {
  customerId: number;
  alias: string;
  /** Default `other`. */
  kind?: string;
}

/** Checks the alias and its kind: the first broken rule, or the cleaned values. */
export function checkAlias(
  alias: string, kind: string | undefined,
): MatchingSettingsError | { alias: string; kind: AliasKind } {
  const clean = alias.replace(/\s+/g, ' ').trim();
  if (clean === '') return { code: 'alias_required' };
  if (clean.length > ALIAS_LENGTH_MAX) {
    return { code: 'alias_too_long', lengthMax: ALIAS_LENGTH_MAX };
  }
  const k = kind ?? 'other';
  if (!(ALIAS_KINDS as readonly string[]).includes(k)) {
    return { code: 'alias_kind_invalid', kind: k, kinds: [...ALIAS_KINDS] };
  }
  return { alias: clean, kind: k as AliasKind };
}

export async function addCustomerAlias(
  db: Db, actor: Actor, input: AddAliasInput,
): Promise<Result<{ alias: CustomerAlias }, MatchingSettingsError>> {
  const checked = checkAlias(input.alias, input.kind);
  if ('code' in checked) return err(checked);
  type Out = { alias: CustomerAlias };
  return transactResult<Out, MatchingSettingsError>(db, async (tx) => {
    const customer = await loadCustomer(tx, input.customerId);
    if (!customer) return err({ code: 'customer_not_found', customerId: input.customerId });
    const alias = await insertAlias(tx, customer.id, checked.alias, checked.kind, actor.name);
    if (!alias) {
      return err({ code: 'alias_taken', customerId: customer.id, alias: checked.alias });
    }
    await writeAudit(tx, actor, {
      action: 'customer.alias_add', entityType: 'customer_alias', entityId: alias.id,
      customerId: customer.id, after: { alias: alias.alias, kind: alias.kind },
    });
    return ok({ alias });
  });
}
