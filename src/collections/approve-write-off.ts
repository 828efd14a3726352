import { writeAudit, type Actor } from '../db/audit.ts';
import type { Db, Queryable } from '../db/connection.ts';
import { insertDocuments, loadSetting, transactResult } from '../db/documents.ts';
import { insertJournalEntry } from '../db/journal.ts';
import type { IsoDate } from '../domain/dates.ts';
import {
  checkWriteOffApproval, DEFAULT_WRITE_OFF_LIMITS, type WriteOffLimits,
} from '../domain/collections/write-offs.ts';
import { documentJournalLines } from '../domain/ledger.ts';
import type { Cents } from '../domain/money.ts';
import { err, ok, type Result } from '../domain/result.ts';
import { applyCreditInTx } from '../ledger/apply-credit.ts';
import { dateError } from './checks.ts';
import type { CollectionsError } from './errors.ts';
import { loadWriteOffRequest, type WriteOffRequest } from './request-write-off.ts';

export interface DecideWriteOffInput {
  requestId: number;
  approve: boolean;
  /** The approver's role: its limit comes from the setting write_off_approval_limits. */
  role: string;
  on: IsoDate;
}

/**
 * Approves (or rejects) a write-off request. Approving posts a write_off document (Dr bad debt,
 * Cr AR control) and applies it to the items through the ledger's applyCredit, all in one
 * transaction. Errors, in order: date_invalid, write_off_request_not_found,
 * write_off_request_already_decided, WriteOffApprovalError's (approving only),
 * write_off_items_changed (an item no longer has the amount open).
 */
export async function approveWriteOff(
  db: Db, actor: Actor, input: DecideWriteOffInput,
): Promise<Result<WriteOffRequest, CollectionsError>> {
  const bad = dateError('on', input.on);
  if (bad) return err(bad);
  return transactResult(db, (tx) => decideInTx(tx, actor, input));
}

async function decideInTx(
  tx: Queryable, actor: Actor, input: DecideWriteOffInput,
): Promise<Result<WriteOffRequest, CollectionsError>> {
  const request = await loadWriteOffRequest(tx, input.requestId, true);
  if (!request) return err({ code: 'write_off_request_not_found', requestId: input.requestId });
  if (request.status !== 'pending') {
    return err({ code: 'write_off_request_already_decided', requestId: request.id,
      status: request.status });
  }
  let documentId: number | null = null;
  if (input.approve) {
    const limits = (await loadSetting(tx, 'write_off_approval_limits') as WriteOffLimits | null)
      ?? DEFAULT_WRITE_OFF_LIMITS;
    const allowed = checkWriteOffApproval({ amountCents: request.amountCents,
      requestedBy: request.requestedBy, approver: actor.name, approverRole: input.role, limits });
    if (!allowed.ok) return allowed;
    const posted = await postWriteOff(tx, actor, request, input.on);
    if (!posted.ok) return posted;
    documentId = posted.value;
  }
  await tx.query(
    `UPDATE write_off_requests SET status = $2, decided_by = $3, decided_on = $4,
       write_off_document_id = $5 WHERE id = $1`,
    [request.id, input.approve ? 'approved' : 'rejected', actor.name, input.on, documentId]);
  const after = (await loadWriteOffRequest(tx, request.id))!;
  await writeAudit(tx, actor, {
    action: input.approve ? 'write_off.approve' : 'write_off.reject',
    entityType: 'write_off_request', entityId: request.id, customerId: request.customerId,
    before: { status: request.status }, after,
  });
  return ok(after);
}

async function postWriteOff(
  tx: Queryable, actor: Actor, request: WriteOffRequest, on: IsoDate,
): Promise<Result<number, CollectionsError>> {
  const amount = -request.amountCents as Cents;
  const [doc] = await insertDocuments(tx, [{
    customerId: request.customerId, type: 'write_off', number: `WO-REQ-${request.id}`,
    documentDate: on, dueDate: on, amountCents: amount, openCents: amount,
    currency: request.currency, memo: `bad debt: ${request.reason}`,
    externalId: `write_off_request:${request.id}`, createdBy: actor.name,
  }]);
  await insertJournalEntry(tx, {
    effectiveDate: on, kind: 'write_off', documentId: doc!.id, memo: request.reason,
    createdBy: actor.name,
  }, documentJournalLines('write_off', amount, request.currency));
  await writeAudit(tx, actor, { action: 'document.post', entityType: 'document',
    entityId: doc!.id, customerId: request.customerId, after: doc });
  const applied = await applyCreditInTx(tx, actor, {
    creditId: doc!.id, appliedOn: on, method: 'write_off',
    lines: request.items.map((i) => ({ debitId: i.documentId, amountCents: i.amountCents })),
  });
  if (!applied.ok) {
    const e = applied.error;
    const id = 'debitId' in e ? e.debitId : request.items[0]!.documentId;
    return err({ code: 'write_off_items_changed', documentId: id,
      openCents: 'openCents' in e ? e.openCents : 0 });
  }
  return ok(doc!.id);
}
