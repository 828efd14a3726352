/**
 * A labelled generator of realistic payments against realistic open items, for the matching
 * benchmark. Deterministic (seeded PRNG, no clock, no database). The true answer of each payment
 * (customer, items and amounts) is kept aside in `truth` and is never given to the engine.
 *
 * Realism, in short: customer names come from word lists with the near-duplicates a real customer
 * master has; payers write names their own way (case, legal suffix, abbreviations, truncated bank
 * fields, typos, DBA names) or pay through a parent company or a payment service; open items have
 * heavy-tailed counts per customer, lognormal amounts with round and recurring (duplicate)
 * amounts, invoice numbers issued in date order across customers, early-payment discount terms,
 * open credit memos and partly paid items; remittance is complete, partial, missing or wrong.
 * The write-off tolerance in the truth is the company's policy (passed in), not an engine detail.
 */
import { addDays, type IsoDate } from '../../src/domain/dates.ts';
import type { Cents } from '../../src/domain/money.ts';
import { discountAllowed, dueDateFor, type Terms } from '../../src/domain/terms.ts';
import { normalizePayerAccount } from '../../src/domain/matching/normalize.ts';
import type {
  Allocation, CustomerCandidate, Deduction, LearnedAccount, MatchConfig, OpenItemCandidate,
  PaymentToMatch, RemittanceLineToMatch,
} from '../../src/domain/matching/types.ts';

// ---------------------------------------------------------------------------------------------
// Randomness

export type Random = () => number;

