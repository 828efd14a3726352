/**
 * Loads what the matching engine needs for one batch of payments, and no more: every customer
 * (names are matched fuzzily; kept between batches until one changes), the learned payer
 * accounts the payments come from, the open items whose numbers the payments reference (any
 * customer, by the expression indexes of migration 011), then the open items of the customers
 * the engine will try (the others the evidence names only if a payment comes to try them). See
 * src/domain/matching/candidates.ts for why this gives the same answer as every open item.
 */
import type { Queryable } from '../db/connection.ts';
import { termsFromRow, type TermsRow } from '../db/terms.ts';
import type { IsoDate } from '../domain/dates.ts';
import type { DocumentType } from '../domain/ledger.ts';
import type { Cents } from '../domain/money.ts';
import { candidateCustomers, referenceLookups } from '../domain/matching/candidates.ts';
import {
  addOpenItems, buildCustomerIndex, buildMatchIndex, type CustomerIndex, type MatchIndex,
} from '../domain/matching/match-index.ts';
import { normalizePayerAccount } from '../domain/matching/normalize.ts';
import type {
  CustomerCandidate, LearnedAccount, MatchConfig, OpenItemCandidate, PaymentToMatch,
} from '../domain/matching/types.ts';
import { assert } from '../domain/result.ts';
import type { Terms } from '../domain/terms.ts';
import {
  customerPolicyOf, loadDefaultPolicy, loadMatchingCustomers, loadMatchingStamp,
} from './matching-settings-store.ts';

const NO_TERMS: Terms = { kind: 'net', netDays: 0, discount: null };

/**
 * Open items travel as one text value per query (a row each, decoded row by row, was most of a
 * batch's time): fields joined by the unit separator (U+001F), items by the record separator
 * (U+001E), the terms code left out when there is none. Building JSON instead cost PostgreSQL
 * more than finding the rows (its escaping of every value). A document number or terms code
 * holding either separator (`escaped`) has the query run again as JSON, which escapes it.
 */
const FIELD = '\u001f';
const RECORD = '\u001e';
const ITEM_TEXT = `string_agg(concat_ws(E'\\x1f', id, customer_id, number, type, document_date,
    due_date, open_cents, amount_cents, currency, terms_code), E'\\x1e') AS items,
  bool_or(strpos(number, E'\\x1f') + strpos(number, E'\\x1e')
    + strpos(coalesce(terms_code, ''), E'\\x1f') + strpos(coalesce(terms_code, ''), E'\\x1e')
    > 0) AS escaped`;
const ITEM_ARRAYS = `json_agg(json_build_array(id, customer_id, number, type, document_date,
  due_date, open_cents, amount_cents, currency, terms_code)) AS items`;
const OPEN_ITEM = `open_cents <> 0 AND type <> 'payment' AND customer_id IS NOT NULL`;

type ItemArray = [number, number, string, DocumentType, IsoDate, IsoDate, Cents, Cents, string,
  string | null];

/**
 * The engine's items straight from the text (ids stay the strings they arrive as): one object
 * per item, no row of fields in between.
 */
function fromText(text: string, terms: ReadonlyMap<string, Terms>): OpenItemCandidate[] {
  const records = text.split(RECORD);
  const out: OpenItemCandidate[] = new Array(records.length);
  for (let i = 0; i < records.length; i++) {
    const f = records[i]!.split(FIELD);
    assert(f.length === 9 || f.length === 10, 'an open item has 9 or 10 fields');
    out[i] = {
      id: f[0]!, customerId: f[1]!, number: f[2]!, type: f[3] as DocumentType,
      documentDate: f[4]!, dueDate: f[5]!, openCents: Number(f[6]) as Cents,
      amountCents: Number(f[7]) as Cents, currency: f[8]!, terms: termsOf(f[9], terms),
    };
  }
  return out;
}

function fromArray(a: ItemArray, terms: ReadonlyMap<string, Terms>): OpenItemCandidate {
  const [id, customerId, number, type, documentDate, dueDate, openCents, amountCents, currency,
    termsCode] = a;
  return { id: String(id), customerId: String(customerId), number, type, documentDate, dueDate,
    openCents, amountCents, currency, terms: termsOf(termsCode ?? undefined, terms) };
}

const termsOf = (code: string | undefined, terms: ReadonlyMap<string, Terms>): Terms =>
  (code === undefined ? undefined : terms.get(code)) ?? NO_TERMS;

async function loadItems(
  tx: Queryable, where: string, params: unknown[], terms: ReadonlyMap<string, Terms>,
): Promise<OpenItemCandidate[]> {
  const sql = (items: string) =>
    `SELECT ${items} FROM documents WHERE ${OPEN_ITEM} AND ${where}`;
  const r = await tx.query<{ items: string | null; escaped: boolean | null }>(
    sql(ITEM_TEXT), params);
  const row = r.rows[0];
  const items = row?.items == null ? [] : !row.escaped ? fromText(row.items, terms)
    : (await tx.query<{ items: ItemArray[] }>(sql(ITEM_ARRAYS), params)).rows[0]!.items
      .map((a) => fromArray(a, terms));
  // Sorted here, not by the aggregate: sorting tens of thousands of values spilled to disk.
  return items.sort((a, b) => compareIds(a.customerId, b.customerId)
    || compare(a.dueDate, b.dueDate) || compareIds(a.id, b.id));
}

