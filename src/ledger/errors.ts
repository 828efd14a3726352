/**
 * The expected failures of the ledger use cases, as typed results whose codes read as rules.
 * Each union lists its codes in the order they are checked (the first failing rule wins), so a
 * caller sees the same error for the same input however many rules it breaks.
 */

/** createCustomer / updateCustomer, in precedence order. */
export type CustomerError =
  | { code: 'customer_not_found'; customerId: number }
  | { code: 'account_number_required' }
  | { code: 'name_required' }
  | { code: 'currency_invalid'; currency: string }
  | { code: 'credit_limit_must_not_be_negative' }
  | { code: 'status_invalid'; status: string }
  | { code: 'terms_not_recognized'; terms: string }
  | { code: 'account_number_taken'; accountNumber: string }
  | { code: 'parent_not_found'; parentAccount: string }
  | { code: 'parent_creates_cycle'; parentAccount: string }
  | { code: 'currency_fixed_once_documents_exist' };

/** addContact, in precedence order. */
export type ContactError =
  | { code: 'customer_not_found'; customerId: number }
  | { code: 'contact_name_required' }
  | { code: 'email_invalid'; email: string };

/** postDocument, in precedence order. */
export type PostDocumentError =
  | { code: 'document_type_not_postable'; type: string }
  | { code: 'amount_must_be_positive' }
  | { code: 'document_date_invalid'; date: string }
  | { code: 'due_date_invalid'; date: string }
  | { code: 'due_before_document_date' }
  | { code: 'number_required' }
  | { code: 'method_required' }
  | { code: 'method_invalid'; method: string }
  | { code: 'method_only_for_payments' }
  | { code: 'customer_required' }
  | { code: 'currency_invalid'; currency: string }
  /** Same external_id, different content (same content returns the first document). */
  | { code: 'external_id_conflict'; externalId: string; documentId: number }
  | { code: 'customer_not_found'; customerId: number }
  | { code: 'currency_must_match_customer'; customerCurrency: string }
  | { code: 'document_number_taken'; type: string; number: string };

/**
 * applyCredit, in precedence order: input shape, then the documents (existence, kind, currency,
 * customer, dates), then the amounts. Rules are checked across all lines before the next rule.
 * `openCents` is what is still open on that side, as a positive amount.
 */
export type ApplyCreditError =
  | { code: 'lines_required' }
  | { code: 'applied_on_invalid'; date: string }
  | { code: 'debit_listed_twice'; debitId: number }
  | { code: 'credit_not_found'; creditId: number }
  | { code: 'not_a_credit_item'; creditId: number; type: string }
  | { code: 'debit_not_found'; debitId: number }
  | { code: 'not_a_debit_item'; debitId: number; type: string }
  | { code: 'currencies_must_match'; debitId: number; creditCurrency: string;
      debitCurrency: string }
  /** An unidentified payment (no customer) must be assigned to a customer before applying. */
  | { code: 'payment_unidentified'; creditId: number }
  /** Same customer, or one is the other's parent in the customer hierarchy. */
  | { code: 'customers_must_match'; debitId: number }
  | { code: 'applied_before_document_date'; documentId: number; documentDate: string }
  | { code: 'amount_must_be_positive'; debitId: number }
  | { code: 'amount_exceeds_open_balance'; debitId: number; openCents: number }
  | { code: 'amount_exceeds_credit_open_balance'; creditId: number; openCents: number }
  | { code: 'discount_exceeds_allowed'; debitId: number; allowedCents: number }
  | { code: 'write_off_exceeds_limit'; debitId: number; limitCents: number };

/** reverseApplication, in precedence order. */
export type ReverseApplicationError =
  | { code: 'reason_required' }
  | { code: 'effective_date_invalid'; date: string }
  | { code: 'application_not_found'; applicationId: number }
  | { code: 'application_is_a_reversal'; applicationId: number }
  | { code: 'application_already_reversed'; applicationId: number; reversalId: number }
  /** The application that pairs a voided document with its reversal stays (void the void). */
  | { code: 'application_closes_a_reversal'; applicationId: number }
  | { code: 'effective_before_applied_on'; applicationId: number; appliedOn: string };

/** reverseDocument, in precedence order (then, with unapplyFirst, reverseApplication's). */
export type ReverseDocumentError =
  | { code: 'reason_required' }
  | { code: 'effective_date_invalid'; date: string }
  | { code: 'document_not_found'; documentId: number }
  | { code: 'document_is_a_reversal'; documentId: number }
  | { code: 'document_already_reversed'; documentId: number; reversalId: number }
  | { code: 'effective_before_document_date'; documentDate: string }
  | { code: 'document_has_applications'; documentId: number; applicationIds: number[] }
  | ReverseApplicationError;

export type LedgerError =
  | CustomerError | ContactError | PostDocumentError | ApplyCreditError
  | ReverseApplicationError | ReverseDocumentError;
export type LedgerErrorCode = LedgerError['code'];

/** HTTP status per code, for the problem+json error map: 404 missing, 409 state, 422 input. */
export const LEDGER_ERROR_STATUS: Record<LedgerErrorCode, 404 | 409 | 422> = {
  customer_not_found: 404, credit_not_found: 404, debit_not_found: 404,
  application_not_found: 404, document_not_found: 404, parent_not_found: 422,
  account_number_taken: 409, external_id_conflict: 409, document_number_taken: 409,
  amount_exceeds_open_balance: 409, amount_exceeds_credit_open_balance: 409,
  application_already_reversed: 409, document_already_reversed: 409,
  document_has_applications: 409, currency_fixed_once_documents_exist: 409,
  account_number_required: 422, name_required: 422, currency_invalid: 422,
  credit_limit_must_not_be_negative: 422, status_invalid: 422, terms_not_recognized: 422,
  parent_creates_cycle: 422, contact_name_required: 422, email_invalid: 422,
  document_type_not_postable: 422, amount_must_be_positive: 422, document_date_invalid: 422,
  due_date_invalid: 422, due_before_document_date: 422, number_required: 422,
  method_required: 422, method_invalid: 422, method_only_for_payments: 422,
  customer_required: 422, currency_must_match_customer: 422, lines_required: 422,
  applied_on_invalid: 422, debit_listed_twice: 422, not_a_credit_item: 422,
  not_a_debit_item: 422, currencies_must_match: 422, payment_unidentified: 422,
  customers_must_match: 422, applied_before_document_date: 422, discount_exceeds_allowed: 422,
  write_off_exceeds_limit: 422, reason_required: 422, effective_date_invalid: 422,
  application_is_a_reversal: 422, application_closes_a_reversal: 422,
  effective_before_applied_on: 422, document_is_a_reversal: 422,
  effective_before_document_date: 422,
};

/** A sentence for people (CLI stderr, problem+json `detail`); the code stays the contract. */
export function describeLedgerError(e: LedgerError): string {
  const details = Object.entries(e)
    .filter(([k]) => k !== 'code')
    .map(([k, v]) => `${k} ${Array.isArray(v) ? v.join(',') : String(v)}`);
  const rule = e.code.replace(/_/g, ' ');
  return details.length === 0 ? rule : `${rule} (${details.join('; ')})`;
}
