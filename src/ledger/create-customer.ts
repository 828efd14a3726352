import { writeAudit, type Actor } from '../db/audit.ts';
import type { Db, Queryable } from '../db/connection.ts';
import {
  CUSTOMER_STATUSES, findCustomerByAccount, insertCustomer, insertTerms, isUniqueViolation,
  loadSetting, termsCodeExists, transactResult, type Customer, type CustomerStatus,
} from '../db/documents.ts';
import { isCurrencyCode, type Cents } from '../domain/money.ts';
import { err, ok, type Result } from '../domain/result.ts';
import { describeTerms, parseTerms, termsCode } from '../domain/terms.ts';
import type { CustomerError } from './errors.ts';

/** What a person or system gives to create a customer; optional fields take defaults. */
export interface CreateCustomerInput {
  accountNumber: string;
  name: string;
  /** A code in `terms` ("2/10NET30") or terms as people write them ("2/10 net 30"). */
  terms?: string;
  creditLimitCents?: Cents | null;
  /** ISO 4217; default: the `base_currency` setting. */
  currency?: string;
  collector?: string | null;
  salesRep?: string | null;
  region?: string | null;
  /** The parent (bill-to) customer's account number, for credit grouping. */
  parentAccount?: string | null;
  status?: CustomerStatus;
  notes?: string | null;
}

/**
 * Creates a customer. Errors, in order: account_number_required, name_required,
 * currency_invalid, credit_limit_must_not_be_negative, status_invalid, terms_not_recognized,
 * account_number_taken, parent_not_found.
 */
export async function createCustomer(
  db: Db, actor: Actor, input: CreateCustomerInput,
): Promise<Result<Customer, CustomerError>> {
  const invalid = checkCustomerFields(input);
  if (invalid) return err(invalid);
  try {
    return await transactResult(db, (tx) => createCustomerInTx(tx, actor, input));
  } catch (e) {
    // Two creates of the same account at once: the loser hears what a later one would.
    if (isUniqueViolation(e, 'customers_account_number_key')) {
      return err({ code: 'account_number_taken', accountNumber: input.accountNumber.trim() });
    }
    throw e;
  }
}

async function createCustomerInTx(
  tx: Queryable, actor: Actor, input: CreateCustomerInput,
): Promise<Result<Customer, CustomerError>> {
  const terms = await resolveTermsCode(tx, input.terms ?? 'NET30');
  if (terms === undefined) return err({ code: 'terms_not_recognized', terms: input.terms ?? '' });
  const accountNumber = input.accountNumber.trim();
  if (await findCustomerByAccount(tx, accountNumber)) {
    return err({ code: 'account_number_taken', accountNumber });
  }
  let parentId: number | null = null;
  if (input.parentAccount) {
    const parent = await findCustomerByAccount(tx, input.parentAccount);
    if (!parent) return err({ code: 'parent_not_found', parentAccount: input.parentAccount });
    parentId = parent.id;
  }
  const customer = await insertCustomer(tx, {
    accountNumber, name: input.name.trim(), parentId, termsCode: terms,
    creditLimitCents: input.creditLimitCents ?? null,
    currency: input.currency ?? String(await loadSetting(tx, 'base_currency') ?? 'USD'),
    collector: input.collector ?? null, salesRep: input.salesRep ?? null,
    region: input.region ?? null, status: input.status ?? 'active', notes: input.notes ?? null,
  });
  await writeAudit(tx, actor, {
    action: 'customer.create', entityType: 'customer', entityId: customer.id,
    customerId: customer.id, after: customer,
  });
  return ok(customer);
}

/** The checks that need no database, shared by create and update (first failing rule wins). */
export function checkCustomerFields(c: {
  accountNumber?: string; name?: string; currency?: string;
  creditLimitCents?: Cents | null; status?: string;
}): CustomerError | null {
  if (c.accountNumber !== undefined && c.accountNumber.trim() === '') {
    return { code: 'account_number_required' };
  }
  if (c.name !== undefined && c.name.trim() === '') return { code: 'name_required' };
  if (c.currency !== undefined && !isCurrencyCode(c.currency)) {
    return { code: 'currency_invalid', currency: c.currency };
  }
  if (c.creditLimitCents !== undefined && c.creditLimitCents !== null) {
    if (!Number.isSafeInteger(c.creditLimitCents) || c.creditLimitCents < 0) {
      return { code: 'credit_limit_must_not_be_negative' };
    }
  }
  if (c.status !== undefined && !(CUSTOMER_STATUSES as readonly string[]).includes(c.status)) {
    return { code: 'status_invalid', status: c.status };
  }
  return null;
}

/**
 * The terms code to store: `text` itself when it is a code in `terms`, else the canonical code of
 * what parseTerms reads (added to `terms` when new), else undefined.
 * @example resolveTermsCode(tx, '2/10 net 30') // '2/10NET30'
 */
export async function resolveTermsCode(tx: Queryable, text: string): Promise<string | undefined> {
  if (await termsCodeExists(tx, text)) return text;
  const parsed = parseTerms(text);
  if (!parsed.ok) return undefined;
  const code = termsCode(parsed.value);
  await insertTerms(tx, code, describeTerms(parsed.value), parsed.value);
  return code;
}
