import { writeAudit, type Actor } from '../db/audit.ts';
import type { Db, Queryable } from '../db/connection.ts';
import {
  findDocumentReversal, findDocumentsByExternalId, insertVoidingDocument, liveApplications,
  loadDocuments, lockDocuments, transactResult, type Application, type LedgerDocument,
  type WrittenReversal,
} from '../db/documents.ts';
import type { IsoDate } from '../domain/dates.ts';
import { err, ok, type Result } from '../domain/result.ts';
import { adjustmentExternalId } from './apply-credit.ts';
import type { ReverseDocumentError } from './errors.ts';
import {
  checkReversalShape, reverseApplicationInTx, type ReverseApplicationOutcome,
} from './reverse-application.ts';

export interface ReverseDocumentInput {
  documentId: number;
  reason: string;
  /** The reversing document's date; on or after the original's document date. */
  effectiveDate: IsoDate;
  /**
   * Reverse the document's live applications first; the discounts and write-offs taken with
   * them (or on the document) are un-applied and voided too. Without it a document with
   * applications is refused.
   */
  unapplyFirst?: boolean;
}

export interface ReverseDocumentOutcome {
  /** The voided document, now closed (open zero). */
  original: LedgerDocument;
  /** The reversing document: a debit memo for a credit item, a credit memo for a debit item. */
  reversal: LedgerDocument;
  /** The application of the pair to each other. */
  application: Application;
  /** The applications reversed first (unapplyFirst). */
  unapplied: ReverseApplicationOutcome[];
  /** Reversing documents of the discounts/write-offs un-applied from a voided debit item. */
  voidedAdjustments: LedgerDocument[];
}

const ADJUSTMENT_TYPES: readonly string[] = ['discount', 'write_off'];

/**
 * Voids a posted document: a reversing document of the opposite sign (reverses_id set) whose
 * journal entry negates the original's posting exactly, applied to the original so both close.
 * Errors, in order: see ReverseDocumentError.
 */
export async function reverseDocument(
  db: Db, actor: Actor, input: ReverseDocumentInput,
): Promise<Result<ReverseDocumentOutcome, ReverseDocumentError>> {
  return transactResult(db, (tx) => reverseDocumentInTx(tx, actor, input));
}

export async function reverseDocumentInTx(
  tx: Queryable, actor: Actor, input: ReverseDocumentInput,
): Promise<Result<ReverseDocumentOutcome, ReverseDocumentError>> {
  const shape = checkReversalShape(input.reason, input.effectiveDate);
  if (shape) return err(shape);
  const documentId = input.documentId;
  const docs = input.unapplyFirst
    ? await lockWithCounterparts(tx, documentId)
    : await lockDocuments(tx, [documentId]);
  const doc = docs.get(documentId);
  if (!doc) return err({ code: 'document_not_found', documentId });
  if (doc.reversesId !== null) return err({ code: 'document_is_a_reversal', documentId });
  const reversalId = await findDocumentReversal(tx, documentId);
  if (reversalId !== undefined) {
    return err({ code: 'document_already_reversed', documentId, reversalId });
  }
  if (input.effectiveDate < doc.documentDate) {
    return err({ code: 'effective_before_document_date', documentDate: doc.documentDate });
  }
  let live = await liveApplications(tx, documentId);
  if (live.length > 0 && !input.unapplyFirst) {
    return err({
      code: 'document_has_applications', documentId, applicationIds: live.map((a) => a.id),
    });
  }
  const w: WrittenReversal = {
    reason: input.reason.trim(), effectiveDate: input.effectiveDate, createdBy: actor.name,
  };
  const unapplied: ReverseApplicationOutcome[] = [];
  const voidedAdjustments: LedgerDocument[] = [];
  while (live[0]) {
    const r = await reverseApplicationInTx(tx, actor, {
      applicationId: live[0].id, reason: input.reason, effectiveDate: input.effectiveDate,
      includeAdjustments: true,
    });
    if (!r.ok) return r;
    unapplied.push(r.value);
    // A discount or write-off exists only for the item it was taken on: it goes with it.
    const adjustment = r.value.credit;
    if (adjustment.id !== documentId && ADJUSTMENT_TYPES.includes(adjustment.type)
      && adjustment.openCents === adjustment.amountCents
      && (await findDocumentReversal(tx, adjustment.id)) === undefined) {
      voidedAdjustments.push((await insertVoidingDocument(tx, adjustment, w)).reversal);
    }
    live = await liveApplications(tx, documentId);
  }
  const current = (await loadDocuments(tx, [documentId])).get(documentId)!;
  const v = await insertVoidingDocument(tx, current, w);
  await writeAudit(tx, actor, {
    action: 'document.reverse', entityType: 'document', entityId: documentId,
    customerId: doc.customerId, before: doc,
    after: {
      original: v.original, reversal: v.reversal, application: v.application,
      unappliedApplicationIds: unapplied.map((u) => u.reversal.reversesId),
      voidedAdjustmentIds: voidedAdjustments.map((d) => d.reversesId),
    },
  });
  return ok({
    original: v.original, reversal: v.reversal, application: v.application, unapplied,
    voidedAdjustments,
  });
}

/**
 * Locks the document with every document its live applications touch (and the adjustments taken
 * with them) in one id-ordered statement, so un-applying takes no lock out of order. Repeats when
 * an application arrived between the read and the lock.
 */
async function lockWithCounterparts(
  tx: Queryable, documentId: number,
): Promise<Map<number, LedgerDocument>> {
  for (let attempt = 1; ; attempt++) {
    const live = await liveApplications(tx, documentId);
    const adjustments = await findDocumentsByExternalId(tx, live.flatMap((a) => [
      adjustmentExternalId('discount', a.id), adjustmentExternalId('write_off', a.id),
    ]));
    const docs = await lockDocuments(tx, [
      documentId, ...live.flatMap((a) => [a.creditId, a.debitId]), ...adjustments.map((d) => d.id),
    ]);
    const now = await liveApplications(tx, documentId);
    const covered = now.every((a) => docs.has(a.creditId) && docs.has(a.debitId));
    if (covered || attempt === 3) return docs;
  }
}
