import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  chooseLink, linkEvidence, mergeRemittance, type AdviceFacts, type DepositFacts,
} from '../src/cashapp/remittance-advice-rules.ts';
import { verifyLedger } from '../src/ledger/verify.ts';
import { cli, openOf, seedLedger, SHARED, type Seeded } from './cashapp-support.ts';
import { customer, post } from './ledger-fixtures.ts';
import { bai2, file, x820 } from './remittance-advice-fixtures.ts';
import { problemOf, testServer, type TestServer } from './support/http.ts';

// An X12 820 remittance advice arrives apart from its money: the ACH credit comes in a bank file
// with a trace number and amount. Whichever comes first, the advice waits until its deposit is
// there, is linked (trace, else amount + payer + date) and the deposit is matched with the
// advice's invoice lines. Fixtures: the Safeway 820 of ../shared/fixtures/edi820 with a
// hand-made BAI2 deposit; hand-made 820/BAI2 pairs for the other rules.

describe('linking rules (pure)', () => {
  const advice: AdviceFacts = { id: 1, traceNumber: 'EFT-0042', amountCents: 275_000,
    currency: 'USD', paymentDate: '2024-03-18', payerName: 'Acme Hardware Inc',
    payerId: null, payerAccount: null };
  const deposit = (x: Partial<DepositFacts>): DepositFacts => ({ id: 9, references: [],
    amountCents: 275_000, currency: 'USD', receivedOn: '2024-03-19', payerName: null,
    payerId: null, payerAccount: null, ...x });
  const cases: { name: string; d: Partial<DepositFacts>; rule: string | null }[] = [
    { name: 'trace in the payer reference (any spelling)', d: { references: [null, 'eft 0042'] },
      rule: 'trace' },
    { name: 'trace but another amount', d: { references: ['EFT-0042'], amountCents: 275_001 },
      rule: null },
    { name: 'trace but another currency', d: { references: ['EFT-0042'], currency: 'CAD' },
      rule: null },
    { name: 'no trace, same payer name', d: { payerName: 'ACME HARDWARE INC.' },
      rule: 'amount_payer' },
    { name: 'no trace, name cut at 22 characters', d: { payerName: 'ACME HARDWARE INC LLC' },
      rule: 'amount_payer' },
    { name: 'same payer, 6 days apart', d: { payerName: 'ACME HARDWARE INC',
      receivedOn: '2024-03-24' }, rule: null },
    { name: 'another payer', d: { payerName: 'BOLT AND NUT LLC' }, rule: null },
    { name: 'no payer at all', d: {}, rule: null },
  ];
  it.each(cases)('$name: $rule', ({ d, rule }) => {
    expect(linkEvidence(advice, deposit(d))?.rule ?? null).toBe(rule);
  });

  it('a trace beats amount and payer; two that fit the same rule are ambiguous', () => {
    const byName = deposit({ id: 1, payerName: 'Acme Hardware' });
    const byTrace = deposit({ id: 2, references: ['EFT-0042'] });
    expect(chooseLink([byName, byTrace], (d) => linkEvidence(advice, d)))
      .toMatchObject({ kind: 'linked', candidate: { id: 2 }, evidence: { rule: 'trace' } });
    expect(chooseLink([byName, { ...byName, id: 3 }], (d) => linkEvidence(advice, d)))
      .toEqual({ kind: 'ambiguous', rule: 'amount_payer', count: 2 });
    expect(chooseLink([deposit({})], (d) => linkEvidence(advice, d))).toEqual({ kind: 'none' });
  });

  it('merging keeps the deposit\'s own lines and adds the advice\'s others', () => {
    const line = (documentNumber: string) => ({ documentNumber, referenceType: 'invoice' });
    expect(mergeRemittance({ lines: [line('INV-1')], freeText: ['bank'] },
      { lines: [line('inv 1'), line('INV-2')], freeText: ['advice'] })).toEqual({
      lines: [line('INV-1'), line('INV-2')], freeText: ['bank', 'advice'] });
    expect(mergeRemittance(null, { lines: [line('INV-2')], freeText: [] }))
      .toEqual({ lines: [line('INV-2')], freeText: [] });
  });
});

