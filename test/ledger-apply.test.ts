import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Customer, LedgerDocument } from '../src/db/documents.ts';
import type { Cents } from '../src/domain/money.ts';
import type { Result } from '../src/domain/result.ts';
import {
  applyCredit, applyCreditInTx, type ApplyCreditInput, type ApplyCreditOutcome, type ApplyLine,
} from '../src/ledger/apply-credit.ts';
import type { ApplyCreditError } from '../src/ledger/errors.ts';
import { verifyLedger } from '../src/ledger/verify.ts';
import {
  actor, customer, entryLines, failure, glBalance, openCents, openTotal, post, unwrap,
} from './ledger-fixtures.ts';
import { freshDb, onPostgres } from './support/db.ts';

let db: Awaited<ReturnType<typeof freshDb>>;
beforeAll(async () => {
  db = await freshDb();
});
afterAll(async () => db.dispose());

const line = (debitId: number, amount: number, extra: Partial<ApplyLine> = {}): ApplyLine =>
  ({ debitId, amountCents: amount as Cents, ...extra });

describe('applyCredit refuses, in precedence order', () => {
  let acme: Customer;
  let inv1: LedgerDocument; let inv2: LedgerDocument; let pay: LedgerDocument;
  let memo: LedgerDocument; let invEur: LedgerDocument; let invOther: LedgerDocument;
  let unidentified: LedgerDocument; let invChild: LedgerDocument;
  beforeAll(async () => {
    acme = await customer(db, { terms: '2/10NET30' });
    const child = await customer(db, { parentAccount: acme.accountNumber });
    const euro = await customer(db, { currency: 'EUR' });
    const other = await customer(db);
    inv1 = await post(db, 'invoice', acme.id, '2026-03-01', 100_000);
    inv2 = await post(db, 'invoice', acme.id, '2026-03-05', 50_000);
    invChild = await post(db, 'invoice', child.id, '2026-03-01', 10_000);
    memo = await post(db, 'credit_memo', acme.id, '2026-03-02', 5_000);
    invEur = await post(db, 'invoice', euro.id, '2026-03-01', 10_000);
    invOther = await post(db, 'invoice', other.id, '2026-03-01', 10_000);
    pay = await post(db, 'payment', acme.id, '2026-03-08', 120_000);
    unidentified = await post(db, 'payment', null, '2026-03-08', 1_000);
  });
  const at = '2026-03-10';

  // Each row breaks its rule and, where it can, a later one too: the earlier rule must win.
  const cases: [string, () => ApplyCreditInput, () => Partial<ApplyCreditError>][] = [
    ['no lines', () => ({ creditId: 0, appliedOn: 'x', lines: [] }),
      () => ({ code: 'lines_required' })],
    ['applied_on', () => ({ creditId: 0, appliedOn: '2026-02-30', lines: [line(inv1.id, 0)] }),
      () => ({ code: 'applied_on_invalid' })],
    ['twice', () => ({ creditId: 0, appliedOn: at, lines: [line(inv1.id, 1), line(inv1.id, 1)] }),
      () => ({ code: 'debit_listed_twice', debitId: inv1.id })],
    ['credit missing', () => ({ creditId: 99_999_999, appliedOn: at, lines: [line(0, 0)] }),
      () => ({ code: 'credit_not_found' })],
    ['credit is a debit', () => ({ creditId: inv2.id, appliedOn: at, lines: [line(0, 0)] }),
      () => ({ code: 'not_a_credit_item', type: 'invoice' })],
    ['debit missing', () => ({ creditId: pay.id, appliedOn: at,
      lines: [line(memo.id, 0), line(99_999_999, 1)] }),
    () => ({ code: 'debit_not_found', debitId: 99_999_999 })],
    ['debit is the credit', () => ({ creditId: pay.id, appliedOn: at, lines: [line(pay.id, 1)] }),
      () => ({ code: 'not_a_debit_item', debitId: pay.id })],
    ['debit is a credit', () => ({ creditId: pay.id, appliedOn: at,
      lines: [line(invEur.id, 0), line(memo.id, 1)] }),
    () => ({ code: 'not_a_debit_item', debitId: memo.id })],
    ['currency', () => ({ creditId: pay.id, appliedOn: '2026-01-01',
      lines: [line(invOther.id, 0), line(invEur.id, 1)] }),
    () => ({ code: 'currencies_must_match', debitId: invEur.id, debitCurrency: 'EUR' })],
    ['unidentified payment', () => ({ creditId: unidentified.id, appliedOn: '2026-01-01',
      lines: [line(inv1.id, 0)] }), () => ({ code: 'payment_unidentified' })],
    ['customer', () => ({ creditId: pay.id, appliedOn: '2026-01-01',
      lines: [line(invChild.id, 1), line(invOther.id, 0)] }),
    () => ({ code: 'customers_must_match', debitId: invOther.id })],
    ['date', () => ({ creditId: pay.id, appliedOn: '2026-03-07', lines: [line(inv1.id, 0)] }),
      () => ({ code: 'applied_before_document_date', documentId: pay.id,
        documentDate: '2026-03-08' })],
    ['debit date', () => ({ creditId: memo.id, appliedOn: '2026-03-03',
      lines: [line(inv1.id, 0), line(inv2.id, 0)] }),
    () => ({ code: 'applied_before_document_date', documentId: inv2.id })],
    ['zero', () => ({ creditId: pay.id, appliedOn: at,
      lines: [line(inv1.id, 200_000), line(inv2.id, 0)] }),
    () => ({ code: 'amount_must_be_positive', debitId: inv2.id })],
    ['negative discount', () => ({ creditId: pay.id, appliedOn: at,
      lines: [line(inv1.id, 1, { discountCents: -1 as Cents })] }),
    () => ({ code: 'amount_must_be_positive', debitId: inv1.id })],
    ['debit open', () => ({ creditId: pay.id, appliedOn: at,
      lines: [line(inv1.id, 99_000, { discountCents: 1_001 as Cents }), line(inv2.id, 60_000)] }),
    () => ({ code: 'amount_exceeds_open_balance', debitId: inv1.id, openCents: 100_000 })],
    ['credit open', () => ({ creditId: pay.id, appliedOn: at, lines: [
      line(inv1.id, 80_000, { discountCents: 20_000 as Cents }), line(inv2.id, 40_001)] }),
    () => ({ code: 'amount_exceeds_credit_open_balance', openCents: 120_000 })],
    ['discount', () => ({ creditId: pay.id, appliedOn: at, lines: [
      line(inv1.id, 90_000, { discountCents: 2_001 as Cents, writeOffCents: 1_000 as Cents })] }),
    () => ({ code: 'discount_exceeds_allowed', debitId: inv1.id, allowedCents: 2_000 })],
    ['late discount', () => ({ creditId: pay.id, appliedOn: '2026-03-12', lines: [
      line(inv1.id, 90_000, { discountCents: 1 as Cents })] }),
    () => ({ code: 'discount_exceeds_allowed', allowedCents: 0 })],
    ['write-off', () => ({ creditId: pay.id, appliedOn: at, lines: [
      line(inv1.id, 90_000, { discountCents: 2_000 as Cents, writeOffCents: 501 as Cents })] }),
    () => ({ code: 'write_off_exceeds_limit', debitId: inv1.id, limitCents: 500 })],
  ];

  it.each(cases)('%s', async (_, input, expected) => {
    expect(failure(await applyCredit(db, actor, input()))).toMatchObject(expected());
  });

  it('changed nothing while refusing', async () => {
    expect(await openCents(db, pay.id)).toBe(-120_000);
    expect(await openCents(db, inv1.id)).toBe(100_000);
    const n = await db.query('SELECT count(*)::int AS n FROM applications');
    expect(n.rows).toEqual([{ n: 0 }]);
  });

  it('accepts a parent paying its child, and a discount override', async () => {
    const r = unwrap(await applyCredit(db, actor, {
      creditId: pay.id, appliedOn: '2026-03-20', allowDiscountOverride: true,
      lines: [line(invChild.id, 9_000, { discountCents: 1_000 as Cents })],
    }));
    expect(r.debits[0]!.openCents).toBe(0);
    expect(r.adjustments[0]!.document).toMatchObject({ type: 'discount', amountCents: -1_000,
      customerId: invChild.customerId });
  });
});

