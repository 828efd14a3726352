/**
 * The rows of customer_open_dates (migration 028) computed from items, for a bulk load of
 * invoices (src/ledger/import-invoices-direct.ts): node sees every row it writes, and adding
 * them up by day as they pass costs far less than PostgreSQL sorting every open item of the
 * ledger afterwards (refresh_all_customer_open_dates, 5 s at a million invoices).
 *
 * Per customer and currency, three sides, each a sorted array of distinct dates beside the
 * running totals through each date:
 * - due:    open debits (positive) by due date,
 * - debit:  the same debits by document date,
 * - credit: open credits (negative) by document date.
 * Only regular items count: a debit due before its document date is read item by item by the
 * aging, and so is an item with nothing open. A side without items is null, and a customer and
 * currency without any item has no row. customer_open_dates_of() in SQL is the one definition;
 * the tests and `arc verify` compare against it.
 */
import { assert } from './result.ts';

export interface OpenDatesRow {
  customerId: number;
  currency: string;
  dueOn: string[] | null;
  dueCents: number[] | null;
  debitOn: string[] | null;
  debitCents: number[] | null;
  creditOn: string[] | null;
  creditCents: number[] | null;
}

interface Totals {
  on: string[];
  cents: number[];
  total: number;
}

const DUE = 0;
const DEBIT = 1;
const CREDIT = 2;

/**
 * Adds items up by customer, currency, side and day; gives the running totals as rows. The
 * items are kept as they come, in typed arrays (a million of them, as maps of days per
 * customer, made the import's garbage collection several seconds slower), and grouped by
 * customer and currency, then by side and day, only when the rows are asked for.
 */
export class OpenDatesByDay {
  /** Slot of each customer and currency, in the order first added. */
  private readonly slots = new Map<number, Map<string, number>>();
  private readonly keys: { customerId: number; currency: string }[] = [];
  private slot = new Int32Array(1024);
  /** The day and side (dayKey): in date order, then side. */
  private dayKeys = new Int32Array(1024);
  private keyMin = Infinity;
  private keyMax = -Infinity;
  private cents = new Float64Array(1024);
  private size = 0;

  /** Adds one item (an item with nothing open, or irregular, adds nothing). */
  add(customerId: number, currency: string, documentDate: string, dueDate: string,
    openCents: number): void {
    this.addAt(this.slotOf(customerId, currency), documentDate, dueDate, openCents);
  }

  /** Adds one item of the customer and currency whose slot (slotOf) is given. */
  addAt(slot: number, documentDate: string, dueDate: string, openCents: number): void {
    if (openCents > 0 && dueDate >= documentDate) {
      this.push(slot, dayKey(dueDate, DUE), openCents);
      this.push(slot, dayKey(documentDate, DEBIT), openCents);
    } else if (openCents < 0) {
      this.push(slot, dayKey(documentDate, CREDIT), openCents);
    }
  }

  /** Adds a row's items back from its running totals (each day's amount is its difference). */
  addRow(row: OpenDatesRow): void {
    const slot = this.slotOf(row.customerId, row.currency);
    this.addRunning(slot, DUE, row.dueOn, row.dueCents);
    this.addRunning(slot, DEBIT, row.debitOn, row.debitCents);
    this.addRunning(slot, CREDIT, row.creditOn, row.creditCents);
  }

  /** The customers added to. */
  customerIds(): number[] {
    return [...this.slots.keys()];
  }

  /** The rows, by customer and currency as first added. */
  rows(): OpenDatesRow[] {
    return [...this.rowsOf()];
  }

