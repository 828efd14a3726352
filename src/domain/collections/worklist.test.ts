import { describe, expect, it } from 'vitest';
import {
  collectibleByBucket, DEFAULT_WORKLIST_WEIGHTS, rankWorklist, type DueGroup, type WorklistAccount,
} from './worklist.ts';

const AS_OF = '2026-11-20';

function group(dueDate: string, openCents: number, extra: Partial<DueGroup> = {}): DueGroup {
  return { dueDate, openCents, disputedCents: 0, promisedCents: 0, largestOpenCents: openCents,
    ...extra };
}

function account(n: number, extra: Partial<WorklistAccount> = {}): WorklistAccount {
  return {
    customerId: n, accountNumber: `C${String(n).padStart(3, '0')}`, name: `Customer ${n}`,
    currency: 'USD', collector: 'Ann', groups: [], promisedUnassignedCents: 0,
    brokenPromise: null, promiseDueTodayCents: 0, riskClass: null, openDisputes: 0,
    lastContactOn: AS_OF, placedWithAgency: false, ...extra,
  };
}

describe('collectibleByBucket', () => {
  const rows: { name: string; a: WorklistAccount; buckets: number[] }[] = [
    { name: 'not yet due counts nothing', a: account(1, { groups: [group('2026-11-20', 500)] }),
      buckets: [0, 0, 0, 0] },
    { name: 'ages by days past due', a: account(1, { groups: [
      group('2026-11-19', 1), group('2026-10-20', 2), group('2026-09-20', 4),
      group('2026-08-20', 8)] }), buckets: [1, 2, 4, 8] },
    { name: 'disputed and promised parts are not collectible',
      a: account(1, { groups: [group('2026-11-01', 1000,
        { disputedCents: 300, promisedCents: 200 })] }), buckets: [500, 0, 0, 0] },
    { name: 'an account-level promise covers the oldest first',
      a: account(1, { promisedUnassignedCents: 700,
        groups: [group('2026-11-01', 1000), group('2026-08-01', 500)] }),
      buckets: [800, 0, 0, 0] },
  ];
  it.each(rows)('$name', ({ a, buckets }) => {
    expect(collectibleByBucket(a, AS_OF)).toEqual(buckets);
  });
});

describe('rankWorklist reasons', () => {
  const rows: { name: string; a: WorklistAccount; reason: string | null }[] = [
    { name: 'nothing to do: left off', a: account(1), reason: null },
    { name: 'agency placements are left off',
      a: account(1, { placedWithAgency: true, groups: [group('2026-08-01', 9_000_000)] }),
      reason: null },
    { name: 'the issue example', a: account(1, {
      groups: [group('2026-09-10', 4_218_000)],
      brokenPromise: { promisedOn: '2026-11-14', amountCents: 1_000_000 } }),
    reason: '$42,180 past 60+, promise of 11/14 broken' },
    { name: 'older and total', a: account(1, {
      groups: [group('2026-11-10', 100_000), group('2026-08-01', 250_000)] }),
    reason: '$2,500 past 90+ ($3,500 past due)' },
    { name: 'fully disputed past due drives nothing but the dispute count', a: account(1, {
      groups: [group('2026-08-01', 500_000, { disputedCents: 500_000 })], openDisputes: 1 }),
    reason: '1 open dispute' },
    { name: 'promise due today, risk, contact age, upcoming large item', a: account(1, {
      groups: [group('2026-11-01', 10_000), group('2026-11-25', 2_500_000)],
      promiseDueTodayCents: 10_000, riskClass: 3, lastContactOn: '2026-11-10' }),
    reason: '$100 past due, promise of $100 due today, risk 3, no contact in 10 days, '
      + '$25,000 due 11/25' },
    { name: 'never contacted', a: account(1, { groups: [group('2026-11-01', 10_000)],
      lastContactOn: null }), reason: '$100 past due, never contacted' },
  ];
  it.each(rows)('$name', ({ a, reason }) => {
    const [entry] = rankWorklist([a], AS_OF);
    expect(entry?.reason ?? null).toBe(reason);
  });
});

describe('rankWorklist order', () => {
  it('ranks by collectible amount weighted by age, then broken promises', () => {
    const list = rankWorklist([
      account(1, { groups: [group('2026-11-10', 10_000_000)] }), // $100k 1-30: 100 pts
      account(2, { groups: [group('2026-08-01', 2_000_000)] }), // $20k 91+: 120 pts
      account(3, { groups: [group('2026-11-10', 100_000)],
        brokenPromise: { promisedOn: '2026-11-14', amountCents: 1 } }), // 1 + 40
      account(4, { groups: [group('2026-11-10', 10_000_000,
        { disputedCents: 10_000_000 })] }), // disputed: 0
    ], AS_OF);
    expect(list.map((e) => e.customerId)).toEqual([2, 1, 3]);
    expect(list[0]).toMatchObject({ score: 120, collectiblePastDueCents: 2_000_000,
      daysPastDueMax: 111 });
  });

  it('weights are configurable', () => {
    const accounts = [
      account(1, { groups: [group('2026-11-10', 10_000_000)] }),
      account(2, { groups: [group('2026-11-10', 100)], riskClass: 5 }),
    ];
    const riskFirst = { ...DEFAULT_WORKLIST_WEIGHTS, riskPerClass: 1000 };
    expect(rankWorklist(accounts, AS_OF, riskFirst).map((e) => e.customerId)).toEqual([2, 1]);
    expect(rankWorklist(accounts, AS_OF).map((e) => e.customerId)).toEqual([1, 2]);
  });

  it('breaks ties by account number', () => {
    const g = [group('2026-11-10', 100_000)];
    const list = rankWorklist([account(9, { groups: g }), account(2, { groups: g })], AS_OF);
    expect(list.map((e) => e.accountNumber)).toEqual(['C002', 'C009']);
  });
});
