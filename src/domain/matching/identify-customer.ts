/**
 * Step 1: who paid. Each source of evidence (account number stated, payer bank account learned
 * from confirmed payments, documents named, payer name) yields a confidence for a customer; the
 * sources for the same customer combine, and evidence for another customer lowers it.
 */
import { learnedFor, type MatchIndex } from './match-index.ts';
import type { PaymentReferences } from './references.ts';
import { customersNamedBy } from './resolve.ts';
import { searchNames } from './name-search.ts';
import { nameForm } from './similarity.ts';
import { noisyOr, SCORE } from './scores.ts';
import type { MatchConfig, PaymentToMatch } from './types.ts';

export type EvidenceKind =
  | 'account_number'
  | 'learned_account'
  | 'shared_account'
  | 'document_reference'
  | 'payer_name';

export interface CustomerEvidence {
  customerId: string;
  kind: EvidenceKind;
  confidence: number;
  reason: string;
  /** For document references: the numbers as written. */
  refs?: string[];
  /** For a payer name as close to other customers' names: how many customers it fits so. */
  rivals?: number;
}

export interface RankedCustomer {
  customerId: string;
  confidence: number;
  reasons: string[];
  evidence: CustomerEvidence[];
}

export interface CustomerRanking {
  /** Best first. */
  candidates: RankedCustomer[];
  /** The payer names nobody we know and no account or learned account says who it is. */
  thirdParty: boolean;
  /** All evidence, for every customer. */
  evidence: CustomerEvidence[];
}

/** Bank fields that cut names: NACHA company name 16, individual name 22, SWIFT line 35. */
const TRUNCATING_LENGTHS = new Set([16, 22, 35]);

/** A customer whose name or alias resembles the payer name; `alias` when that was the closer. */
export interface SimilarName {
  customerId: string;
  score: number;
  alias?: string;
}

/** Customers whose name or alias resembles the payer name, best first. */
export function similarNames(
  payerName: string,
  index: MatchIndex,
  config: MatchConfig,
): SimilarName[] {
  const payer = nameForm(payerName);
  if (payer.key === '') return [];
  const truncated = TRUNCATING_LENGTHS.has(payerName.length) ||
    TRUNCATING_LENGTHS.has(payerName.trim().length);
  const search = index.nameSearch;
  const best = new Map<string, SimilarName>();
  for (const { at, score } of searchNames(search, payer, truncated, config.fuzzy.nameWeak)) {
    const entry = search.names[at]!;
    if (score > (best.get(entry.customerId)?.score ?? 0)) {
      best.set(entry.customerId, { customerId: entry.customerId, score,
        ...(entry.alias ? { alias: entry.text } : {}) });
    }
  }
  return [...best.values()]
    .sort((a, b) => b.score - a.score || a.customerId.localeCompare(b.customerId));
}

/** A payer name this much closer to one customer's name than to any other's identifies it. */
const NAME_MARGIN = 0.08;

/** Name evidence, computed once per payer name and batch (it does not depend on the items). */
function nameEvidence(payment: PaymentToMatch, index: MatchIndex, config: MatchConfig) {
  const raw = payment.payer.name ?? '';
  const key = `${config.fuzzy.nameStrong}|${config.fuzzy.nameWeak}|${raw}`;
  let found = index.nameEvidence.get(key);
  if (!found) index.nameEvidence.set(key, found = nameEvidenceOf(raw, index, config));
  return found.map((e) => ({ ...e }));
}

