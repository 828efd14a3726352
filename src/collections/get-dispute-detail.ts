import type { Queryable } from '../db/connection.ts';
import { daysBetween, type IsoDate } from '../domain/dates.ts';
import {
  allowedDisputeMoves, type CreditMemoApprovalStatus, type DisputeMove,
} from '../domain/collections/credit-memo-approvals.ts';
import { numberSetting } from './checks.ts';
import { loadDispute, type Dispute } from './disputes-store.ts';

// One dispute as its queue opens it: the account, each item with what is open on it now, the
// notes, credit memo approvals, the status history (from the audit log) and the moves allowed.

export interface DisputeItemDetail {
  documentId: number;
  number: string;
  type: string;
  documentDate: IsoDate;
  dueDate: IsoDate;
  itemAmountCents: number;
  openCents: number;
  disputedCents: number;
}

export interface DisputeNote {
  id: number;
  body: string;
  author: string;
  createdAt: string;
}

export interface CreditMemoApproval {
  id: number;
  disputeId: number;
  amountCents: number;
  currency: string;
  status: CreditMemoApprovalStatus;
  note: string | null;
  requestedBy: string;
  requestedOn: IsoDate;
  decidedBy: string | null;
  decidedOn: IsoDate | null;
  decisionNote: string | null;
}

export const APPROVAL_COLUMNS = `a.id, a.dispute_id AS "disputeId", a.amount_cents AS
  "amountCents", a.currency, a.status, a.note, a.requested_by AS "requestedBy",
  a.requested_on AS "requestedOn", a.decided_by AS "decidedBy", a.decided_on AS "decidedOn",
  a.decision_note AS "decisionNote"`;

export interface DisputeDetail {
  dispute: Omit<Dispute, 'items'>;
  customer: { id: number; accountNumber: string; name: string; collector: string | null;
    salesRep: string | null };
  ageDays: number;
  items: DisputeItemDetail[];
  notes: DisputeNote[];
  approvals: CreditMemoApproval[];
  history: { action: string; actor: string; at: string }[];
  creditMemoApprovalAboveCents: number;
  moves: DisputeMove[];
}

/** The dispute with everything its detail view shows, or undefined when there is none. */
export async function getDisputeDetail(
  db: Queryable, disputeId: number, asOf: IsoDate, byManager: boolean,
): Promise<DisputeDetail | undefined> {
  const found = await loadDispute(db, disputeId);
  if (!found) return undefined;
  const { items: _items, ...dispute } = found;
  const customer = await db.query<DisputeDetail['customer']>(
    `SELECT id, account_number AS "accountNumber", name, collector, sales_rep AS "salesRep"
     FROM customers WHERE id = $1`, [dispute.customerId]);
  const items = await db.query<DisputeItemDetail>(
    `SELECT x.id AS "documentId", x.number, x.type, x.document_date AS "documentDate",
       x.due_date AS "dueDate", x.amount_cents AS "itemAmountCents", x.open_cents AS "openCents",
       i.amount_cents AS "disputedCents"
     FROM dispute_items i JOIN documents x ON x.id = i.document_id
     WHERE i.dispute_id = $1 ORDER BY x.due_date, x.number`, [disputeId]);
  const notes = await db.query<DisputeNote>(
    `SELECT id, body, author, created_at AS "createdAt" FROM dispute_notes
     WHERE dispute_id = $1 ORDER BY id`, [disputeId]);
  const approvals = await db.query<CreditMemoApproval>(
    `SELECT ${APPROVAL_COLUMNS} FROM credit_memo_approvals a WHERE a.dispute_id = $1
     ORDER BY a.id`, [disputeId]);
  // The audit log by customer (indexed), narrowed to this dispute's entries.
  const history = await db.query<{ action: string; actor: string; at: string }>(
    `SELECT action, actor, at FROM audit_log
     WHERE customer_id = $1 AND entity_type IN ('dispute', 'credit_memo_approval')
       AND (entity_id = $2 OR (entity_type = 'credit_memo_approval'
         AND (after ->> 'disputeId') = $2))
     ORDER BY at, id`, [dispute.customerId, String(disputeId)]);
  const above = await numberSetting(db, 'credit_memo_approval_above_cents', 0);
  return {
    dispute, customer: customer.rows[0]!, ageDays: daysBetween(dispute.openedOn, asOf),
    items: items.rows,
    notes: notes.rows, approvals: approvals.rows, history: history.rows,
    creditMemoApprovalAboveCents: above,
    moves: allowedDisputeMoves({ from: dispute.status, amountCents: dispute.amountCents,
      byManager, creditMemoApprovalAboveCents: above }),
  };
}
