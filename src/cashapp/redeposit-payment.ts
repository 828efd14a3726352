/**
 * A returned payment deposited again (a check re-presented, an ACH re-initiated after R01): a new
 * payment for the returned amount, applied to exactly the items the returned payment had paid,
 * as far as they are still open. The return is marked redeposited.
 */
import { writeAudit, type Actor } from '../db/audit.ts';
import type { Db } from '../db/connection.ts';
import { loadDocuments, transactResult } from '../db/documents.ts';
import type { IsoDate } from '../domain/dates.ts';
import type { Cents } from '../domain/money.ts';
import { err, ok, type Result } from '../domain/result.ts';
import { checkPostInput, postDocumentInTx } from '../ledger/post-document.ts';
import { applyProposalInTx } from './apply-proposal.ts';
import type { CashappError } from './errors.ts';
import { loadPayments, setQueueState } from './store.ts';

export interface RedepositInput {
  returnId: number;
  depositedOn: IsoDate;
}

export interface Redeposited {
  paymentId: number;
  applicationIds: number[];
  unappliedCents: number;
}

export async function redepositPayment(
  db: Db, actor: Actor, input: RedepositInput,
): Promise<Result<Redeposited, CashappError>> {
  return transactResult(db, async (tx) => {
    const r = await tx.query<{ paymentId: number | null; status: string; amountCents: number;
      reopened: { debitId: number; amountCents: number }[] }>(
      `SELECT payment_id AS "paymentId", status, amount_cents AS "amountCents", reopened
       FROM payment_returns WHERE id = $1 FOR UPDATE`, [input.returnId]);
    const ret = r.rows[0];
    if (!ret) return err({ code: 'return_not_found', returnId: input.returnId });
    if (ret.status !== 'reversed' || ret.paymentId === null) {
      return err({ code: 'return_not_reversed', returnId: input.returnId });
    }
    const original = (await loadDocuments(tx, [ret.paymentId])).get(ret.paymentId)!;
    const post = {
      type: 'payment' as const, customerId: original.customerId,
      number: `${original.number}-REDEPOSIT`, documentDate: input.depositedOn,
      amountCents: ret.amountCents as Cents, method: original.method ?? 'check',
      payerName: original.payerName, externalId: `redeposit:${input.returnId}`,
    };
    const invalid = checkPostInput(post);
    if (invalid) return err(invalid);
    const posted = await postDocumentInTx(tx, actor, post);
    if (!posted.ok) return posted;
    const [payment] = await loadPayments(tx, [posted.value.document.id], true);
    const open = await loadDocuments(tx, ret.reopened.map((x) => x.debitId));
    const allocations = ret.reopened.flatMap((x) => {
      const amount = Math.min(x.amountCents, open.get(x.debitId)?.openCents ?? 0);
      return amount > 0 ? [{ documentId: x.debitId, appliedCents: amount as Cents,
        discountCents: 0 as Cents, writeOffCents: 0 as Cents }] : [];
    });
    let applicationIds: number[] = [];
    let unappliedCents = ret.amountCents;
    if (allocations.length > 0 && original.customerId !== null) {
      const a = await applyProposalInTx(tx, actor, payment!, {
        customerId: original.customerId, allocations, deductions: [],
      }, { method: 'redeposit', confidence: null, appliedOn: input.depositedOn });
      if (!a.ok) return a;
      applicationIds = a.value.applicationIds;
      unappliedCents = a.value.unappliedCents;
    }
    await setQueueState(tx, [payment!.id], unappliedCents > 0 ? 'review' : 'applied',
      actor.name);
    await tx.query(
      `UPDATE payment_returns SET status = 'redeposited', redeposit_payment_id = $2 WHERE id = $1`,
      [input.returnId, payment!.id]);
    await writeAudit(tx, actor, {
      action: 'payment.redeposit', entityType: 'payment_return', entityId: input.returnId,
      customerId: original.customerId, after: { paymentId: payment!.id, applicationIds },
    });
    return ok({ paymentId: payment!.id, applicationIds, unappliedCents });
  });
}
