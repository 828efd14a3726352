/**
 * A clerk undoes a wrong link between a remittance advice (X12 820) and a deposit. Linking put
 * the advice's lines into the deposit's remittance and matched the deposit with them; unlinking
 * reverses that by the ledger's rules, never by deleting:
 * - every application of the deposit's cash made since the link (automatic or a clerk's, made
 *   while the advice's lines were the deposit's remittance) is reversed, with the discounts and
 *   write-offs taken with it;
 * - the credit memos the deposit's accepted or automatic proposals netted since the link are
 *   un-applied from the same items;
 * - the deductions (short pays) the deposit opened since the link are voided, unless a collector
 *   has resolved one already (then it stays and is reported);
 * - the deposit's remittance is what it was before the link (kept on the advice when linking),
 *   a pending suggestion made from the advice's lines is superseded, and the deposit goes back to
 *   the research queue for review;
 * - the advice waits unlinked again, with the reason as its note.
 * A split of the deposit made since the link must be undone first: its transfers are
 * applications of the deposit too. What was learned about the payer is kept, as for any
 * reversed application.
 */
import { writeAudit, type Actor } from '../db/audit.ts';
import type { Db, Queryable } from '../db/connection.ts';
import { liveApplications, transactResult } from '../db/documents.ts';
import type { IsoDate } from '../domain/dates.ts';
import type { Cents } from '../domain/money.ts';
import { err, ok, type Result } from '../domain/result.ts';
import { checkReversalShape, reverseApplicationInTx } from '../ledger/reverse-application.ts';
import { reverseDocumentInTx } from '../ledger/reverse-document.ts';
import type { CashappError } from './errors.ts';
import { loadPayments, queueStateOf, setQueueState } from './store.ts';

export interface UnlinkAdviceInput {
  adviceId: number;
  /** Why (required): on every reversing row, the advice's note and the audit log. */
  reason: string;
  /** The reversals' date: on or after every application reversed. */
  effectiveDate: IsoDate;
}

/** Why an unlink is refused, in the order checked (then the ledger's reversal codes). */
export type UnlinkAdviceError =
  | CashappError
  | { code: 'remittance_advice_not_found'; adviceId: number }
  | { code: 'remittance_advice_not_linked'; adviceId: number }
  | { code: 'payment_split_since_link'; paymentId: number; splitId: number };

export interface UnlinkedAdvice {
  adviceId: number;
  paymentId: number;
  reason: string;
  effectiveDate: IsoDate;
  reversedApplicationIds: number[];
  voidedDocumentIds: number[];
  /** Deductions a collector has worked since: kept, with their ids. */
  keptDeductionIds: number[];
  /** The deposit's unapplied cash after the reversals. */
  unappliedCents: Cents;
}

/** When the advice ($2) was linked. */
const LINKED_AT = 'SELECT linked_at FROM remittance_advices WHERE id = $2';

type Since = { paymentId: number; adviceId: number };

interface LinkedAdvice {
  id: number;
  paymentId: number | null;
  linkRule: string | null;
  linkedBy: string | null;
  linkedAt: Date | string | null;
  before: unknown;
}

export async function unlinkRemittanceAdvice(
  db: Db, actor: Actor, input: UnlinkAdviceInput,
): Promise<Result<UnlinkedAdvice, UnlinkAdviceError>> {
  return transactResult(db, (tx) => unlinkInTx(tx, actor, input));
}

async function unlinkInTx(
  tx: Queryable, actor: Actor, input: UnlinkAdviceInput,
): Promise<Result<UnlinkedAdvice, UnlinkAdviceError>> {
  const shape = checkReversalShape(input.reason, input.effectiveDate);
  if (shape) return err(shape);
  const a = await tx.query<LinkedAdvice>(
    `SELECT id, payment_id AS "paymentId", link_rule AS "linkRule", linked_by AS "linkedBy",
       linked_at AS "linkedAt", payment_remittance_before AS before
     FROM remittance_advices WHERE id = $1 FOR UPDATE`, [input.adviceId]);
  const advice = a.rows[0];
  if (!advice) return err({ code: 'remittance_advice_not_found', adviceId: input.adviceId });
  if (advice.paymentId === null) {
    return err({ code: 'remittance_advice_not_linked', adviceId: advice.id });
  }
  const paymentId = Number(advice.paymentId);
  await loadPayments(tx, [paymentId], true);
  // "Since the link" is compared in SQL: a JS Date would cut the timestamp to milliseconds.
  const since = { paymentId, adviceId: advice.id };
  const split = await tx.query<{ id: number }>(
    `SELECT id FROM payment_splits WHERE payment_id = $1 AND status = 'split'
       AND created_at >= (${LINKED_AT}) ORDER BY id LIMIT 1`, [paymentId, advice.id]);
  if (split.rows[0]) {
    return err({ code: 'payment_split_since_link', paymentId, splitId: split.rows[0].id });
  }
  const reason = `remittance advice ${advice.id} unlinked: ${input.reason.trim()}`;
  const w = { reason, effectiveDate: input.effectiveDate };
  const done = { reversedApplicationIds: [] as number[], voidedDocumentIds: [] as number[],
    keptDeductionIds: [] as number[] };
  const voided = await voidDeductionsSince(tx, actor, since, w, done);
  if (!voided.ok) return voided;
  for (const id of await applicationsSince(tx, since)) {
    const r = await reverseApplicationInTx(tx, actor, {
      applicationId: id, ...w, includeAdjustments: true });
    if (!r.ok) return r;
    done.reversedApplicationIds.push(id);
  }
  await restoreDeposit(tx, actor, paymentId, advice.before);
  await tx.query(
    `UPDATE remittance_advices SET payment_id = NULL, link_rule = NULL, link_reasons = $2,
       payment_remittance_before = NULL, linked_by = NULL, linked_at = NULL WHERE id = $1`,
    [advice.id, JSON.stringify([`unlinked from payment ${paymentId} by ${actor.name}: `
      + input.reason.trim()])]);
  const [payment] = await loadPayments(tx, [paymentId]);
  const outcome: UnlinkedAdvice = { adviceId: advice.id, paymentId, reason: input.reason.trim(),
    effectiveDate: input.effectiveDate, ...done, unappliedCents: payment!.unappliedCents };
  await writeAudit(tx, actor, {
    action: 'remittance_advice.unlink', entityType: 'remittance_advice', entityId: advice.id,
    customerId: payment!.customerId,
    before: { paymentId, rule: advice.linkRule, linkedBy: advice.linkedBy,
      linkedAt: advice.linkedAt },
    after: { ...outcome, paymentId: null, unlinkedFrom: paymentId, remittance: advice.before },
  });
  return ok(outcome);
}

