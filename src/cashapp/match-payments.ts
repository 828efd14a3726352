/**
 * Runs the matching engine on payments and acts on its proposals: those at or above the
 * configured confidence are applied at once, the rest wait in the research queue with their
 * reasons. Proposals are applied together by the set-based path (apply-automatically.ts), credit
 * memos netted and deductions opened included; apply-proposal one by one is left for a proposal
 * that names no item. An automatic application the ledger refuses (a rule the engine does
 * not know, e.g. a write-off limit, or an open amount changed meanwhile) falls back to review;
 * nothing half-applied stays.
 */
import { writeAudit, type Actor } from '../db/audit.ts';
import type { Db, Queryable } from '../db/connection.ts';
import { transactResult } from '../db/documents.ts';
import type { IsoDate } from '../domain/dates.ts';
import { restartBatch } from '../domain/matching/match-index.ts';
import { matchPaymentsIndexed } from '../domain/matching/match-payment.ts';
import type { MatchProposal } from '../domain/matching/types.ts';
import { ok, type Result } from '../domain/result.ts';
import {
  applyAutomaticallyInTx, fitsBatchPath, type AutomaticApplication, type AutomaticOutcome,
} from './apply-automatically.ts';
import { applyProposalInTx } from './apply-proposal.ts';
import { loadCashappConfig } from './config.ts';
import type { CashappError } from './errors.ts';
import { addCustomersItems, loadMatchIndex } from './match-inputs.ts';
import { toPaymentToMatch, type StoredPayment } from './receipt-payment.ts';
import {
  insertProposals, loadPayments, setQueueState, storedShape,
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

/** Called with the time each phase took, for benchmarks. */
export type PhaseTimer = (phase: string, ms: number) => void;

export async function matchPayments(
  db: Db, actor: Actor, paymentIds: readonly number[], today: IsoDate,
): Promise<Result<MatchSummary, CashappError>> {
  return transactResult(db, (tx) => matchPaymentsInTx(tx, actor, paymentIds, today));
}

type Shape = ReturnType<typeof storedShape>;

/** Whether the engine wants it applied and the payment may be (not another customer's). */
function wanted(payment: StoredPayment, proposal: MatchProposal, shape: Shape): boolean {
  const known = payment.customerId === null || payment.customerId === shape.customerId;
  return proposal.autoApply && known && shape.customerId !== null;
}

/** The proposals that do not fit the batch path, one by one, each undone alone if refused. */
async function applyOneByOne(
  tx: Queryable, actor: Actor, payment: StoredPayment, proposal: MatchProposal, shape: Shape,
): Promise<AutomaticOutcome> {
  await tx.query('SAVEPOINT cashapp_auto_apply');
  const r = await applyProposalInTx(tx, actor, payment, {
    customerId: shape.customerId!, allocations: shape.allocations, deductions: shape.deductions,
  }, { method: proposal.rule, confidence: proposal.confidence,
    appliedOn: payment.valueDate ?? payment.documentDate });
  if (r.ok) {
    await tx.query('RELEASE SAVEPOINT cashapp_auto_apply');
    return { ok: true, unappliedCents: r.value.unappliedCents,
      applicationIds: r.value.applicationIds };
  }
  await tx.query('ROLLBACK TO SAVEPOINT cashapp_auto_apply');
  return { ok: false, code: r.error.code };
}

/** Matches the still-unapplied payments among `paymentIds`, in id order. */
export async function matchPaymentsInTx(
  tx: Queryable, actor: Actor, paymentIds: readonly number[], today: IsoDate,
  profile?: PhaseTimer,
): Promise<Result<MatchSummary, CashappError>> {
  let t = performance.now();
  const lap = (phase: string) => {
    const now = performance.now();
    profile?.(phase, now - t);
    t = now;
  };
  const payments = (await loadPayments(tx, paymentIds, true))
    .filter((p) => p.unappliedCents > 0);
  if (payments.length === 0) return ok({ matched: 0, autoApplied: 0, review: 0, outcomes: [] });
  const config = await loadCashappConfig(tx);
  const toMatch = payments.map(toPaymentToMatch);
  lap('load payments');
  const inputs = await loadMatchIndex(tx, toMatch, config.match, lap);
  const { index } = inputs;
  let proposals = matchPaymentsIndexed(toMatch, { index, config: config.match, today });
  for (;;) {
    // An application earlier in the batch made a later payment try a customer the evidence
    // names but not loaded (candidates.ts): load those and match the batch again, until every
    // customer tried was loaded (each round loads more, so this ends).
    const missing = inputs.others.filter((id) => index.tried.has(String(id)));
    if (missing.length === 0) break;
    inputs.others = inputs.others.filter((id) => !index.tried.has(String(id)));
    await addCustomersItems(tx, inputs, missing);
    restartBatch(index);
    proposals = matchPaymentsIndexed(toMatch, { index, config: config.match, today });
    profile?.('batches matched again', 1);
  }
  lap('engine');
  const shapes = proposals.map(storedShape);
  const batch: AutomaticApplication[] = [];
  payments.forEach((payment, i) => {
    const [proposal, shape] = [proposals[i]!, shapes[i]!];
    if (!wanted(payment, proposal, shape)) return;
    if (!fitsBatchPath(shape.allocations, shape.deductions)) return;
    batch.push({ payment, customerId: shape.customerId!, allocations: shape.allocations,
      deductions: shape.deductions, method: proposal.rule, confidence: proposal.confidence,
      valueDate: payment.valueDate ?? payment.documentDate });
  });
  const applied = await applyAutomaticallyInTx(tx, actor, batch,
    (id) => index.itemsById.get(String(id))?.openCents);
  lap('apply (batch)');
  let oneByOne = 0;
  for (const [i, payment] of payments.entries()) {
    const [proposal, shape] = [proposals[i]!, shapes[i]!];
    if (!wanted(payment, proposal, shape) || applied.has(payment.id)) continue;
    applied.set(payment.id, await applyOneByOne(tx, actor, payment, proposal, shape));
    oneByOne++;
  }
  lap('apply (one by one)');
  profile?.('payments applied one by one', oneByOne);
  const summary = await record(tx, actor, payments, proposals, shapes, applied);
  lap('proposals and queue');
  return ok(summary);
}

async function record(
  tx: Queryable, actor: Actor, payments: StoredPayment[], proposals: MatchProposal[],
  shapes: Shape[], applied: ReadonlyMap<number, AutomaticOutcome>,
): Promise<MatchSummary> {
  const rows: Omit<StoredProposal, 'id'>[] = [];
  const outcomes: MatchOutcome[] = [];
  const byState = new Map<QueueState, number[]>();
  for (const [i, payment] of payments.entries()) {
    const [proposal, shape] = [proposals[i]!, shapes[i]!];
    const r = applied.get(payment.id);
    let reasons = shape.reasons;
    const known = payment.customerId === null || payment.customerId === shape.customerId;
    if (!known) reasons = [...reasons, 'the payment is posted to another customer: review'];
    if (r && !r.ok) reasons = [...reasons, `automatic application refused: ${r.code}: review`];
    const status: ProposalStatus = r?.ok ? 'auto_applied' : 'pending';
    const state: QueueState = r?.ok ? (r.unappliedCents > 0 ? 'on_account' : 'applied')
      : 'review';
    byState.set(state, byState.get(state) ?? []).get(state)!.push(payment.id);
    rows.push({ ...shape, reasons, status });
    outcomes.push({
      paymentId: payment.id, customerId: shape.customerId, rule: shape.rule,
      confidence: proposal.confidence, autoApplied: status === 'auto_applied', queueState: state,
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
  return {
    matched: outcomes.length, autoApplied, review: outcomes.length - autoApplied, outcomes,
  };
}
