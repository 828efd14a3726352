import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { splitPayment, reversePaymentSplit } from '../src/cashapp/split-payment.ts';
import type { Db } from '../src/db/connection.ts';
import type { Cents } from '../src/domain/money.ts';
import { verifyLedger } from '../src/ledger/verify.ts';
import { cli } from './cashapp-support.ts';
import {
  actor, customer, failure, glBalance, openCents, post, unwrap,
} from './ledger-fixtures.ts';
import { problemOf, testServer, type TestServer } from './support/http.ts';

// Splitting a payment across customers: one check from a parent (or a third party) pays the
// items of several customers. The ledger must stay balanced and re-derivable (verifyLedger, as
// `arc verify`), nothing posted may change, and an un-split by reversal puts everything back.

const c = (n: number) => n as Cents;

let s: TestServer;
let db: Db;
let token: string;
beforeAll(async () => {
  s = await testServer();
  db = s.db;
  await s.addUser('cash', 'cash_application');
  await s.addUser('rep', 'sales_rep');
  token = await s.token('cash');
});
afterAll(async () => s.close());

/** A parent and two subsidiaries with open invoices, and the parent's check for all three. */
async function group(checkCents = 100_000, payerCustomer: 'parent' | 'none' = 'parent') {
  const parent = await customer(db, { name: 'Northwind Holdings' });
  const east = await customer(db, { name: 'Northwind East' });
  const west = await customer(db, { name: 'Westfield Traders' });
  const pInv = await post(db, 'invoice', parent.id, '2026-05-01', 30_000);
  const eInv = await post(db, 'invoice', east.id, '2026-05-02', 45_000);
  const wInv1 = await post(db, 'invoice', west.id, '2026-05-03', 15_000);
  const wInv2 = await post(db, 'invoice', west.id, '2026-05-04', 20_000);
  const check = await post(db, 'payment', payerCustomer === 'parent' ? parent.id : null,
    '2026-06-10', checkCents, { payerName: 'NORTHWIND HOLDINGS' });
  return { parent, east, west, pInv, eInv, wInv1, wInv2, check };
}

async function rowCounts() {
  const r = await db.query<{ d: number; a: number; j: number }>(
    `SELECT (SELECT count(*) FROM documents)::int AS d, (SELECT count(*) FROM applications)::int
       AS a, (SELECT count(*) FROM journal_entries)::int AS j`);
  return r.rows[0]!;
}

async function customerBalance(id: number): Promise<number> {
  const r = await db.query<{ b: number }>(
    `SELECT coalesce(sum(open_cents), 0)::bigint AS b FROM documents WHERE customer_id = $1`,
    [id]);
  return r.rows[0]!.b;
}

