/**
 * The expected failures of the cash-application use cases, as typed results whose codes read as
 * rules. Ledger errors from the use cases called underneath (apply-credit, reverse-document) pass
 * through unchanged.
 */
import type { BankFileError } from '../formats/bank/model.ts';
import type { LedgerError } from '../ledger/errors.ts';

export type CashappError =
  /** The file was refused by its parser: `record`/`line` and `reason` say where and why. */
  | { code: 'bank_file_malformed'; format?: string; record?: number; line?: number;
      reason: string }
  | { code: 'bank_file_unknown_format'; reason: string }
  | { code: 'bank_file_empty'; reason: string }
  | { code: 'payment_not_found'; paymentId: number }
  | { code: 'payment_is_returned'; paymentId: number }
  | { code: 'proposal_not_found'; paymentId: number }
  | { code: 'proposal_has_no_items'; paymentId: number }
  | { code: 'proposal_is_stale'; paymentId: number; documentId: number }
  | { code: 'customer_not_found'; account: string }
  | { code: 'payment_belongs_to_another_customer'; paymentId: number; customerId: number }
  | { code: 'currency_must_match_customer'; customerCurrency: string }
  | { code: 'document_not_found'; number: string }
  | { code: 'note_required' }
  | { code: 'return_not_found'; returnId: number }
  | { code: 'return_not_reversed'; returnId: number }
  | { code: 'payment_has_applications'; paymentId: number }
  | LedgerError;

export type CashappErrorCode = CashappError['code'];

/** The parser's refusal as a cash-application error. */
export function fromBankFileError(e: BankFileError): CashappError {
  if (e.code === 'empty_file') return { code: 'bank_file_empty', reason: e.reason };
  if (e.code === 'unknown_format') return { code: 'bank_file_unknown_format', reason: e.reason };
  return {
    code: 'bank_file_malformed', format: e.format, record: e.record, line: e.line,
    reason: e.reason,
  };
}

/** HTTP status per cash-application code (ledger codes use LEDGER_ERROR_STATUS). */
export const CASHAPP_ERROR_STATUS: Record<string, 404 | 409 | 422> = {
  bank_file_malformed: 422, bank_file_unknown_format: 422, bank_file_empty: 422,
  payment_not_found: 404, payment_is_returned: 409, proposal_not_found: 404,
  proposal_has_no_items: 409, proposal_is_stale: 409, customer_not_found: 404,
  payment_belongs_to_another_customer: 409, currency_must_match_customer: 422,
  document_not_found: 404, note_required: 422, return_not_found: 404,
  return_not_reversed: 409, payment_has_applications: 409,
  // The advice's or the split's state refuses it: link, unlink and undo in the other order.
  remittance_advice_already_linked: 409, remittance_advice_not_linked: 409,
  payment_split_since_link: 409, payment_has_remittance_advice: 409,
  split_already_reversed: 409, split_part_is_split: 409,
};

/** A sentence for people; the code stays the contract. */
export function describeCashappError(e: CashappError): string {
  if ('reason' in e && typeof e.reason === 'string') {
    const where = 'record' in e && e.record !== undefined ? ` (record ${e.record}` +
      `${e.line !== undefined ? `, line ${e.line}` : ''})` : '';
    return `${e.reason}${where}`;
  }
  const details = Object.entries(e)
    .filter(([k]) => k !== 'code')
    .map(([k, v]) => `${k} ${Array.isArray(v) ? v.join(',') : String(v)}`);
  const rule = e.code.replace(/_/g, ' ');
  return details.length === 0 ? rule : `${rule} (${details.join('; ')})`;
}
