import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { OpenDatesByDay } from './open-dates.ts';

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

  it('a row read back and added to gives the rows of all the items at once', () => {
    const day = fc.integer({ min: 1, max: 28 }).map((d) => `2026-03-${String(d).padStart(2, '0')}`);
    const item = fc.record({ customer: fc.integer({ min: 1, max: 3 }), documentDate: day,
      dueDate: day, openCents: fc.integer({ min: -10_000, max: 10_000 }) });
    fc.assert(fc.property(fc.array(item), fc.array(item), (before, load) => {
      const all = new OpenDatesByDay();
      const kept = new OpenDatesByDay();
      for (const i of [...before, ...load]) all.add(i.customer, 'USD', i.documentDate, i.dueDate, i.openCents);
      for (const i of before) kept.add(i.customer, 'USD', i.documentDate, i.dueDate, i.openCents);
      const merged = new OpenDatesByDay();
      for (const row of kept.rows()) merged.addRow(row);
      for (const i of load) merged.add(i.customer, 'USD', i.documentDate, i.dueDate, i.openCents);
      const sorted = (o: OpenDatesByDay) =>
        o.rows().sort((a, b) => a.customerId - b.customerId);
      expect(sorted(merged)).toEqual(sorted(all));
    }));
  });
});
