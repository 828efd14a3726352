/**
 * The lookups one batch of matching needs, built once: customers by account number and by name
 * words, open items by customer, by document number and by its digits, amounts per customer,
 * learned payer accounts. Within a batch it also tracks what earlier automatic applications
 * consumed, so that two payments never settle the same open amount twice.
 */
import type { Cents } from '../money.ts';
import type { CustomerEvidence } from './identify-customer.ts';
import { accountKey, documentDigits, documentKey, normalizePayerAccount } from './normalize.ts';
import { buildNameSearch, type NameSearch } from './name-search.ts';
import type {
  CustomerCandidate, LearnedAccount, LearnedAccounts, MatchProposal, OpenItemCandidate,
} from './types.ts';

export interface MatchIndexInput {
  customers: readonly CustomerCandidate[];
  openItems: readonly OpenItemCandidate[];
  learnedAccounts: LearnedAccounts;
  /**
   * The customers' index, when the caller keeps one built by `buildCustomerIndex(customers)`
   * from these same customers (it depends on nothing else): then it is not built again.
   */
  customerIndex?: CustomerIndex;
}

/**
 * The part of the index that depends on the customers alone (names, aliases, account numbers,
 * policies): built once and shared by every batch until a customer changes.
 */
export interface CustomerIndex {
  customersById: Map<string, CustomerCandidate>;
  customersByAccount: Map<string, CustomerCandidate[]>;
  /** Customer names and aliases, for payer names. */
  nameSearch: NameSearch;
  /** Payer name -> its name evidence: it depends on the customers only, not on the items. */
  nameEvidence: Map<string, readonly CustomerEvidence[]>;
}

