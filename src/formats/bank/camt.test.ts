import { describe, expect, it } from 'vitest';
import { parseCamt } from './camt.ts';
import type { ParsedBankFile } from './model.ts';
import { expectOk, expectRefused, sharedFixtureNames, sharedFixtureText } from './testing.ts';

const parse = (name: string): ParsedBankFile =>
  expectOk(parseCamt(sharedFixtureText('camt', name)));

describe('camt fixtures (../shared/fixtures/camt)', () => {
  it('reads every camt XML fixture except genkgo-camt053.v2.wrong, which is refused', () => {
    const names = sharedFixtureNames('camt').filter((n) => n.endsWith('.xml'));
    expect(names).toHaveLength(20);
    for (const name of names) {
      const r = parseCamt(sharedFixtureText('camt', name));
      expect(r.ok, name).toBe(name !== 'genkgo-camt053.v2.wrong.xml');
    }
  });

  it('genkgo-camt053.v2.wrong: a message without Stmt is refused with a clear reason', () => {
    const e = expectRefused(parseCamt(sharedFixtureText('camt', 'genkgo-camt053.v2.wrong.xml')));
    expect(e).toMatchObject({ code: 'malformed', format: 'camt.053', line: 3 });
    expect(e.reason).toContain('no Stmt element');
  });

  it('fffs-FI_camt_054 (CR-only lines): a credit note netted in a payment, 2500 - 600', () => {
    const f = parse('fffs-FI_camt_054_sample.xml');
    expect(f.format).toBe('camt.054');
    expect(f.formatVersion).toBe('camt.054.001.02');
    expect(f.fileId).toBe('BANKFILEID219073');
    const netted = f.receipts[0];
    expect(netted).toMatchObject({
      amountCents: 190000,
      currency: 'EUR',
      bookingDate: '2017-07-29',
      bankReference: 'D091029N987654321S001',
      entryReference: '091029ACCTSTMTARCH04',
      payer: { name: 'PAYERS NAME1' },
    });
    expect(netted?.remittance.lines).toEqual([
      {
        referenceType: 'creditor_reference',
        rawType: 'SCOR',
        documentNumber: '3900',
        paidCents: 250000,
        references: [],
      },
      {
        referenceType: 'credit_note',
        rawType: 'SCOR',
        documentNumber: '12344',
        paidCents: -60000,
        references: [],
      },
    ]);
    const paid = netted?.remittance.lines.reduce((s, l) => s + (l.paidCents ?? 0), 0);
    expect(paid).toBe(netted?.amountCents);
    const rf = f.receipts.find((r) => r.customerReference === 'EndToEndIdAT-41-001');
    expect(rf?.remittance.lines.map((l) => [l.documentNumber, l.paidCents])).toEqual([
      ['RF7812345', 350000],
      ['RF0812344', -100000],
    ]);
    expect(f.receipts.find((r) => r.customerReference === 'EndToEndIdAT-41-002')).toMatchObject({
      payer: { name: 'AT-02 DEBTOR NAME 02', id: 'AT-10ASEANG', idScheme: 'EANG' },
      ultimatePayer: { name: 'AT-08 ULTIMATE DEBTOR NAME', id: 'AT-09TXID' },
      remittance: { lines: [], freeText: ['RFB/557742358'] },
    });
    expect(f.receipts).toHaveLength(6);
    expect(f.other.map((o) => [o.direction, o.amountCents, o.itemCount])).toEqual([
      ['debit', 423005, 3],
      ['debit', 100000, 2],
    ]);
    expect(f.other[0]?.remittance?.lines[0]?.documentNumber).toBe('3900');
  });

  it('fffs-FI_camt_054: the INFO reversal entry gives returns with AC01 and CUST', () => {
    const f = parse('fffs-FI_camt_054_sample.xml');
    expect(f.returns.map((r) => [r.reasonCode, r.amountCents, r.status, r.party.name])).toEqual([
      ['AC01', 4000, 'info', 'PAYERS NAME3'],
      ['CUST', 6000, 'info', 'PAYERS NAME4'],
    ]);
    expect(f.returns[0]).toMatchObject({
      kind: 'return',
      direction: 'credit',
      reasonText: '1+TILIÄ EI LÖYDY',
      bankReference: 'D091029N987654321S288',
      sourceRecord: { record: 6, path: 'Ntfctn[1]/Ntry[6]/TxDtls[1]' },
    });
    expect(f.returns[0]?.remittance.lines[0]?.documentNumber).toBe('2345678917');
    expect(f.returns[0]?.sourceRecord.line).toBeGreaterThan(900);
  });

  it('fffs-FI_camt_053 (CRLF, comments): lump sums, FX, charges, RfrdDocInf, SCOR RF refs', () => {
    const f = parse('fffs-FI_camt_053_sample.xml');
    expect(f.statements).toHaveLength(1);
    expect(f.receipts.length + f.returns.length + f.other.length).toBe(10);
    expect(f.receipts).toHaveLength(6);
    const lumps = f.receipts.filter((r) => r.batchItemCount === 2);
    expect(lumps.map((r) => r.amountCents)).toEqual([200000, 50000, 300000]);
    const fx = f.receipts.find((r) => r.remittance.freeText.includes('INVOICE US20291092'));
    expect(fx).toMatchObject(
      {
        amountCents: 212000,
        currency: 'CHF',
        method: 'wire',
        valueDate: '2017-07-30',
        chargesCents: 2000,
        instructedAmount: { amountCents: 320000, currency: 'USD' },
        payer: { name: 'DEBTOR NAME', id: '123456789', idScheme: 'DUNS' },
      },
    );
    const shortByCharges = f.receipts.find((r) => r.chargesCents === 4500);
    expect(shortByCharges).toMatchObject({
      amountCents: 545500,
      remittance: { lines: [{ documentNumber: 'RF98123456789012', paidCents: 550000 }] },
    });
    const invoice = f.other.flatMap((o) => o.remittance?.lines ?? []);
    expect(invoice).toContainEqual(
      expect.objectContaining({
        referenceType: 'invoice',
        rawType: 'CINV',
        documentNumber: '217827182718',
      }),
    );
    expect(f.other.find((o) => o.typeCode === 'PMNT-RCDT-CHRG')?.category).toBe('fee');
  });

  it('fffs-FI_camt_052 (CR-only): intraday reports, pending pre-notice with FX, DtTm', () => {
    const f = parse('fffs-FI_camt_052_sample.xml');
    expect(f.format).toBe('camt.052');
    expect(f.statements.map((s) => [s.kind, s.reportType])).toEqual([
      ['report', 'current_day'],
      ['report', 'current_day'],
    ]);
    expect(f.receipts[0]).toMatchObject({
      status: 'pending',
      amountCents: 212000,
      currency: 'EUR',
      instructedAmount: { amountCents: 320000, currency: 'USD' },
    });
    expect(f.receipts[1]).toMatchObject({
      status: 'booked',
      bookingDate: '2017-07-30',
      remittance: { lines: [{ rawType: 'SCOR', documentNumber: 'RF98123456789012' }] },
      ultimatePayer: { name: 'ULTIMATE DEBTOR' },
    });
    expect(f.statements[1]?.balances[0]?.date).toBe('2017-07-30');
  });

  it('genkgo camt.053 v02, v04, v08 and party ids: the same entry in every schema version', () => {
    for (const name of [
      'genkgo-camt053.v2.minimal.xml',
      'genkgo-camt053.v4.xml',
      'genkgo-camt053.v8.xml',
      'genkgo-camt053.v2.with-party-ids.xml',
    ]) {
      const f = parse(name);
      expect(f.receipts, name).toHaveLength(1);
      expect(f.receipts[0], name).toMatchObject({
        amountCents: 885,
        currency: 'EUR',
        bookingDate: '2014-12-31',
        valueDate: '2015-01-02',
        payer: { account: 'NL56AGDH9619008421' },
        remittance: {
          lines: [{ referenceType: 'creditor_reference', documentNumber: '4654654654654654' }],
        },
      });
      expect(f.statements[0]?.balances.map((b) => b.currency), name).toEqual([
        'EUR',
        'SEK',
        'CHF',
        'JPY',
      ]);
    }
    expect(parse('genkgo-camt053.v8.xml').formatVersion).toBe('camt.053.001.08');
    expect(parse('genkgo-camt053.v8.xml').receipts[0]?.payer.name).toBe('NAME NAME');
    expect(parse('genkgo-camt053.v2.with-party-ids.xml').receipts[0]?.payer).toMatchObject({
      id: '19121212-1212',
      idScheme: 'NIDN',
    });
  });

  it('genkgo-camt053.v2.multi.statement: two statements in one message', () => {
    const f = parse('genkgo-camt053.v2.multi.statement.xml');
    expect(f.statements).toHaveLength(2);
    expect(f.receipts.map((r) => [r.statementIndex, r.remittance.freeText])).toEqual([
      [0, ['Transaction Description 1']],
    ]);
    expect(f.other.map((o) => [o.statementIndex, o.direction, o.amountCents])).toEqual([
      [1, 'debit', 700],
    ]);
  });

  it('genkgo-camt053.v2.five.decimals: 18.150 and 8.850 read exactly; closing is off', () => {
    const f = parse('genkgo-camt053.v2.five.decimals.xml');
    expect(f.receipts[0]?.amountCents).toBe(885);
    expect(f.statements[0]?.balances.map((b) => [b.type, b.amountCents])).toEqual([
      ['OPBD', 1815],
      ['CLBD', 2705],
    ]);
    expect(f.warnings.some((w) => w.code === 'amount_rounded')).toBe(false);
    expect(f.controls.find((c) => c.name === 'closing balance')).toMatchObject({
      stated: '2705',
      computed: '2700',
      ties: false,
    });
  });

  it('genkgo-camt053.v2.all-balance-types: ten balance types', () => {
    const f = parse('genkgo-camt053.v2.all-balance-types.xml');
    expect(f.statements[0]?.balances.map((b) => b.type)).toEqual([
      'OPBD',
      'PRCD',
      'OPAV',
      'CLBD',
      'CLAV',
      'FWAV',
      'INFO',
      'ITAV',
      'ITBD',
      'XPCD',
    ]);
  });

  it('genkgo-camt53.only-Dt-with-DtTm: DtTm with nanoseconds and no zone gives the date', () => {
    const f = parse('genkgo-camt53.only-Dt-with-DtTm.xml');
    expect(f.statements[0]?.balances).toEqual([
      { type: 'OPBD', amountCents: 544209, currency: 'RON', date: '2025-07-23' },
    ]);
    expect(f.receipts).toHaveLength(0);
  });

  it('genkgo camt.054 v2/v8: several Ustrd and Strd blocks per transaction, SEK 200000', () => {
    for (const name of ['genkgo-camt054.v2.xml', 'genkgo-camt054.v8.xml']) {
      const f = parse(name);
      expect(f.other, name).toHaveLength(1);
      const o = f.other[0];
      expect(o, name).toMatchObject({ direction: 'debit', amountCents: 20000000, currency: 'SEK' });
      expect(o?.itemCount, name).toBe(3);
      expect(o?.remittance?.freeText, name).toEqual(
        expect.arrayContaining([
          'Unstructured Remittance Information V3 block 1',
          'Unstructured Remittance Information V3 block 2',
        ]),
      );
      expect(o?.remittance?.lines.map((l) => l.documentNumber), name).toEqual([
        'ISR ref number V1',
        'ISR ref number V2',
        'Ref number V3 block 1',
        'Ref number V3 block 2',
      ]);
    }
  });

  it('genkgo-camt054.v8-with-UETR: the UETR identifies an entry without other reference', () => {
    const f = parse('genkgo-camt054.v8-with-UETR.xml');
    expect(f.other[0]?.bankReference).toBe('255ae394-9965-4438-ac86-f406feada396');
  });

  it('genkgo-camt052.v6.Amt-zero: a pending debit with zero detail amounts is other', () => {
    const f = parse('genkgo-camt052.v6.Amt-zero.xml');
    expect(f.formatVersion).toBe('camt.052.001.06');
    expect(f.other.map((o) => [o.direction, o.amountCents, o.currency])).toEqual([
      ['debit', 20000000, 'SEK'],
    ]);
  });
});

