/**
 * The demo company: a wholesale distributor (food, beverage and industrial supplies) in the
 * south-west, generated from a few parameters as the four import row sets, in the importer's
 * column formats: customers, invoices (with credit and debit memos), payments, applications.
 *
 * Pure and deterministic: `today` and the seed are arguments and all randomness comes from a
 * small seeded generator keyed by what is being generated (customer, month), so the same
 * parameters always give identical rows, and any pass can re-derive what it needs.
 *
 * Rows are produced lazily: memory stays bounded by one customer's history (plus the set of
 * customer names), however many invoices are asked for. Floats appear only as random draws that
 * are turned into integer cents once; every amount computed after that is integer arithmetic.
 */
import { addDays, addMonths, daysBetween, daysInMonth, endOfMonth, isIsoDate } from './dates.ts';
import type { IsoDate } from './dates.ts';
import { IMPORT_COLUMNS } from './import-rows.ts';
import type { PaymentMethod } from './ledger.ts';
import { allocate, formatAmount } from './money.ts';
import { assert } from './result.ts';
import { discountDeadline, dueDateFor, parseTerms, type Terms } from './terms.ts';

export interface DemoParams {
  customers: number;
  invoices: number;
  /** The demo's "today": invoices run over the ~15 months up to it; nothing is dated later. */
  today: IsoDate;
  seed?: number;
}

export type DemoKind = 'customers' | 'invoices' | 'payments' | 'applications';
/** One import row: column name to text, exactly as a CSV file would carry it. */
export type DemoRow = Record<string, string>;

/** The import files, in the order they must be loaded. */
export const DEMO_KINDS: readonly DemoKind[] = [
  'customers', 'invoices', 'payments', 'applications',
];

/** The demo files carry every column an import file may have. */
export const DEMO_COLUMNS: Record<DemoKind, readonly string[]> = IMPORT_COLUMNS;

/** Months of history: the current month and the 14 before it. */
export const DEMO_MONTHS = 15;
/** Accounts in one collector's portfolio, and per sales rep. */
export const ACCOUNTS_PER_COLLECTOR = 1000;
export const ACCOUNTS_PER_SALES_REP = 150;

const CURRENCY = 'USD';
const FIRST_INVOICE_NUMBER = 4_100_001;

// ---------------------------------------------------------------------------------------------
// Randomness

/**
 * A small seeded generator: the keys are mixed with murmur3's steps into a 32-bit state that
 * drives mulberry32. Keyed streams (seed, kind, customer, month) make every pass reproducible.
 */
export class Prng {
  private state: number;

  constructor(...keys: number[]) {
    let h = 0x9e3779b9;
    for (const key of keys) {
      let k = Math.imul(key | 0, 0xcc9e2d51);
      k = Math.imul((k << 15) | (k >>> 17), 0x1b873593);
      h ^= k;
      h = (Math.imul((h << 13) | (h >>> 19), 5) + 0xe6546b64) | 0;
    }
    h ^= keys.length;
    h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
    h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
    this.state = h ^ (h >>> 16);
  }

  /** A uniform float in [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) | 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** A uniform integer in [lo, hi]. */
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.next() * (hi - lo + 1));
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  pick<T>(items: readonly T[]): T {
    assert(items.length > 0, 'pick from an empty list');
    return items[Math.floor(this.next() * items.length)]!;
  }

  weighted<T>(table: readonly (readonly [T, number])[]): T {
    let r = this.next() * table.reduce((a, [, w]) => a + w, 0);
    for (const [value, w] of table) {
      r -= w;
      if (r < 0) return value;
    }
    return table[table.length - 1]![0];
  }

  /** About standard normal: the Irwin-Hall sum of four uniforms, rescaled. */
  normal(): number {
    return (this.next() + this.next() + this.next() + this.next() - 2) * Math.sqrt(3);
  }
}

const STREAM = { customer: 1, spread: 2, month: 3, settle: 4 } as const;

// ---------------------------------------------------------------------------------------------
// Word lists

const PLACES = [
  'Harbor Street', 'Valley', 'Summit', 'Desert Sun', 'Sierra', 'Canyon Ridge', 'Lakeside',
  'Golden Spur', 'Mesa', 'Redwood', 'Silver State', 'Red Rock', 'Boulder', 'Pinecrest', 'Copper',
  'Juniper', 'Sagebrush', 'Tahoe', 'Truckee', 'Carson', 'Paradise', 'Mojave', 'Bayview',
  'Mission', 'Sunset', 'Oak Hill', 'Cedar', 'Granite', 'Highland', 'Eastside', 'Westgate',
  'Northgate', 'Old Town', 'Main Street', 'Riverside', 'Crossroads', 'Frontier', 'Pioneer',
  'Heritage', 'Liberty', 'Eagle', 'Blue Diamond', 'Spring Valley', 'Stateline', 'Lone Mountain',
  'Sunrise', 'Silverado', 'Comstock', 'Cactus', 'Palm', 'Saguaro', 'Pacific', 'Monterey',
  'Sonoma', 'Wasatch', 'Zion', 'Big Sky', 'Twin Peaks', 'Canal Street', 'Elm Street', 'Vista',
  'Del Mar', 'Sequoia', 'Cottonwood',
];
// Repeats are weights: most names have no descriptor ("Harbor Street Grocers").
const DESCRIPTORS = [
  '', '', '', '', '', 'Fresh', 'Family', 'Brothers', 'Premium', 'Quality', 'Farm', 'Country',
  'Select', 'Prime', 'Central', 'United', 'Royal', 'Classic', 'Star', 'Green', 'Golden', 'Metro',
];

