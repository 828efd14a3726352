import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Customer, LedgerDocument } from '../src/db/documents.ts';
import type { Cents } from '../src/domain/money.ts';
import { applyCredit, type ApplyLine } from '../src/ledger/apply-credit.ts';
import { reverseApplication } from '../src/ledger/reverse-application.ts';
import { reverseDocument } from '../src/ledger/reverse-document.ts';
import { verifyLedger } from '../src/ledger/verify.ts';
import {
  actor, customer, entryLines, failure, glBalance, openCents, openTotal, post, unwrap,
} from './ledger-fixtures.ts';
import { freshDb } from './support/db.ts';

let db: Awaited<ReturnType<typeof freshDb>>;
let acme: Customer;
beforeAll(async () => {
  db = await freshDb();
  acme = await customer(db, { terms: '2/10NET30' });
});
afterAll(async () => db.dispose());

async function apply(credit: LedgerDocument, date: string, ...lines: ApplyLine[]) {
  return unwrap(await applyCredit(db, actor, { creditId: credit.id, appliedOn: date, lines }));
}
const line = (d: LedgerDocument, amount: number, extra: Partial<ApplyLine> = {}): ApplyLine =>
  ({ debitId: d.id, amountCents: amount as Cents, ...extra });

describe('reverseApplication', () => {
  it('restores both open amounts and negates the journal, once', async () => {
    const inv = await post(db, 'invoice', acme.id, '2026-02-01', 10_000);
    const pay = await post(db, 'payment', acme.id, '2026-02-10', 10_000);
    const applied = await apply(pay, '2026-02-10', line(inv, 6_000));
    const app = applied.applications[0]!;
    const r = unwrap(await reverseApplication(db, actor, {
      applicationId: app.id, reason: 'applied to the wrong invoice', effectiveDate: '2026-02-12',
    }));
    expect(r.reversal).toMatchObject({ amountCents: -6_000, reversesId: app.id,
      appliedOn: '2026-02-12', reason: 'applied to the wrong invoice', createdBy: 'tester' });
    expect([r.debit.openCents, r.credit.openCents]).toEqual([10_000, -10_000]);
    expect(await entryLines(db, 'application_id', r.reversal.id)).toEqual([
      { account: 'unapplied_cash', amountCents: -6_000 },
      { account: 'ar_control', amountCents: 6_000 },
    ]);
    const e = await db.query<{ reverses: number; original: number }>(
      `SELECT r.reverses_id AS reverses, o.id AS original FROM journal_entries r
       JOIN journal_entries o ON o.application_id = $1 WHERE r.application_id = $2`,
      [app.id, r.reversal.id]);
    expect(e.rows[0]!.reverses).toBe(e.rows[0]!.original);
    expect(failure(await reverseApplication(db, actor, {
      applicationId: app.id, reason: 'again', effectiveDate: '2026-02-12',
    }))).toEqual({ code: 'application_already_reversed', applicationId: app.id,
      reversalId: r.reversal.id });
  });

  it.each<[string, () => Promise<object>, string]>([
    ['reason', async () => ({ applicationId: 0, reason: ' ', effectiveDate: 'x' }),
      'reason_required'],
    ['date', async () => ({ applicationId: 0, reason: 'r', effectiveDate: '2026-02-30' }),
      'effective_date_invalid'],
    ['missing', async () => ({
      applicationId: 99_999_999, reason: 'r', effectiveDate: '2026-01-01' }),
      'application_not_found'],
    ['a reversal row', async () => {
      const r = await db.query<{ id: number }>(
        'SELECT id FROM applications WHERE reverses_id IS NOT NULL LIMIT 1');
      return { applicationId: r.rows[0]!.id, reason: 'r', effectiveDate: '2000-01-01' };
    }, 'application_is_a_reversal'],
    ['before applied_on', async () => {
      const inv = await post(db, 'invoice', acme.id, '2026-02-01', 1_000);
      const pay = await post(db, 'payment', acme.id, '2026-02-10', 1_000);
      const a = await apply(pay, '2026-02-15', line(inv, 1_000));
      return { applicationId: a.applications[0]!.id, reason: 'r', effectiveDate: '2026-02-14' };
    }, 'effective_before_applied_on'],
  ])('refuses %s', async (_, input, code) => {
    expect(failure(await reverseApplication(db, actor, await input() as never)).code).toBe(code);
  });

  it('offers, or takes along, the discount taken with the application', async () => {
    const inv = await post(db, 'invoice', acme.id, '2026-03-01', 10_000);
    const pay = await post(db, 'payment', acme.id, '2026-03-05', 9_800);
    const a = await apply(pay, '2026-03-05', line(inv, 9_800, { discountCents: 200 as Cents }));
    const discount = a.adjustments[0]!.document;
    const plain = unwrap(await reverseApplication(db, actor, {
      applicationId: a.applications[0]!.id, reason: 'NSF', effectiveDate: '2026-03-20',
    }));
    expect(plain.debit.openCents).toBe(9_800);
    expect(plain.adjustmentsLeft.map((d) => d.id)).toEqual([discount.id]);

    const inv2 = await post(db, 'invoice', acme.id, '2026-03-01', 10_000);
    const pay2 = await post(db, 'payment', acme.id, '2026-03-05', 9_800);
    const b = await apply(pay2, '2026-03-05', line(inv2, 9_500, { discountCents: 200 as Cents,
      writeOffCents: 300 as Cents }));
    const all = unwrap(await reverseApplication(db, actor, {
      applicationId: b.applications[0]!.id, reason: 'NSF', effectiveDate: '2026-03-20',
      includeAdjustments: true,
    }));
    expect(all.debit.openCents).toBe(10_000);
    expect(all.adjustmentsLeft).toEqual([]);
    expect(all.adjustments.map((x) => [x.document.type, x.document.openCents,
      x.voidDocument?.type, x.voidDocument?.amountCents])).toEqual([
      ['discount', 0, 'debit_memo', 200], ['write_off', 0, 'debit_memo', 300]]);
    expect(await openCents(db, pay2.id)).toBe(-9_800);
    expect(await verifyLedger(db)).toEqual([]);
  });
});