describe('splitting a payment across customers (use case)', () => {
  it('keeps the payer\'s part, moves the others by transfer, applies each to its items',
    async () => {
      const g = await group();
      const gl0 = { ar: await glBalance(db, 'ar_control'),
        cash: await glBalance(db, 'unapplied_cash'),
        clearing: await glBalance(db, 'cash_clearing') };
      const o = unwrap(await splitPayment(db, actor, { paymentId: g.check.id, parts: [
        { account: g.parent.accountNumber, amountCents: c(30_000),
          lines: [{ documentNumber: g.pInv.number, amountCents: c(30_000) }] },
        { account: g.east.accountNumber, amountCents: c(45_000),
          lines: [{ documentNumber: g.eInv.number, amountCents: c(40_000) }] },
        { account: g.west.accountNumber, amountCents: c(25_000),
          lines: [{ documentNumber: g.wInv1.number, amountCents: c(15_000) },
            { documentNumber: g.wInv2.number, amountCents: c(10_000) }] },
      ] }));
      expect(o).toMatchObject({ paymentId: g.check.id, splitOn: '2026-06-10',
        unappliedCents: 0 });
      expect(o.parts.map((p) => [p.account, p.amountCents, p.paymentId === null,
        p.applicationIds.length, p.onAccountCents])).toEqual([
        [g.parent.accountNumber, 30_000, true, 1, 0],
        [g.east.accountNumber, 45_000, false, 1, 5_000],
        [g.west.accountNumber, 25_000, false, 2, 0],
      ]);
      // Every item paid as the clerk said; east keeps 50.00 on account.
      expect(await openCents(db, g.pInv.id)).toBe(0);
      expect(await openCents(db, g.eInv.id)).toBe(5_000);
      expect(await openCents(db, g.wInv1.id)).toBe(0);
      expect(await openCents(db, g.wInv2.id)).toBe(10_000);
      expect(await openCents(db, g.check.id)).toBe(0);
      expect(await customerBalance(g.parent.id)).toBe(0);
      expect(await customerBalance(g.east.id)).toBe(0);
      expect(await customerBalance(g.west.id)).toBe(10_000);
      // East's part is a payment of east's, with the check's payer and its number.
      const east = o.parts[1]!;
      const moved = await db.query<{ customer_id: number; number: string; open_cents: number;
        payer_name: string; method: string; queue_state: string }>(
        `SELECT d.customer_id, d.number, d.open_cents, d.payer_name, d.method, b.queue_state
         FROM documents d JOIN bank_payments b ON b.document_id = d.id WHERE d.id = $1`,
        [east.paymentId]);
      expect(moved.rows[0]).toEqual({ customer_id: g.east.id, number: `${g.check.number}/2`,
        open_cents: -5_000, payer_name: 'NORTHWIND HOLDINGS', method: 'check',
        queue_state: 'on_account' });
      // The cash only changed hands: no GL account moved; the ledger re-derives.
      expect(await glBalance(db, 'ar_control')).toBe(gl0.ar - 30_000 - 40_000 - 25_000);
      expect(await glBalance(db, 'unapplied_cash')).toBe(gl0.cash + 95_000);
      expect(await glBalance(db, 'cash_clearing')).toBe(gl0.clearing);
      expect(await verifyLedger(db)).toEqual([]);
      // The split is audited with who, what and the before.
      const audit = await db.query<{ actor: string; before: { unappliedCents: number } }>(
        `SELECT actor, before FROM audit_log WHERE action = 'payment.split' AND entity_id = $1`,
        [String(g.check.id)]);
      expect(audit.rows).toEqual([{ actor: actor.name, before: { unappliedCents: 100_000,
        customerId: g.parent.id } }]);
    });

  it('un-splits by reversal: every item reopens, the check is unapplied again, rows kept',
    async () => {
      const g = await group();
      const o = unwrap(await splitPayment(db, actor, { paymentId: g.check.id, parts: [
        { account: g.parent.accountNumber, amountCents: c(40_000),
          lines: [{ documentNumber: g.pInv.number, amountCents: c(30_000) }] },
        { account: g.east.accountNumber, amountCents: c(60_000),
          lines: [{ documentNumber: g.eInv.number, amountCents: c(45_000) }] },
      ] }));
      const before = await rowCounts();
      const r = unwrap(await reversePaymentSplit(db, actor, { splitId: o.splitId,
        reason: 'parts were wrong', effectiveDate: '2026-06-12' }));
      expect(r).toMatchObject({ paymentId: g.check.id, unappliedCents: 100_000 });
      expect(await openCents(db, g.check.id)).toBe(-100_000);
      expect(await openCents(db, g.pInv.id)).toBe(30_000);
      expect(await openCents(db, g.eInv.id)).toBe(45_000);
      expect(await customerBalance(g.east.id)).toBe(45_000);
      expect(await customerBalance(g.parent.id)).toBe(30_000 - 100_000);
      // Reversals were added; nothing was deleted.
      const after = await rowCounts();
      expect(after.d).toBeGreaterThan(before.d);
      expect(after.a).toBeGreaterThan(before.a);
      const split = await db.query<{ status: string; reverse_reason: string }>(
        'SELECT status, reverse_reason FROM payment_splits WHERE id = $1', [o.splitId]);
      expect(split.rows[0]).toEqual({ status: 'reversed', reverse_reason: 'parts were wrong' });
      const state = await db.query<{ queue_state: string }>(
        'SELECT queue_state FROM bank_payments WHERE document_id = $1', [g.check.id]);
      expect(state.rows[0]!.queue_state).toBe('review');
      expect(await verifyLedger(db)).toEqual([]);
      expect(failure(await reversePaymentSplit(db, actor, { splitId: o.splitId, reason: 'again',
        effectiveDate: '2026-06-12' })).code).toBe('split_already_reversed');
      // The check can be split again, differently.
      unwrap(await splitPayment(db, actor, { paymentId: g.check.id, parts: [
        { account: g.east.accountNumber, amountCents: c(100_000) }] }));
      expect(await customerBalance(g.east.id)).toBe(45_000 - 100_000);
      expect(await verifyLedger(db)).toEqual([]);
    });

  it('splits unidentified cash: every part moves, the check stays without customer', async () => {
    const g = await group(80_000, 'none');
    const o = unwrap(await splitPayment(db, actor, { paymentId: g.check.id, splitOn: '2026-06-11',
      parts: [
        { account: g.east.accountNumber, amountCents: c(45_000),
          lines: [{ documentNumber: g.eInv.number, amountCents: c(45_000) }] },
        { account: g.west.accountNumber, amountCents: c(35_000),
          lines: [{ documentNumber: g.wInv1.number, amountCents: c(15_000) },
            { documentNumber: g.wInv2.number, amountCents: c(20_000) }] },
      ] }));
    expect(o.parts.every((p) => p.paymentId !== null)).toBe(true);
    expect(await openCents(db, g.check.id)).toBe(0);
    expect(await customerBalance(g.east.id)).toBe(0);
    expect(await customerBalance(g.west.id)).toBe(0);
    const check = await db.query<{ customer_id: number | null }>(
      'SELECT customer_id FROM documents WHERE id = $1', [g.check.id]);
    expect(check.rows[0]!.customer_id).toBeNull();
    expect(await verifyLedger(db)).toEqual([]);
    unwrap(await reversePaymentSplit(db, actor, { splitId: o.splitId, reason: 'undo',
      effectiveDate: '2026-06-11' }));
    expect(await openCents(db, g.check.id)).toBe(-80_000);
    expect(await openCents(db, g.wInv2.id)).toBe(20_000);
    expect(await verifyLedger(db)).toEqual([]);
  });

  it('a part split again must be un-split first', async () => {
    const g = await group(50_000, 'none');
    const first = unwrap(await splitPayment(db, actor, { paymentId: g.check.id, parts: [
      { account: g.east.accountNumber, amountCents: c(50_000) }] }));
    const eastPayment = first.parts[0]!.paymentId!;
    const second = unwrap(await splitPayment(db, actor, { paymentId: eastPayment, parts: [
      { account: g.east.accountNumber, amountCents: c(20_000) },
      { account: g.west.accountNumber, amountCents: c(30_000) }] }));
    const w = { reason: 'undo', effectiveDate: '2026-06-30' };
    expect(failure(await reversePaymentSplit(db, actor, { splitId: first.splitId, ...w })))
      .toEqual({ code: 'split_part_is_split', splitId: second.splitId, paymentId: eastPayment });
    unwrap(await reversePaymentSplit(db, actor, { splitId: second.splitId, ...w }));
    unwrap(await reversePaymentSplit(db, actor, { splitId: first.splitId, ...w }));
    expect(await openCents(db, g.check.id)).toBe(-50_000);
    expect(await customerBalance(g.east.id)).toBe(45_000);
    expect(await customerBalance(g.west.id)).toBe(35_000);
    expect(await verifyLedger(db)).toEqual([]);
  });

  it('refuses, writing nothing: rules, unknown items and customers, applied cash', async () => {
    const g = await group();
    const other = await customer(db, { name: 'Unrelated Co' });
    const otherInv = await post(db, 'invoice', other.id, '2026-05-01', 5_000);
    const before = await rowCounts();
    const tryParts = async (parts: { account: string; amountCents: number;
      lines?: { documentNumber: string; amountCents: number }[] }[], splitOn?: string) =>
      failure(await splitPayment(db, actor, { paymentId: g.check.id, splitOn,
        parts: parts.map((p) => ({ ...p, amountCents: c(p.amountCents),
          lines: p.lines?.map((l) => ({ ...l, amountCents: c(l.amountCents) })) })) }));
    expect(await tryParts([{ account: g.east.accountNumber, amountCents: 60_000 },
      { account: g.west.accountNumber, amountCents: 30_000 }])).toEqual({
      code: 'parts_must_sum_to_unapplied', partsCents: 90_000, unappliedCents: 100_000 });
    expect(await tryParts([{ account: g.east.accountNumber, amountCents: 100_001 }]))
      .toMatchObject({ code: 'part_exceeds_unapplied', part: 1 });
    expect((await tryParts([{ account: 'NOPE', amountCents: 100_000 }])).code)
      .toBe('customer_not_found');
    // Another customer's invoice is not an item of the part's customer.
    expect(await tryParts([{ account: g.east.accountNumber, amountCents: 100_000,
      lines: [{ documentNumber: otherInv.number, amountCents: 5_000 }] }]))
      .toEqual({ code: 'document_not_found', number: otherInv.number });
    expect(await tryParts([{ account: g.east.accountNumber, amountCents: 100_000 }],
      '2026-06-01')).toEqual({ code: 'split_before_payment_date', documentDate: '2026-06-10' });
    // More to an item than it owes: the ledger's own rule, and the transfer is rolled back.
    expect(await tryParts([{ account: g.east.accountNumber, amountCents: 100_000,
      lines: [{ documentNumber: g.eInv.number, amountCents: 45_001 }] }]))
      .toMatchObject({ code: 'amount_exceeds_open_balance', debitId: g.eInv.id });
    expect(await rowCounts()).toEqual(before);
    expect(await openCents(db, g.check.id)).toBe(-100_000);
    expect((failure(await splitPayment(db, actor, { paymentId: 0, parts: [
      { account: g.east.accountNumber, amountCents: c(1) }] }))).code).toBe('payment_not_found');
  });
});

