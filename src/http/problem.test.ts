import { describe, expect, it } from 'vitest';
import { COLLECTIONS_ERROR_STATUS, problemOf, statusOf } from './problem.ts';

// The collections codes each map to a status of their own (the Record type makes the map list
// every CollectionsError code); these rows pin the ones whose name alone would mislead.

describe('collections error statuses', () => {
  it.each([
    ['dispute_transition_not_allowed', 409],
    ['dunning_run_key_taken', 409],
    ['agency_placement_conflict', 409],
    ['placement_already_recalled', 409],
    ['write_off_request_already_decided', 409],
    ['write_off_items_changed', 409],
    ['amount_exceeds_open_items', 409],
    ['item_not_open_debit', 409],
    ['credit_memo_needs_manager_approval', 403],
    ['approver_must_not_be_requester', 403],
    ['role_may_not_approve_write_offs', 403],
    ['write_off_exceeds_approval_limit', 403],
    ['email_not_configured', 503],
    ['dispute_not_found', 404],
    ['placement_not_found', 404],
    ['write_off_request_not_found', 404],
    ['recipient_missing', 422],
    ['promise_date_before_today', 422],
    ['resolution_required', 422],
    ['job_not_found', 404],
    ['sales_rep_not_found', 404],
    ['date_range_invalid', 422],
    // Cash application: a state that refuses the action is a conflict.
    ['payment_is_returned', 409],
    ['proposal_is_stale', 409],
    ['remittance_advice_not_linked', 409],
    ['remittance_advice_already_linked', 409],
    ['payment_split_since_link', 409],
    ['split_already_reversed', 409],
    ['bank_file_malformed', 422],
  ])('%s -> %i', (code, status) => {
    expect(statusOf(code)).toBe(status);
    expect(problemOf(code, 'x')).toMatchObject({ status, code,
      type: `urn:arc:problem:${code}` });
  });

  it('answers every collections code with its mapped status (no name fallback)', () => {
    for (const [code, status] of Object.entries(COLLECTIONS_ERROR_STATUS)) {
      expect(statusOf(code), code).toBe(status);
    }
    expect(Object.keys(COLLECTIONS_ERROR_STATUS).length).toBeGreaterThanOrEqual(28);
  });
});
