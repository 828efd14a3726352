import { writeAudit, type Actor } from '../db/audit.ts';
import type { Db, Queryable } from '../db/connection.ts';
import {
  findCustomerByAccount, loadCustomer, transactResult, updateCustomerRow, type Customer,
} from '../db/documents.ts';
import { err, ok, type Result } from '../domain/result.ts';
import {
  checkCustomerFields, resolveTermsCode, type CreateCustomerInput,
} from './create-customer.ts';
import type { CustomerError } from './errors.ts';

/** Any field but the account number; `parentAccount: null` detaches from the parent. */
export type UpdateCustomerInput = Partial<Omit<CreateCustomerInput, 'accountNumber'>>;

/** Any constant: serializes hierarchy changes, so two concurrent moves cannot close a cycle. */
const HIERARCHY_LOCK = 7_310_101;

/**
 * Changes a customer; audited with before and after. Errors, in order: customer_not_found,
 * name_required, currency_invalid, credit_limit_must_not_be_negative, status_invalid,
 * terms_not_recognized, parent_not_found, parent_creates_cycle,
 * currency_fixed_once_documents_exist (documents keep the currency they were posted in).
 */
export async function updateCustomer(
  db: Db, actor: Actor, customerId: number, patch: UpdateCustomerInput,
): Promise<Result<Customer, CustomerError>> {
  return transactResult(db, (tx) => updateCustomerInTx(tx, actor, customerId, patch));
}

async function updateCustomerInTx(
  tx: Queryable, actor: Actor, customerId: number, patch: UpdateCustomerInput,
): Promise<Result<Customer, CustomerError>> {
  const before = await loadCustomer(tx, customerId, true);
  if (!before) return err({ code: 'customer_not_found', customerId });
  const invalid = checkCustomerFields(patch);
  if (invalid) return err(invalid);
  const after: Customer = { ...before };
  if (patch.name !== undefined) after.name = patch.name.trim();
  if (patch.creditLimitCents !== undefined) after.creditLimitCents = patch.creditLimitCents;
  if (patch.collector !== undefined) after.collector = patch.collector;
  if (patch.salesRep !== undefined) after.salesRep = patch.salesRep;
  if (patch.region !== undefined) after.region = patch.region;
  if (patch.status !== undefined) after.status = patch.status;
  if (patch.notes !== undefined) after.notes = patch.notes;
  if (patch.terms !== undefined) {
    const code = await resolveTermsCode(tx, patch.terms);
    if (code === undefined) return err({ code: 'terms_not_recognized', terms: patch.terms });
    after.termsCode = code;
  }
  if (patch.parentAccount !== undefined) {
    const parent = await resolveParent(tx, customerId, patch.parentAccount);
    if (!parent.ok) return parent;
    after.parentId = parent.value;
  }
  if (patch.currency !== undefined && patch.currency !== before.currency) {
    const r = await tx.query('SELECT 1 FROM documents WHERE customer_id = $1 LIMIT 1', [
      customerId,
    ]);
    if (r.rows.length > 0) return err({ code: 'currency_fixed_once_documents_exist' });
    after.currency = patch.currency;
  }
  const saved = await updateCustomerRow(tx, after);
  await writeAudit(tx, actor, {
    action: 'customer.update', entityType: 'customer', entityId: customerId, customerId,
    before, after: saved,
  });
  return ok(saved);
}

/** The new parent's id (null detaches), refusing a parent that is the customer or below it. */
async function resolveParent(
  tx: Queryable, customerId: number, parentAccount: string | null,
): Promise<Result<number | null, CustomerError>> {
  if (parentAccount === null || parentAccount.trim() === '') return ok(null);
  const parent = await findCustomerByAccount(tx, parentAccount.trim());
  if (!parent) return err({ code: 'parent_not_found', parentAccount });
  await tx.query('SELECT pg_advisory_xact_lock($1)', [HIERARCHY_LOCK]);
  // Walk up from the new parent: meeting the customer means it would become its own ancestor.
  const r = await tx.query<{ cycle: boolean }>(
    `WITH RECURSIVE up (id, parent_id) AS (
       SELECT id, parent_id FROM customers WHERE id = $1
       UNION
       SELECT c.id, c.parent_id FROM customers c JOIN up ON c.id = up.parent_id)
     SELECT EXISTS (SELECT 1 FROM up WHERE id = $2) AS cycle`,
    [parent.id, customerId],
  );
  if (r.rows[0]!.cycle) return err({ code: 'parent_creates_cycle', parentAccount });
  return ok(parent.id);
}