describe('arc payments split / unsplit', () => {
  it('splits with --part ACCOUNT=AMOUNT[:DOC=AMOUNT,...] and reverses by id', async () => {
    const g = await group();
    const arc = cli(db, '2026-06-20');
    const r = await arc('payments', 'split', String(g.check.id),
      '--part', `${g.parent.accountNumber}=300.00:${g.pInv.number}=300.00`,
      '--part', `${g.east.accountNumber}=450.00:${g.eInv.number}=450.00`,
      '--part', `${g.west.accountNumber}=250.00`, '--json');
    expect(r.code, r.err).toBe(0);
    const o = r.json();
    expect(o.parts.map((p: { account: string; onAccountCents: number }) =>
      [p.account, p.onAccountCents])).toEqual([[g.parent.accountNumber, 0],
      [g.east.accountNumber, 0], [g.west.accountNumber, 25_000]]);
    expect(await customerBalance(g.west.id)).toBe(35_000 - 25_000);
    const text = await arc('payments', 'split', String(g.check.id), '--part',
      `${g.east.accountNumber}=1.00`);
    expect(text.code).toBe(1);
    expect(text.err).toContain('payment_fully_applied');
    const bad = await arc('payments', 'split', String(g.check.id), '--part', 'C-1=abc');
    expect(bad.code).toBe(2);
    const un = await arc('payments', 'unsplit', String(o.splitId), '--reason', 'wrong check');
    expect(un.code, un.err).toBe(0);
    expect(un.out).toContain('1000.00 unapplied again');
    expect(await openCents(db, g.check.id)).toBe(-100_000);
    expect(await verifyLedger(db)).toEqual([]);
  });
});