function nameEvidenceOf(raw: string, index: MatchIndex, config: MatchConfig): CustomerEvidence[] {
  const name = raw.trim();
  if (name === '') return [];
  const all = similarNames(raw, index, config);
  const similar = all.slice(0, 3);
  const [first, second] = similar;
  if (!first) return [];
  const margin = first.score - (second?.score ?? 0);
  const rivals = all.filter((x) => first.score - x.score < NAME_MARGIN).length;
  return similar.map(({ customerId, score, alias }, k): CustomerEvidence => {
    const clear = k === 0 && margin >= NAME_MARGIN;
    const confidence = !clear ? (score >= config.fuzzy.nameStrong ? SCORE.nameAmbiguous : 0)
      : score === 1 ? SCORE.nameExact : score >= config.fuzzy.nameStrong ? SCORE.nameStrong
        : SCORE.nameWeak;
    const pct = Math.round(score * 100);
    return {
      customerId, kind: 'payer_name', confidence,
      reason: `payer name "${name}" ${score === 1 ? 'matches' : `resembles (${pct}%)`} ` +
        (alias === undefined ? '' : `"${alias}", an alias of `) +
        `${index.customersById.get(customerId)?.name ?? customerId}` +
        (clear ? '' : ' (as closely as another customer)'),
      ...(clear ? {} : { rivals }),
    };
  }).filter((e) => e.confidence > 0);
}

function accountEvidence(refs: PaymentReferences, payment: PaymentToMatch, index: MatchIndex) {
  const out: CustomerEvidence[] = [];
  const documentTokens = new Set(
    refs.documents.filter((d) => customersNamedBy(d, payment.currency, index).customerIds.size > 0)
      .map((d) => d.text),
  );
  for (const a of refs.accounts) {
    const customers = index.customersByAccount.get(a.key) ?? [];
    if (customers.length !== 1) continue;
    if (a.how === 'bare' && documentTokens.has(a.text)) continue;
    const confidence = a.how === 'stated' ? SCORE.accountNumberStated : a.how === 'labelled'
      ? SCORE.accountNumberLabelled : SCORE.accountNumberBare;
    out.push({
      customerId: customers[0]!.id, kind: 'account_number', confidence,
      reason: `account number ${a.text} ${a.how === 'stated' ? 'stated' : 'in the text'}`,
    });
  }
  return out;
}

function learnedEvidence(payment: PaymentToMatch, index: MatchIndex): CustomerEvidence[] {
  const learned = learnedFor(index, payment.payer.account);
  if (!learned || learned.customerIds.length === 0) return [];
  if (learned.customerIds.length === 1) {
    const confidence = learned.confirmations >= 2 ? SCORE.learnedAccountConfirmedTwice
      : SCORE.learnedAccount;
    return [{
      customerId: learned.customerIds[0]!, kind: 'learned_account', confidence,
      reason: `payer account ${learned.payerAccount} confirmed for this customer ` +
        `${learned.confirmations} time(s)`,
    }];
  }
  return learned.customerIds.map((customerId) => ({
    customerId, kind: 'shared_account' as const, confidence: SCORE.sharedAccount,
    reason: `payer account ${learned.payerAccount} pays for ${learned.customerIds.length} ` +
      'customers, this one among them',
  }));
}

function referenceEvidence(refs: PaymentReferences, payment: PaymentToMatch, index: MatchIndex) {
  const votes = new Map<string, { confidence: number; texts: string[] }>();
  for (const ref of refs.documents) {
    const { customerIds, kind } = customersNamedBy(ref, payment.currency, index);
    if (customerIds.size !== 1) continue;
    const id = [...customerIds][0]!;
    const confidence = kind === 'exact' ? SCORE.referenceExact : ref.labelled
      ? SCORE.referenceVariant : SCORE.referenceBare;
    const v = votes.get(id) ?? { confidence: 0, texts: [] };
    v.confidence = Math.max(v.confidence, confidence);
    v.texts.push(ref.text);
    votes.set(id, v);
  }
  return [...votes.entries()].map(([customerId, v]): CustomerEvidence => ({
    customerId, kind: 'document_reference',
    confidence: v.texts.length > 1 ? v.confidence + SCORE.referencesAgreeBonus : v.confidence,
    reason: `names ${v.texts.join(', ')}, open item(s) of this customer only`,
    refs: v.texts,
  }));
}

/** What one piece of evidence for another customer takes away (0 or less: nothing). */
function penaltyOf(e: CustomerEvidence): number {
  if (e.kind === 'shared_account') return 0;
  return e.kind === 'payer_name' ? e.confidence - 65 : 0.75 * (e.confidence - 40);
}

interface Penalty {
  points: number;
  why: string | undefined;
}