interface Business {
  kind: string;
  weight: number;
  /** A typical invoice for an account of median size, in cents. */
  ticketCents: number;
  names: readonly string[];
}

const BUSINESSES: readonly Business[] = [
  { kind: 'grocery', weight: 22, ticketCents: 90_000,
    names: ['Grocers', 'Markets', 'Food Mart', 'Supermarket', 'Mercado', 'Foods'] },
  { kind: 'restaurant', weight: 30, ticketCents: 42_000,
    names: ['Grill', 'Cafe', 'Bistro', 'Kitchen', 'Taqueria', 'Pizzeria', 'Diner', 'Steakhouse',
      'Restaurant Group', 'Noodle House', 'Bakery'] },
  { kind: 'hospitality', weight: 8, ticketCents: 150_000,
    names: ['Hotel & Casino', 'Resort', 'Country Club', 'Catering', 'Event Center'] },
  { kind: 'industrial', weight: 18, ticketCents: 110_000,
    names: ['Industrial Supply', 'Janitorial Supply', 'Hardware', 'Builders Supply',
      'Equipment Co.', 'Fleet Services'] },
  { kind: 'beverage', weight: 10, ticketCents: 60_000,
    names: ['Liquors', 'Beverage Co.', 'Brewing Co.', 'Coffee Roasters', 'Wine & Spirits'] },
  { kind: 'convenience', weight: 12, ticketCents: 30_000,
    names: ['Mini Mart', 'Convenience', 'Travel Center', 'Market & Deli', 'Gas & Go'] },
];

const FIRST_NAMES = [
  'Maria', 'James', 'Linda', 'Robert', 'Patricia', 'Michael', 'Jennifer', 'David', 'Elizabeth',
  'Carlos', 'Susan', 'Daniel', 'Karen', 'Kevin', 'Nancy', 'Brian', 'Angela', 'Jose', 'Michelle',
  'Steven', 'Laura', 'Anthony', 'Rosa', 'Eric', 'Tiffany', 'Gary', 'Denise', 'Luis', 'Heather',
  'Tyler',
];
const LAST_NAMES = [
  'Alvarez', 'Johnson', 'Nguyen', 'Patel', 'Thompson', 'Garcia', 'Kowalski', 'Reyes', 'Chen',
  'Murphy', 'Okafor', 'Schmidt', 'Ramirez', 'Walker', 'Tanaka', 'Brooks', 'Hernandez', 'Foster',
  'Kim', 'Sullivan', 'Morales', 'Bennett', 'Lopez', 'Fischer', 'Castillo', 'Hughes', 'Park',
  'Delgado', 'Warren', 'Ortiz',
];

interface Region {
  code: string;
  weight: number;
  areaCodes: readonly string[];
}

const REGIONS: readonly Region[] = [
  { code: 'NV-South', weight: 34, areaCodes: ['702', '725'] },
  { code: 'NV-North', weight: 14, areaCodes: ['775'] },
  { code: 'CA-North', weight: 15, areaCodes: ['916', '530', '209'] },
  { code: 'CA-South', weight: 15, areaCodes: ['760', '619', '909'] },
  { code: 'AZ', weight: 13, areaCodes: ['602', '480', '520'] },
  { code: 'UT', weight: 9, areaCodes: ['801', '385', '435'] },
];

const TERMS_MIX: readonly (readonly [string, number])[] = [
  ['NET30', 56], ['NET15', 9], ['NET45', 9], ['NET60', 4], ['NET10EOM', 9], ['2/10NET30', 6],
  ['1/10NET30', 3], ['COD', 4],
];

/**
 * How an account pays. prompt: near terms; late: 15-45 days past due; chronic: 60-150 days,
 * some never; discount: in full within the early-pay window; partial: part now, the rest later
 * or never; cod: on delivery (COD terms).
 */
export type PaymentSegment = 'prompt' | 'late' | 'chronic' | 'discount' | 'partial' | 'cod';

const SEGMENT_MIX: readonly (readonly [PaymentSegment, number])[] = [
  ['prompt', 60], ['late', 20], ['chronic', 8], ['discount', 7], ['partial', 5],
];

/** Volume by calendar month: summer and the November-December holidays are busier. */
const SEASON = [85, 85, 95, 100, 105, 115, 120, 115, 100, 100, 125, 135];

/** A name from a bijection of `index` onto first x last names (distinct for index < 900). */
function personName(index: number): string {
  const n = FIRST_NAMES.length;
  const first = index % n;
  return `${FIRST_NAMES[first]!} ${LAST_NAMES[(first + Math.floor(index / n)) % n]!}`;
}

function pad(n: number, width: number): string {
  return String(n).padStart(width, '0');
}

function minDate(a: IsoDate, b: IsoDate): IsoDate {
  return a <= b ? a : b;
}

function maxOf(a: IsoDate, b: IsoDate): IsoDate {
  return a >= b ? a : b;
}

// The generator steps through dates millions of times but only over a few hundred distinct days:
// memoized conversions keep that cheap (the caches are bounded by the days ever generated).
const dayNumbers = new Map<IsoDate, number>();
const isoDates = new Map<number, IsoDate>();
const EPOCH_SUNDAY = '1970-01-04';

function dayNumber(date: IsoDate): number {
  let n = dayNumbers.get(date);
  if (n === undefined) {
    n = daysBetween(EPOCH_SUNDAY, date);
    dayNumbers.set(date, n);
  }
  return n;
}

function isoDate(n: number): IsoDate {
  let date = isoDates.get(n);
  if (date === undefined) {
    date = addDays(EPOCH_SUNDAY, n);
    isoDates.set(n, date);
  }
  return date;
}

