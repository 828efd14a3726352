import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyLedger } from '../src/ledger/verify.ts';
import { cli, openOf, seedLedger, type Seeded } from './cashapp-support.ts';
import { problemOf, testServer, type TestServer } from './support/http.ts';
import { bai2, file, x820 } from './remittance-advice-fixtures.ts';

// Undoing a wrong link between a remittance advice (X12 820) and a deposit: what the deposit
// applied since the link is reversed by reversing rows (nothing deleted), discounts and netted
// credit memos with it; its remittance is restored, the advice waits again, and it can be
// linked anew. Over the API (and the CLI), on whichever database the suite runs on.

let s: TestServer;
let seeded: Seeded;
let token: string;
beforeAll(async () => {
  s = await testServer();
  seeded = await seedLedger(s.db);
  await s.addUser('cash', 'cash_application');
  token = await s.token('cash');
});
afterAll(async () => s.close());
const doc = (number: string) => seeded.docs.get(number)!;
const count = async (table: string) => (await s.db.query<{ n: number }>(
  `SELECT count(*)::int AS n FROM ${table}`)).rows[0]!.n;

/** Acme's deposit of 2,750.00, then its advice, which links and applies three items. */
async function linkedAcme() {
  const arc = cli(s.db, '2024-03-19');
  const dep = (await arc('import', 'bank', file('acme.bai2', bai2('2024-03-18', [
    { cents: 275_000, bankRef: 'BR240318-77', tags: 'DACT:99887766' }])), '--json')).json();
  const adv = (await arc('import', 'bank', file('acme.820', x820({ amount: '2750.00',
    date: '2024-03-18', trace: 'REMIT-ADV-88', payer: 'ACME HARDWARE INC',
    payerAccount: '99887766', control: '000000201', rmr: [
      'RMR*IV*INV-2001*PI*1500.00*1530.61*30.61', 'RMR*IV*INV-2002*PI*1500.00*1500.00',
      'RMR*CM*CM-0907*PI*-250.00'] })), '--json')).json();
  return { paymentId: dep.paymentIds[0] as number, adviceId: adv.advices[0].adviceId as number,
    linked: adv.advices[0] };
}

