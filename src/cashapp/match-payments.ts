/**
 * Runs the matching engine on payments and acts on its proposals: those at or above the
 * configured confidence are applied at once (apply-credit, deductions), the rest wait in the
 * research queue with their reasons. An automatic application the ledger refuses (a rule the
 * engine does not know, e.g. a write-off limit) falls back to review; nothing half-applied stays.
 */
import { writeAudit, type Actor } from '../db/audit.ts';
import type { Db, Queryable } from '../db/connection.ts';
import { transactResult } from '../db/documents.ts';
import type { IsoDate } from '../domain/dates.ts';
import { matchPayments as runEngine } from '../domain/matching/match-payment.ts';
import { ok, type Result } from '../domain/result.ts';
import { applyProposalInTx } from './apply-proposal.ts';
import { loadCashappConfig } from './config.ts';
import type { CashappError } from './errors.ts';
import { toPaymentToMatch } from './receipt-payment.ts';
import {
  insertProposals, loadMatchInputs, loadPayments, setQueueState, storedShape,
  type ProposalStatus, type QueueState, type StoredProposal,
} from './store.ts';

export interface MatchOutcome {
  paymentId: number;
  customerId: number | null;
  rule: string;
  confidence: number;
  autoApplied: boolean;
  queueState: QueueState;
  reasons: string[];
}

export interface MatchSummary {
  matched: number;
  autoApplied: number;
  review: number;
  outcomes: MatchOutcome[];
}

export async function matchPayments(
  db: Db, actor: Actor, paymentIds: readonly number[], today: IsoDate,
): Promise<Result<MatchSummary, CashappError>> {
  return transactResult(db, (tx) => matchPaymentsInTx(tx, actor, paymentIds, today));
}

/** Matches the still-unapplied payments among `paymentIds`, in id order. */
export async function matchPaymentsInTx(
  tx: Queryable, actor: Actor, paymentIds: readonly number[], today: IsoDate,
): Promise<Result<MatchSummary, CashappError>> {
  const payments = (await loadPayments(tx, paymentIds, true))
    .filter((p) => p.unappliedCents > 0);
  if (payments.length === 0) return ok({ matched: 0, autoApplied: 0, review: 0, outcomes: [] });
  const config = await loadCashappConfig(tx);
  const inputs = await loadMatchInputs(tx, [...new Set(payments.map((p) => p.currency))]);
  const proposals = runEngine(payments.map(toPaymentToMatch), {
    ...inputs, config: config.match, today,
  });
  const rows: Omit<StoredProposal, 'id'>[] = [];
  const outcomes: MatchOutcome[] = [];
  const byState = new Map<QueueState, number[]>();
  for (const [i, proposal] of proposals.entries()) {
    const payment = payments[i]!;
    const shape = storedShape(proposal);
    let status: ProposalStatus = 'pending';
    let reasons = shape.reasons;
    const known = payment.customerId === null || payment.customerId === shape.customerId;
    if (!known) reasons = [...reasons, 'the payment is posted to another customer: review'];
    if (proposal.autoApply && known && shape.customerId !== null) {
      await tx.query('SAVEPOINT cashapp_auto_apply');
      const r = await applyProposalInTx(tx, actor, payment, {
        customerId: shape.customerId, allocations: shape.allocations,
        deductions: shape.deductions,
      }, { method: proposal.rule, confidence: proposal.confidence,
        appliedOn: payment.valueDate ?? payment.documentDate });
      if (r.ok) {
        status = 'auto_applied';
        await tx.query('RELEASE SAVEPOINT cashapp_auto_apply');
      } else {
        await tx.query('ROLLBACK TO SAVEPOINT cashapp_auto_apply');
        reasons = [...reasons, `automatic application refused: ${r.error.code}: review`];
      }
    }
    const state: QueueState = status === 'auto_applied'
      ? (shape.unappliedCents > 0 ? 'on_account' : 'applied') : 'review';
    byState.set(state, [...(byState.get(state) ?? []), payment.id]);
    rows.push({ ...shape, reasons, status });
    outcomes.push({
      paymentId: payment.id, customerId: shape.customerId, rule: shape.rule,
      confidence: shape.confidence, autoApplied: status === 'auto_applied', queueState: state,
      reasons,
    });
  }
  await insertProposals(tx, rows);
  for (const [state, ids] of byState) await setQueueState(tx, ids, state, actor.name);
  const autoApplied = outcomes.filter((o) => o.autoApplied).length;
  await writeAudit(tx, actor, {
    action: 'cashapp.match', entityType: 'payment_batch', entityId: null,
    after: { payments: outcomes.length, autoApplied, paymentIds: outcomes.map((o) => o.paymentId) },
  });
  return ok({
    matched: outcomes.length, autoApplied, review: outcomes.length - autoApplied, outcomes,
  });
}