describe('applyCredit applies', () => {
  let acme: Customer;
  beforeAll(async () => {
    acme = await customer(db, { terms: '2/10NET30' });
  });

  it('partially, fully and over, moving unapplied cash to AR control', async () => {
    const a = await post(db, 'invoice', acme.id, '2026-04-01', 30_000);
    const b = await post(db, 'invoice', acme.id, '2026-04-02', 20_000);
    const pay = await post(db, 'payment', acme.id, '2026-04-20', 60_000);
    const partial = unwrap(await applyCredit(db, actor, {
      creditId: pay.id, appliedOn: '2026-04-20', lines: [line(a.id, 10_000)],
    }));
    expect(partial.debits[0]!.openCents).toBe(20_000);
    expect(partial.unappliedCents).toBe(50_000);
    expect(await entryLines(db, 'application_id', partial.applications[0]!.id)).toEqual([
      { account: 'unapplied_cash', amountCents: 10_000 },
      { account: 'ar_control', amountCents: -10_000 },
    ]);
    const rest = unwrap(await applyCredit(db, actor, {
      creditId: pay.id, appliedOn: '2026-04-21', lines: [line(a.id, 20_000), line(b.id, 20_000)],
    }));
    expect(rest.debits.map((d) => d.openCents)).toEqual([0, 0]);
    // Over: the payment was more than the items; the rest stays unapplied on account.
    expect(rest.credit.openCents).toBe(-10_000);
    expect(rest.unappliedCents).toBe(10_000);
    expect(rest.applications.map((x) => x.amountCents)).toEqual([20_000, 20_000]);
  });

  it('a credit memo on an invoice moves nothing in the GL', async () => {
    const inv = await post(db, 'invoice', acme.id, '2026-04-01', 10_000);
    const cm = await post(db, 'credit_memo', acme.id, '2026-04-03', 2_500);
    const r = unwrap(await applyCredit(db, actor, {
      creditId: cm.id, appliedOn: '2026-04-03', lines: [line(inv.id, 2_500)],
    }));
    expect(r.credit.openCents).toBe(0);
    expect(r.debits[0]!.openCents).toBe(7_500);
    expect(await entryLines(db, 'application_id', r.applications[0]!.id)).toEqual([]);
  });

  it('takes the early-payment discount the terms allow, as a discount document', async () => {
    const inv = await post(db, 'invoice', acme.id, '2026-05-01', 100_025);
    const pay = await post(db, 'payment', acme.id, '2026-05-11', 98_024);
    const r = unwrap(await applyCredit(db, actor, {
      creditId: pay.id, appliedOn: '2026-05-11',
      lines: [line(inv.id, 98_024, { discountCents: 2_001 as Cents })],
    }));
    expect(r.debits[0]!.openCents).toBe(0);
    expect(r.credit.openCents).toBe(0);
    const [adj] = r.adjustments;
    expect(adj!.document).toMatchObject({ type: 'discount', amountCents: -2_001, openCents: 0,
      externalId: `discount:app:${r.applications[0]!.id}` });
    expect(adj!.application).toMatchObject({ creditId: adj!.document.id, debitId: inv.id,
      amountCents: 2_001 });
    expect(await entryLines(db, 'document_id', adj!.document.id)).toEqual([
      { account: 'ar_control', amountCents: -2_001 },
      { account: 'sales_discounts', amountCents: 2_001 },
    ]);
    // The discount allowed is for the invoice, not per payment: nothing is left to take.
    const inv2 = await post(db, 'invoice', acme.id, '2026-05-01', 100_000);
    const p2 = await post(db, 'payment', acme.id, '2026-05-05', 100_000);
    unwrap(await applyCredit(db, actor, { creditId: p2.id, appliedOn: '2026-05-05',
      lines: [line(inv2.id, 49_000, { discountCents: 1_000 as Cents })] }));
    expect(failure(await applyCredit(db, actor, { creditId: p2.id, appliedOn: '2026-05-06',
      lines: [line(inv2.id, 48_000, { discountCents: 1_001 as Cents })] })))
      .toEqual({ code: 'discount_exceeds_allowed', debitId: inv2.id, allowedCents: 1_000 });
  });

  it('writes off a small balance up to the setting', async () => {
    const inv = await post(db, 'invoice', acme.id, '2026-06-01', 10_000);
    const pay = await post(db, 'payment', acme.id, '2026-06-20', 9_500);
    const r = unwrap(await applyCredit(db, actor, {
      creditId: pay.id, appliedOn: '2026-06-20',
      lines: [line(inv.id, 9_500, { writeOffCents: 500 as Cents })],
    }));
    expect(r.debits[0]!.openCents).toBe(0);
    expect(r.adjustments[0]!.document).toMatchObject({ type: 'write_off', amountCents: -500 });
    expect(await entryLines(db, 'document_id', r.adjustments[0]!.document.id)).toEqual([
      { account: 'ar_control', amountCents: -500 },
      { account: 'bad_debt', amountCents: 500 },
    ]);
    await setWriteOffMax(1_000);
    const inv2 = await post(db, 'invoice', acme.id, '2026-06-01', 10_000);
    const p2 = await post(db, 'payment', acme.id, '2026-06-20', 9_000);
    unwrap(await applyCredit(db, actor, { creditId: p2.id, appliedOn: '2026-06-20',
      lines: [line(inv2.id, 9_000, { writeOffCents: 1_000 as Cents })] }));
    await setWriteOffMax(500);
  });

  it('keeps AR control = open items and unapplied cash = open payments', async () => {
    expect(await glBalance(db, 'ar_control')).toBe(await openTotal(db, false));
    expect(await glBalance(db, 'unapplied_cash')).toBe(await openTotal(db, true));
    expect(await verifyLedger(db)).toEqual([]);
  });
});