describe('unlinking a remittance advice', () => {
  it('reverses what the deposit applied since the link; the advice waits again', async () => {
    const { paymentId, adviceId, linked } = await linkedAcme();
    expect(linked).toMatchObject({ paymentId, rule: 'amount_payer' });
    expect(await openOf(s.db, doc('INV-2001'))).toBe(0);
    expect(await openOf(s.db, doc('CM-0907'))).toBe(0);
    const applications = await count('applications');

    const r = await s.asToken(token, 'POST',
      `/api/v1/cashapp/remittance-advices/${adviceId}/unlink`,
      { reason: 'advice is for another deposit', effectiveDate: '2024-03-20' });
    expect(r.statusCode, r.body).toBe(200);
    expect(r.json()).toMatchObject({ adviceId, paymentId, unapplied: '2750.00',
      effectiveDate: '2024-03-20', keptDeductionIds: [] });
    // The two invoices, the memo netted against them, and the discount taken on INV-2001.
    expect(r.json().reversedApplicationIds.length).toBeGreaterThanOrEqual(3);
    expect(await openOf(s.db, doc('INV-2001'))).toBe(153_061);
    expect(await openOf(s.db, doc('INV-2002'))).toBe(150_000);
    expect(await openOf(s.db, doc('CM-0907'))).toBe(-25_000);
    expect(await openOf(s.db, paymentId)).toBe(-275_000);
    // Reversing rows were added; nothing was deleted.
    expect(await count('applications')).toBeGreaterThan(applications);
    const reversals = await s.db.query<{ reason: string }>(
      `SELECT reason FROM applications WHERE reverses_id = ANY($1::bigint[])`,
      [r.json().reversedApplicationIds]);
    expect(reversals.rows.length).toBe(r.json().reversedApplicationIds.length);
    expect(reversals.rows[0]!.reason).toContain('advice is for another deposit');
    const bank = await s.db.query<{ r: { lines: unknown[] }; q: string }>(
      'SELECT remittance AS r, queue_state AS q FROM bank_payments WHERE document_id = $1',
      [paymentId]);
    expect(bank.rows[0]).toMatchObject({ q: 'review', r: { lines: [] } });
    const audit = await s.db.query<{ actor: string; before: { paymentId: number } }>(
      `SELECT actor, before FROM audit_log WHERE action = 'remittance_advice.unlink'
         AND entity_id = $1`, [adviceId]);
    expect(audit.rows).toHaveLength(1);
    expect(audit.rows[0]!.before.paymentId).toBe(paymentId);
    expect(await verifyLedger(s.db)).toEqual([]);

    const detail = await s.asToken(token, 'GET',
      `/api/v1/cashapp/remittance-advices/${adviceId}`);
    expect(detail.statusCode).toBe(200);
    expect(detail.json()).toMatchObject({ adviceId, deposit: null, linkRule: null,
      traceNumber: 'REMIT-ADV-88', amount: '2750.00' });
    expect(detail.json().reasons[0]).toMatch(/^unlinked from payment \d+ by .*another deposit$/);
    expect(detail.json().lines.map((l: { documentNumber: string; paid: string }) =>
      [l.documentNumber, l.paid])).toEqual([['INV-2001', '1500.00'], ['INV-2002', '1500.00'],
      ['CM-0907', '-250.00']]);
    expect(detail.json().candidates[0]).toMatchObject({ paymentId, amount: '2750.00' });
    const unlinked = await s.asToken(token, 'GET',
      '/api/v1/cashapp/remittance-advices?unlinked=true');
    expect(unlinked.json().items.map((i: { adviceId: number }) => i.adviceId)).toContain(adviceId);

    // Linked again by hand: matched with the lines again.
    const again = await s.asToken(token, 'POST',
      `/api/v1/cashapp/remittance-advices/${adviceId}/link`, { paymentId });
    expect(again.statusCode, again.body).toBe(200);
    expect(await openOf(s.db, doc('INV-2002'))).toBe(0);
    const linkedList = await s.asToken(token, 'GET',
      '/api/v1/cashapp/remittance-advices?linked=true');
    expect(linkedList.json().items.every((i: { paymentId: number | null }) =>
      i.paymentId !== null)).toBe(true);
    expect((await s.asToken(token, 'GET', `/api/v1/cashapp/remittance-advices/${adviceId}`))
      .json().deposit).toMatchObject({ paymentId, unapplied: '0.00',
      customer: { accountNumber: 'C-1001' } });
    expect(await verifyLedger(s.db)).toEqual([]);
  });

  it('the CLI unlinks with a reason; refusals name the rule', async () => {
    const arc = cli(s.db, '2024-03-25');
    const list = (await arc('remittances', 'list', '--json')).json() as
      { adviceId: number; paymentId: number | null }[];
    const linked = list.find((a) => a.paymentId !== null)!;
    expect((await arc('remittances', 'unlink', String(linked.adviceId), '--reason', ' ')).err)
      .toContain('reason_required');
    const r = await arc('remittances', 'unlink', String(linked.adviceId), '--reason',
      'wrong deposit');
    expect(r.code, r.err).toBe(0);
    expect(r.out).toMatch(/unlinked from payment \d+: \d+ applications reversed, 2,?750\.00/);
    const twice = await arc('remittances', 'unlink', String(linked.adviceId), '--reason', 'x');
    expect(twice.code).toBe(1);
    expect(twice.err).toContain('remittance_advice_not_linked');
    expect((await arc('remittances', 'unlink', '1')).code).toBe(2);
    expect(await verifyLedger(s.db)).toEqual([]);
  });

  it('the API refuses a missing advice, an unlinked one, no reason, a date too early',
    async () => {
      const url = (id: number) => `/api/v1/cashapp/remittance-advices/${id}/unlink`;
      const missing = await s.asToken(token, 'POST', url(999_999), { reason: 'x' });
      expect(missing.statusCode).toBe(404);
      expect(problemOf(missing)).toMatchObject({ code: 'remittance_advice_not_found' });
      expect((await s.asToken(token, 'GET', '/api/v1/cashapp/remittance-advices/999999'))
        .statusCode).toBe(404);
      const items = (await s.asToken(token, 'GET',
        '/api/v1/cashapp/remittance-advices?unlinked=true')).json().items;
      const waiting = await s.asToken(token, 'POST', url(items[0].adviceId), { reason: 'x' });
      expect(problemOf(waiting)).toMatchObject({ code: 'remittance_advice_not_linked',
        status: 409 });
      expect((await s.asToken(token, 'POST', url(items[0].adviceId), {})).statusCode).toBe(400);
      const relink = await s.asToken(token, 'POST',
        `/api/v1/cashapp/remittance-advices/${items[0].adviceId}/link`,
        { paymentId: items[0].paymentId ?? (await s.asToken(token, 'GET',
          `/api/v1/cashapp/remittance-advices/${items[0].adviceId}`)).json()
          .candidates[0].paymentId });
      expect(relink.statusCode, relink.body).toBe(200);
      const early = await s.asToken(token, 'POST', url(items[0].adviceId),
        { reason: 'x', effectiveDate: '2024-01-01' });
      expect(problemOf(early)).toMatchObject({ code: 'effective_before_applied_on' });
      expect(await verifyLedger(s.db)).toEqual([]);
    });
});

