import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { addDays } from './dates.ts';
import { OpenDatesByDay, type OpenDatesRow } from './open-dates.ts';

describe('open dates by day', () => {
  it('keeps regular debits on two sides, credits on one, and leaves the rest out', () => {
    const o = new OpenDatesByDay();
    const add = (customer: number, currency: string, documentDate: string, dueDate: string,
      openCents: number) => o.add(customer, currency, documentDate, dueDate, openCents);
    // Table: each item and where it counts.
    add(1, 'USD', '2026-03-01', '2026-03-31', 1_000); // due 03-31, debit 03-01
    add(1, 'USD', '2026-03-01', '2026-03-15', 200); // same document date: one day
    add(1, 'USD', '2026-02-01', '2026-02-01', 50); // due on its date: regular
    add(1, 'USD', '2026-03-05', '2026-03-01', 999); // due before its date: left out
    add(1, 'USD', '2026-03-02', '2026-03-02', 0); // nothing open: left out
    add(1, 'USD', '2026-03-03', '2026-03-03', -300); // credit
    add(1, 'EUR', '2026-03-03', '2026-04-03', 70);
    add(2, 'USD', '2026-03-09', '2026-03-09', -5); // credits only
    add(3, 'USD', '2026-03-09', '2026-03-01', 5); // irregular only: no row
    expect(o.rows()).toEqual([
      { customerId: 1, currency: 'USD',
        dueOn: ['2026-02-01', '2026-03-15', '2026-03-31'], dueCents: [50, 250, 1_250],
        debitOn: ['2026-02-01', '2026-03-01'], debitCents: [50, 1_250],
        creditOn: ['2026-03-03'], creditCents: [-300] },
      { customerId: 1, currency: 'EUR', dueOn: ['2026-04-03'], dueCents: [70],
        debitOn: ['2026-03-03'], debitCents: [70], creditOn: null, creditCents: null },
      { customerId: 2, currency: 'USD', dueOn: null, dueCents: null, debitOn: null,
        debitCents: null, creditOn: ['2026-03-09'], creditCents: [-5] },
    ]);
  });

  // Dates over three calendar years (month and year ends), two currencies.
  const item = fc.record({
    customer: fc.integer({ min: 1, max: 3 }), currency: fc.constantFrom('USD', 'EUR'),
    documentDate: fc.integer({ min: 0, max: 800 }).map((n) => addDays('2025-11-20', n)),
    dueDate: fc.integer({ min: 0, max: 800 }).map((n) => addDays('2025-11-20', n)),
    openCents: fc.integer({ min: -10_000, max: 10_000 }),
  });
  type Item = typeof item extends fc.Arbitrary<infer T> ? T : never;
  const addAll = (o: OpenDatesByDay, items: Item[]) => {
    for (const i of items) o.add(i.customer, i.currency, i.documentDate, i.dueDate, i.openCents);
  };
  const byKey = (rows: OpenDatesRow[]) =>
    rows.sort((a, b) => a.customerId - b.customerId || a.currency.localeCompare(b.currency));

  /** The definition, item by item: each side's days summed in a map, sorted, added up. */
  function naive(items: Item[]): OpenDatesRow[] {
    const groups = new Map<string, Item[]>();
    for (const i of items) {
      const k = `${i.customer}|${i.currency}`;
      groups.set(k, [...(groups.get(k) ?? []), i]);
    }
    const side = (xs: [string, number][]) => {
      if (xs.length === 0) return [null, null] as const;
      const days = new Map<string, number>();
      for (const [d, c] of xs) days.set(d, (days.get(d) ?? 0) + c);
      const on = [...days.keys()].sort();
      let total = 0;
      return [on, on.map((d) => (total += days.get(d)!))] as const;
    };
    return [...groups.values()].flatMap((g) => {
      const regular = g.filter((i) => i.openCents > 0 && i.dueDate >= i.documentDate);
      const [dueOn, dueCents] = side(regular.map((i) => [i.dueDate, i.openCents]));
      const [debitOn, debitCents] = side(regular.map((i) => [i.documentDate, i.openCents]));
      const [creditOn, creditCents] = side(g.filter((i) => i.openCents < 0)
        .map((i) => [i.documentDate, i.openCents]));
      if (dueOn === null && creditOn === null) return [];
      return [{ customerId: g[0]!.customer, currency: g[0]!.currency, dueOn, dueCents,
        debitOn, debitCents, creditOn, creditCents } as OpenDatesRow];
    });
  }

  it('gives the rows of the definition, item by item', () => {
    fc.assert(fc.property(fc.array(item, { maxLength: 60 }), (items) => {
      const o = new OpenDatesByDay();
      addAll(o, items);
      expect(byKey(o.rows())).toEqual(byKey(naive(items)));
    }));
  });

  it('a row read back and added to gives the rows of all the items at once', () => {
    fc.assert(fc.property(fc.array(item), fc.array(item), (before, load) => {
      const all = new OpenDatesByDay();
      addAll(all, [...before, ...load]);
      const kept = new OpenDatesByDay();
      addAll(kept, before);
      const merged = new OpenDatesByDay();
      for (const row of kept.rows()) merged.addRow(row);
      addAll(merged, load);
      expect(byKey(merged.rows())).toEqual(byKey(all.rows()));
    }));
  });
});