function plusDays(date: IsoDate, days: number): IsoDate {
  return isoDate(dayNumber(date) + days);
}

function daysFrom(from: IsoDate, to: IsoDate): number {
  return dayNumber(to) - dayNumber(from);
}

/** 0 = Sunday ... 6 = Saturday. */
function dayOfWeek(date: IsoDate): number {
  return ((dayNumber(date) % 7) + 7) % 7;
}

// ---------------------------------------------------------------------------------------------
// Customers

type Cadence = 'each' | 'weekly' | 'biweekly' | 'monthly';

interface Profile {
  index: number;
  account: string;
  name: string;
  parentAccount: string;
  /** The name on the cheques: a chain's stores are paid by the head office. */
  payerName: string;
  chainStores: number;
  business: Business;
  region: Region;
  terms: string;
  termsRule: Terms;
  segment: PaymentSegment;
  collector: string;
  salesRep: string;
  contactName: string;
  email: string;
  phone: string;
  /** Relative size, heavy-tailed (Pareto): a few big accounts, many small ones. */
  size: number;
  ticketCents: number;
  firstMonth: number;
  lastMonth: number;
  cadence: Cadence;
  payDay: number;
  method: PaymentMethod;
  usesPo: boolean;
}

/** A name that is unique in `used`: place, optional descriptor, line of business. */
function uniqueName(rng: Prng, business: Business, used: Set<string>, index: number): string {
  for (let attempt = 0; attempt < 25; attempt++) {
    const name = [rng.pick(PLACES), rng.pick(DESCRIPTORS), rng.pick(business.names)]
      .filter((w) => w !== '')
      .join(' ');
    if (!used.has(name)) {
      used.add(name);
      return name;
    }
  }
  const name = `${rng.pick(PLACES)} ${rng.pick(business.names)} ${index}`;
  used.add(name);
  return name;
}

/** A short mail domain label from a name: its first words, up to about 18 letters. */
function slug(name: string): string {
  let out = '';
  for (const word of name.toLowerCase().replace(/&/g, 'and').split(/[^a-z0-9]+/)) {
    if (out.length >= 8 && out.length + word.length > 18) break;
    out += word;
  }
  return out;
}

/** Demo contacts use the reserved `.example` domain and 555-01xx numbers: nothing real. */
function contactFor(rng: Prng, region: Region, base: string) {
  const first = rng.pick(FIRST_NAMES);
  const last = rng.pick(LAST_NAMES);
  const mailbox = rng.chance(0.5) ? 'ap' : `${first}.${last}`.toLowerCase();
  return {
    contactName: `${first} ${last}`,
    email: `${mailbox}@${slug(base)}.example`,
    phone: `(${rng.pick(region.areaCodes)}) 555-01${pad(rng.int(0, 99), 2)}`,
  };
}

/** The collections and sales staff for `customers` accounts. */
interface Staffing {
  collectors: number;
  salesReps: number;
  /** Sales reps per region, in proportion to the region's accounts. */
  salesRepsPerRegion: number[];
}

function staffing(customers: number): Staffing {
  const salesReps = Math.max(1, Math.round(customers / ACCOUNTS_PER_SALES_REP));
  return {
    collectors: Math.max(1, Math.ceil(customers / ACCOUNTS_PER_COLLECTOR)),
    salesReps,
    salesRepsPerRegion: allocate(salesReps, REGIONS.map((r) => r.weight)),
  };
}

function salesRepFor(rng: Prng, region: number, staff: Staffing): string {
  const first = staff.salesRepsPerRegion.slice(0, region).reduce((a, b) => a + b, 0);
  const inRegion = staff.salesRepsPerRegion[region]!;
  // With fewer reps than regions, a region without its own rep is covered by any of them.
  const rep = inRegion > 0 ? first + rng.int(0, inRegion - 1) : rng.int(0, staff.salesReps - 1);
  return personName(450 + rep);
}

function paymentHabits(rng: Prng, segment: PaymentSegment, size: number) {
  const cadence: Cadence = segment === 'cod' || segment === 'discount' ? 'each'
    : size > 10 ? rng.weighted([['weekly', 60], ['biweekly', 25], ['monthly', 15]] as const)
    : rng.weighted([['each', 45], ['weekly', 30], ['biweekly', 15], ['monthly', 10]] as const);
  const payDay = cadence === 'monthly' ? rng.pick([10, 15, 25]) : rng.int(1, 5);
  const method: PaymentMethod = segment === 'cod'
    ? rng.weighted([['route_cash', 55], ['cash', 20], ['check', 25]] as const)
    : size > 10 ? rng.weighted([['ach', 55], ['wire', 10], ['check', 35]] as const)
    : rng.weighted([['check', 55], ['ach', 18], ['online_bill_pay', 12], ['card', 10],
      ['cash', 5]] as const);
  return { cadence, payDay, method, usesPo: rng.chance(size > 5 ? 0.7 : 0.2) };
}

function termsAndSegment(rng: Prng, size: number) {
  let segment = rng.weighted(SEGMENT_MIX);
  // Big accounts may pay slowly, but rarely chronically: they would have been cut off.
  if (segment === 'chronic' && size > 8) segment = 'late';
  const terms = segment === 'discount'
    ? rng.weighted([['2/10NET30', 70], ['1/10NET30', 30]] as const)
    : rng.weighted(TERMS_MIX);
  if (terms === 'COD') segment = 'cod';
  const parsed = parseTerms(terms);
  assert(parsed.ok, `demo terms ${terms}`);
  return { terms, termsRule: parsed.value, segment };
}

