import type { AgencyRecoveryError } from '../domain/collections/agency.ts';
import type {
  CreditMemoDecisionError, CreditMemoRequestError,
} from '../domain/collections/credit-memo-approvals.ts';
import type { EscalationChangeError } from '../domain/collections/escalations.ts';
import type { CollectionsError } from './errors.ts';

/**
 * The expected failures of the collections queue use cases (credit memo approvals, escalation
 * steps, agency recoveries, dispute notes) on top of CollectionsError. HTTP statuses follow the
 * codes' names (problem.ts fallback: *_not_found 404, *_conflict 409, else 422).
 */
export type CollectionsQueueError =
  | CollectionsError
  | CreditMemoRequestError
  | CreditMemoDecisionError
  | EscalationChangeError
  | AgencyRecoveryError
  | { code: 'credit_memo_approval_not_found'; approvalId: number }
  | { code: 'escalation_not_found'; escalationId: number };