describe('reverseDocument', () => {
  it('voids an invoice by a credit memo whose entry negates the posting, both closed', async () => {
    const inv = await post(db, 'invoice', acme.id, '2026-04-01', 25_000);
    const r = unwrap(await reverseDocument(db, actor, {
      documentId: inv.id, reason: 'billed twice', effectiveDate: '2026-04-03',
    }));
    expect(r.reversal).toMatchObject({ type: 'credit_memo', amountCents: -25_000, openCents: 0,
      reversesId: inv.id, customerId: acme.id, documentDate: '2026-04-03', memo: 'billed twice' });
    expect(r.original.openCents).toBe(0);
    expect(r.application).toMatchObject({ creditId: r.reversal.id, debitId: inv.id,
      amountCents: 25_000 });
    const posted = await entryLines(db, 'document_id', inv.id);
    const voided = await entryLines(db, 'document_id', r.reversal.id);
    expect(voided).toEqual(posted.map((l) => ({ ...l, amountCents: -l.amountCents })));
    expect(voided).toContainEqual({ account: 'sales_clearing', amountCents: 25_000 });
    expect(await entryLines(db, 'application_id', r.application.id)).toEqual([]);
  });

  it('voids a payment by a debit memo that stays out of AR control', async () => {
    const pay = await post(db, 'payment', acme.id, '2026-04-01', 7_000);
    const ar = await glBalance(db, 'ar_control');
    const r = unwrap(await reverseDocument(db, actor, {
      documentId: pay.id, reason: 'posted to the wrong bank', effectiveDate: '2026-04-01',
    }));
    expect(r.reversal).toMatchObject({ type: 'debit_memo', amountCents: 7_000, openCents: 0 });
    expect(await entryLines(db, 'document_id', r.reversal.id)).toEqual([
      { account: 'unapplied_cash', amountCents: 7_000 },
      { account: 'cash_clearing', amountCents: -7_000 },
    ]);
    expect(await glBalance(db, 'ar_control')).toBe(ar);
    // Unidentified cash has no customer; neither has its void.
    const cash = await post(db, 'payment', null, '2026-04-01', 1_000);
    const v = unwrap(await reverseDocument(db, actor, {
      documentId: cash.id, reason: 'duplicate', effectiveDate: '2026-04-02',
    }));
    expect(v.reversal.customerId).toBeNull();
    expect(await verifyLedger(db)).toEqual([]);
  });

  it('refuses while applied, unless it un-applies first (discounts go with it)', async () => {
    const inv = await post(db, 'invoice', acme.id, '2026-05-01', 10_000);
    const pay = await post(db, 'payment', acme.id, '2026-05-05', 9_800);
    const cm = await post(db, 'credit_memo', acme.id, '2026-05-02', 100);
    const a = await apply(pay, '2026-05-05', line(inv, 9_700, { discountCents: 200 as Cents }));
    const m = await apply(cm, '2026-05-05', line(inv, 100));
    const ids = [a.applications[0]!.id, a.adjustments[0]!.application.id, m.applications[0]!.id];
    expect(failure(await reverseDocument(db, actor, {
      documentId: inv.id, reason: 'cancelled order', effectiveDate: '2026-05-10',
    }))).toEqual({ code: 'document_has_applications', documentId: inv.id,
      applicationIds: ids.sort((x, y) => x - y) });
    const r = unwrap(await reverseDocument(db, actor, {
      documentId: inv.id, reason: 'cancelled order', effectiveDate: '2026-05-10',
      unapplyFirst: true,
    }));
    expect(r.unapplied.map((u) => u.reversal.reversesId)).toEqual(
      [a.applications[0]!.id, m.applications[0]!.id]);
    expect(await openCents(db, pay.id)).toBe(-9_800);
    expect(await openCents(db, cm.id)).toBe(-100);
    expect(await openCents(db, a.adjustments[0]!.document.id)).toBe(0);
    expect(r.original.openCents).toBe(0);
    expect(await verifyLedger(db)).toEqual([]);
  });

  it('voids a discount left behind by an earlier un-apply', async () => {
    const inv = await post(db, 'invoice', acme.id, '2026-06-01', 10_000);
    const pay = await post(db, 'payment', acme.id, '2026-06-05', 9_800);
    const a = await apply(pay, '2026-06-05', line(inv, 9_800, { discountCents: 200 as Cents }));
    unwrap(await reverseApplication(db, actor, {
      applicationId: a.applications[0]!.id, reason: 'NSF', effectiveDate: '2026-06-20',
    }));
    const r = unwrap(await reverseDocument(db, actor, {
      documentId: a.adjustments[0]!.document.id, reason: 'discount lost with NSF',
      effectiveDate: '2026-06-20', unapplyFirst: true,
    }));
    expect(r.reversal).toMatchObject({ type: 'debit_memo', amountCents: 200 });
    expect(await openCents(db, inv.id)).toBe(10_000);
    expect(await verifyLedger(db)).toEqual([]);
  });

  it.each<[string, () => Promise<object>, string]>([
    ['reason', async () => ({ documentId: 0, reason: '', effectiveDate: 'x' }), 'reason_required'],
    ['date', async () => ({ documentId: 0, reason: 'r', effectiveDate: 'soon' }),
      'effective_date_invalid'],
    ['missing', async () => ({ documentId: 99_999_999, reason: 'r', effectiveDate: '2026-01-01' }),
      'document_not_found'],
    ['a reversal', async () => ({ documentId: (await voided()).reversal, reason: 'r',
      effectiveDate: '2000-01-01' }), 'document_is_a_reversal'],
    ['twice', async () => ({ documentId: (await voided()).original, reason: 'r',
      effectiveDate: '2000-01-01' }), 'document_already_reversed'],
    ['before its date', async () => ({
      documentId: (await post(db, 'invoice', acme.id, '2026-07-01', 100)).id, reason: 'r',
      effectiveDate: '2026-06-30' }), 'effective_before_document_date'],
  ])('refuses %s', async (_, input, code) => {
    expect(failure(await reverseDocument(db, actor, await input() as never)).code).toBe(code);
  });

  it('keeps the pair of a void together', async () => {
    const { application } = await voided();
    expect(failure(await reverseApplication(db, actor, {
      applicationId: application, reason: 'r', effectiveDate: '2026-12-31',
    })).code).toBe('application_closes_a_reversal');
  });

  it('leaves AR control equal to the open items', async () => {
    expect(await glBalance(db, 'ar_control')).toBe(await openTotal(db, false));
    expect(await glBalance(db, 'unapplied_cash')).toBe(await openTotal(db, true));
    expect(await verifyLedger(db)).toEqual([]);
  });
});

async function voided(): Promise<{ original: number; reversal: number; application: number }> {
  const inv = await post(db, 'invoice', acme.id, '2026-08-01', 500);
  const r = unwrap(await reverseDocument(db, actor, {
    documentId: inv.id, reason: 'test', effectiveDate: '2026-08-01',
  }));
  return { original: inv.id, reversal: r.reversal.id, application: r.application.id };
}