/** An independent account (or a chain's head office). */
function accountProfile(
  p: Required<DemoParams>, index: number, used: Set<string>, staff: Staffing,
): Profile {
  const rng = new Prng(p.seed, STREAM.customer, index);
  const business = rng.weighted(BUSINESSES.map((b) => [b, b.weight] as const));
  const base = uniqueName(rng, business, used, index);
  const legal = base.endsWith('.') ? '' : rng.pick(['', '', ' Inc.', ' LLC', ' Co.']);
  const regionIndex = rng.weighted(REGIONS.map((r, i) => [i, r.weight] as const));
  const region = REGIONS[regionIndex]!;
  const size = Math.min(300, Math.pow(1 - rng.next(), -1 / 1.2));
  const { terms, termsRule, segment } = termsAndSegment(rng, size);
  const firstMonth = rng.chance(0.12) ? rng.int(1, DEMO_MONTHS - 2) : 0;
  // A few accounts stopped buying a while ago (closed stores, lost to a competitor).
  const lost = firstMonth < DEMO_MONTHS - 4 && rng.chance(0.04);
  const lastMonth = lost ? rng.int(firstMonth + 1, DEMO_MONTHS - 3) : DEMO_MONTHS - 1;
  return {
    index,
    account: `C${10001 + index}`,
    name: base + legal,
    parentAccount: '',
    payerName: base + legal,
    chainStores: 0,
    business,
    region,
    terms,
    termsRule,
    segment,
    collector: personName(Math.floor((index * staff.collectors) / p.customers)),
    salesRep: salesRepFor(rng, regionIndex, staff),
    ...contactFor(rng, region, base),
    size,
    ticketCents: Math.round(business.ticketCents * Math.pow(size, 0.3) * (0.8 + rng.next() / 2)),
    firstMonth,
    lastMonth,
    ...paymentHabits(rng, segment, size),
  };
}

/**
 * Every customer in order: independent accounts, and chains (about 2% of new names) whose head
 * office bill-to account comes first, followed by 3-12 stores that share its terms, portfolio,
 * payment habits and accounts-payable contact.
 */
function* customerProfiles(p: Required<DemoParams>): Generator<Profile> {
  const used = new Set<string>();
  const staff = staffing(p.customers);
  let chain: { head: Profile; base: string; left: number; store: number } | null = null;
  for (let index = 0; index < p.customers; index++) {
    if (chain && chain.left > 0) {
      chain.left -= 1;
      chain.store += new Prng(p.seed, STREAM.customer, index, 1).int(1, 7);
      yield storeProfile(p, index, chain.head, `${chain.base} #${chain.store}`);
      continue;
    }
    const profile = accountProfile(p, index, used, staff);
    const rng = new Prng(p.seed, STREAM.customer, index, 1);
    const remaining = p.customers - index - 1;
    if (remaining >= 3 && rng.chance(0.02)) {
      const base = profile.name.replace(/ (Inc\.|LLC|Co\.)$/, '');
      profile.name = `${base} Inc.`;
      profile.payerName = profile.name;
      profile.chainStores = rng.int(3, Math.min(12, remaining));
      profile.size = 0; // the head office is billed nothing itself: its stores are
      chain = { head: profile, base, left: profile.chainStores, store: rng.int(1, 9) * 100 };
    }
    yield profile;
  }
}

function storeProfile(p: Required<DemoParams>, index: number, head: Profile, name: string) {
  const rng = new Prng(p.seed, STREAM.customer, index);
  const size = Math.min(100, Math.pow(1 - rng.next(), -1 / 1.5) * 1.5);
  const firstMonth = rng.chance(0.1) ? rng.int(1, DEMO_MONTHS - 2) : 0;
  return {
    ...head,
    index,
    account: `C${10001 + index}`,
    name,
    parentAccount: head.account,
    chainStores: 0,
    size,
    ticketCents: Math.round(head.business.ticketCents * Math.pow(size, 0.3)),
    firstMonth,
    lastMonth: DEMO_MONTHS - 1,
  };
}

// ---------------------------------------------------------------------------------------------
// Company plan: months, invoice counts per account and month, invoice numbering

interface Company {
  params: Required<DemoParams>;
  monthStarts: IsoDate[];
  /** Last day of each month, or today in the current month. */
  monthEnds: IsoDate[];
  /** Seasonal weight of each month, scaled down for the part of the current month to come. */
  monthWeights: number[];
  totalWeight: number;
  /** The first invoice number of each month (invoices are numbered month by month). */
  monthBase: number[];
}

interface Account {
  profile: Profile;
  invoiceCounts: number[];
  firstNumbers: number[];
}

function activeWeight(profile: Profile): number {
  return (profile.size * (profile.lastMonth - profile.firstMonth + 1)) / DEMO_MONTHS;
}

function planCompany(params: Required<DemoParams>): Company {
  const first = addMonths(`${params.today.slice(0, 7)}-01`, 1 - DEMO_MONTHS);
  const monthStarts = Array.from({ length: DEMO_MONTHS }, (_, m) => addMonths(first, m));
  const monthEnds = monthStarts.map((s) => minDate(endOfMonth(s), params.today));
  const monthWeights = monthStarts.map((s, m) => {
    const [y, mo] = s.split('-').map(Number) as [number, number];
    const days = daysFrom(s, monthEnds[m]!) + 1;
    return Math.max(1, Math.round((SEASON[mo - 1]! * 100 * days) / daysInMonth(y, mo)));
  });
  let totalWeight = 0;
  for (const profile of customerProfiles(params)) totalWeight += activeWeight(profile);
  const zeros = new Array<number>(DEMO_MONTHS).fill(0);
  const company = { params, monthStarts, monthEnds, monthWeights, totalWeight, monthBase: zeros };
  const totals = zeros.slice();
  for (const a of accounts(company)) a.invoiceCounts.forEach((n, m) => (totals[m]! += n));
  let next = FIRST_INVOICE_NUMBER;
  const monthBase = totals.map((n) => ((next += n), next - n));
  return { ...company, monthBase };
}

