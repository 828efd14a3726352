import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LedgerDocument } from '../src/db/documents.ts';
import { addDays } from '../src/domain/dates.ts';
import { isCreditType } from '../src/domain/ledger.ts';
import type { Cents } from '../src/domain/money.ts';
import { applyCredit } from '../src/ledger/apply-credit.ts';
import { reverseApplication } from '../src/ledger/reverse-application.ts';
import { reverseDocument } from '../src/ledger/reverse-document.ts';
import { verifyLedger } from '../src/ledger/verify.ts';
import {
  actor, customer, glBalance, openCents, openTotal, post, unwrap,
} from './ledger-fixtures.ts';
import { freshDb } from './support/db.ts';

let db: Awaited<ReturnType<typeof freshDb>>;
beforeAll(async () => {
  db = await freshDb();
});
afterAll(async () => db.dispose());

type Op =
  | { kind: 'post'; type: 'invoice' | 'payment' | 'credit_memo'; amount: number }
  | { kind: 'apply'; credit: number; debit: number; percent: number; discount: number }
  | { kind: 'unapply'; pick: number; adjustments: boolean }
  | { kind: 'void'; pick: number; unapplyFirst: boolean };

const op: fc.Arbitrary<Op> = fc.oneof(
  { weight: 2, arbitrary: fc.record({
    kind: fc.constant('post' as const),
    type: fc.constantFrom('invoice' as const, 'payment' as const, 'credit_memo' as const),
    amount: fc.integer({ min: 1, max: 100_000 }),
  }) },
  { weight: 3, arbitrary: fc.record({
    kind: fc.constant('apply' as const), credit: fc.nat(), debit: fc.nat(),
    percent: fc.integer({ min: 1, max: 120 }),
    discount: fc.oneof({ weight: 3, arbitrary: fc.constant(0) }, fc.nat({ max: 400 })),
  }) },
  { weight: 3, arbitrary: fc.record({
    kind: fc.constant('unapply' as const), pick: fc.nat(), adjustments: fc.boolean(),
  }) },
  fc.record({ kind: fc.constant('void' as const), pick: fc.nat(), unapplyFirst: fc.boolean() }),
);

/** Codes a random operation may meet; anything else (or a throw) is a bug. */
const EXPECTED = new Set([
  'amount_must_be_positive', 'amount_exceeds_open_balance', 'amount_exceeds_credit_open_balance',
  'discount_exceeds_allowed', 'application_already_reversed', 'document_already_reversed',
  'document_has_applications',
]);

let day = 0;
/** How many operations succeeded, per kind: the property must exercise every kind. */
const succeeded = { apply: 0, unapply: 0, void: 0 };

/**
 * Runs one random sequence against a new customer that starts with an invoice and a payment,
 * one business day per operation.
 */
async function run(invoiceCents: number, paymentCents: number, ops: Op[]): Promise<void> {
  const c = await customer(db, { terms: '2/10NET30' });
  const start = addDays('2027-01-01', day++);
  const docs: LedgerDocument[] = [
    await post(db, 'invoice', c.id, start, invoiceCents),
    await post(db, 'payment', c.id, start, paymentCents),
  ];
  const apps: number[] = [];
  for (const o of ops) {
    const date = addDays('2027-01-01', day++);
    let code: string | undefined;
    if (o.kind === 'post') {
      docs.push(await post(db, o.type, c.id, date, o.amount));
    } else if (o.kind === 'apply') {
      const credits = docs.filter((d) => isCreditType(d.type));
      const debits = docs.filter((d) => !isCreditType(d.type));
      const credit = credits[o.credit % Math.max(1, credits.length)];
      const debit = debits[o.debit % Math.max(1, debits.length)];
      if (!credit || !debit) continue;
      const open = Math.min(await openCents(db, debit.id), -(await openCents(db, credit.id)));
      const amount = Math.floor((open * o.percent) / 100);
      const r = await applyCredit(db, actor, { creditId: credit.id, appliedOn: date, lines: [{
        debitId: debit.id, amountCents: amount as Cents, discountCents: o.discount as Cents,
      }] });
      if (r.ok) apps.push(...r.value.applications.map((a) => a.id));
      else code = r.error.code;
      if (r.ok) succeeded.apply += 1;
    } else if (o.kind === 'unapply') {
      const id = apps[o.pick % Math.max(1, apps.length)];
      if (id === undefined) continue;
      const r = await reverseApplication(db, actor, {
        applicationId: id, reason: 'property', effectiveDate: date,
        includeAdjustments: o.adjustments,
      });
      if (!r.ok) code = r.error.code;
      else succeeded.unapply += 1;
    } else {
      const doc = docs[o.pick % Math.max(1, docs.length)];
      if (!doc) continue;
      const r = await reverseDocument(db, actor, {
        documentId: doc.id, reason: 'property', effectiveDate: date, unapplyFirst: o.unapplyFirst,
      });
      if (!r.ok) code = r.error.code;
      else succeeded.void += 1;
    }
    if (code !== undefined) expect(EXPECTED, `${o.kind}: ${code}`).toContain(code);
  }
}