/** mulberry32: a small, fast, seeded PRNG. */
export function seeded(seed: number): Random {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const int = (r: Random, lo: number, hi: number) => lo + Math.floor(r() * (hi - lo + 1));
const pick = <T>(r: Random, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
const chance = (r: Random, p: number) => r() < p;
function normal(r: Random): number {
  return Math.sqrt(-2 * Math.log(1 - r())) * Math.cos(2 * Math.PI * r());
}
function weighted<T extends string>(r: Random, table: Record<T, number>): T {
  const entries = Object.entries(table) as [T, number][];
  let x = r() * entries.reduce((s, [, w]) => s + w, 0);
  for (const [k, w] of entries) if ((x -= w) < 0) return k;
  return entries[entries.length - 1]![0];
}

// ---------------------------------------------------------------------------------------------
// Names

const FIRST = `Acme Summit Pioneer Granite Harbor Keystone Evergreen Lakeside Northwestern Midwest
Atlas Apex Beacon Cardinal Cascade Cedar Centennial Champion Coastal Columbia Commonwealth
Continental Crescent Crown Delta Diamond Eagle Eastern Empire Falcon Frontier Gateway Golden
Heartland Heritage Horizon Imperial Independence Liberty Lincoln Magnolia Majestic Meridian Metro
Monarch Mountain National Neptune Northern Oakwood Olympic Orion Pacific Paramount Patriot Peak
Phoenix Piedmont Pinnacle Prairie Premier Prestige Quantum Redwood Regal Reliance Ridgeline
Riverside Rockwell Royal Sapphire Sentinel Sierra Silverline Southern Sovereign Spectrum Sterling
Sunrise Superior Titan Tristate Union United Valley Vanguard Victory Vista Westfield Westgate
Whitmore Willow Windsor Zenith Allied Amber Anchor Arrow Aspen Aurora Bayside Birch Bluewater
Boulder Bridgeport Brightwater Canyon Capital Carolina Chesapeake Clearwater Cornerstone Cypress
Dakota Dominion Ember Emerald Everest Fairview Fieldstone Firstline Fox Glacier Greenfield
Hamilton Hawthorne Highland Hillcrest Hudson Ironwood Jefferson Juniper Kingston Lakeshore
Landmark Laurel Legacy Lighthouse Madison Maple Marathon Mesa Millstone Mission Northstar Oasis
Osprey Palisade Parkside Pelican Pinecrest Polaris Quarry Rainier Raven Redstone Ridgeway
Rockport Sagebrush Saratoga Seaboard Shoreline Silverado Skyline Stonebridge Sunbelt Sycamore
Tahoe Timberline Trinity Tundra Upland Valor Ventura Wabash Waterford Wildwood Yellowstone`
  .split(/\s+/);
const SURNAMES = `Johnson Miller Garcia Anderson Thompson Martinez Robinson Walker Young Allen King
Wright Scott Torres Nguyen Hill Flores Green Adams Nelson Baker Hall Rivera Campbell Mitchell
Carter Roberts Phillips Evans Turner Parker Collins Edwards Stewart Morris Murphy Cook Rogers
Morgan Peterson Cooper Reed Bailey Bell Kelly Howard Ward Cox Richardson Wood Watson Brooks Bennett
Gray Hughes Price Sanders Myers Long Ross Foster Powell Jenkins Perry Russell Sullivan Fisher`
  .split(/\s+/);
const INDUSTRY = [
  'Foods', 'Supply', 'Industrial Supply', 'Logistics', 'Builders', 'Electric', 'Plumbing',
  'Hardware', 'Distribution', 'Manufacturing', 'Farms', 'Restaurant Group', 'Hospitality',
  'Medical Supply', 'Auto Parts', 'Construction', 'Packaging', 'Chemicals', 'Textiles', 'Grocers',
  'Market', 'Bakery', 'Brewing', 'Technologies', 'Systems', 'Services', 'Equipment', 'Lumber',
  'Paper', 'Plastics', 'Dental', 'Health', 'Pharmacy', 'Trucking', 'Marine', 'Energy',
  'Landscaping', 'Roofing', 'HVAC', 'Office Products', 'International', 'Mechanical',
];
const SUFFIXES = ['Inc.', 'LLC', 'Co.', 'Corp.', 'Ltd.', 'Company', 'Incorporated', 'L.L.C.',
  'Corporation', 'Inc', ''];
const LONG_SUFFIX: Record<string, string> = {
  'Inc.': 'INCORPORATED', Inc: 'INCORPORATED', 'Co.': 'COMPANY', 'Corp.': 'CORPORATION',
  LLC: 'L.L.C.', 'Ltd.': 'LIMITED', Company: 'CO', Incorporated: 'INC', 'L.L.C.': 'LLC',
  Corporation: 'CORP', '': 'INC',
};
const ABBREVIATE: [RegExp, string][] = [
  [/International/i, 'Intl'], [/Manufacturing/i, 'Mfg'], [/Services/i, 'Svcs'],
  [/Distribution/i, 'Dist'], [/Industrial/i, 'Ind'], [/Technologies/i, 'Tech'],
  [/Equipment/i, 'Equip'], [/Construction/i, 'Constr'], [/Mountain/i, 'Mtn'],
];
const PAYMENT_SERVICES = ['AVIDXCHANGE INC', 'BILL.COM LLC', 'PAYMODE-X', 'CORPAY SOLUTIONS',
  'RIVIERA FINANCE'];
const DEDUCTION_REASONS = ['damaged_goods', 'pricing', 'shortage', 'promotion', 'freight',
  'returns'];

function companyName(r: Random): { name: string; suffix: string } {
  const suffix = pick(r, SUFFIXES);
  const shape = weighted(r, { one: 55, two: 15, surname: 15, sons: 8, brothers: 7 });
  const core = shape === 'one' ? `${pick(r, FIRST)} ${pick(r, INDUSTRY)}`
    : shape === 'two' ? `${pick(r, FIRST)} ${pick(r, FIRST)} ${pick(r, INDUSTRY)}`
      : shape === 'surname' ? `${pick(r, SURNAMES)} ${pick(r, INDUSTRY)}`
        : shape === 'sons' ? `${pick(r, SURNAMES)} & Sons`
          : `${pick(r, SURNAMES)} Brothers ${pick(r, INDUSTRY)}`;
  return { name: suffix ? `${core} ${suffix}` : core, suffix };
}

/** A payer's way of writing a customer's name. */
function payerNameVariant(r: Random, c: GeneratedCustomer): { name: string; how: string } {
  const core = c.suffix ? c.name.slice(0, -c.suffix.length).trim() : c.name;
  const how = weighted(r, {
    legal: 30, upper: 16, no_suffix: 16, long_suffix: 6, truncated: 10, noise: 5, typo: 4,
    abbreviated: 5, ampersand: 3, alias: c.aliases.length > 0 ? 5 : 0,
  });
  switch (how) {
    case 'legal': return { name: c.name, how };
    case 'upper': return { name: c.name.toUpperCase().replace(/\./g, ''), how };
    case 'no_suffix': return { name: core, how };
    case 'long_suffix': return { name: `${core} ${LONG_SUFFIX[c.suffix] ?? 'INC'}`.toUpperCase(), how };
    case 'truncated': return { name: c.name.toUpperCase().slice(0, 16), how };
    case 'noise': return { name: `${c.name.toUpperCase()} ${pick(r, ['AP DEPT', 'ACCOUNTS PAYABLE', 'PAYABLES'])}`, how };
    case 'typo': return { name: typoInWord(r, c.name), how };
    case 'abbreviated': {
      const rule = ABBREVIATE.find(([re]) => re.test(c.name));
      return rule ? { name: c.name.replace(rule[0], rule[1]), how } : { name: core, how: 'no_suffix' };
    }
    case 'ampersand':
      return { name: c.name.includes('&') ? c.name.replace('&', 'and') : c.name, how };
    default: return { name: pick(r, c.aliases), how };
  }
}

function typoInWord(r: Random, name: string): string {
  const words = name.split(' ');
  const i = words.findIndex((w) => w.length >= 6);
  if (i < 0) return name;
  const w = words[i]!;
  const at = int(r, 2, w.length - 2);
  words[i] = chance(r, 0.5) ? w.slice(0, at) + w.slice(at + 1)
    : w.slice(0, at) + w[at + 1] + w[at] + w.slice(at + 2);
  return words.join(' ');
}

// ---------------------------------------------------------------------------------------------
// Customers and open items

export interface GeneratedCustomer extends CustomerCandidate {
  suffix: string;
  bankAccounts: string[];
  parentName?: string;
  parentAccount?: string;
  serviceIndex?: number;
  terms: Terms;
  /** Pays a flat recurring fee: several open items of the same amount. */
  recurring: boolean;
  takesDiscounts: boolean;
}

const TERMS: [Terms, number][] = [
  [{ kind: 'net', netDays: 30, discount: null }, 50],
  [{ kind: 'net', netDays: 30, discount: { percentBp: 200, days: 10 } }, 20],
  [{ kind: 'net', netDays: 30, discount: { percentBp: 100, days: 10 } }, 5],
  [{ kind: 'net', netDays: 45, discount: null }, 12],
  [{ kind: 'net', netDays: 60, discount: null }, 6],
  [{ kind: 'eom', netDays: 10, discount: { percentBp: 200, days: 10 } }, 4],
  [{ kind: 'net', netDays: 15, discount: null }, 3],
];

function pickTerms(r: Random): Terms {
  let x = r() * TERMS.reduce((s, [, w]) => s + w, 0);
  for (const [t, w] of TERMS) if ((x -= w) < 0) return t;
  return TERMS[0]![0];
}

function bankAccount(r: Random): string {
  return String(int(r, 100000000, 999999999)) + String(int(r, 100, 999));
}

/** Letters of a name without its legal form: twins share it. */
const coreKey = (name: string) => name.toLowerCase().replace(/[^a-z]/g, '');

function makeCustomers(r: Random, count: number): GeneratedCustomer[] {
  const seen = new Set<string>();
  const customers: GeneratedCustomer[] = [];
  const parents: { name: string; account: string }[] = [];
  let account = 100000;
  while (customers.length < count) {
    const { name, suffix } = companyName(r);
    const key = coreKey(suffix ? name.slice(0, -suffix.length) : name);
    // A real customer master has a few near-twins, not many exact ones.
    if (seen.has(key) && !chance(r, 0.1)) continue;
    seen.add(key);
    account += int(r, 1, 40);
    const c: GeneratedCustomer = {
      id: `C${customers.length + 1}`,
      accountNumber: String(account),
      name,
      suffix,
      aliases: [],
      policy: { oldestFirst: false },
      bankAccounts: [bankAccount(r)],
      terms: pickTerms(r),
      recurring: chance(r, 0.12),
      takesDiscounts: chance(r, 0.7),
    };
    if (chance(r, 0.1)) c.bankAccounts.push(bankAccount(r));
    const alias = `${pick(r, FIRST)} ${pick(r, INDUSTRY)}`;
    if (chance(r, 0.08) && !seen.has(coreKey(alias))) {
      c.aliases = [alias];
      seen.add(coreKey(alias));
    }
    if (chance(r, 0.12)) {
      c.policy = { oldestFirst: true, oldestFirstAutoApply: chance(r, 0.35) };
    }
    if (chance(r, 0.08)) {
      if (parents.length === 0 || chance(r, 0.3)) {
        parents.push({ name: `${pick(r, FIRST)} ${pick(r, ['Holdings', 'Group', 'Enterprises',
          'Partners'])} ${pick(r, ['Inc.', 'LLC', 'Corp.'])}`, account: bankAccount(r) });
      }
      const p = pick(r, parents);
      [c.parentName, c.parentAccount] = [p.name, p.account];
    }
    if (chance(r, 0.1)) c.serviceIndex = int(r, 0, PAYMENT_SERVICES.length - 1);
    customers.push(c);
  }
  return customers;
}

/** Lognormal invoice amounts (median ~$1,500), some whole dollars, some round hundreds. */
function invoiceAmount(r: Random): number {
  const raw = Math.round(Math.exp(Math.log(150000) + 1.1 * normal(r)));
  const clamped = Math.min(50_000_00, Math.max(2_500, raw));
  const shape = weighted(r, { cents: 72, dollars: 18, hundreds: 10 });
  if (shape === 'cents') return clamped;
  if (shape === 'dollars') return Math.max(100, Math.round(clamped / 100) * 100);
  return Math.max(10000, Math.round(clamped / 10000) * 10000);
}

interface Draft {
  customer: GeneratedCustomer;
  type: 'invoice' | 'credit_memo';
  documentDate: IsoDate;
  amountCents: number;
  openCents: number;
}

function makeItems(r: Random, customers: GeneratedCustomer[], perCustomerMean: number,
  today: IsoDate): OpenItemCandidate[] {
  const drafts: Draft[] = [];
  const mu = Math.log(perCustomerMean) - 0.4;
  for (const c of customers) {
    const n = Math.min(400, Math.max(1, Math.round(Math.exp(mu + 0.9 * normal(r)))));
    const fee = invoiceAmount(r);
    for (let k = 0; k < n; k++) {
      const amount = c.recurring && chance(r, 0.6) ? fee : invoiceAmount(r);
      const open = chance(r, 0.05) ? Math.round(amount * (0.2 + 0.6 * r())) : amount;
      drafts.push({ customer: c, type: 'invoice', documentDate: addDays(today, -int(r, 0, 120)),
        amountCents: amount, openCents: open });
    }
    if (chance(r, 0.06)) {
      const credit = -Math.max(1000, Math.round(invoiceAmount(r) / 5));
      drafts.push({ customer: c, type: 'credit_memo', documentDate: addDays(today, -int(r, 0, 90)),
        amountCents: credit, openCents: credit });
    }
  }
  // Numbers are issued in date order across all customers, as an ERP does.
  drafts.sort((a, b) => a.documentDate.localeCompare(b.documentDate));
  let invoiceNo = 1_000_000 + int(r, 0, 5000);
  let creditNo = 200_000;
  return drafts.map((d, i) => {
    const number = d.type === 'invoice' ? `INV-${(invoiceNo += int(r, 1, 3))}`
      : `CM-${(creditNo += int(r, 1, 5))}`;
    const terms = d.type === 'invoice' ? d.customer.terms : d.customer.terms;
    return {
      id: `I${i + 1}`, customerId: d.customer.id, number, type: d.type,
      documentDate: d.documentDate,
      dueDate: d.type === 'invoice' ? dueDateFor(terms, d.documentDate) : d.documentDate,
      openCents: d.openCents as Cents, amountCents: d.amountCents as Cents, currency: 'USD',
      terms,
    };
  });
}

// ---------------------------------------------------------------------------------------------
// Payments and their truth

export type RemittanceKind = 'complete' | 'partial' | 'missing' | 'wrong';
export type AmountKind =
  | 'exact' | 'discount' | 'unearned_discount' | 'short_within' | 'short_beyond_reason'
  | 'short_beyond' | 'overpaid' | 'on_account' | 'duplicate_payment';
export type PayerKind = 'own' | 'parent' | 'payment_service' | 'no_name';

export interface Truth {
  customerId: string;
  allocations: Allocation[];
  deductions: Deduction[];
  unappliedCents: number;
}

export interface Scenario {
  remittance: RemittanceKind;
  form: 'lines' | 'text' | 'none';
  /** What went wrong in the numbers written: typo, missing prefix, leading zeros, wrong number. */
  numberFlaw: 'none' | 'typo' | 'missing_prefix' | 'leading_zeros' | 'wrong_number';
  amount: AmountKind;
  payer: PayerKind;
  payerName: string;
  itemCount: number;
  creditNetted: boolean;
}

export interface LabelledPayment {
  payment: PaymentToMatch;
  truth: Truth;
  scenario: Scenario;
}

export interface GeneratedWorld {
  customers: CustomerCandidate[];
  openItems: OpenItemCandidate[];
  learnedAccounts: Map<string, LearnedAccount>;
  payments: LabelledPayment[];
  today: IsoDate;
}

export interface GeneratorOptions {
  seed: number;
  customers: number;
  itemsPerCustomerMean: number;
  payments: number;
  today: IsoDate;
  /** The company's write-off policy decides the true residual treatment. */
  policy: Pick<MatchConfig, 'writeOffToleranceCents' | 'writeOffTolerancePercentBp'>;
  /** Share of payments that carry remittance (structured lines or text). */
  remittanceShare?: number;
}

function tolerance(open: number, policy: GeneratorOptions['policy']): number {
  return Math.min(policy.writeOffToleranceCents,
    Math.floor((Math.abs(open) * policy.writeOffTolerancePercentBp) / 10000));
}

/** Learned accounts as clerks would have confirmed them in earlier months. */
function history(r: Random, customers: GeneratedCustomer[]): Map<string, LearnedAccount> {
  const learned = new Map<string, LearnedAccount>();
  const add = (account: string, customerId: string, confirmations: number) => {
    const key = normalizePayerAccount(account);
    const before = learned.get(key);
    const ids = [customerId, ...(before?.customerIds ?? []).filter((x) => x !== customerId)];
    learned.set(key, { payerAccount: key, customerIds: ids,
      confirmations: (before?.confirmations ?? 0) + confirmations });
  };
  for (const c of customers) {
    for (const a of c.bankAccounts) if (chance(r, 0.72)) add(a, c.id, int(r, 1, 6));
    if (c.parentAccount && chance(r, 0.6)) add(c.parentAccount, c.id, int(r, 1, 3));
    if (c.serviceIndex !== undefined && chance(r, 0.6)) {
      add(serviceAccount(c.serviceIndex), c.id, int(r, 1, 3));
    }
  }
  return learned;
}

const serviceAccount = (i: number) => `55500011${String(i).padStart(4, '0')}`;

interface PaymentPlan {
  customer: GeneratedCustomer;
  items: OpenItemCandidate[];
  credit?: OpenItemCandidate;
  scenario: Scenario;
  paidOn: IsoDate;
}

/** Chooses which open items a payment settles: usually one, often several of similar age. */
function chooseItems(r: Random, open: OpenItemCandidate[], count: number) {
  const sorted = [...open].sort((a, b) => a.dueDate.localeCompare(b.dueDate));
  if (count === 1) return [chance(r, 0.5) ? sorted[0]! : pick(r, sorted)];
  const start = chance(r, 0.6) ? 0 : int(r, 0, Math.max(0, sorted.length - count));
  return sorted.slice(start, start + count);
}

/** Writes a document number the way a payer might, with the flaw asked for. */
function writeNumber(r: Random, number: string, flaw: Scenario['numberFlaw']): string {
  const digits = number.replace(/\D/g, '');
  const prefix = number.replace(/[-\d]/g, '');
  switch (flaw) {
    case 'missing_prefix': return digits;
    case 'leading_zeros': return chance(r, 0.5) ? `${'0'.repeat(int(r, 1, 3))}${digits}`
      : `${prefix}-${'0'.repeat(int(r, 1, 3))}${digits}`;
    case 'typo': {
      const at = int(r, 1, digits.length - 2);
      const kind = weighted(r, { substitute: 50, transpose: 30, drop: 20 });
      let d = digits;
      if (kind === 'substitute') {
        d = d.slice(0, at) + String((Number(d[at]) + int(r, 1, 9)) % 10) + d.slice(at + 1);
      } else if (kind === 'transpose' && d[at] !== d[at + 1]) {
        d = d.slice(0, at) + d[at + 1] + d[at] + d.slice(at + 2);
      } else d = d.slice(0, at) + d.slice(at + 1);
      return chance(r, 0.5) ? `${prefix}-${d}` : d;
    }
    default:
      return pick(r, [number, number, number.replace('-', ''), number.replace('-', ' ')]);
  }
}

/** The items' true settlement, given what the payer paid on each. */
interface ItemPay {
  item: OpenItemCandidate;
  cash: number;
  discount: number;
  shortReason?: string;
  /** Paid on account: the rest stays open (not a short pay). */
  partial?: boolean;
}

function truthFor(customerId: string, pays: ItemPay[], extra: number,
  policy: GeneratorOptions['policy']): Truth {
  const allocations: Allocation[] = [];
  const deductions: Deduction[] = [];
  for (const p of pays) {
    const open = p.item.openCents as number;
    const a: Allocation = { itemId: p.item.id, appliedCents: p.cash as Cents,
      discountCents: p.discount as Cents, writeOffCents: 0 as Cents };
    const short = open > 0 && !p.partial ? open - p.discount - p.cash : 0;
    if (short > 0 && short <= tolerance(open, policy)) a.writeOffCents = short as Cents;
    else if (short > 0) {
      deductions.push({ amountCents: short as Cents, itemId: p.item.id,
        reasonCode: p.shortReason ?? 'unexplained_short_pay' });
    }
    allocations.push(a);
  }
  return { customerId, allocations, deductions, unappliedCents: extra };
}

const byAge = (a: OpenItemCandidate, b: OpenItemCandidate) => a.dueDate.localeCompare(b.dueDate) ||
  a.documentDate.localeCompare(b.documentDate) || a.number.localeCompare(b.number);

/** Decides what the payer pays on each item for the amount scenario. */
function itemPays(r: Random, plan: PaymentPlan, policy: GeneratorOptions['policy'],
  lineDetail: boolean): { pays: ItemPay[]; extra: number; kind: AmountKind } {
  const { items, paidOn } = plan;
  let kind = plan.scenario.amount;
  const pays: ItemPay[] = items.map((item) => ({ item, cash: item.openCents, discount: 0 }));
  const allowed = (i: OpenItemCandidate) =>
    discountAllowed(i.terms, i.documentDate, i.openCents, paidOn) as number;
  // Without line detail nobody can tell which item was short: the company's rule is the largest.
  const shortTarget = () => lineDetail ? pick(r, pays)
    : [...pays].sort((a, b) => b.cash - a.cash || items.indexOf(a.item) - items.indexOf(b.item))[0]!;
  if (kind === 'discount') {
    for (const p of pays) {
      const d = allowed(p.item);
      if (d === 0) continue;
      const bp = (p.item.terms as { discount: { percentBp: number } }).discount.percentBp;
      p.discount = chance(r, 0.9) ? d : Math.floor((p.item.openCents * bp) / 10000);
      p.cash -= p.discount;
    }
  } else if (kind === 'unearned_discount') {
    // Takes the discount on an item whose discount period has passed.
    const late = pays.filter((x) => allowed(x.item) === 0 && discountAllowed(x.item.terms,
      x.item.documentDate, x.item.openCents, x.item.documentDate) > 0);
    if (late.length === 0) return { pays, extra: 0, kind: 'exact' };
    const p = pick(r, late);
    const potential = discountAllowed(p.item.terms, p.item.documentDate, p.item.openCents,
      p.item.documentDate);
    p.cash -= potential;
    p.shortReason = 'unearned_discount';
  } else if (kind === 'short_within') {
    const p = shortTarget();
    const tol = tolerance(p.item.openCents, policy);
    if (tol >= 1) p.cash -= int(r, 1, tol);
    else kind = 'exact';
  } else if (kind === 'short_beyond' || kind === 'short_beyond_reason') {
    const p = shortTarget();
    const short = Math.max(tolerance(p.item.openCents, policy) + 1,
      Math.round(p.item.openCents * (0.03 + 0.35 * r())));
    p.cash -= Math.min(short, p.item.openCents - 1);
    if (kind === 'short_beyond_reason' && lineDetail) p.shortReason = pick(r, DEDUCTION_REASONS);
  }
  const total = pays.reduce((s, p) => s + p.cash, 0);
  const extra = kind === 'overpaid' ? int(r, 100, Math.max(200, Math.round(total * 0.05))) : 0;
  return { pays, extra, kind };
}

/** A lump sum for a customer who pays on account: the truth is the oldest-first policy. */
function onAccountPays(r: Random, open: OpenItemCandidate[]) {
  const sorted = [...open].sort(byAge);
  const covered = sorted.slice(0, int(r, 1, Math.min(4, sorted.length)));
  const base = covered.reduce((s, i) => s + i.openCents, 0);
  const amount = Math.max(10000, Math.round((base * (0.6 + 0.5 * r())) / 10000) * 10000);
  const pays: ItemPay[] = [];
  let left = amount;
  for (const item of sorted) {
    if (left === 0) break;
    const cash = Math.min(item.openCents, left);
    pays.push({ item, cash, discount: 0, partial: cash < item.openCents });
    left -= cash;
  }
  return { pays, amount, extra: left };
}

function remittanceLines(r: Random, plan: PaymentPlan, pays: ItemPay[], customerItems:
  OpenItemCandidate[]): RemittanceLineToMatch[] {
  const { scenario } = plan;
  let shown = pays;
  if (scenario.remittance === 'partial') {
    const keep = int(r, 1, pays.length - 1);
    shown = [...pays].sort(() => r() - 0.5).slice(0, keep);
  }
  const flawed = pick(r, shown);
  const lines = shown.map((p): RemittanceLineToMatch => {
    let number = writeNumber(r, p.item.number, p === flawed ? scenario.numberFlaw : 'none');
    if (p === flawed && scenario.numberFlaw === 'wrong_number') number = wrongNumber(r, p.item,
      customerItems, pays);
    const isCredit = p.item.openCents < 0;
    const line: RemittanceLineToMatch = {
      referenceType: isCredit ? 'credit_note' : 'invoice', documentNumber: number,
      paidCents: p.cash as Cents,
    };
    const stated = p.discount > 0 ? p.discount : p.shortReason === 'unearned_discount'
      ? p.item.openCents - p.cash : 0;
    if (stated > 0 && chance(r, 0.8)) line.discountCents = stated as Cents;
    if (chance(r, 0.5)) line.grossCents = p.item.openCents;
    if (p.shortReason && p.shortReason !== 'unearned_discount') {
      line.adjustmentCents = -(p.item.openCents - p.discount - p.cash) as Cents;
      line.adjustmentReason = p.shortReason;
    }
    return line;
  });
  if (chance(r, 0.1)) {
    lines.unshift({ referenceType: 'account', documentNumber: plan.customer.accountNumber });
  }
  return lines;
}

function wrongNumber(r: Random, item: OpenItemCandidate, customerItems: OpenItemCandidate[],
  pays: ItemPay[]): string {
  const others = customerItems.filter((i) => i.type === 'invoice' &&
    !pays.some((p) => p.item.id === i.id));
  if (others.length > 0 && chance(r, 0.6)) return pick(r, others).number;
  return `INV-${Number(item.number.replace(/\D/g, '')) - int(r, 20000, 400000)}`;
}

function remittanceText(r: Random, plan: PaymentPlan, pays: ItemPay[],
  customerItems: OpenItemCandidate[]): string[] {
  const { scenario } = plan;
  let shown = pays;
  if (scenario.remittance === 'partial') shown = pays.slice(0, int(r, 1, pays.length - 1));
  const flawed = pick(r, shown);
  const numbers = shown.map((p) => {
    if (p === flawed && scenario.numberFlaw === 'wrong_number') {
      return wrongNumber(r, p.item, customerItems, pays);
    }
    const flaw = p === flawed ? scenario.numberFlaw : 'none';
    return writeNumber(r, p.item.number, flaw === 'none' && chance(r, 0.3) ? 'missing_prefix'
      : flaw);
  });
  const style = weighted(r, { inv: 30, invoices: 25, hash: 15, re: 15, bare: 15 });
  let text = style === 'inv' ? `INV ${numbers.join(' ')}`
    : style === 'invoices' ? `PAYMENT FOR INVOICES ${numbers.join(', ')}`
      : style === 'hash' ? numbers.map((n) => `INV#${n}`).join('/')
        : style === 're' ? `RE: ${numbers.join(' ')}` : numbers.join(' ');
  if (chance(r, 0.25)) text += ` PO ${int(r, 4500000000, 4599999999)}`;
  if (chance(r, 0.15)) text = `CK ${int(r, 1000, 99999)} ${text}`;
  if (chance(r, 0.15)) text += ` ACCT ${plan.customer.accountNumber}`;
  if (scenario.amount === 'short_beyond_reason' && chance(r, 0.5)) text += ' LESS DAMAGED GOODS';
  return [text];
}

function payer(r: Random, plan: PaymentPlan): PaymentToMatch['payer'] {
  const c = plan.customer;
  switch (plan.scenario.payer) {
    case 'parent': return { name: chance(r, 0.5) ? c.parentName! : c.parentName!.toUpperCase(),
      account: c.parentAccount! };
    case 'payment_service': return { name: PAYMENT_SERVICES[c.serviceIndex!]!,
      account: serviceAccount(c.serviceIndex!) };
    case 'no_name': return { account: pick(r, c.bankAccounts) };
    default: return { name: plan.scenario.payerName, account: pick(r, c.bankAccounts) };
  }
}

class Pool {
  private readonly byCustomer = new Map<string, OpenItemCandidate[]>();
  private readonly credits = new Map<string, OpenItemCandidate[]>();
  private readonly all: OpenItemCandidate[] = [];
  private readonly used = new Set<string>();
  constructor(items: OpenItemCandidate[]) {
    for (const i of items) {
      const map = i.openCents > 0 ? this.byCustomer : this.credits;
      const list = map.get(i.customerId);
      if (list) list.push(i);
      else map.set(i.customerId, [i]);
      if (i.openCents > 0) this.all.push(i);
    }
  }
  randomCustomer(r: Random): string | undefined {
    for (let tries = 0; tries < 50; tries++) {
      const i = pick(r, this.all);
      if (!this.used.has(i.id)) return i.customerId;
    }
    return undefined;
  }
  open(customerId: string) {
    return (this.byCustomer.get(customerId) ?? []).filter((i) => !this.used.has(i.id));
  }
  credit(customerId: string) {
    return (this.credits.get(customerId) ?? []).find((i) => !this.used.has(i.id));
  }
  take(items: OpenItemCandidate[]) {
    for (const i of items) this.used.add(i.id);
  }
}

function planScenario(r: Random, c: GeneratedCustomer, open: OpenItemCandidate[],
  opts: GeneratorOptions, paidOn: IsoDate): Scenario {
  const payerKind: PayerKind = c.parentName && chance(r, 0.4) ? 'parent'
    : c.serviceIndex !== undefined && chance(r, 0.45) ? 'payment_service'
      : chance(r, 0.03) ? 'no_name' : 'own';
  const present = chance(r, payerKind === 'payment_service' ? 0.9 : opts.remittanceShare ?? 0.6);
  const form = !present ? 'none' : chance(r, 0.6) ? 'lines' : 'text';
  // Payers who settle several invoices at once nearly always send remittance (their AP system
  // prints the stub or the CTX addenda); payments without it are mostly for one invoice.
  const count = Math.min(open.length, Number(present
    ? weighted(r, { '1': 52, '2': 15, '3': 13, '4': 8, '6': 7, '8': 5 })
    : weighted(r, { '1': 75, '2': 12, '3': 7, '4': 4, '6': 2 })));
  const eligible = open.some((i) => discountAllowed(i.terms, i.documentDate, i.openCents, paidOn) > 0);
  const hasDiscountTerms = c.terms.kind !== 'cod' && c.terms.kind !== 'prepaid' &&
    c.terms.discount !== null;
  let amount: AmountKind = weighted(r, {
    exact: 76, short_within: 4, short_beyond_reason: 4, short_beyond: 2, overpaid: 2,
    unearned_discount: hasDiscountTerms ? 3 : 0, duplicate_payment: present ? 0.7 : 0,
  });
  if (eligible && c.takesDiscounts && chance(r, 0.85) && amount === 'exact') amount = 'discount';
  if (!present && c.policy.oldestFirst && chance(r, 0.5)) amount = 'on_account';
  const remittance: RemittanceKind = !present ? 'missing'
    : weighted(r, { complete: 88, partial: count > 1 ? 8 : 0, wrong: 4 });
  const numberFlaw = remittance === 'wrong' ? 'wrong_number' : !present ? 'none'
    : weighted(r, { none: 82, typo: 7, missing_prefix: 6, leading_zeros: 5 });
  return {
    remittance, form, numberFlaw, amount, payer: payerKind,
    payerName: payerNameVariant(r, c).name, itemCount: count, creditNetted: false,
  };
}

/**
 * Builds one labelled payment, or undefined when the customer has nothing left to pay. A lump sum
 * on account is only planned here (`'on_account'`): it is built after the other payments of the
 * batch, because the company applies such cash oldest-first to what those leave open.
 */
function makePayment(r: Random, n: number, c: GeneratedCustomer, pool: Pool,
  opts: GeneratorOptions, onAccount = false): LabelledPayment | 'on_account' | undefined {
  const open = pool.open(c.id);
  if (open.length === 0) return undefined;
  const paidOn = addDays(opts.today, -int(r, 0, 3));
  const scenario = planScenario(r, c, open, opts, paidOn);
  if (onAccount) {
    Object.assign(scenario, { amount: 'on_account', form: 'none', remittance: 'missing',
      numberFlaw: 'none', payer: 'own' });
  } else if (scenario.amount === 'on_account') return 'on_account';
  const discounting = scenario.amount === 'discount';
  const eligible = open.filter((i) => discountAllowed(i.terms, i.documentDate, i.openCents,
    paidOn) > 0);
  const items = discounting && eligible.length > 0 && chance(r, 0.8)
    ? chooseItems(r, eligible, Math.min(scenario.itemCount, eligible.length))
    : chooseItems(r, open, scenario.itemCount);
  scenario.itemCount = items.length;
  const plan: PaymentPlan = { customer: c, items, scenario, paidOn };
  let pays: ItemPay[];
  let extra: number;
  let amount: number;
  if (scenario.amount === 'on_account') {
    ({ pays, extra, amount } = onAccountPays(r, open));
  } else if (scenario.amount === 'duplicate_payment') {
    // Pays again an invoice already paid (closed): nothing open to apply it to.
    const closed = { ...items[0]!, id: `closed-${n}`, number: `INV-${
      Number(items[0]!.number.slice(4)) - int(r, 1000, 90000)}` };
    pays = [{ item: closed, cash: items[0]!.openCents, discount: 0 }];
    amount = items[0]!.openCents;
    extra = amount;
  } else {
    const lineDetail = scenario.form === 'lines';
    const r2 = itemPays(r, plan, opts.policy, lineDetail);
    scenario.amount = r2.kind;
    pays = r2.pays;
    extra = r2.extra;
    const credit = scenario.form === 'lines' ? pool.credit(c.id) : undefined;
    const gross = pays.reduce((s, p) => s + p.cash, 0);
    if (credit && chance(r, 0.3) && gross + credit.openCents > 0) {
      pays.push({ item: credit, cash: credit.openCents, discount: 0 });
      scenario.creditNetted = true;
    }
    amount = pays.reduce((s, p) => s + p.cash, 0) + extra;
  }
  const real = scenario.amount === 'duplicate_payment' ? [] : pays;
  pool.take(real.map((p) => p.item));
  const truth = scenario.amount === 'duplicate_payment'
    ? { customerId: c.id, allocations: [], deductions: [], unappliedCents: amount }
    : truthFor(c.id, real, extra, opts.policy);
  const lines = scenario.form === 'lines' ? remittanceLines(r, plan, pays, open) : [];
  const text = scenario.form === 'text' ? remittanceText(r, plan, pays, open) : [];
  const method = scenario.form === 'lines' ? pick(r, ['ach', 'lockbox'])
    : scenario.form === 'text' ? pick(r, ['wire', 'ach']) : pick(r, ['check', 'ach', 'wire']);
  const who = payer(r, plan);
  if (method === 'ach' && scenario.payer === 'own' && chance(r, 0.1)) who.id = c.accountNumber;
  const payment: PaymentToMatch = {
    id: `P${n}`, amountCents: amount as Cents, currency: 'USD', valueDate: paidOn, method,
    bankReference: `BR${String(n).padStart(8, '0')}`, payer: who,
    remittance: { lines, freeText: text },
  };
  return { payment, truth, scenario };
}

/**
 * Generates customers, open items, the learned payer accounts of earlier months and labelled
 * payments. Same options, same world.
 */
export function generateWorld(opts: GeneratorOptions): GeneratedWorld {
  const r = seeded(opts.seed);
  const customers = makeCustomers(r, opts.customers);
  const openItems = makeItems(r, customers, opts.itemsPerCustomerMean, opts.today);
  const learnedAccounts = history(r, customers);
  const byId = new Map(customers.map((c) => [c.id, c]));
  const pool = new Pool(openItems);
  const payments: LabelledPayment[] = [];
  const onAccount = new Set<string>();
  let n = 0;
  for (let tries = 0; n < opts.payments && tries < opts.payments * 3; tries++) {
    const id = pool.randomCustomer(r);
    if (!id) break;
    const p = makePayment(r, n + 1, byId.get(id)!, pool, opts);
    if (p === 'on_account') {
      // One lump sum per customer and deposit.
      if (!onAccount.has(id)) n++;
      onAccount.add(id);
    } else if (p) {
      payments.push(p);
      n++;
    }
  }
  for (const id of onAccount) {
    const p = makePayment(r, payments.length + 1, byId.get(id)!, pool, opts, true);
    if (p && p !== 'on_account') payments.push(p);
  }
  // A deposit's payments arrive in no particular order.
  for (let i = payments.length - 1; i > 0; i--) {
    const j = int(r, 0, i);
    [payments[i], payments[j]] = [payments[j]!, payments[i]!];
  }
  const plain: CustomerCandidate[] = customers.map((c) => ({
    id: c.id, accountNumber: c.accountNumber, name: c.name, aliases: c.aliases, policy: c.policy,
  }));
  return { customers: plain, openItems, learnedAccounts, payments, today: opts.today };
}