export interface MatchIndex extends CustomerIndex {
  itemsById: Map<string, OpenItemCandidate>;
  itemsByCustomer: Map<string, OpenItemCandidate[]>;
  itemsByKey: Map<string, OpenItemCandidate[]>;
  itemsByDigits: Map<string, OpenItemCandidate[]>;
  learnedAccounts: LearnedAccounts;
  /** Open amounts after earlier automatic applications in this batch (by item id). */
  consumedOpen: Map<string, Cents>;
  /** Items other payments of the batch propose to pay: oldest-first leaves them alone. */
  reserved: Set<string>;
  /** Lazily built: customer id -> amount -> that customer's items open for exactly that amount. */
  amountsByCustomer: Map<string, Map<number, OpenItemCandidate[]>>;
  /** The customers whose items the engine searched in this batch (candidates.ts). */
  tried: Set<string>;
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

/** The customers' part of the index: account numbers, names and aliases. */
export function buildCustomerIndex(customers: readonly CustomerCandidate[]): CustomerIndex {
  const index: CustomerIndex = {
    customersById: new Map(),
    customersByAccount: new Map(),
    nameSearch: buildNameSearch(customers.flatMap((c) => [
      { customerId: c.id, name: c.name, alias: false },
      ...c.aliases.map((name) => ({ customerId: c.id, name, alias: true })),
    ])),
    nameEvidence: new Map(),
  };
  for (const c of customers) {
    index.customersById.set(c.id, c);
    push(index.customersByAccount, accountKey(c.accountNumber), c);
  }
  return index;
}

/** Builds the batch index. Items in another currency may be included; lookups filter them. */
export function buildMatchIndex(input: MatchIndexInput): MatchIndex {
  const customers = input.customerIndex ?? buildCustomerIndex(input.customers);
  const index: MatchIndex = {
    ...customers,
    itemsById: new Map(),
    itemsByCustomer: new Map(),
    itemsByKey: new Map(),
    itemsByDigits: new Map(),
    learnedAccounts: input.learnedAccounts,
    consumedOpen: new Map(),
    reserved: new Set(),
    amountsByCustomer: new Map(),
    tried: new Set(),
  };
  addOpenItems(index, input.openItems);
  return index;
}

/** Forgets what a batch matched with the index did, to match the batch again from the start. */
export function restartBatch(index: MatchIndex): void {
  index.consumedOpen.clear();
  index.reserved.clear();
  index.amountsByCustomer.clear();
  index.tried.clear();
}

/**
 * Adds open items to an index (those it already holds, by id, are skipped), keeping each
 * customer's list in the order items arrive. For loading a batch's items in steps.
 */
export function addOpenItems(
  index: MatchIndex,
  items: readonly OpenItemCandidate[],
  /**
   * False when the caller has already added every open item whose number a payment of the
   * batch references (candidates.ts's first step): these are then never looked up by number.
   */
  byNumber = true,
): void {
  // Customers that already had items before this call: their lists are sorted again.
  const seen = new Set<string>();
  const grown = new Set<string>();
  for (const item of items) {
    if (item.openCents === 0 || index.itemsById.has(item.id)) continue;
    if (!seen.has(item.customerId)) {
      seen.add(item.customerId);
      if (index.itemsByCustomer.has(item.customerId)) grown.add(item.customerId);
    }
    index.itemsById.set(item.id, item);
    push(index.itemsByCustomer, item.customerId, item);
    if (byNumber) {
      push(index.itemsByKey, documentKey(item.number), item);
      push(index.itemsByDigits, documentDigits(item.number), item);
    }
    index.amountsByCustomer.delete(item.customerId);
  }
  // A customer's items are kept oldest due first, then by id (numeric ids in number order).
  for (const id of grown) index.itemsByCustomer.get(id)!.sort(dueThenId);
}

function dueThenId(a: OpenItemCandidate, b: OpenItemCandidate): number {
  return a.dueDate.localeCompare(b.dueDate) || a.id.length - b.id.length ||
    a.id.localeCompare(b.id);
}

/** The item's open amount now: after what this batch has already applied automatically. */
export function openOf(index: MatchIndex, item: OpenItemCandidate): Cents {
  return index.consumedOpen.get(item.id) ?? item.openCents;
}

/** A customer's items still open in `currency`, oldest due first (then number). */
export function openItemsOf(
  index: MatchIndex,
  customerId: string,
  currency: string,
): OpenItemCandidate[] {
  const items = index.itemsByCustomer.get(customerId) ?? [];
  return items.filter((i) => i.currency === currency && openOf(index, i) !== 0);
}

/** A customer's open debit items of exactly `amount` (positive), in `currency`. */
export function itemsWithOpenAmount(
  index: MatchIndex,
  customerId: string,
  currency: string,
  amount: number,
): OpenItemCandidate[] {
  const found = amountsOf(index, customerId).get(amount) ?? [];
  return found.filter((i) => i.currency === currency && openOf(index, i) === amount);
}

function amountsOf(index: MatchIndex, customerId: string): Map<number, OpenItemCandidate[]> {
  let byAmount = index.amountsByCustomer.get(customerId);
  if (!byAmount) {
    byAmount = new Map();
    for (const item of index.itemsByCustomer.get(customerId) ?? []) {
      const open = openOf(index, item);
      if (open > 0) push(byAmount, open, item);
    }
    index.amountsByCustomer.set(customerId, byAmount);
  }
  return byAmount;
}

/** The learned entry for a payer account, if clerks have confirmed it before. */
export function learnedFor(index: MatchIndex, payerAccount: string | undefined) {
  if (!payerAccount) return undefined;
  const key = normalizePayerAccount(payerAccount);
  return key === '' ? undefined : (index.learnedAccounts.get(key) as LearnedAccount | undefined);
}

/** Records an automatic application so later payments in the batch see the reduced amounts. */
export function consume(index: MatchIndex, proposal: MatchProposal): void {
  const settled = new Map<string, number>();
  const add = (id: string, cents: number) => settled.set(id, (settled.get(id) ?? 0) + cents);
  for (const a of proposal.allocations) {
    add(a.itemId, a.appliedCents + a.discountCents + a.writeOffCents);
  }
  for (const d of proposal.deductions) if (d.itemId) add(d.itemId, d.amountCents);
  for (const [id, cents] of settled) {
    const item = index.itemsById.get(id);
    if (!item || cents === 0) continue;
    const before = openOf(index, item);
    const after = (before - cents) as Cents;
    index.consumedOpen.set(id, after);
    const byAmount = index.amountsByCustomer.get(item.customerId);
    if (!byAmount) continue;
    const list = byAmount.get(before);
    if (list) byAmount.set(before, list.filter((i) => i !== item));
    if (after > 0) push(byAmount, after, item);
  }
}