describe('unlinking after a short pay or a split', () => {
  it('voids the deduction the advice\'s short pay opened', async () => {
    const arc = cli(s.db, '2024-03-27');
    const dep = (await arc('import', 'bank', file('bolt.bai2', bai2('2024-03-26', [
      { cents: 240_000, bankRef: 'BR-BOLT-1', tags: 'DACT:5557771' }])), '--json')).json();
    const adv = (await arc('import', 'bank', file('bolt.820', x820({ amount: '2400.00',
      date: '2024-03-26', trace: 'BOLT-TRN-1', payer: 'BOLT & NUT LLC', payerAccount: '5557771',
      control: '000000601', rmr: ['RMR*IV*INV-1002*PI*1500.00*1500.00',
        'RMR*IV*INV-1003*PI*900.00*1000.00', 'ADX*-100.00*01'] })), '--json')).json();
    const paymentId = dep.paymentIds[0] as number;
    expect(adv.advices).toMatchObject([{ paymentId }]);
    const opened = await s.db.query<{ id: number }>(
      'SELECT document_id AS id FROM deduction_items WHERE payment_id = $1', [paymentId]);
    expect(opened.rows).toHaveLength(1);
    expect(await openOf(s.db, doc('INV-1003'))).toBe(0);
    const r = await arc('remittances', 'unlink', String(adv.advices[0].adviceId), '--reason',
      'not Bolt\'s deposit', '--json');
    expect(r.code, r.err).toBe(0);
    expect(r.json().voidedDocumentIds).toContain(Number(opened.rows[0]!.id));
    expect(await openOf(s.db, doc('INV-1002'))).toBe(150_000);
    expect(await openOf(s.db, doc('INV-1003'))).toBe(100_000);
    expect(await openOf(s.db, Number(opened.rows[0]!.id))).toBe(0);
    expect(await openOf(s.db, paymentId)).toBe(-240_000);
    expect(await verifyLedger(s.db)).toEqual([]);
  });

  it('refuses while a split made since the link stands; after the un-split it unlinks',
    async () => {
      const arc = cli(s.db, '2024-03-29');
      const dep = (await arc('import', 'bank', file('corner.bai2', bai2('2024-03-28', [
        { cents: 300_000, bankRef: 'BR-CORNER-1', tags: 'DACT:5557772' }])), '--json')).json();
      const paymentId = dep.paymentIds[0] as number;
      const adv = (await arc('import', 'bank', file('corner.820', x820({ amount: '3000.00',
        date: '2024-03-28', trace: 'CORNER-TRN-1', payer: 'CORNER STORE',
        payerAccount: '5557772', control: '000000602',
        rmr: ['RMR*IV*INV-1004*PI*200.00*200.00'] })), '--json')).json();
      expect(adv.advices).toMatchObject([{ paymentId }]);
      const unapplied = -(await openOf(s.db, paymentId));
      const half = Math.floor(unapplied / 2);
      const amount = (c: number) => `${Math.floor(c / 100)}.${String(c % 100).padStart(2, '0')}`;
      const split = await arc('payments', 'split', String(paymentId), '--part',
        `C-3003=${amount(half)}`, '--part', `C-4004=${amount(unapplied - half)}`, '--json');
      expect(split.code, split.err).toBe(0);
      const adviceId = String(adv.advices[0].adviceId);
      const refused = await arc('remittances', 'unlink', adviceId, '--reason', 'wrong');
      expect(refused.code).toBe(1);
      expect(refused.err).toContain('payment_split_since_link');
      expect((await arc('payments', 'unsplit', String(split.json().splitId), '--reason',
        'redo')).code).toBe(0);
      const r = await arc('remittances', 'unlink', adviceId, '--reason', 'wrong', '--json');
      expect(r.code, r.err).toBe(0);
      expect(r.json().unappliedCents).toBe(300_000);
      // Applied from the advice's line or only proposed: either way open in full again.
      expect(await openOf(s.db, doc('INV-1004'))).toBe(20_000);
      expect(await verifyLedger(s.db)).toEqual([]);
    });
});
