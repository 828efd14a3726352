/**
 * The cash-application matching engine: for a payment, who paid (step 1), which open items it
 * pays (step 2) and what happens to residuals (step 3), with a confidence and the reasons.
 * Deterministic and pure: the same payment and context always give the same proposal.
 *
 * @example
 *   const proposals = matchPayments(payments, {
 *     customers, openItems, learnedAccounts, config: DEFAULT_MATCH_CONFIG, today: '2026-03-02',
 *   });
 *   proposals.filter((p) => p.autoApply) // apply these; the rest go to the research queue
 */
import type { IsoDate } from '../dates.ts';
import { cents, sum } from '../money.ts';
import { assert } from '../result.ts';
import {
  matchByAmount, money, oldestFirst, type AmountContext, type AmountMatch,
} from './amount-rules.ts';
import {
  assessCustomer, rankCustomers, type CustomerRanking, type RankedCustomer,
} from './identify-customer.ts';
import {
  buildMatchIndex, consume, openItemsOf, type MatchIndex, type MatchIndexInput,
} from './match-index.ts';
import { matchByReferences } from './reference-rules.ts';
import { paymentReferences, type PaymentReferences } from './references.ts';
import { noisyOr, SCORE } from './scores.ts';
import type { CustomerCandidate, MatchConfig, MatchProposal, PaymentToMatch } from './types.ts';

export interface MatchContext {
  index: MatchIndex;
  config: MatchConfig;
  /** Used as the payment date when a payment has none. */
  today: IsoDate;
}

/** Candidate customers tried beyond the best, when their evidence is close to it. */
const CANDIDATES_MAX = 3;
const CANDIDATE_GAP = 30;
/** Another candidate whose items fit this well, and who is this plausible, makes a rival. */
const RIVAL_MARGIN = 10;
const RIVAL_CUSTOMER_MIN = 50;
/** A payer account shared by many customers (a payment service): all of them are tried. */
const SHARED_CANDIDATES_MAX = 200;

function sharedOnly(c: RankedCustomer): boolean {
  return c.evidence.length > 0 && c.evidence.every((e) => e.kind === 'shared_account');
}

/**
 * Customers whose names the payer name fits equally well (near-twins in the customer master:
 * "Torres Brewing Corp." and "Torres Brewing"), with nothing else to say which one paid, all of
 * them among the candidates tried.
 */
function nameTwinsOnly(c: RankedCustomer): boolean {
  return c.evidence.length > 0 && c.evidence.every((e) => e.kind === 'payer_name' &&
    e.confidence === SCORE.nameAmbiguous && (e.rivals ?? Infinity) <= CANDIDATES_MAX);
}

/**
 * A payment from an account shared by many customers, or from a payer whose name fits a few
 * customers equally, with nothing else to say who paid: when the amount is exactly the open
 * balance of one item of exactly one of them (net of an allowed discount included), that
 * customer paid. A combination or a near amount is not enough.
 */
function identifyByAmount(tried: Scored[], shared: boolean): void {
  const exact = (t: Scored) => t.choice.confirmed && t.choice.settlements.length === 1 &&
    !t.choice.settlements[0]!.deduction && t.choice.settlements[0]!.excessCents === 0 &&
    t.choice.settlements[0]!.allocation.writeOffCents === 0 &&
    (t.choice.rule === 'exact_amount' || t.choice.rule === 'discounted_amount');
  const fits = tried.filter(exact);
  if (fits.length !== 1) return;
  const t = fits[0]!;
  t.customerConfidence = Math.max(t.customerConfidence, shared
    ? SCORE.sharedAccountAmountUnique : SCORE.nameTwinAmountUnique);
  t.customerReasons.push(`of the ${tried.length} customers ${shared ? 'this payer account pays '
    + 'for' : 'the payer name fits equally'}, only this one has an open item of exactly this ` +
    'amount');
}

/**
 * The customers whose items step 2 searches for a payment ranked so: the best, and those whose
 * evidence comes close to it (every customer of a shared payer account when that is all there
 * is). None when nobody is identified.
 */
export function triedCandidates(ranking: CustomerRanking): RankedCustomer[] {
  const [best] = ranking.candidates;
  if (!best || best.confidence <= 0) return [];
  const shared = sharedOnly(best);
  return ranking.candidates
    .filter((c) => c.confidence > 0 && c.confidence >= best.confidence - CANDIDATE_GAP)
    .filter((c) => !shared || sharedOnly(c))
    .slice(0, shared ? SHARED_CANDIDATES_MAX : CANDIDATES_MAX);
}