  /** The rows one by one (a caller can yield to other work between them). */
  *rowsOf(): Generator<OpenDatesRow> {
    // The entries ordered by slot, then day and side: two stable counting sorts, the first by
    // day and side (keys over the span of the dates added: a few thousand).
    const n = this.size;
    if (n === 0) return;
    const key = this.dayKeys.subarray(0, n);
    const span = this.keyMax - this.keyMin + 1;
    const shifted = key.map((k) => k - this.keyMin);
    const order = countingOrder(this.slot.subarray(0, n), this.keys.length,
      countingOrder(shifted, span, null));
    const dates: string[] = [];
    for (let j = 0; j < n;) {
      const slot = this.slot[order[j]!]!;
      const totals: (Totals | null)[] = [null, null, null];
      for (; j < n && this.slot[order[j]!] === slot; j++) {
        const i = order[j]!;
        const side = key[i]! % 3;
        let t = totals[side];
        if (!t) {
          t = { on: [], cents: [], total: 0 };
          totals[side] = t;
        }
        t.total += this.cents[i]!;
        assert(Number.isSafeInteger(t.total), 'running totals are exact');
        const next = j + 1 < n ? order[j + 1]! : -1;
        if (next < 0 || this.slot[next] !== slot || key[next] !== key[i]) {
          t.on.push(dates[shifted[i]!] ??= dateOf(key[i]!));
          t.cents.push(t.total);
        }
      }
      const [due, debit, credit] = totals;
      if (!due && !credit) continue;
      yield { ...this.keys[slot]!, dueOn: due?.on ?? null, dueCents: due?.cents ?? null,
        debitOn: debit?.on ?? null, debitCents: debit?.cents ?? null,
        creditOn: credit?.on ?? null, creditCents: credit?.cents ?? null };
    }
  }

  private addRunning(slot: number, side: number, on: string[] | null,
    cents: number[] | null): void {
    assert((on?.length ?? 0) === (cents?.length ?? 0), 'dates and totals pair up');
    let before = 0;
    on?.forEach((day, i) => {
      this.push(slot, dayKey(day, side), cents![i]! - before);
      before = cents![i]!;
    });
  }

  /** The slot of a customer and currency: a caller adding many items keeps it (addAt). */
  slotOf(customerId: number, currency: string): number {
    let byCurrency = this.slots.get(customerId);
    if (byCurrency === undefined) {
      byCurrency = new Map();
      this.slots.set(customerId, byCurrency);
    }
    let slot = byCurrency.get(currency);
    if (slot === undefined) {
      slot = this.keys.length;
      this.keys.push({ customerId, currency });
      byCurrency.set(currency, slot);
    }
    return slot;
  }

  private push(slot: number, key: number, cents: number): void {
    if (this.size === this.slot.length) {
      const grow = <T extends Int32Array | Float64Array>(a: T): T => {
        const b = new (a.constructor as new (n: number) => T)(a.length * 2);
        b.set(a);
        return b;
      };
      [this.slot, this.dayKeys, this.cents] = [grow(this.slot), grow(this.dayKeys),
        grow(this.cents)];
    }
    this.slot[this.size] = slot;
    this.dayKeys[this.size] = key;
    if (key < this.keyMin) this.keyMin = key;
    if (key > this.keyMax) this.keyMax = key;
    this.cents[this.size] = cents;
    this.size += 1;
  }
}

/**
 * The indices of `keys` (each in 0..keyCount-1) in key order, ties in the order of `input`
 * (every index in index order when null): a stable counting sort.
 */
function countingOrder(keys: Int32Array, keyCount: number, input: Int32Array | null): Int32Array {
  const start = new Int32Array(keyCount + 1);
  for (let i = 0; i < keys.length; i++) start[keys[i]! + 1]! += 1;
  for (let k = 0; k < keyCount; k++) start[k + 1]! += start[k]!;
  const order = new Int32Array(keys.length);
  for (let j = 0; j < keys.length; j++) {
    const i = input === null ? j : input[j]!;
    order[start[keys[i]!]!++] = i;
  }
  return order;
}

/**
 * A day and side as a number, in date order then side: (months since year 0 * 31 + day of
 * month - 1) * 3 + side. Read digit by digit (no string made; no local function either: tsx
 * names every one it creates, a defineProperty per call).
 */
function dayKey(date: string, side: number): number {
  const year = (date.charCodeAt(0) - 48) * 1_000 + (date.charCodeAt(1) - 48) * 100
    + (date.charCodeAt(2) - 48) * 10 + (date.charCodeAt(3) - 48);
  const month = (date.charCodeAt(5) - 48) * 10 + (date.charCodeAt(6) - 48);
  const day = (date.charCodeAt(8) - 48) * 10 + (date.charCodeAt(9) - 48);
  return ((year * 12 + month - 1) * 31 + day - 1) * 3 + side;
}

/** The date of a dayKey. */
function dateOf(key: number): string {
  const days = Math.floor(key / 3);
  const months = Math.floor(days / 31);
  const [y, m, d] = [Math.floor(months / 12), (months % 12) + 1, (days % 31) + 1];
  return `${String(y).padStart(4, '0')}-${m < 10 ? '0' : ''}${m}-${d < 10 ? '0' : ''}${d}`;
}