describe('POST /api/v1/cashapp/payments/:id/split', () => {
  it('splits (201, amounts as decimals), reverses (200); refusals are problems', async () => {
    const g = await group();
    const url = `/api/v1/cashapp/payments/${g.check.id}/split`;
    const r = await s.asToken(token, 'POST', url, { parts: [
      { account: g.parent.accountNumber, amount: '300.00' },
      { account: g.east.accountNumber, amount: '700.00',
        lines: [{ documentNumber: g.eInv.number, amount: '450.00' }] },
    ] });
    expect(r.statusCode, r.body).toBe(201);
    const o = r.json();
    expect(o).toMatchObject({ paymentId: g.check.id, currency: 'USD', unapplied: '300.00',
      parts: [{ partNo: 1, account: g.parent.accountNumber, amount: '300.00', paymentId: null,
        onAccount: '300.00' },
      { partNo: 2, account: g.east.accountNumber, amount: '700.00', onAccount: '250.00' }] });
    // The research queue shows the check's rest and east's new payment, both on account.
    const q = await s.asToken(token, 'GET', '/api/v1/cashapp/research-queue');
    const items = q.json().items as { paymentId: number; state: string; unapplied: string }[];
    expect(items.filter((i) => [g.check.id, o.parts[1].paymentId].includes(i.paymentId))
      .map((i) => [i.state, i.unapplied])).toEqual([['on_account', '300.00'],
      ['on_account', '250.00']]);
    const sum = await s.asToken(token, 'POST', url, { parts: [
      { account: g.east.accountNumber, amount: '1.00' }] });
    expect(sum.statusCode).toBe(422);
    expect(problemOf(sum)).toMatchObject({ code: 'parts_must_sum_to_unapplied',
      partsCents: 100, unappliedCents: 30_000 });
    const amount = await s.asToken(token, 'POST', url, { parts: [
      { account: g.east.accountNumber, amount: '1.005' }] });
    expect(amount.statusCode).toBe(400);
    const rep = await s.token('rep');
    expect((await s.asToken(rep, 'POST', url, { parts: [
      { account: g.east.accountNumber, amount: '300.00' }] })).statusCode).toBe(403);
    const back = await s.asToken(token, 'POST',
      `/api/v1/cashapp/payment-splits/${o.splitId}/reverse`, { reason: 'customer asked' });
    expect(back.statusCode, back.body).toBe(200);
    expect(back.json()).toMatchObject({ paymentId: g.check.id, unappliedCents: 100_000 });
    const none = await s.asToken(token, 'POST', '/api/v1/cashapp/payment-splits/999999/reverse',
      { reason: 'x' });
    expect(none.statusCode).toBe(404);
    expect(problemOf(none).code).toBe('split_not_found');
    expect(await verifyLedger(db)).toEqual([]);
  });
});