/**
 * Accounts in order with their invoice counts: the total is split in proportion to size by
 * cumulative rounding (so it is exact), then over the account's active months by season.
 */
function* accounts(company: Company): Generator<Account> {
  const { params } = company;
  const prefix = new Array<number>(DEMO_MONTHS).fill(0);
  let cumulative = 0;
  let assigned = 0;
  for (const profile of customerProfiles(params)) {
    cumulative += activeWeight(profile);
    const target = company.totalWeight === 0 ? 0
      : Math.round((params.invoices * cumulative) / company.totalWeight);
    const count = target - assigned;
    assigned = target;
    const invoiceCounts = spreadOverMonths(company, profile, count);
    const firstNumbers = invoiceCounts.map((_, m) => (company.monthBase[m] ?? 0) + prefix[m]!);
    invoiceCounts.forEach((n, m) => (prefix[m]! += n));
    yield { profile, invoiceCounts, firstNumbers };
  }
}

function spreadOverMonths(company: Company, profile: Profile, count: number): number[] {
  if (count === 0) return new Array<number>(DEMO_MONTHS).fill(0);
  const rng = new Prng(company.params.seed, STREAM.spread, profile.index);
  const weights = company.monthWeights.map((w, m) =>
    m < profile.firstMonth || m > profile.lastMonth ? 0 : w * rng.int(75, 125),
  );
  return allocate(count, weights);
}

// ---------------------------------------------------------------------------------------------
// Documents

/** When and how much of a debit the customer pays (dates before snapping to pay runs). */
interface PayPlan {
  firstOn: IsoDate | null;
  /** Percent of the open amount paid on `firstOn`; the rest follows on `restOn` (or never). */
  firstPercent: number;
  restOn: IsoDate | null;
  /** Paid on exactly that date (delivery cash, early-pay discount window), not at a pay run. */
  exact: boolean;
}

interface DebitDoc {
  type: 'invoice' | 'debit_memo';
  number: string;
  date: IsoDate;
  dueDate: IsoDate;
  amountCents: number;
  openCents: number;
  poNumber: string;
  orderNumber: string;
  plan: PayPlan;
}

interface CreditDoc {
  number: string;
  date: IsoDate;
  amountCents: number;
  invoice: DebitDoc;
}

interface Documents {
  debits: DebitDoc[];
  credits: CreditDoc[];
}

const NEVER: PayPlan = { firstOn: null, firstPercent: 100, restOn: null, exact: false };

function planPayment(rng: Prng, profile: Profile, date: IsoDate, due: IsoDate): PayPlan {
  const full = (on: IsoDate, exact = false): PayPlan =>
    ({ firstOn: maxOf(on, date), firstPercent: 100, restOn: null, exact });
  const fromDue = (lo: number, hi: number) => full(plusDays(due, rng.int(lo, hi)));
  // Every segment has a few items nobody pays: disputed, lost, forgotten.
  if (rng.chance(0.003)) return NEVER;
  switch (profile.segment) {
    case 'cod':
      return full(plusDays(date, rng.int(0, 2)), true);
    case 'discount': {
      const deadline = discountDeadline(profile.termsRule, date) ?? date;
      return rng.chance(0.88)
        ? full(minDate(plusDays(date, rng.int(2, 8)), deadline), true)
        : fromDue(-3, 5);
    }
    case 'prompt':
      // Near terms: pay runs are scheduled a little ahead so most arrive by the due date.
      return fromDue(-10, 3);
    case 'late':
      return rng.chance(0.25) ? fromDue(-3, 10) : fromDue(15, 45);
    case 'chronic':
      return rng.chance(0.08) ? NEVER : fromDue(60, 150);
    case 'partial': {
      if (rng.chance(0.6)) return fromDue(-5, 15);
      const firstOn = maxOf(plusDays(due, rng.int(-5, 15)), date);
      const restOn = rng.chance(0.88) ? plusDays(firstOn, rng.int(20, 60)) : null;
      return { firstOn, firstPercent: rng.int(40, 85), restOn, exact: false };
    }
  }
}

/** A delivery day in [start, end]: Monday to Saturday when the range allows. */
function deliveryDay(rng: Prng, start: IsoDate, end: IsoDate): IsoDate {
  const span = daysFrom(start, end);
  const offset = rng.int(0, span);
  const date = plusDays(start, offset);
  if (dayOfWeek(date) !== 0) return date;
  return offset > 0 ? plusDays(date, -1) : offset < span ? plusDays(date, 1) : date;
}

/** An invoice's amount: around the account's typical ticket, log-normally spread. */
function invoiceAmount(rng: Prng, ticketCents: number): number {
  const cents = Math.round(ticketCents * Math.exp(0.6 * rng.normal()));
  return Math.min(25_000_000, Math.max(2_500, cents));
}