const compare = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
/** Ids as the numbers they spell (no leading zeros): the shorter is the smaller. */
const compareIds = (a: string, b: string) => a.length - b.length || compare(a, b);

export async function loadTermsTable(tx: Queryable): Promise<Map<string, Terms>> {
  const t = await tx.query<TermsRow & { code: string }>(
    'SELECT code, kind, net_days, discount_bp, discount_days FROM terms');
  return new Map(t.rows.map((row) => [row.code, termsFromRow(row)]));
}

/**
 * Every customer as the engine sees it: account number, name, aliases (migration 014) and the
 * oldest-first policy in force (the customer's own, else the company default).
 */
export async function loadCustomerCandidates(tx: Queryable): Promise<CustomerCandidate[]> {
  const fallback = await loadDefaultPolicy(tx);
  const rows = await loadMatchingCustomers(tx);
  return rows.map((row) => ({
    id: String(row.id), accountNumber: row.accountNumber, name: row.name,
    aliases: row.aliases ?? [], policy: customerPolicyOf(row.policy ?? fallback),
  }));
}

/**
 * The customer index of the last few databases matched, by stamp (migration 014): building it
 * for 50,000 customers took longer than matching a thousand payments, and it changes only when
 * a customer's name, account number, aliases or policy do. The stamp is random per change and
 * per database, so a stale or foreign index is never used; several app instances each keep
 * their own.
 */
const customerIndexes = new Map<string, CustomerIndex>();
const CUSTOMER_INDEXES_MAX = 4;

export async function loadCustomerIndex(tx: Queryable): Promise<CustomerIndex> {
  const stamp = await loadMatchingStamp(tx);
  const kept = customerIndexes.get(stamp);
  if (kept) return kept;
  const built = buildCustomerIndex(await loadCustomerCandidates(tx));
  if (customerIndexes.size >= CUSTOMER_INDEXES_MAX) {
    customerIndexes.delete(customerIndexes.keys().next().value!);
  }
  customerIndexes.set(stamp, built);
  return built;
}

/** Learned payer accounts, only those of `accounts` (any spelling; normalized here). */
export async function loadLearnedAccountsOf(
  tx: Queryable, accounts: readonly string[],
): Promise<Map<string, LearnedAccount>> {
  const keys = [...new Set(accounts.map(normalizePayerAccount).filter((a) => a !== ''))];
  if (keys.length === 0) return new Map();
  const r = await tx.query<{ account: string; ids: number[]; n: number }>(
    `SELECT payer_account AS account,
       array_agg(customer_id ORDER BY last_confirmed_at DESC, customer_id) AS ids,
       sum(confirmations)::bigint AS n
     FROM payer_mappings WHERE payer_account = ANY($1::text[]) GROUP BY payer_account`,
    [keys]);
  return new Map(r.rows.map((row) => [row.account, {
    payerAccount: row.account, customerIds: row.ids.map(String), confirmations: row.n,
  }]));
}

/** The engine's index for a batch, and what it may still need. */
export interface MatchInputs {
  index: MatchIndex;
  /** Customers the evidence names but the engine is not expected to try: not loaded. */
  others: number[];
  currencies: string[];
  terms: Map<string, Terms>;
}

/**
 * The engine's index for `payments`: customers and learned accounts, the referenced open items,
 * then the open items of the customers the engine will try, in the payments' currencies.
 */
export async function loadMatchIndex(
  tx: Queryable, payments: readonly PaymentToMatch[], config: MatchConfig,
  lap: (phase: string) => void = () => undefined,
): Promise<MatchInputs> {
  const currencies = [...new Set(payments.map((p) => p.currency))];
  const terms = await loadTermsTable(tx);
  const lookups = referenceLookups(payments);
  // The numbers go in as sub-selects: shown a thousand of them, the planner priced two thousand
  // index probes above evaluating both expressions on every open item (2.6 s against 20 ms on a
  // million items), as it does not count what the regular expressions cost.
  const referenced = lookups.keys.length + lookups.digits.length === 0 ? [] : await loadItems(tx,
    `currency = ANY($3::text[])
       AND (document_key(number) = ANY(ARRAY(SELECT unnest($1::text[])))
         OR document_digits(number) = ANY(ARRAY(SELECT unnest($2::text[]))))`,
    [lookups.keys, lookups.digits, currencies], terms);
  lap('load referenced items');
  const customerIndex = await loadCustomerIndex(tx);
  const learnedAccounts = await loadLearnedAccountsOf(tx,
    payments.flatMap((p) => p.payer.account ?? []));
  lap('load customers');
  const index = buildMatchIndex({
    customers: [...customerIndex.customersById.values()], customerIndex,
    openItems: referenced, learnedAccounts,
  });
  lap('index customers');
  const { tried, others } = candidateCustomers(payments, index, config);
  lap('rank customers');
  const inputs = { index, others: others.map(Number), currencies, terms };
  await addCustomersItems(tx, inputs, tried.map(Number));
  lap('load candidate items');
  return inputs;
}

/** Adds the open items of `customerIds` to the index. */
export async function addCustomersItems(
  tx: Queryable, inputs: MatchInputs, customerIds: readonly number[],
): Promise<void> {
  if (customerIds.length === 0) return;
  const items = await loadItems(tx,
    'customer_id = ANY($1::bigint[]) AND currency = ANY($2::text[])',
    [customerIds, inputs.currencies], inputs.terms);
  // Their numbers are not referenced (those items came in the first query): no number lookups.
  addOpenItems(inputs.index, items, false);
}
