import type { Queryable } from '../db/connection.ts';
import type { DisputeReason } from '../domain/collections/disputes.ts';
import { APPROVAL_COLUMNS, type CreditMemoApproval } from './get-dispute-detail.ts';

export interface CreditMemoApprovalEntry extends CreditMemoApproval {
  customerId: number;
  accountNumber: string;
  customerName: string;
  reasonCode: DisputeReason;
  kind: 'dispute' | 'deduction';
  owner: string | null;
  disputeStatus: string;
  requestedByName: string | null;
}

/**
 * The managers' approval queue: pending credit memo requests on disputes still in review, oldest
 * first; or the decided ones, newest first. A request whose dispute moved on without it (someone
 * resolved it another way) is no longer waiting and does not show as pending.
 */
export async function listCreditMemoApprovals(
  db: Queryable, q: { status: 'pending' | 'decided'; limit: number },
): Promise<CreditMemoApprovalEntry[]> {
  const filter = q.status === 'pending' ? `a.status = 'pending' AND d.status = 'in_review'`
    : `a.status <> 'pending'`;
  const order = q.status === 'pending' ? 'a.requested_on, a.id' : 'a.decided_on DESC, a.id DESC';
  const r = await db.query<CreditMemoApprovalEntry>(
    `SELECT ${APPROVAL_COLUMNS}, d.customer_id AS "customerId",
       c.account_number AS "accountNumber", c.name AS "customerName",
       d.reason_code AS "reasonCode", d.kind, d.owner, d.status AS "disputeStatus",
       u.display_name AS "requestedByName"
     FROM credit_memo_approvals a JOIN disputes d ON d.id = a.dispute_id
     JOIN customers c ON c.id = d.customer_id LEFT JOIN users u ON u.username = a.requested_by
     WHERE ${filter} ORDER BY ${order} LIMIT $1`, [q.limit]);
  return r.rows;
}
