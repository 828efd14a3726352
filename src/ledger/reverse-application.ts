import { writeAudit, type Actor } from '../db/audit.ts';
import type { Db, Queryable } from '../db/connection.ts';
import {
  findApplicationReversal, findDocumentReversal, findDocumentsByExternalId,
  insertApplicationReversal, insertVoidingDocument, liveApplications, loadApplication,
  lockDocuments, transactResult, type Application, type LedgerDocument, type WrittenReversal,
} from '../db/documents.ts';
import { isIsoDate, type IsoDate } from '../domain/dates.ts';
import { err, ok, type Result } from '../domain/result.ts';
import { adjustmentExternalId } from './apply-credit.ts';
import type { ReverseApplicationError } from './errors.ts';

export interface ReverseApplicationInput {
  applicationId: number;
  /** Why (required): kept on the reversing row and in the audit log, with the actor. */
  reason: string;
  /** On or after the original's applied_on. */
  effectiveDate: IsoDate;
  /**
   * Also reverse the discount and write-off taken with this application (same apply call) and
   * void those documents, so the debit reopens in full. Without it they are only reported.
   */
  includeAdjustments?: boolean;
}

/** A discount/write-off taken with the application, un-applied and voided with it. */
export interface ReversedAdjustment {
  document: LedgerDocument;
  reversals: Application[];
  voidDocument: LedgerDocument | null;
}

export interface ReverseApplicationOutcome {
  reversal: Application;
  credit: LedgerDocument;
  debit: LedgerDocument;
  adjustments: ReversedAdjustment[];
  /** Adjustments taken with the application that are still applied: offer to reverse them. */
  adjustmentsLeft: LedgerDocument[];
}

/**
 * Un-applies an application by a reversing row (negative amount, reverses_id): both open amounts
 * are restored and the journal movement negated. Errors, in order: see ReverseApplicationError.
 */
export async function reverseApplication(
  db: Db, actor: Actor, input: ReverseApplicationInput,
): Promise<Result<ReverseApplicationOutcome, ReverseApplicationError>> {
  return transactResult(db, (tx) => reverseApplicationInTx(tx, actor, input));
}

/** The input checks every reversal shares. */
export function checkReversalShape(
  reason: string, effectiveDate: string,
): { code: 'reason_required' } | { code: 'effective_date_invalid'; date: string } | null {
  if (reason.trim() === '') return { code: 'reason_required' };
  if (!isIsoDate(effectiveDate)) return { code: 'effective_date_invalid', date: effectiveDate };
  return null;
}

export async function reverseApplicationInTx(
  tx: Queryable, actor: Actor, input: ReverseApplicationInput,
): Promise<Result<ReverseApplicationOutcome, ReverseApplicationError>> {
  const shape = checkReversalShape(input.reason, input.effectiveDate);
  if (shape) return err(shape);
  const applicationId = input.applicationId;
  const app = await loadApplication(tx, applicationId);
  if (!app) return err({ code: 'application_not_found', applicationId });
  if (app.reversesId !== null) return err({ code: 'application_is_a_reversal', applicationId });
  const linked = await findDocumentsByExternalId(tx, [
    adjustmentExternalId('discount', app.id), adjustmentExternalId('write_off', app.id),
  ]);
  const docs = await lockDocuments(tx, [app.creditId, app.debitId, ...linked.map((d) => d.id)]);
  // Checked under the locks: a concurrent reversal of the same row has committed or waits.
  const reversalId = await findApplicationReversal(tx, app.id);
  if (reversalId !== undefined) {
    return err({ code: 'application_already_reversed', applicationId, reversalId });
  }
  const credit = docs.get(app.creditId)!;
  const debit = docs.get(app.debitId)!;
  if (credit.reversesId === debit.id || debit.reversesId === credit.id) {
    return err({ code: 'application_closes_a_reversal', applicationId });
  }
  if (input.effectiveDate < app.appliedOn) {
    return err({ code: 'effective_before_applied_on', applicationId, appliedOn: app.appliedOn });
  }
  const w: WrittenReversal = {
    reason: input.reason.trim(), effectiveDate: input.effectiveDate, createdBy: actor.name,
  };
  const done = await insertApplicationReversal(tx, app, credit, debit, w);
  let debitNow = done.debit;
  const adjustments: ReversedAdjustment[] = [];
  const adjustmentsLeft: LedgerDocument[] = [];
  for (const adjustment of linked.map((d) => docs.get(d.id)!)) {
    const live = (await liveApplications(tx, adjustment.id)).filter(
      (a) => a.debitId === debit.id && a.appliedOn <= input.effectiveDate);
    if (live.length === 0) continue;
    if (!input.includeAdjustments) {
      adjustmentsLeft.push(adjustment);
      continue;
    }
    const r = await reverseAdjustment(tx, adjustment, live, debitNow, w);
    debitNow = r.debit;
    adjustments.push(r.adjustment);
  }
  await writeAudit(tx, actor, {
    action: 'application.reverse', entityType: 'application', entityId: app.id,
    customerId: debit.customerId,
    before: {
      application: app, creditOpenCents: credit.openCents, debitOpenCents: debit.openCents,
    },
    after: {
      reversal: done.reversal, creditOpenCents: done.credit.openCents,
      debitOpenCents: debitNow.openCents,
      adjustments: adjustments.map((a) => ({
        documentId: a.document.id, reversalIds: a.reversals.map((x) => x.id),
        voidDocumentId: a.voidDocument?.id ?? null,
      })),
    },
  });
  return ok({
    reversal: done.reversal, credit: done.credit, debit: debitNow, adjustments, adjustmentsLeft,
  });
}

/** Un-applies a discount/write-off from the debit, then voids it when nothing else uses it. */
async function reverseAdjustment(
  tx: Queryable, adjustment: LedgerDocument, live: Application[], debit: LedgerDocument,
  w: WrittenReversal,
): Promise<{ adjustment: ReversedAdjustment; debit: LedgerDocument }> {
  let document = adjustment;
  let debitNow = debit;
  const reversals: Application[] = [];
  for (const a of live) {
    const r = await insertApplicationReversal(tx, a, document, debitNow, w);
    document = r.credit;
    debitNow = r.debit;
    reversals.push(r.reversal);
  }
  let voidDocument: LedgerDocument | null = null;
  const untouched = document.openCents === document.amountCents;
  if (untouched && (await findDocumentReversal(tx, document.id)) === undefined) {
    const v = await insertVoidingDocument(tx, document, w);
    document = v.original;
    voidDocument = v.reversal;
  }
  return { adjustment: { document, reversals, voidDocument }, debit: debitNow };
}