describe('the ledger invariants', () => {
  it('hold after random posts, applies, un-applies and voids', async () => {
    const cents = fc.integer({ min: 1, max: 100_000 });
    const ops = fc.array(op, { minLength: 1, maxLength: 8 });
    await fc.assert(fc.asyncProperty(cents, cents, ops, async (invoice, payment, sequence) => {
      await run(invoice, payment, sequence);
      expect(await verifyLedger(db)).toEqual([]);
      expect(await glBalance(db, 'ar_control')).toBe(await openTotal(db, false));
      expect(await glBalance(db, 'unapplied_cash')).toBe(await openTotal(db, true));
    }), { numRuns: 30 });
    expect(Math.min(succeeded.apply, succeeded.unapply, succeeded.void)).toBeGreaterThan(0);
  });
});

describe('verifyLedger', () => {
  it('reports drift of a stored open amount, and the control balance it breaks', async () => {
    const c = await customer(db);
    const inv = await post(db, 'invoice', c.id, '2026-01-01', 10_000);
    const pay = await post(db, 'payment', c.id, '2026-01-02', 4_000);
    unwrap(await applyCredit(db, actor, { creditId: pay.id, appliedOn: '2026-01-02',
      lines: [{ debitId: inv.id, amountCents: 4_000 as Cents }] }));
    expect(await verifyLedger(db)).toEqual([]);
    await db.query('UPDATE documents SET open_cents = open_cents + 1 WHERE id = $1', [inv.id]);
    const found = await verifyLedger(db);
    expect(found).toContainEqual({ check: 'open_amount', documentId: inv.id, number: inv.number,
      type: 'invoice', openCents: 6_001, derivedOpenCents: 6_000 });
    expect(found).toContainEqual(expect.objectContaining(
      { check: 'control_balance', currency: 'USD', account: 'ar_control' }));
    await db.query('UPDATE documents SET open_cents = open_cents - 1 WHERE id = $1', [inv.id]);
    expect(await verifyLedger(db)).toEqual([]);
  });

  it('reports an application written around the rules', async () => {
    const c = await customer(db);
    const inv = await post(db, 'invoice', c.id, '2026-01-01', 1_000);
    const pay = await post(db, 'payment', c.id, '2026-01-02', 5_000);
    // Straight into the table, open amounts untouched: 2000 on a 1000 invoice, and a row from
    // the wrong side (invoice as the credit) that moves the invoice by +1: 1000 - 2000 + 1.
    const r = await db.query<{ id: number }>(
      `INSERT INTO applications (credit_id, debit_id, amount_cents, applied_on, created_by)
       VALUES ($1, $2, 2000, '2026-01-02', 't'), ($2, $1, 1, '2026-01-02', 't') RETURNING id`,
      [pay.id, inv.id]);
    const found = await verifyLedger(db);
    expect(found).toContainEqual(expect.objectContaining(
      { check: 'over_applied', documentId: inv.id, derivedOpenCents: -999 }));
    expect(found).toContainEqual({ check: 'application', applicationId: r.rows[1]!.id,
      problem: 'wrong_sides' });
    expect(found.filter((d) => d.check === 'open_amount').length).toBeGreaterThanOrEqual(2);
  });
});