/**
 * How much evidence for other customers takes away from `id`'s confidence: the strongest such
 * piece. References that the chosen items explain (`explained`: a number one digit off another
 * customer's invoice that resolved, with the amount, to this customer's) do not count against it.
 */
function conflictPenalty(id: string, all: CustomerEvidence[], explained: ReadonlySet<string>) {
  let points = 0;
  let why: string | undefined;
  for (const e of all) {
    if (e.customerId === id) continue;
    if (e.refs && e.refs.every((r) => explained.has(r))) continue;
    const p = penaltyOf(e);
    if (p > points) [points, why] = [p, e.reason];
  }
  return { points: Math.round(points), why };
}

/**
 * `conflictPenalty` with nothing explained, for every customer at once: the strongest piece of
 * evidence overall, and the strongest of any other customer (the first of equals, as above).
 */
function conflictPenalties(all: CustomerEvidence[]): (id: string) => Penalty {
  let first: CustomerEvidence | undefined;
  let firstPoints = 0;
  for (const e of all) {
    const p = penaltyOf(e);
    if (p > firstPoints) [first, firstPoints] = [e, p];
  }
  let second: CustomerEvidence | undefined;
  let secondPoints = 0;
  for (const e of all) {
    const p = penaltyOf(e);
    if (e.customerId !== first?.customerId && p > secondPoints) [second, secondPoints] = [e, p];
  }
  return (id) => (id !== first?.customerId
    ? { points: Math.round(firstPoints), why: first?.reason }
    : { points: Math.round(secondPoints), why: second?.reason });
}

function assess(own: CustomerEvidence[], penalty: Penalty, thirdParty: string | null) {
  const strongest = new Map<EvidenceKind, number>();
  for (const e of own) strongest.set(e.kind, Math.max(strongest.get(e.kind) ?? 0, e.confidence));
  let confidence = noisyOr(...strongest.values());
  const reasons = own.map((e) => e.reason);
  if (penalty.points > 0) {
    confidence = Math.max(0, confidence - penalty.points);
    reasons.push(`conflicting evidence: ${penalty.why}`);
  }
  if (thirdParty !== null && confidence > SCORE.thirdPartyCap) {
    confidence = SCORE.thirdPartyCap;
    reasons.push(`payer "${thirdParty}" matches no customer (a third party?)`);
  }
  return { confidence, reasons };
}

/** The confidence that `customerId` paid, from all the evidence, and why. */
export function assessCustomer(
  customerId: string,
  all: CustomerEvidence[],
  thirdParty: string | null,
  explained: ReadonlySet<string> = new Set(),
): { confidence: number; reasons: string[] } {
  return assess(all.filter((e) => e.customerId === customerId),
    conflictPenalty(customerId, all, explained), thirdParty);
}

/** Ranks the customers the evidence points at. */
export function rankCustomers(
  payment: PaymentToMatch,
  refs: PaymentReferences,
  index: MatchIndex,
  config: MatchConfig,
): CustomerRanking {
  const names = nameEvidence(payment, index, config);
  const structural = [
    ...accountEvidence(refs, payment, index),
    ...learnedEvidence(payment, index),
    ...referenceEvidence(refs, payment, index),
  ];
  const all = [...structural, ...names];
  const identifying = structural.some((e) => e.kind !== 'document_reference');
  const payerName = payment.payer.name?.trim() ?? '';
  const thirdParty = payerName !== '' && names.length === 0 && !identifying;
  // Grouped once: a payer account shared by hundreds of customers made this quadratic.
  const byCustomer = new Map<string, CustomerEvidence[]>();
  for (const e of all) {
    const list = byCustomer.get(e.customerId);
    if (list) list.push(e);
    else byCustomer.set(e.customerId, [e]);
  }
  const penalty = conflictPenalties(all);
  const candidates = [...byCustomer]
    .filter(([id]) => index.customersById.has(id))
    .map(([customerId, evidence]): RankedCustomer => ({
      customerId,
      ...assess(evidence, penalty(customerId), thirdParty ? payerName : null),
      evidence,
    }))
    .sort((a, b) => b.confidence - a.confidence || a.customerId.localeCompare(b.customerId));
  return { candidates, thirdParty, evidence: all };
}