/**
 * The live applications linking made: the deposit's own since the link, and those of the credit
 * memos its accepted or automatic proposals (since the link) netted against the same items, in
 * the same transaction as the proposal was carried out. Newest first.
 */
async function applicationsSince(tx: Queryable, since: Since): Promise<number[]> {
  // A returned deposit's own voiding application (payment against its reversal) stays.
  const r = await tx.query<{ id: number }>(
    `SELECT a.id FROM applications a
     WHERE a.reverses_id IS NULL AND a.created_at >= (${LINKED_AT})
       AND NOT EXISTS (SELECT 1 FROM applications r WHERE r.reverses_id = a.id)
       AND NOT EXISTS (SELECT 1 FROM documents x WHERE x.id = a.debit_id
         AND x.reverses_id = a.credit_id)
       AND (a.credit_id = $1 OR EXISTS (
         SELECT 1 FROM match_proposals p
         WHERE p.payment_id = $1 AND p.status IN ('auto_applied', 'accepted')
           AND a.created_at IN (p.created_at, p.decided_at)
           AND EXISTS (SELECT 1 FROM jsonb_array_elements(p.allocations) m
             WHERE (m->>'documentId')::bigint = a.credit_id AND (m->>'appliedCents')::bigint < 0)
           AND EXISTS (SELECT 1 FROM jsonb_array_elements(p.allocations) d
             WHERE (d->>'documentId')::bigint = a.debit_id
               AND (d->>'appliedCents')::bigint >= 0)))
     ORDER BY a.id DESC`, [since.paymentId, since.adviceId]);
  return r.rows.map((x) => Number(x.id));
}

type Written = { reason: string; effectiveDate: IsoDate };
type Done = { voidedDocumentIds: number[]; keptDeductionIds: number[] };

/** Voids the deductions the deposit opened since the link (as a returned payment does). */
async function voidDeductionsSince(
  tx: Queryable, actor: Actor, since: Since, w: Written, out: Done,
): Promise<Result<null, UnlinkAdviceError>> {
  const d = await tx.query<{ deductionId: number; transferId: number }>(
    `SELECT i.document_id AS "deductionId", i.transfer_document_id AS "transferId"
     FROM deduction_items i JOIN documents d ON d.id = i.document_id
     WHERE i.payment_id = $1 AND d.created_at >= (${LINKED_AT})
       AND NOT EXISTS (SELECT 1 FROM documents v WHERE v.reverses_id = d.id)
     ORDER BY i.document_id`, [since.paymentId, since.adviceId]);
  for (const row of d.rows) {
    if ((await liveApplications(tx, row.deductionId)).length > 0) {
      out.keptDeductionIds.push(Number(row.deductionId));
      continue;
    }
    for (const id of [row.transferId, row.deductionId]) {
      const r = await reverseDocumentInTx(tx, actor, { documentId: id, ...w, unapplyFirst: true });
      if (!r.ok) return r;
      out.voidedDocumentIds.push(Number(id));
    }
  }
  return ok(null);
}

/** The deposit's remittance as before the link, its suggestion superseded, back to review. */
async function restoreDeposit(
  tx: Queryable, actor: Actor, paymentId: number, before: unknown,
): Promise<void> {
  await tx.query(
    `UPDATE bank_payments SET remittance = coalesce($2::jsonb, '{"lines":[],"freeText":[]}')
     WHERE document_id = $1`, [paymentId, before === null ? null : JSON.stringify(before)]);
  await tx.query(
    `UPDATE match_proposals SET status = 'superseded', decided_at = now(), decided_by = $2
     WHERE payment_id = $1 AND status = 'pending'`, [paymentId, actor.name]);
  if (await queueStateOf(tx, paymentId) !== 'returned') {
    await setQueueState(tx, [paymentId], 'review', actor.name);
  }
}
