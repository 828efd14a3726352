import type { DisputeChangeError } from '../domain/collections/disputes.ts';
import type { WriteOffApprovalError } from '../domain/collections/write-offs.ts';

/**
 * The expected failures of the collections use cases; each use case's doc comment lists the ones
 * it returns in the order checked. HTTP statuses follow the codes' names (problem.ts fallback:
 * *_not_found 404, *_conflict/_taken 409, else 422).
 */
export type CollectionsError =
  | { code: 'customer_not_found'; customerId: number }
  | { code: 'date_invalid'; field: string; date: string }
  | { code: 'amount_must_be_positive' }
  | { code: 'text_required'; field: string }
  | { code: 'value_not_allowed'; field: string; value: string }
  | { code: 'contact_not_found'; contactId: number }
  | { code: 'item_not_found'; documentId: number }
  | { code: 'item_not_on_account'; documentId: number }
  | { code: 'item_not_open_debit'; documentId: number }
  | { code: 'amount_exceeds_open_items'; openCents: number }
  | { code: 'promise_date_before_today'; promisedOn: string }
  | { code: 'dispute_not_found'; disputeId: number }
  | { code: 'agency_placement_conflict'; placementId: number }
  | { code: 'placement_not_found'; placementId: number }
  | { code: 'placement_already_recalled'; placementId: number }
  | { code: 'write_off_request_not_found'; requestId: number }
  | { code: 'write_off_request_already_decided'; requestId: number; status: string }
  | { code: 'write_off_items_changed'; documentId: number; openCents: number }
  | { code: 'dunning_run_key_taken'; runKey: string; runId: number }
  | { code: 'email_not_configured' }
  | { code: 'recipient_missing'; customerId: number }
  | DisputeChangeError
  | WriteOffApprovalError;

/** A sentence for people; the code stays the contract (same shape as the ledger's). */
export function describeCollectionsError(e: CollectionsError): string {
  const details = Object.entries(e)
    .filter(([k]) => k !== 'code')
    .map(([k, v]) => `${k} ${Array.isArray(v) ? v.join(',') : String(v)}`);
  const rule = e.code.replace(/_/g, ' ');
  return details.length === 0 ? rule : `${rule} (${details.join('; ')})`;
}