/** The documents an account is billed in month `m`; memos dated after today are left out. */
function monthDocuments(company: Company, account: Account, m: number): Documents {
  const { profile } = account;
  const { seed, today } = company.params;
  const rng = new Prng(seed, STREAM.month, profile.index, m);
  const count = account.invoiceCounts[m]!;
  const dates = Array.from({ length: count }, () =>
    deliveryDay(rng, company.monthStarts[m]!, company.monthEnds[m]!)).sort();
  const out: Documents = { debits: [], credits: [] };
  dates.forEach((date, k) => {
    const number = account.firstNumbers[m]! + k;
    const invoice = debitDoc(rng, profile, 'invoice', String(number), date,
      invoiceAmount(rng, profile.ticketCents));
    invoice.orderNumber = `SO${number - 1_000_000}`;
    if (profile.usesPo) invoice.poNumber = `PO${pad(rng.int(10_000, 999_999), 6)}`;
    out.debits.push(invoice);
    if (rng.chance(0.03)) {
      // A return: sometimes the whole delivery, mostly a few damaged or short cases.
      const pct = rng.chance(0.25) ? 100 : rng.int(5, 60);
      const amountCents = Math.min(invoice.amountCents,
        Math.max(500, Math.floor((invoice.amountCents * pct) / 100)));
      const cmDate = plusDays(date, rng.int(1, 20));
      if (cmDate <= today) out.credits.push({ number: `CM${number}`, date: cmDate, amountCents,
        invoice });
    }
    if (rng.chance(0.006)) {
      // A freight or fuel surcharge billed after the delivery.
      const dm = debitDoc(rng, profile, 'debit_memo', `DM${number}`,
        plusDays(date, rng.int(1, 10)), rng.int(1_500, 25_000));
      dm.poNumber = invoice.poNumber;
      if (dm.date <= today) out.debits.push(dm);
    }
  });
  return out;
}

function debitDoc(
  rng: Prng, profile: Profile, type: DebitDoc['type'], number: string, date: IsoDate,
  amountCents: number,
): DebitDoc {
  const dueDate = dueDateFor(profile.termsRule, date);
  const plan = planPayment(rng, profile, date, dueDate);
  return { type, number, date, dueDate, amountCents, openCents: amountCents, poNumber: '',
    orderNumber: '', plan };
}

function accountDocuments(company: Company, account: Account): Documents {
  const all: Documents = { debits: [], credits: [] };
  for (let m = 0; m < DEMO_MONTHS; m++) {
    if (account.invoiceCounts[m] === 0) continue;
    const docs = monthDocuments(company, account, m);
    all.debits.push(...docs.debits);
    all.credits.push(...docs.credits);
  }
  return all;
}

// ---------------------------------------------------------------------------------------------
// Settlement: credit memos, pay runs, unidentified and on-account cash

interface DemoApplication {
  paymentReference: string;
  documentNumber: string;
  amountCents: number;
  appliedOn: IsoDate;
}

interface DemoPayment {
  /** Empty for an unidentified receipt (no remittance, payer not recognized). */
  account: string;
  method: PaymentMethod;
  reference: string;
  receivedOn: IsoDate;
  amountCents: number;
  payerName: string;
  memo: string;
}

interface Settlement {
  payments: DemoPayment[];
  applications: DemoApplication[];
}

interface Intent {
  debit: DebitDoc;
  percent: number;
}

type SettlementEvent =
  | { on: IsoDate; order: 0; credit: CreditDoc }
  | { on: IsoDate; order: 1; intents: Intent[] }
  | { on: IsoDate; order: 2; onAccountCents: number };

/** Payment references, unique within an account: cheque numbers rise, others carry a count. */
class PaymentBook {
  private count = 0;
  private check: number;
  private readonly bank: number;
  private readonly route: number;

  constructor(private readonly rng: Prng) {
    this.check = rng.int(1001, 9000);
    this.bank = rng.int(10_000_000, 99_999_999);
    this.route = rng.int(1, 40);
  }

  reference(method: PaymentMethod, on: IsoDate): string {
    this.count += 1;
    const day = on.replace(/-/g, '');
    switch (method) {
      case 'check':
        this.check += this.rng.int(1, 4); // the customer's other suppliers get cheques too
        return String(this.check);
      case 'ach':
        return `${this.bank}${pad(this.count, 7)}`;
      case 'wire':
        return `FW${day}${pad(this.count, 4)}`;
      case 'card':
        return `CC${day.slice(2)}${pad(this.count, 4)}`;
      case 'online_bill_pay':
        return `OBP${this.bank % 1_000_000}${pad(this.count, 5)}`;
      case 'cash':
        return `CR${pad(this.count, 5)}`;
      case 'route_cash':
        return `RT${pad(this.route, 2)}-${pad(this.count, 5)}`;
    }
  }
}

/** The date a payment intended for `intended` arrives: the account's next pay run. */
function receiveDate(profile: Profile, intended: IsoDate, exact: boolean): IsoDate {
  if (exact) return intended;
  let d = intended;
  if (profile.cadence === 'weekly' || profile.cadence === 'biweekly') {
    d = plusDays(d, (profile.payDay - dayOfWeek(d) + 7) % 7);
    const week = Math.floor(dayNumber(d) / 7);
    if (profile.cadence === 'biweekly' && week % 2 !== profile.index % 2) d = plusDays(d, 7);
  } else if (profile.cadence === 'monthly') {
    const run = `${d.slice(0, 7)}-${pad(profile.payDay, 2)}`;
    d = run >= d ? run : addMonths(run, 1);
  }
  return dayOfWeek(d) === 0 ? plusDays(d, 1) : d;
}