/** Step 2 for one customer: references first, then the amount, then oldest-first. */
function chooseItems(
  payment: PaymentToMatch,
  refs: PaymentReferences,
  customer: CustomerCandidate,
  ctx: AmountContext,
): AmountMatch {
  const byReference = matchByReferences(payment, refs, customer, ctx);
  if (byReference.choice) return byReference.choice;
  const items = openItemsOf(ctx.index, customer.id, payment.currency);
  const byAmount = matchByAmount(payment.amountCents, items, ctx, customer.policy);
  const notFound = byReference.notFound;
  const capNotFound = (m: AmountMatch) => {
    if (notFound.length === 0) return m;
    m.confidence = Math.min(m.confidence, SCORE.referenceNotFound);
    m.reasons.unshift(`remittance names ${notFound.join(', ')}: not an open item of the customer`);
    return m;
  };
  if (byAmount && byAmount.settlements.length > 0) return capNotFound(byAmount);
  const reasons = byAmount?.reasons ?? [`no open item or combination fits ${money(
    payment.amountCents)}`];
  if (customer.policy.oldestFirst) {
    const old = oldestFirst(payment.amountCents, items, ctx, customer.policy);
    if (old) return capNotFound({ ...old, reasons: [...reasons, ...old.reasons] });
  }
  return capNotFound({ rule: 'none', settlements: [], confidence: 0, reasons, confirmed: false });
}

interface Scored {
  candidate: RankedCustomer;
  customer: CustomerCandidate;
  choice: AmountMatch;
  customerConfidence: number;
  customerReasons: string[];
}

function score(candidate: RankedCustomer, customer: CustomerCandidate, choice: AmountMatch,
  ranking: CustomerRanking, payerName: string): Scored {
  const thirdParty = ranking.thirdParty ? payerName : null;
  const explained = new Set(choice.confirmed ? choice.resolvedRefs ?? [] : []);
  const assessed = explained.size > 0
    ? assessCustomer(candidate.customerId, ranking.evidence, thirdParty, explained)
    : candidate;
  let customerConfidence = assessed.confidence;
  const customerReasons = [...assessed.reasons];
  if (choice.confirmed) {
    customerConfidence = noisyOr(customerConfidence, SCORE.amountCorroboration);
    customerReasons.push('the amount ties to this customer\'s open items');
  }
  if (thirdParty !== null) customerConfidence = Math.min(customerConfidence, SCORE.thirdPartyCap);
  return { candidate, customer, choice, customerConfidence, customerReasons };
}

function overall(s: Scored): number {
  return Math.floor(Math.min(s.customerConfidence, s.choice.confidence));
}

function noCustomer(payment: PaymentToMatch, reasons: string[]): MatchProposal {
  return {
    paymentId: payment.id, customerId: null, customerConfidence: 0, customerReasons: reasons,
    allocations: [], deductions: [], unappliedCents: payment.amountCents, confidence: 0,
    rule: 'none', reasons: ['customer not identified: sent to review'], autoApply: false,
  };
}

/**
 * Proposes how to apply one payment. `context.index` comes from `buildMatchIndex`; build it once
 * per batch (see `matchPayments`).
 */
export function matchPayment(payment: PaymentToMatch, context: MatchContext): MatchProposal {
  assert(Number.isSafeInteger(payment.amountCents), 'payment amount must be integer cents');
  const { index, config } = context;
  const refs = paymentReferences(payment);
  const ranking = rankCustomers(payment, refs, index, config);
  const [best] = ranking.candidates;
  if (!best || best.confidence <= 0) {
    return noCustomer(payment, ['no account number, learned payer account, document ' +
      'reference or similar customer name']);
  }
  if (payment.amountCents <= 0) return noCustomer(payment, ['not a positive amount']);
  const ctx: AmountContext = { index, config, paidOn: payment.valueDate || context.today };
  const shared = sharedOnly(best);
  const tried = triedCandidates(ranking)
    .map((c) => {
      index.tried.add(c.customerId);
      const customer = index.customersById.get(c.customerId)!;
      const choice = chooseItems(payment, refs, customer, ctx);
      return score(c, customer, choice, ranking, payment.payer.name?.trim() ?? '');
    });
  if (shared) identifyByAmount(tried, true);
  else if (tried.length > 1 && tried.every((t) => nameTwinsOnly(t.candidate))) {
    identifyByAmount(tried, false);
  }
  tried.sort((a, b) => overall(b) - overall(a) || b.customerConfidence - a.customerConfidence);
  const chosen = tried[0]!;
  const rival = tried.slice(1).find((t) => t.choice.confirmed &&
    t.choice.confidence >= config.autoApplyConfidenceMin - RIVAL_MARGIN &&
    t.candidate.confidence >= RIVAL_CUSTOMER_MIN);
  if (chosen.choice.confirmed && rival) {
    chosen.customerConfidence = Math.min(chosen.customerConfidence,
      SCORE.amountFitsAnotherCustomer);
    chosen.customerReasons.push(`the amount also ties to open items of ${rival.customer.name}`);
  }
  return proposal(payment, chosen, config);
}