describe('concurrent applications of one payment', () => {
  let acme: Customer;
  beforeAll(async () => {
    acme = await customer(db);
  });

  it('never over-apply: the second sees what the first took', async () => {
    const pay = await post(db, 'payment', acme.id, '2026-07-01', 100_000);
    const [a, b] = [await post(db, 'invoice', acme.id, '2026-07-01', 80_000),
      await post(db, 'invoice', acme.id, '2026-07-01', 80_000)];
    const input = (debitId: number): ApplyCreditInput =>
      ({ creditId: pay.id, appliedOn: '2026-07-02', lines: [line(debitId, 80_000)] });
    let results: Result<ApplyCreditOutcome, ApplyCreditError>[];
    if (!onPostgres()) {
      // One connection (PGlite): the same rule, one after the other.
      results = [
        await applyCredit(db, actor, input(a.id)), await applyCredit(db, actor, input(b.id)),
      ];
    } else {
      results = await raceTwoApplies(input(a.id), input(b.id));
    }
    expect(results.filter((r) => r.ok)).toHaveLength(1);
    expect(results.map((r) => (r.ok ? 'ok' : r.error))).toContainEqual(
      { code: 'amount_exceeds_credit_open_balance', creditId: pay.id, openCents: 20_000 });
    expect(await openCents(db, pay.id)).toBe(-20_000);
    expect(await verifyLedger(db)).toEqual([]);
  });

  it('stay consistent when many start at once', async () => {
    const pay = await post(db, 'payment', acme.id, '2026-07-01', 100_000);
    const invoices = [];
    for (let i = 0; i < 6; i++) {
      invoices.push(await post(db, 'invoice', acme.id, '2026-07-01', 30_000));
    }
    const results = await Promise.all(invoices.map((inv) => applyCredit(db, actor, {
      creditId: pay.id, appliedOn: '2026-07-02', lines: [line(inv.id, 30_000)],
    })));
    expect(results.filter((r) => r.ok)).toHaveLength(3);
    expect(await openCents(db, pay.id)).toBe(-10_000);
    expect(await verifyLedger(db)).toEqual([]);
  });
});