function settlementEvents(
  company: Company, profile: Profile, docs: Documents, rng: Prng,
): SettlementEvent[] {
  const { today } = company.params;
  const runs = new Map<IsoDate, Intent[]>();
  const intend = (on: IsoDate, intent: Intent) => {
    if (on > today) return;
    const run = runs.get(on);
    if (run) run.push(intent);
    else runs.set(on, [intent]);
  };
  for (const debit of docs.debits) {
    const { plan } = debit;
    if (plan.firstOn) intend(receiveDate(profile, plan.firstOn, plan.exact),
      { debit, percent: plan.firstPercent });
    if (plan.restOn) intend(receiveDate(profile, plan.restOn, false), { debit, percent: 100 });
  }
  const events: SettlementEvent[] = docs.credits.map((credit) => ({ on: credit.date, order: 0,
    credit }));
  for (const [on, intents] of runs) events.push({ on, order: 1, intents });
  const first = docs.debits[0];
  const slow = profile.segment === 'late' || profile.segment === 'chronic'
    || profile.segment === 'partial';
  if (first && slow && rng.chance(0.05)) {
    // A round amount "on account", without remittance: it waits in unapplied cash.
    const on = maxOf(plusDays(today, -rng.int(5, 120)), first.date);
    events.push({ on, order: 2, onAccountCents: rng.int(2, 20) * 25_000 });
  }
  return events.sort((a, b) => (a.on === b.on ? a.order - b.order : a.on < b.on ? -1 : 1));
}

/**
 * Replays an account's history in date order, tracking open amounts exactly: credit memos are
 * applied to their invoices, pay runs pay what is still open (never more), a few receipts arrive
 * unidentified or on account. So every application fits both sides' open amounts.
 */
function settleAccount(company: Company, account: Account): Settlement {
  const { profile } = account;
  const docs = accountDocuments(company, account);
  const rng = new Prng(company.params.seed, STREAM.settle, profile.index);
  const book = new PaymentBook(rng);
  const out: Settlement = { payments: [], applications: [] };
  for (const event of settlementEvents(company, profile, docs, rng)) {
    if ('credit' in event) {
      applyCreditMemo(event.credit, docs.debits, out);
    } else if ('intents' in event) {
      payRun(company, profile, event.on, event.intents, rng, book, out);
    } else {
      out.payments.push({ account: profile.account, method: profile.method,
        reference: book.reference(profile.method, event.on), receivedOn: event.on,
        amountCents: event.onAccountCents, payerName: profile.payerName, memo: 'ON ACCOUNT' });
    }
  }
  return out;
}

/**
 * A credit memo goes on its invoice; what the invoice no longer needs (it was paid meanwhile)
 * goes on the account's oldest open items billed by then, and any rest stays open as a credit.
 */
function applyCreditMemo(credit: CreditDoc, debits: readonly DebitDoc[], out: Settlement): void {
  let left = credit.amountCents;
  for (const debit of [credit.invoice, ...debits]) {
    if (left === 0) break;
    if (debit.date > credit.date || debit.openCents === 0) continue;
    const amountCents = Math.min(left, debit.openCents);
    debit.openCents -= amountCents;
    left -= amountCents;
    out.applications.push({ paymentReference: credit.number, documentNumber: debit.number,
      amountCents, appliedOn: credit.date });
  }
}

function payRun(
  company: Company, profile: Profile, on: IsoDate, intents: Intent[], rng: Prng,
  book: PaymentBook, out: Settlement,
): void {
  const amounts = new Map<DebitDoc, number>();
  for (const { debit, percent } of intents) {
    const open = debit.openCents - (amounts.get(debit) ?? 0);
    const pay = percent >= 100 ? open : Math.floor((open * percent) / 100);
    if (pay > 0) amounts.set(debit, (amounts.get(debit) ?? 0) + pay);
  }
  if (amounts.size === 0) return;
  let total = 0;
  for (const amount of amounts.values()) total += amount;
  // About 1% of recent receipts, more in a small demo so that it still shows a few.
  const unidentifiedShare = Math.min(0.05, Math.max(0.01, 60 / company.params.invoices));
  if (daysFrom(on, company.params.today) <= 45 && rng.chance(unidentifiedShare)) {
    // Unidentified: the bank shows a receipt from a name nobody recognizes yet; the invoices
    // it was meant for stay open until cash application researches it.
    const method = rng.pick(['check', 'ach', 'wire'] as const);
    out.payments.push({ account: '', method, reference: book.reference(method, on),
      receivedOn: on, amountCents: total, payerName: remitterName(profile.payerName), memo: '' });
    return;
  }
  // Now and then an invoice is paid twice: the excess stays unapplied on the payment.
  const duplicateCents = rng.chance(0.0015) ? amounts.values().next().value! : 0;
  const method = rng.chance(0.9) ? profile.method : rng.pick(['check', 'ach', 'card'] as const);
  const reference = book.reference(method, on);
  const numbers = [...amounts.keys()].map((d) => d.number);
  out.payments.push({ account: profile.account, method, reference, receivedOn: on,
    amountCents: total + duplicateCents, payerName: profile.payerName,
    memo: remittanceMemo(numbers) });
  for (const [debit, amountCents] of amounts) {
    debit.openCents -= amountCents;
    out.applications.push({ paymentReference: reference, documentNumber: debit.number,
      amountCents, appliedOn: on });
  }
}

function remittanceMemo(numbers: string[]): string {
  const shown = numbers.slice(0, 4).join(' ');
  return numbers.length > 4 ? `INV ${shown} +${numbers.length - 4} MORE` : `INV ${shown}`;
}