describe('remittance advices and their deposits, end to end', () => {
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

  it('Safeway 820 first: kept unlinked; its ACH deposit later links by trace and matches',
    async () => {
      const arc = cli(s.db, '2005-10-21');
      const safeway = await customer(s.db, { accountNumber: 'SAFE-01',
        name: 'Safeway - U. S. Corporate' });
      const invoices: [string, number, string][] = [['6092392', 2_085_111, '2005-09-23'],
        ['6093694', 2_131_871, '2005-09-26'], ['6093695', 10_175_774, '2005-09-26'],
        ['6093696', 1_773_882, '2005-09-26'], ['P7340039-25PB', 415_300, '2005-09-14'],
        ['6093692', 29_221_059, '2005-09-26']];
      const ids = new Map<string, number>();
      for (const [number, cents, date] of invoices) {
        ids.set(number, (await post(s.db, 'invoice', safeway.id, date, cents, { number })).id);
      }
      const advice = await arc('import', 'bank',
        join(SHARED, 'edi820', 'oopfactory-820-Example4_Safeway.txt'), '--json');
      expect(advice.code, advice.err).toBe(0);
      expect(advice.json()).toMatchObject({ format: 'x12-820', paymentIds: [], notPosted: 1,
        advices: [{ traceNumber: '4311000190', amountCents: 41_609_315, paymentId: null }] });
      const waiting = await arc('remittances', 'list', '--unlinked', '--json');
      expect(waiting.json()).toMatchObject([{ traceNumber: '4311000190', amount: '416093.15',
        payerName: 'Safeway - U. S. Corporate', lines: 10, paymentId: null,
        file: 'oopfactory-820-Example4_Safeway.txt' }]);
      expect(waiting.json()[0].invoices).toEqual(expect.arrayContaining(['6092392', '6093692']));
      expect(waiting.json()[0].reasons[0]).toMatch(/no deposit/);

      const bank = file('safeway-deposit.bai2', bai2('2005-10-20', [{ cents: 41_609_315,
        bankRef: 'BR05102011', customerRef: '4311000190',
        tags: 'DBNM:SAFEWAY - U. S. CORPORATE' }]));
      const dep = await arc('import', 'bank', bank, '--json');
      expect(dep.code, dep.err).toBe(0);
      const d = dep.json();
      expect(d.advicesLinked).toMatchObject([{ rule: 'trace', paymentId: d.paymentIds[0] }]);
      // Matching ran with the advice's lines: the customer and its six invoices, by remittance.
      const outcome = d.matches[0];
      expect(outcome).toMatchObject({ customerId: safeway.id });
      expect(outcome.rule).toMatch(/remittance/);
      const proposal = await s.db.query<{ allocations: { documentId: number }[] }>(
        `SELECT allocations FROM match_proposals WHERE payment_id = $1 ORDER BY id DESC LIMIT 1`,
        [d.paymentIds[0]]);
      expect(proposal.rows[0]!.allocations.map((a) => a.documentId).sort())
        .toEqual([...ids.values()].sort());
      const remittance = await s.db.query<{ r: { lines: unknown[] } }>(
        'SELECT remittance AS r FROM bank_payments WHERE document_id = $1', [d.paymentIds[0]]);
      expect(remittance.rows[0]!.r.lines).toHaveLength(10);
      expect((await arc('remittances', 'list', '--unlinked', '--json')).json()).toEqual([]);
      const all = (await arc('remittances', 'list')).out;
      expect(all).toContain(`payment ${d.paymentIds[0]} (trace)`);
      expect(await verifyLedger(s.db)).toEqual([]);
    });

  it('deposit first, unidentified; the advice after it links by amount and payer account, '
    + 'and the deposit applies itself', async () => {
    const arc = cli(s.db, '2024-03-19');
    const bank = file('acme-deposit.bai2', bai2('2024-03-18', [{ cents: 275_000,
      bankRef: 'BR240318-77', tags: 'DACT:99887766' }]));
    const dep = (await arc('import', 'bank', bank, '--json')).json();
    const paymentId = dep.paymentIds[0];
    expect(dep.autoApplied).toBe(0);
    const adv = await arc('import', 'bank', file('acme.820', x820({ amount: '2750.00',
      date: '2024-03-18', trace: 'REMIT-ADV-88', payer: 'ACME HARDWARE INC',
      payerAccount: '99887766', control: '000000201', rmr: [
        'RMR*IV*INV-2001*PI*1500.00*1530.61*30.61', 'RMR*IV*INV-2002*PI*1500.00*1500.00',
        'RMR*CM*CM-0907*PI*-250.00'] })), '--json');
    expect(adv.code, adv.err).toBe(0);
    expect(adv.json().advices).toMatchObject([{ paymentId, rule: 'amount_payer' }]);
    expect(adv.json().advices[0].reasons.join(' ')).toContain('payer account 99887766');
    expect(await openOf(s.db, doc('INV-2001'))).toBe(0);
    expect(await openOf(s.db, doc('INV-2002'))).toBe(0);
    expect(await openOf(s.db, doc('CM-0907'))).toBe(0);
    expect(await openOf(s.db, paymentId)).toBe(0);
    expect(await verifyLedger(s.db)).toEqual([]);
  });

  it('two deposits fit: the advice waits; a clerk links it over HTTP, then it is matched',
    async () => {
      const arc = cli(s.db, '2024-03-22');
      const bank = file('two.bai2', bai2('2024-03-21', [
        { cents: 20_000, bankRef: 'BR-A', tags: 'DACT:555012' },
        { cents: 20_000, bankRef: 'BR-B', tags: 'DACT:555012' }]));
      const dep = (await arc('import', 'bank', bank, '--json')).json();
      expect(dep.autoApplied).toBe(0);
      const adv = (await arc('import', 'bank', file('corner.820', x820({ amount: '200.00',
        date: '2024-03-21', trace: 'CHK-5512', payer: 'Corner Store', payerAccount: '555012',
        control: '000000301', rmr: ['RMR*IV*INV-1004*PI*200.00'] })), '--json')).json();
      expect(adv.advices).toMatchObject([{ paymentId: null }]);
      expect(adv.advices[0].reasons[0]).toBe('2 deposits fit by amount and payer: link by hand');
      expect(await openOf(s.db, doc('INV-1004'))).toBe(20_000);
      const list = await s.asToken(token, 'GET',
        '/api/v1/cashapp/remittance-advices?unlinked=true');
      expect(list.statusCode).toBe(200);
      const item = list.json().items[0];
      expect(item).toMatchObject({ traceNumber: 'CHK-5512', amount: '200.00',
        reasons: ['2 deposits fit by amount and payer: link by hand'] });
      const url = `/api/v1/cashapp/remittance-advices/${item.adviceId}/link`;
      const linked = await s.asToken(token, 'POST', url, { paymentId: dep.paymentIds[1] });
      expect(linked.statusCode, linked.body).toBe(200);
      expect(linked.json()).toMatchObject({ paymentId: dep.paymentIds[1], rule: 'manual' });
      expect(await openOf(s.db, doc('INV-1004'))).toBe(0);
      expect(await openOf(s.db, dep.paymentIds[1])).toBe(0);
      const again = await s.asToken(token, 'POST', url, { paymentId: dep.paymentIds[0] });
      expect(again.statusCode).toBe(409);
      expect(problemOf(again)).toMatchObject({ code: 'remittance_advice_already_linked',
        paymentId: dep.paymentIds[1] });
      const missing = await s.asToken(token, 'POST',
        '/api/v1/cashapp/remittance-advices/999999/link', { paymentId: dep.paymentIds[0] });
      expect(missing.statusCode).toBe(404);
      const cliLink = await arc('remittances', 'link', String(item.adviceId),
        String(dep.paymentIds[0]));
      expect(cliLink.code).toBe(1);
      expect(cliLink.err).toContain('remittance_advice_already_linked');
      expect(await verifyLedger(s.db)).toEqual([]);
    });

  it('fixtures: a BAI2 wire found by its trace, a NACHA credit by amount and payer', async () => {
    // moov-sample4's wire of 500.50 from SAMPLE INC carries customer reference RTR60880840833.
    const arc = cli(s.db, '2023-09-07');
    const wire = (await arc('import', 'bank',
      join(SHARED, 'bai2', 'moov-sample4-continuations-newline-delimited.txt'), '--json')).json();
    const adv = (await arc('import', 'bank', file('sample.820', x820({ amount: '500.50',
      date: '2023-09-06', trace: 'RTR60880840833', payer: 'SAMPLE INC', payerAccount: '1',
      control: '000000401', rmr: ['RMR*IV*INV-9001*PI*500.50'] })), '--json')).json();
    expect(adv.advices).toMatchObject([{ rule: 'trace' }]);
    expect(wire.paymentIds).toContain(adv.advices[0].paymentId);
    const wireAmount = await s.db.query<{ a: number }>(
      'SELECT -amount_cents AS a FROM documents WHERE id = $1', [adv.advices[0].paymentId]);
    expect(wireAmount.rows[0]!.a).toBe(50_050);

    // The TEL file's 6,851.00 credit names "Bob's Manufactur" (cut at 16 characters); the
    // advice came first, from Bob's Manufacturing Co, with no trace the bank repeats.
    const first = (await cli(s.db, '2023-01-30')('import', 'bank', file('bobs.820', x820({
      amount: '6851.00', date: '2023-01-30', trace: 'BOB-77', payer: 'Bobs Manufacturing Co',
      payerAccount: '2', control: '000000402', rmr: ['RMR*IV*BM-1*PI*6851.00'] })),
    '--json')).json();
    expect(first.advices).toMatchObject([{ paymentId: null }]);
    const tel = (await cli(s.db, '2023-02-01')('import', 'bank',
      join(SHARED, 'nacha', 'moov-NACHA_SAMPLE_TEL_REVERSAL.ach'), '--json')).json();
    expect(tel.advicesLinked).toMatchObject([{ adviceId: first.advices[0].adviceId,
      rule: 'amount_payer' }]);
    expect(tel.advicesLinked[0].reasons.join(' ')).toMatch(/Bob's Manufactur/);
    expect(await verifyLedger(s.db)).toEqual([]);
  });

  it('the same 820 imported again stores no second advice', async () => {
    const arc = cli(s.db, '2005-10-21');
    const before = await s.db.query('SELECT count(*)::int AS n FROM remittance_advices');
    const again = await arc('import', 'bank',
      join(SHARED, 'edi820', 'oopfactory-820-Example4_Safeway.txt'), '--json');
    expect(again.json().status).toBe('already_imported');
    expect((await s.db.query('SELECT count(*)::int AS n FROM remittance_advices')).rows)
      .toEqual(before.rows);
  });
});
