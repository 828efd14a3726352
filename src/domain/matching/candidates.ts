/**
 * What a batch of payments needs to see of the ledger, so that the caller loads that and not
 * every open item: the document numbers the payments reference (looked up across customers), and
 * then the customers any evidence points at (whose open items the amount rules search).
 *
 * Loading in two steps gives the engine exactly the answer it would give with every open item:
 * who paid depends on the items only through the referenced numbers, which step one loads; which
 * items depends only on the open items of the customers ranked, which step two loads.
 *
 * Step two loads first only the customers the engine will try (match-payment.ts's
 * `triedCandidates`), under half of those the evidence names: the engine reads no other
 * customer's items. An automatic application earlier in the batch can change what a reference
 * names, and so whom a later payment tries; the engine records whom it tried (`index.tried`), and
 * when that is one of the others the caller loads them too and matches the batch again.
 */
import { rankCustomers } from './identify-customer.ts';
import type { MatchIndex } from './match-index.ts';
import { triedCandidates } from './match-payment.ts';
import { paymentReferences } from './references.ts';
import type { MatchConfig, PaymentToMatch } from './types.ts';

export interface ReferenceLookups {
  /** `documentKey` forms of every referenced number. */
  keys: string[];
  /** `documentDigits` forms (non-empty). */
  digits: string[];
}

/** The document numbers a batch references, in the two forms the engine looks them up by. */
export function referenceLookups(payments: readonly PaymentToMatch[]): ReferenceLookups {
  const keys = new Set<string>();
  const digits = new Set<string>();
  for (const p of payments) {
    for (const ref of paymentReferences(p).documents) {
      if (ref.key !== '') keys.add(ref.key);
      if (ref.digits !== '') digits.add(ref.digits);
    }
  }
  return { keys: [...keys].sort(), digits: [...digits].sort() };
}

export interface CandidateCustomers {
  /** The customers the engine tries for some payment of the batch, as the ledger stands. */
  tried: string[];
  /** The other customers any evidence points at. */
  others: string[];
}

/**
 * Every customer that any evidence (account number, learned payer account, referenced document,
 * payer name) points at for any payment of the batch, those tried first. `index` must hold at
 * least the open items `referenceLookups` names; the caller then adds the tried customers' items
 * (`addOpenItems`) and matches with the same index. Sorted ids.
 */
export function candidateCustomers(
  payments: readonly PaymentToMatch[],
  index: MatchIndex,
  config: MatchConfig,
): CandidateCustomers {
  const all = new Set<string>();
  const tried = new Set<string>();
  for (const p of payments) {
    const ranking = rankCustomers(p, paymentReferences(p), index, config);
    for (const e of ranking.evidence) all.add(e.customerId);
    for (const c of triedCandidates(ranking)) tried.add(c.customerId);
  }
  return { tried: [...tried].sort(), others: [...all].filter((id) => !tried.has(id)).sort() };
}