/** A bank's truncated, abbreviated rendering of a payer's name. */
function remitterName(name: string): string {
  return name.toUpperCase()
    .replace(/ (INC\.|LLC|CO\.)$/, '')
    .replace(/ #\d+$/, '')
    .replace(/STREET/g, 'ST').replace(/MARKETS?/g, 'MKT').replace(/SUPPLY/g, 'SUP')
    .replace(/INDUSTRIAL/g, 'IND').replace(/ & /g, ' ')
    .slice(0, 22).trim();
}

// ---------------------------------------------------------------------------------------------
// Rows

function creditLimit(account: Account): string {
  const { profile } = account;
  if (profile.terms === 'COD') return formatAmount(0);
  if (profile.chainStores > 0) return formatAmount(profile.chainStores * 1_500_000);
  const months = profile.lastMonth - profile.firstMonth + 1;
  const count = account.invoiceCounts.reduce((a, b) => a + b, 0);
  const monthly = Math.round((count * profile.ticketCents) / months);
  const factor = profile.terms === 'NET45' || profile.terms === 'NET60' ? 3 : 2;
  const raw = Math.max(100_000, monthly * factor);
  const step = raw < 1_000_000 ? 50_000 : raw < 5_000_000 ? 100_000 : 500_000;
  return formatAmount(Math.ceil(raw / step) * step);
}

function customerRow(account: Account): DemoRow {
  const p = account.profile;
  return {
    account_number: p.account, name: p.name, parent_account: p.parentAccount, terms: p.terms,
    credit_limit: creditLimit(account), currency: CURRENCY, collector: p.collector,
    sales_rep: p.salesRep, region: p.region.code, contact_name: p.contactName, email: p.email,
    phone: p.phone,
  };
}

function* documentRows(profile: Profile, docs: Documents): Generator<DemoRow> {
  for (const d of docs.debits) {
    yield {
      account_number: profile.account, number: d.number, type: d.type, date: d.date,
      due_date: d.dueDate, amount: formatAmount(d.amountCents), currency: CURRENCY,
      po_number: d.poNumber, order_number: d.orderNumber,
    };
  }
  for (const c of docs.credits) {
    yield {
      account_number: profile.account, number: c.number, type: 'credit_memo', date: c.date,
      due_date: '', amount: formatAmount(c.amountCents), currency: CURRENCY,
      po_number: c.invoice.poNumber, order_number: c.invoice.orderNumber,
    };
  }
}

/**
 * Invoices month by month, so invoice numbers rise with time as an ERP's would. The accounts
 * (one small record per customer, not their documents) are held for the fifteen passes.
 */
function* invoiceRows(company: Company): Generator<DemoRow> {
  const all = [...accounts(company)];
  for (let m = 0; m < DEMO_MONTHS; m++) {
    for (const account of all) {
      if (account.invoiceCounts[m] === 0) continue;
      yield* documentRows(account.profile, monthDocuments(company, account, m));
    }
  }
}

function* paymentRows(company: Company): Generator<DemoRow> {
  for (const account of accounts(company)) {
    for (const p of settleAccount(company, account).payments) {
      yield {
        account_number: p.account, method: p.method, reference: p.reference,
        received_on: p.receivedOn, amount: formatAmount(p.amountCents), currency: CURRENCY,
        payer_name: p.payerName, memo: p.memo,
      };
    }
  }
}

function* applicationRows(company: Company): Generator<DemoRow> {
  for (const account of accounts(company)) {
    for (const a of settleAccount(company, account).applications) {
      yield {
        account_number: account.profile.account, payment_reference: a.paymentReference,
        document_number: a.documentNumber, amount: formatAmount(a.amountCents),
        applied_on: a.appliedOn,
      };
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Public interface

export interface DemoCompany {
  readonly params: Required<DemoParams>;
  /** The rows of one import file, generated lazily; each call starts afresh. */
  rows(kind: DemoKind): Generator<DemoRow>;
}

function withDefaults(params: DemoParams): Required<DemoParams> {
  const p = { ...params, seed: params.seed ?? 1 };
  assert(Number.isSafeInteger(p.customers) && p.customers >= 1, 'demo needs customers >= 1');
  assert(Number.isSafeInteger(p.invoices) && p.invoices >= 0, 'demo needs invoices >= 0');
  assert(Number.isSafeInteger(p.seed), 'demo seed must be an integer');
  assert(isIsoDate(p.today), `demo today must be YYYY-MM-DD, got ${p.today}`);
  return p;
}

/**
 * Plans the demo company (one quick pass over the customers) and returns its row generators.
 * @example
 *   const demo = demoCompany({ customers: 2000, invoices: 40000, today: '2026-03-31' });
 *   for (const row of demo.rows('customers')) console.log(row.account_number, row.name);
 */
export function demoCompany(params: DemoParams): DemoCompany {
  const full = withDefaults(params);
  const company = planCompany(full);
  return {
    params: full,
    rows(kind) {
      switch (kind) {
        case 'customers':
          return (function* () {
            for (const account of accounts(company)) yield customerRow(account);
          })();
        case 'invoices':
          return invoiceRows(company);
        case 'payments':
          return paymentRows(company);
        case 'applications':
          return applicationRows(company);
      }
    },
  };
}

/**
 * What identifies one generated file: the generator's version, the kind and the parameters.
 * Hashed, it is the import's file fingerprint, so seeding twice with the same parameters is
 * recognized as the same files. Bump the version whenever the generator's output changes.
 */
export function demoFingerprint(params: DemoParams, kind: DemoKind): string {
  const p = withDefaults(params);
  return `arc-demo/1 ${kind} customers=${p.customers} invoices=${p.invoices} today=${p.today} ` +
    `seed=${p.seed}`;
}