describe('camt against the OCA golden parses (oca-golden-*.expected.pydata, read by hand)', () => {
  it('oca-test-camt053: 1405.31 credit, 564.05 and 100.00 AC06 returns, 754.25 debit', () => {
    const f = parse('oca-test-camt053.xml');
    expect(f.statements[0]).toMatchObject({
      id: '1234Test/1',
      accountId: 'NL77ABNA0574908765',
    });
    const balances = f.statements[0]?.balances.map((b) => [b.type, b.amountCents]);
    expect(balances).toEqual([
      ['OPBD', 1556827],
      ['CLBD', 1512112],
    ]);
    expect(f.receipts).toHaveLength(1);
    expect(f.receipts[0]).toMatchObject({
      amountCents: 140531,
      bookingDate: '2014-01-05',
      customerReference: '115',
      payer: { name: '3rd party Media', account: 'NL69ABNA0522123643' },
      bankText: ['#RD PARTY MEDIA CUSNO 90782 4210773'],
      typeCode: 'PMNT-RCDT-ESCT',
    });
    expect(f.returns.map((r) => [r.amountCents, r.originalReference, r.reasonCode])).toEqual([
      [56405, 'TESTBANK/NL/20141229/01206408', 'AC06'],
      [10000, 'TESTBANK/NL/20141229/01206407', 'AC06'],
    ]);
    expect(f.returns[0]).toMatchObject({
      direction: 'debit',
      typeCode: 'PMNT-IDDT-UPDD',
      party: { name: 'Test Customer', account: 'NL46ABNA0499998748' },
      remittance: { freeText: ['Direct Debit S14 0410'] },
    });
    expect(f.other).toHaveLength(1);
    expect(f.other[0]).toMatchObject({
      direction: 'debit',
      amountCents: 75425,
      typeCode: 'PMNT-RDDT-ESDD',
      counterparty: { name: 'INSURANCE COMPANY TESTX', account: 'NL46ABNA0499998748' },
    });
    // 15568.27 - 754.25 - 664.05 + 1405.31 = 15555.28, not the stated 15121.12.
    expect(f.controls.find((c) => c.name === 'closing balance')).toMatchObject({ ties: false });
  });

  it('oca-test-camt053-txdtls: one entry of 3483.00 split into 2187.00 and 1296.00', () => {
    const f = parse('oca-test-camt053-txdtls.xml');
    expect(f.receipts.map((r) => [r.amountCents, r.remittance.lines[0]?.documentNumber])).toEqual([
      [218700, '302388292000011111111111111'],
      [129600, '302388292000022222222222222'],
    ]);
    expect(f.receipts.map((r) => r.payer.account)).toEqual([
      'CH2222000000123456789',
      'CH3333000000123456789',
    ]);
    expect(f.receipts[0]).toMatchObject({
      currency: 'CHF',
      bookingDate: '2017-03-22',
      typeCode: 'PMNT-RCDT-VCOM',
      payer: { name: 'Banque Cantonale Vaudoise' },
      bankReference: '123456CHCAFEBABE',
    });
    expect(f.receipts[0]?.bankText[0]).toMatch(/^CRÉDIT GROUPÉ BVR TRAITEMENT DU 22.03.2017/);
    expect(f.controls.find((c) => c.name === 'entry total')).toMatchObject({
      stated: '348300',
      ties: true,
    });
    expect(f.statements[0]?.balances.map((b) => b.amountCents)).toEqual([7596015, 7944315]);
    expect(f.controlsTie).toBe(true);
  });

  it('oca-test-camt054: 5.00 EUR with the QRR reference and end-to-end id', () => {
    const f = parse('oca-test-camt054.xml');
    expect(f.receipts).toHaveLength(1);
    expect(f.receipts[0]).toMatchObject({
      amountCents: 500,
      currency: 'EUR',
      bookingDate: '2022-01-26',
      customerReference: 'ENDTOENDID-01',
      bankReference: '15180015077602405',
      payer: { name: 'Test Customer', account: 'NL46ABNA0499998748' },
      remittance: {
        lines: [
          {
            referenceType: 'creditor_reference',
            rawType: 'QRR',
            documentNumber: '000000000000000000000000003',
          },
        ],
      },
      bankText: ['Additional entry info'],
    });
  });

  it('oca-test-camt053-no-ntry: balances only', () => {
    const f = parse('oca-test-camt053-no-ntry.xml');
    expect(f.statements[0]?.transactionCount).toBe(0);
    expect(f.receipts.length + f.returns.length + f.other.length).toBe(0);
    expect(f.controlsTie).toBe(true);
  });
});