async function setWriteOffMax(limitCents: number): Promise<void> {
  await db.query(`UPDATE settings SET value = to_jsonb($1::bigint)
    WHERE key = 'small_balance_write_off_max_cents'`, [limitCents]);
}

/**
 * Two transactions on separate connections: the first locks and applies, then holds its
 * transaction open; the second starts while it holds, so it must wait on the payment's row lock
 * and then see the first's committed open amount.
 */
async function raceTwoApplies(
  first: ApplyCreditInput, second: ApplyCreditInput,
): Promise<Result<ApplyCreditOutcome, ApplyCreditError>[]> {
  let applied!: () => void;
  const firstHasApplied = new Promise<void>((resolve) => { applied = resolve; });
  let secondWaitedMs = 0;
  const results = await Promise.all([
    db.transaction(async (tx) => {
      const r = await applyCreditInTx(tx, actor, first);
      applied();
      await tx.query('SELECT pg_sleep(0.4)');
      return r;
    }),
    (async () => {
      await firstHasApplied;
      const started = performance.now();
      const r = await db.transaction((tx) => applyCreditInTx(tx, actor, second));
      secondWaitedMs = performance.now() - started;
      return r;
    })(),
  ]);
  expect(secondWaitedMs).toBeGreaterThan(250);
  return results;
}