function proposal(payment: PaymentToMatch, s: Scored, config: MatchConfig): MatchProposal {
  const allocations = s.choice.settlements.map((x) => x.allocation)
    .filter((a) => a.appliedCents !== 0 || a.discountCents !== 0 || a.writeOffCents !== 0 ||
      s.choice.settlements.some((x) => x.deduction?.itemId === a.itemId));
  const deductions = s.choice.settlements.flatMap((x) => (x.deduction ? [x.deduction] : []));
  const applied = sum(allocations.map((a) => a.appliedCents));
  const unappliedCents = cents(payment.amountCents - applied);
  assert(unappliedCents >= 0, `allocations exceed payment ${payment.id}`);
  const confidence = s.choice.settlements.length === 0 ? 0 : overall(s);
  return {
    paymentId: payment.id,
    customerId: s.customer.id,
    customerConfidence: Math.floor(s.customerConfidence),
    customerReasons: s.customerReasons,
    allocations,
    deductions,
    unappliedCents,
    confidence,
    rule: s.choice.settlements.length === 0 ? 'none' : s.choice.rule,
    reasons: [`rule ${s.choice.rule}`, ...s.choice.reasons],
    autoApply: confidence >= config.autoApplyConfidenceMin && s.choice.settlements.length > 0,
  };
}

export interface MatchBatchInput extends MatchIndexInput {
  config: MatchConfig;
  today: IsoDate;
}

/**
 * Matches a batch: builds the index once, then proposes for each payment in order. An automatic
 * application reduces the open amounts later payments in the batch see, so no open amount is
 * applied twice. Oldest-first is the weakest rule, so it runs last: payments that fall to it are
 * matched again after all the others, leaving alone every item another payment of the batch
 * proposes to pay (automatically or for review).
 */
export function matchPayments(
  payments: readonly PaymentToMatch[],
  input: MatchBatchInput,
): MatchProposal[] {
  return matchPaymentsIndexed(payments, {
    index: buildMatchIndex(input), config: input.config, today: input.today,
  });
}

/** `matchPayments` with an index the caller built (and may have filled in steps). */
export function matchPaymentsIndexed(
  payments: readonly PaymentToMatch[],
  context: MatchContext,
): MatchProposal[] {
  const { index } = context;
  const results = payments.map((p) => {
    const result = matchPayment(p, context);
    if (result.rule === 'oldest_first') return result;
    for (const a of result.allocations) index.reserved.add(a.itemId);
    if (result.autoApply) consume(index, result);
    return result;
  });
  const unsettled = new Set(results.flatMap((r) => (r.rule !== 'oldest_first' && !r.autoApply &&
    r.customerId !== null ? [r.customerId] : [])));
  return results.map((result, i) => {
    if (result.rule !== 'oldest_first') return result;
    const again = matchPayment(payments[i]!, context);
    if (again.autoApply && again.rule === 'oldest_first' && unsettled.has(again.customerId!)) {
      holdOldestFirst(again);
    }
    if (again.autoApply) consume(index, again);
    for (const a of again.allocations) index.reserved.add(a.itemId);
    return again;
  });
}

/**
 * Oldest-first applies cash to what the customer's other payments leave open. When another
 * payment of the same customer in the batch waits for a clerk, nobody knows yet which items
 * that one pays, so the oldest-first application waits too.
 */
function holdOldestFirst(p: MatchProposal): void {
  p.autoApply = false;
  p.confidence = Math.min(p.confidence, SCORE.oldestFirst);
  p.reasons.push('another payment of this customer in the batch waits for a clerk: which items ' +
    'it pays decides what oldest first leaves open, so this one waits too');
}
