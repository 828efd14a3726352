/**
 * Step 1: who paid. Each source of evidence (account number stated, payer bank account learned
 * from confirmed payments, documents named, payer name) yields a confidence for a customer; the
 * sources for the same customer combine, and evidence for another customer lowers it.
 */
import { learnedFor, type MatchIndex } from './match-index.ts';
import type { PaymentReferences } from './references.ts';
import { customersNamedBy } from './resolve.ts';
import { nameForm, nameSimilarity } from './similarity.ts';
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
const NAME_CANDIDATES_MAX = 200;
/** Words shared by more names than this do not nominate candidates on their own. */
const COMMON_WORD_NAMES = 2000;

/** Customers whose name or alias resembles the payer name, best first: [customerId, score]. */
export function similarNames(
  payerName: string,
  index: MatchIndex,
  config: MatchConfig,
): [string, number][] {
  const payer = nameForm(payerName);
  if (payer.key === '') return [];
  const truncated = TRUNCATING_LENGTHS.has(payerName.length) ||
    TRUNCATING_LENGTHS.has(payerName.trim().length);
  const votes = new Map<number, number>();
  const vote = (list: number[] | undefined, w: number) => {
    if (!list || list.length > COMMON_WORD_NAMES) return;
    for (const at of list) votes.set(at, (votes.get(at) ?? 0) + w);
  };
  for (const at of index.namesByKey.get(payer.key) ?? []) votes.set(at, 1e9);
  for (const t of payer.tokens) {
    const w = index.tokenWeight(t);
    vote(index.namesByToken.get(t), w);
    if (t.length >= 4) vote(index.namesByPrefix.get(t.slice(0, 4)), w / 2);
  }
  const nominated = [...votes.entries()].sort((a, b) => b[1] - a[1] || a[0] - b[0])
    .slice(0, NAME_CANDIDATES_MAX);
  const best = new Map<string, number>();
  for (const [at] of nominated) {
    const entry = index.names[at]!;
    const score = nameSimilarity(payer, entry.form, index.tokenWeight, truncated);
    if (score >= config.fuzzy.nameWeak && score > (best.get(entry.customerId) ?? 0)) {
      best.set(entry.customerId, score);
    }
  }
  return [...best.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
}

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
  const similar = similarNames(raw, index, config).slice(0, 3);
  const [first, second] = similar;
  if (!first) return [];
  const margin = first[1] - (second?.[1] ?? 0);
  return similar.map(([customerId, score], k): CustomerEvidence => {
    const clear = k === 0 && margin >= 0.08;
    const confidence = !clear ? (score >= config.fuzzy.nameStrong ? SCORE.nameAmbiguous : 0)
      : score === 1 ? SCORE.nameExact : score >= config.fuzzy.nameStrong ? SCORE.nameStrong
        : SCORE.nameWeak;
    const pct = Math.round(score * 100);
    return {
      customerId, kind: 'payer_name', confidence,
      reason: `payer name "${name}" ${score === 1 ? 'matches' : `resembles (${pct}%)`} ` +
        `${index.customersById.get(customerId)?.name ?? customerId}` +
        (clear ? '' : ' (as closely as another customer)'),
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

/**
 * How much evidence for other customers takes away from `id`'s confidence. References that the
 * chosen items explain (`explained`: a number one digit off another customer's invoice that
 * resolved, with the amount, to this customer's) do not count against it.
 */
function conflictPenalty(id: string, all: CustomerEvidence[], explained: ReadonlySet<string>) {
  let points = 0;
  let why: string | undefined;
  for (const e of all) {
    if (e.customerId === id || e.kind === 'shared_account') continue;
    if (e.refs && e.refs.every((r) => explained.has(r))) continue;
    const p = e.kind === 'payer_name' ? e.confidence - 65 : 0.75 * (e.confidence - 40);
    if (p > points) [points, why] = [p, e.reason];
  }
  return { points: Math.round(points), why };
}

/** The confidence that `customerId` paid, from all the evidence, and why. */
export function assessCustomer(
  customerId: string,
  all: CustomerEvidence[],
  thirdParty: string | null,
  explained: ReadonlySet<string> = new Set(),
): { confidence: number; reasons: string[] } {
  const own = all.filter((e) => e.customerId === customerId);
  const strongest = new Map<EvidenceKind, number>();
  for (const e of own) strongest.set(e.kind, Math.max(strongest.get(e.kind) ?? 0, e.confidence));
  let confidence = noisyOr(...strongest.values());
  const reasons = own.map((e) => e.reason);
  const penalty = conflictPenalty(customerId, all, explained);
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
  const ids = [...new Set(all.map((e) => e.customerId))].filter((id) => index.customersById.has(id));
  const candidates = ids
    .map((customerId): RankedCustomer => ({
      customerId,
      ...assessCustomer(customerId, all, thirdParty ? payerName : null),
      evidence: all.filter((e) => e.customerId === customerId),
    }))
    .sort((a, b) => b.confidence - a.confidence || a.customerId.localeCompare(b.customerId));
  return { candidates, thirdParty, evidence: all };
}
