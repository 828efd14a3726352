import type { Queryable } from '../db/connection.ts';
import { loadSetting } from '../db/documents.ts';
import {
  checkWriteOffApproval, DEFAULT_WRITE_OFF_LIMITS, type WriteOffApprovalError,
  type WriteOffLimits,
} from '../domain/collections/write-offs.ts';
import type { WriteOffRequest } from './request-write-off.ts';

export interface WriteOffQueueEntry extends Omit<WriteOffRequest, 'items'> {
  accountNumber: string;
  customerName: string;
  collector: string | null;
  requestedByName: string | null;
  decidedByName: string | null;
  /** The posted write_off document's number (approved requests). */
  writeOffNumber: string | null;
  items: { documentId: number; number: string; amountCents: number }[];
  /** Whether the viewer may approve it, or the rule that stops them (pending requests). */
  approval: { allowed: true } | { allowed: false; error: WriteOffApprovalError } | null;
}

export interface WriteOffQueue {
  items: WriteOffQueueEntry[];
  /** Role -> the largest amount it approves (null: no limit), from write_off_approval_limits. */
  limits: WriteOffLimits;
}

/**
 * Write-off requests: the pending ones oldest first, or the decided ones (approved = posted,
 * rejected) newest first, each with its items and whether `viewer` may approve it.
 * `requestedBy` narrows to one person's requests (a collector's view).
 */
export async function listWriteOffRequests(db: Queryable, q: {
  status: 'pending' | 'approved' | 'rejected'; requestedBy?: string; limit: number;
  viewer: { username: string; role: string };
}): Promise<WriteOffQueue> {
  const limits = (await loadSetting(db, 'write_off_approval_limits') as WriteOffLimits | null)
    ?? DEFAULT_WRITE_OFF_LIMITS;
  const params: unknown[] = [q.status, q.limit];
  const mine = q.requestedBy ? `AND w.requested_by = $${params.push(q.requestedBy)}` : '';
  const order = q.status === 'pending' ? 'w.requested_on, w.id' : 'w.decided_on DESC, w.id DESC';
  const r = await db.query<Omit<WriteOffQueueEntry, 'approval'>>(
    `SELECT w.id, w.customer_id AS "customerId", w.reason, w.amount_cents AS "amountCents",
       w.currency, w.status, w.requested_by AS "requestedBy", w.requested_on AS "requestedOn",
       w.decided_by AS "decidedBy", w.decided_on AS "decidedOn",
       w.write_off_document_id AS "writeOffDocumentId", c.account_number AS "accountNumber",
       c.name AS "customerName", c.collector, ru.display_name AS "requestedByName",
       du.display_name AS "decidedByName", x.number AS "writeOffNumber",
       coalesce((SELECT json_agg(json_build_object('documentId', i.document_id,
           'number', y.number, 'amountCents', i.amount_cents) ORDER BY y.number)
         FROM write_off_request_items i JOIN documents y ON y.id = i.document_id
         WHERE i.request_id = w.id), '[]'::json) AS items
     FROM write_off_requests w JOIN customers c ON c.id = w.customer_id
     LEFT JOIN users ru ON ru.username = w.requested_by
     LEFT JOIN users du ON du.username = w.decided_by
     LEFT JOIN documents x ON x.id = w.write_off_document_id
     WHERE w.status = $1 ${mine} ORDER BY ${order} LIMIT $2`, params);
  return {
    limits,
    items: r.rows.map((w) => {
      if (w.status !== 'pending') return { ...w, approval: null };
      const c = checkWriteOffApproval({ amountCents: w.amountCents, requestedBy: w.requestedBy,
        approver: q.viewer.username, approverRole: q.viewer.role, limits });
      return { ...w, approval: c.ok ? { allowed: true as const }
        : { allowed: false as const, error: c.error } };
    }),
  };
}