describe('camt amounts and errors', () => {
  const doc = (amount: string) =>
    `<?xml version="1.0"?><Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.054.001.04">
<BkToCstmrDbtCdtNtfctn><GrpHdr><MsgId>M</MsgId></GrpHdr><Ntfctn><Id>N</Id>
<Acct><Id><IBAN>DE00</IBAN></Id></Acct>
<Ntry><Amt Ccy="EUR">${amount}</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts>BOOK</Sts></Ntry>
</Ntfctn></BkToCstmrDbtCdtNtfctn></Document>`;

  it.each([
    ['10.125', 1012],
    ['10.135', 1014],
    ['10.12500', 1012],
    ['10.12501', 1013],
  ])('significant extra decimals %s round half-to-even to %i with a warning', (amount, cents) => {
    const f = expectOk(parseCamt(doc(amount)));
    expect(f.receipts[0]?.amountCents).toBe(cents);
    expect(f.warnings.map((w) => w.code)).toContain('amount_rounded');
  });

  it('refuses XML that is not well-formed, with the line', () => {
    const e = expectRefused(parseCamt('<Document>\n<BkToCstmrStmt>\n</Document>'));
    expect(e.code).toBe('malformed');
    expect(e.line).toBeGreaterThan(0);
  });

  it('refuses a DTD (no entity expansion)', () => {
    const dtd = '<!DOCTYPE d [<!ENTITY a "aaaa">]>';
    const xml = `<?xml version="1.0"?>\n${dtd}\n${doc('1.00').slice(21)}`;
    const e = expectRefused(parseCamt(xml));
    expect(e.line).toBe(2);
    expect(e.reason).toContain('DOCTYPE');
  });

  it('refuses an amount that is not a number', () => {
    expect(expectRefused(parseCamt(doc('12,5x'))).reason).toContain("'12,5x'");
  });
});
