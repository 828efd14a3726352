import { describe, expect, it } from 'vitest';
import { checkPlan, fillOldestFirst, oldestFirst, type OpenDebit } from './apply-plan.ts';

const items: OpenDebit[] = [
  { id: 3, number: 'INV-3', dueDate: '2025-03-01', documentDate: '2025-01-30', open: '50.00' },
  { id: 1, number: 'INV-1', dueDate: '2025-01-31', documentDate: '2025-01-01', open: '100.00' },
  { id: 2, number: 'INV-2', dueDate: '2025-01-31', documentDate: '2025-01-02', open: '25.50' },
];

describe('oldestFirst', () => {
  it('orders by due date, then document date, then id', () => {
    expect(oldestFirst(items).map((i) => i.id)).toEqual([1, 2, 3]);
  });
});

describe('fillOldestFirst', () => {
  const cases: [string, bigint, Set<number> | undefined, [number, bigint][]][] = [
    ['covers the oldest fully, then part of the next', 11000n, undefined, [[1, 10000n],
      [2, 1000n]]],
    ['stops when the payment is used up exactly', 12550n, undefined, [[1, 10000n], [2, 2550n]]],
    ['leaves the rest unapplied when the payment exceeds all items', 99999n, undefined,
      [[1, 10000n], [2, 2550n], [3, 5000n]]],
    ['fills only the chosen items', 6000n, new Set([3, 2]), [[2, 2550n], [3, 3450n]]],
    ['applies nothing for a zero payment', 0n, undefined, []],
  ];
  it.each(cases)('%s', (_name, amount, only, expected) => {
    expect([...fillOldestFirst(items, amount, only)]).toEqual(expected);
  });
});

describe('checkPlan', () => {
  it('reports the unapplied remainder', () => {
    const r = checkPlan(20000n, items, new Map([[1, '100'], [2, '25.50']]));
    expect(r).toMatchObject({ appliedCents: 12550n, remainderCents: 7450n, ok: true });
  });
  it('refuses more than the payment', () => {
    const r = checkPlan(5000n, items, new Map([[1, '60.00']]));
    expect(r.ok).toBe(false);
    expect(r.remainderCents).toBe(-1000n);
  });
  it('flags each bad line', () => {
    const r = checkPlan(100000n, items, new Map([[1, '1.234'], [2, '0'], [3, '50.01']]));
    expect([...r.lineErrors]).toEqual([
      [3, 'More than the open amount'],
      [1, 'Enter an amount like 1234.56'],
      [2, 'Must be more than zero'],
    ]);
    expect(r.ok).toBe(false);
    expect(r.appliedCents).toBe(5001n); // typed amounts count, so the remainder matches the screen
  });
});
