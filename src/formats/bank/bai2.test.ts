import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseBai2 } from './bai2.ts';
import { groupContinuations, splitBai2Records } from './bai2-records.ts';
import type { ParsedBankFile } from './model.ts';
import { expectOk, expectRefused, sharedFixtureNames, sharedFixtureText } from './testing.ts';

const parse = (name: string): ParsedBankFile =>
  expectOk(parseBai2(sharedFixtureText('bai2', name)));

describe('BAI2 fixtures (../shared/fixtures/bai2)', () => {
  it('reads every fixture except the malformed one, which is refused', () => {
    for (const name of sharedFixtureNames('bai2')) {
      const r = parseBai2(sharedFixtureText('bai2', name));
      expect(r.ok, name).toBe(!name.includes('invalid'));
    }
  });

  it('moov-sample1: CAD, 88 continuing an 03, zero-padded amounts, RETURNED CHEQUE', () => {
    const f = parse('moov-sample1.txt');
    expect(f.createdAt).toBe('2006-03-21T08:29');
    expect(f.statements).toHaveLength(2);
    expect(f.statements[0]).toMatchObject({
      accountId: '10200123456',
      currency: 'CAD',
      date: '2006-03-17',
      balances: [
        { type: '040', amountCents: 0 },
        { type: '045', amountCents: 0 },
      ],
      summaries: [
        { typeCode: '100', amountCents: 208500, itemCount: 3 },
        { typeCode: '400', amountCents: 208500, itemCount: 8 },
      ],
      transactionCount: 11,
    });
    expect(f.receipts.map((r) => r.amountCents)).toEqual([203500, 2500, 2500, 11500, 100000]);
    expect(f.receipts[0]).toMatchObject({
      currency: 'CAD',
      typeCode: '108',
      valueDate: '2006-03-16',
      remittance: { freeText: ['TFR 1020 0345678'] },
    });
    expect(f.returns.map((r) => [r.amountCents, r.reasonText, r.detectedBy, r.direction])).toEqual([
      [2500, 'RETURNED CHEQUE', 'text', 'debit'],
      [90000, 'RTN-UNKNOWN', 'text', 'debit'],
    ]);
    expect(f.returns[0]?.method).toBe('check');
    expect(f.other.find((o) => o.description === 'RTD CHQ SERVICE CHRG')).toMatchObject({
      category: 'fee',
      amountCents: 500,
    });
    expect(f.receipts.length + f.returns.length + f.other.length).toBe(17);
    expect(f.controlsTie).toBe(true);
    expect(f.controls.find((c) => c.scope === 'file' && c.name === 'control total')).toMatchObject(
      { stated: '1280000', computed: '1280000' },
    );
  });

  it('moov-sample2: lockbox 115 (funds S), V value date, D distribution, negative 010', () => {
    const f = parse('moov-sample2.txt');
    expect(f.statements).toHaveLength(5);
    const lockbox = f.receipts.filter((r) => r.method === 'lockbox');
    expect(lockbox.map((r) => [r.typeCode, r.amountCents, r.remittance.freeText])).toEqual([
      ['115', 450000, []],
      ['115', 500000, ['LOCK BOX NO.68751']],
    ]);
    expect(f.receipts.find((r) => r.typeCode === '218')).toMatchObject({
      amountCents: 20000000,
      valueDate: '2004-06-22',
      bankReference: 'SP4738',
      customerReference: 'YRC065321',
      remittance: { freeText: ['PROCEEDS OF LETTER OF CREDIT FROM THE ARAMCO OIL CO'] },
    });
    expect(f.receipts.find((r) => r.typeCode === '195')?.amountCents).toBe(10000000);
    const second = f.statements[1];
    expect(second?.balances.find((b) => b.type === '010')?.amountCents).toBe(-500000);
    expect(second?.balances.find((b) => b.type === '040')?.amountCents).toBe(-1500000);
    expect(f.statements[3]?.summaries).toEqual([
      { typeCode: '190', amountCents: 70000000, itemCount: 4 },
      { typeCode: '110', amountCents: 70000000, itemCount: 15 },
    ]);
    expect(f.statements.every((s) => s.reportType === 'prior_day')).toBe(true);
    expect(f.controlsTie).toBe(true);
  });

  it('moov-sample3: several records per line, text broken across a newline, 74 records', () => {
    const f = parse('moov-sample3.txt');
    expect(f.statements).toHaveLength(15);
    expect(f.receipts).toHaveLength(13);
    expect(f.other).toHaveLength(13);
    expect(f.receipts.slice(0, 3).map((r) => r.remittance.freeText[0])).toEqual([
      'TRANSFER   PAYPAL             PPD',
      'TRANSFER   MSPBNA BANK        PPD',
      'Ext Trnsfr JPMorgan Chase     PPD',
    ]);
    const broken = f.receipts.find((r) => r.sourceRecord.line === 18);
    expect(broken?.remittance.freeText).toEqual([
      '111111     ACH_SETL           1111111111 111111111111111',
      '1111111111',
    ]);
    expect(f.receipts.find((r) => r.typeCode === '195')).toMatchObject({
      amountCents: 13855,
      method: 'wire',
      remittance: {
        freeText: [
          'Wire Transfer Credit          VISA INTERNATIONAL            900 METRO CENTER BLVD',
          'FOSTER CITY       CA 94404',
        ],
      },
    });
    const fileCount = f.controls.find((c) => c.scope === 'file' && c.name === 'record count');
    expect(fileCount).toMatchObject({ stated: '74', computed: '74', ties: true });
    expect(f.controlsTie).toBe(true);
  });

  it('moov-sample4: unterminated 16s, tagged 88s, returns 557/261/266, untied trailers', () => {
    const f = parse('moov-sample4-continuations-newline-delimited.txt');
    expect(f.sender).toBe('GSBI');
    expect([f.receipts.length, f.returns.length, f.other.length]).toEqual([4, 5, 8]);
    const wire = f.receipts.find((r) => r.bankReference === 'GI2229300000187');
    expect(wire).toMatchObject({
      amountCents: 1125,
      method: 'wire',
      customerReference: 'GS0D9VGMP1IWPLW',
      checkNumber: 'GSIL2X6103UNCRSF',
      payer: { account: '8348572423', bankId: 'CITIUS30XXX' },
    });
    const rtp = f.receipts.find((r) => r.customerReference === 'RTR60880840833');
    expect(rtp?.payer).toEqual({
      name: 'SAMPLE INC',
      account: '02122056789012205',
      bankId: '000000010',
    });
    expect(rtp?.remittance.freeText).toContain('Test Remittance');
    const achReturn = f.returns.find((r) => r.typeCode === '557');
    expect(achReturn).toMatchObject({
      kind: 'return',
      direction: 'debit',
      amountCents: 200000,
      method: 'ach',
      reasonCode: 'R02',
      originalReference: '021000080000030',
      party: { name: 'Test', bankId: '021000089', id: '1114' },
    });
    expect(f.returns.find((r) => r.typeCode === '261')).toMatchObject({
      kind: 'reject',
      direction: 'credit',
      amountCents: 143500,
    });
    expect(f.returns.find((r) => r.typeCode === '266')).toMatchObject({
      direction: 'credit',
      method: 'wire',
      amountCents: 1912,
    });
    expect(f.returns.find((r) => r.typeCode === '255')?.reasonText).toBe('Payee does not exist');
    expect(f.controlsTie).toBe(false);
    const fileCount = f.controls.find((c) => c.scope === 'file' && c.name === 'record count');
    expect(fileCount).toMatchObject({ stated: '18', computed: '116', ties: false });
    expect(f.warnings.filter((w) => w.code === 'control_total_mismatch').length).toBeGreaterThan(0);
  });

  it('moov-sample5: slashes inside references and text are data; 88: is repaired', () => {
    const f = parse('moov-sample5-issue113.txt');
    expect([f.receipts.length, f.returns.length, f.other.length]).toEqual([5, 5, 10]);
    expect(f.receipts.find((r) => r.typeCode === '165')?.customerReference).toBe(
      'AB/GS/DDFILEAB0001/DDBAB0001',
    );
    const outgoing = f.other.find((o) => o.bankReference === 'GI2323300009168');
    expect(outgoing?.description).toContain('REMI: 08/18/23 Invoice - Sample');
    expect(f.other.find((o) => o.typeCode === '447' && o.amountCents === 928650)?.description)
      .toContain('EREF: AB/GS/RPFILERP0001/RPBA0001');
    expect(f.receipts.find((r) => r.amountCents === 3797999624)).toMatchObject({
      method: 'wire',
      payer: { name: 'TEST AND COMPANY', account: '000001000600427' },
    });
    expect(f.returns.find((r) => r.typeCode === '255')?.originalReference).toBe('07370568132');
    expect(f.warnings).toContainEqual(
      expect.objectContaining({ code: 'record_repaired', sourceRecord: { record: 63, line: 63 } }),
    );
    expect(f.other.find((o) => o.typeCode === '698')?.category).toBe('fee');
    expect(f.other.find((o) => o.typeCode === '354')?.category).toBe('interest');
  });

  it('moj-nwb_example: HH:MM:SS time, account id with a space, text only on 88 lines', () => {
    const f = parse('moj-nwb_example.bai2');
    expect(f.createdAt).toBe('2010-02-15T14:59:35');
    expect(f.statements[0]).toMatchObject({ accountId: '88888888 600004', currency: 'GBP' });
    expect(f.receipts).toHaveLength(1);
    expect(f.receipts[0]).toMatchObject({
      amountCents: 89,
      typeCode: '399',
      remittance: {
        freeText: [
          'TFR XBANKGO24007680SJ CAT JPY 2 GBPXBANKGO24007680BGC INTERNATIONAL-5373 CLIE',
          'NT SECCY AC TFR',
        ],
      },
    });
    expect(f.other.map((o) => o.amountCents)).toEqual([971, 100, 123, 1571]);
    expect(f.controlsTie).toBe(true);
  });

  it('moj-svb_us_example: 03 continued over three 88s, two groups, trailer without /', () => {
    const f = parse('moj-svb_us_example.bai2');
    expect(f.statements.map((s) => s.date)).toEqual(['2022-02-01', '2022-02-02']);
    expect(f.statements[0]?.balances.map((b) => [b.type, b.amountCents])).toEqual([
      ['010', 34726979],
      ['015', 35217175],
      ['040', 32742537],
      ['045', 35217175],
      ['072', 0],
      ['074', 0],
    ]);
    expect(f.statements[0]?.summaries).toEqual([
      { typeCode: '100', amountCents: 490196, itemCount: 1 },
      { typeCode: '400', amountCents: 0, itemCount: 0 },
    ]);
    expect(f.receipts.map((r) => [r.amountCents, r.bankReference, r.method])).toEqual([
      [490196, '172629', 'ach'],
      [905800, '150675', 'ach'],
    ]);
    expect(f.controls.find((c) => c.scope === 'file' && c.name === 'record count')?.stated).toBe(
      '20',
    );
    expect(f.controlsTie).toBe(true);
  });

  it('moj-citi_example: 191 with references and seven tagged 88 lines (a / in a date)', () => {
    const f = parse('moj-citi_example.bai2');
    expect(f.receipts).toHaveLength(1);
    expect(f.receipts[0]).toMatchObject({
      amountCents: 1,
      currency: 'GBP',
      valueDate: '2015-07-15',
      bankReference: '1234567890',
      customerReference: 'RP12312312312312',
      method: 'transfer',
    });
    expect(f.receipts[0]?.remittance.freeText).toHaveLength(7);
    expect(f.receipts[0]?.remittance.freeText[3]).toBe(
      'PY:RP1231231231231200                 A1234BC 22/03/66',
    );
    expect(f.controlsTie).toBe(true);
  });

  it('moov-invalid-sample-parseError: refused with the record number and the reason', () => {
    const text = sharedFixtureText('bai2', 'moov-invalid-sample-parseError.txt');
    const e = expectRefused(parseBai2(text));
    expect(e).toMatchObject({ code: 'malformed', format: 'bai2', record: 1, line: 1 });
    expect(e.reason).toContain("unknown record code '00'");
  });
});

describe('BAI2 structure errors', () => {
  const header = '01,SENDER,RECEIVER,240101,0800,1,,,2/\n02,R,O,1,240101,,USD,2/\n';
  const cases: [string, string, RegExp][] = [
    ['no file header', '02,R,O,1,240101,,USD,2/\n', /must begin with a 01/],
    ['bad creation date', '01,S,R,24011,0800,1,,,2/\n', /creation date '24011'/],
    ['detail outside an account', `${header}16,115,100,,,,/\n`, /outside an account/],
    ['bad amount', `${header}03,1,USD,010,12x,,/\n`, /amount '12x'/],
    ['unknown funds type', `${header}03,1,USD/\n16,115,100,Q,,,/\n`, /unknown funds type 'Q'/],
    ['truncated', `${header}03,1,USD/\n16,115,100,,,,/\n`, /without a 99 file trailer/],
    ['garbage line', `${header}hello\n`, /not a BAI2 record/],
  ];
  it.each(cases)('%s is refused', (_name, text, reason) => {
    const e = expectRefused(parseBai2(text));
    expect(e.reason).toMatch(reason);
    expect(e.record).toBeGreaterThan(0);
  });
});

describe('BAI2 record splitting', () => {
  it('splits at a slash only when another record follows', () => {
    const records = splitBai2Records(
      '16,195,100,,REF/1,AB/GS/7,TEXT 22/03/66/ 88,MORE/  49,100,3/\n88,NEXT LINE',
    );
    expect(records.map((r) => [r.code, r.body])).toEqual([
      ['16', '195,100,,REF/1,AB/GS/7,TEXT 22/03/66/'],
      ['88', 'MORE/'],
      ['49', '100,3/'],
      ['88', 'NEXT LINE'],
    ]);
    expect(groupContinuations(records).map((r) => r.recordCount)).toEqual([2, 2]);
  });
});

/** A generated 16 detail: type code, amount and funds availability fields. */
const detailArb = fc.record({
  typeCode: fc.constantFrom('115', '142', '165', '175', '195', '206', '301', '399'),
  amount: fc.integer({ min: 0, max: 99_999_999_999 }),
  funds: fc.constantFrom('', 'Z', '0', '1', '2', 'S', 'V', 'D'),
  text: fc.stringMatching(/^[A-Z0-9][A-Z0-9 ,.:-]{0,30}$/),
});

interface GeneratedDetail {
  typeCode: string;
  amount: number;
  funds: string;
  text: string;
}

function detailRecord(d: GeneratedDetail): string {
  const extra =
    d.funds === 'S'
      ? ',1,2,3'
      : d.funds === 'V'
        ? ',240102,'
        : d.funds === 'D'
          ? ',2,0,10,1,20'
          : '';
  return `16,${d.typeCode},${d.amount},${d.funds}${extra},BANKREF,CUSTREF,${d.text.trim()}`;
}

describe('BAI2 properties', () => {
  it('physical layout does not change what is read', () => {
    fc.assert(
      fc.property(fc.array(detailArb, { minLength: 1, maxLength: 8 }), fc.boolean(), (ds, one) => {
        const total = ds.reduce((s, d) => s + d.amount, 0);
        const records = [
          '01,SENDER,RECEIVER,240101,0800,1,,,2/',
          '02,RECEIVER,SENDER,1,240101,,USD,2/',
          '03,12345,USD/',
          ...ds.map((d) => `${detailRecord(d)}/`),
          `49,${total},${ds.length + 2}/`,
          `98,${total},1,${ds.length + 4}/`,
          `99,${total},1,${ds.length + 6}/`,
        ];
        const text = one ? records.join(' ') : records.join('\r\n');
        const f = expectOk(parseBai2(text));
        expect(f.receipts.map((r) => r.amountCents)).toEqual(ds.map((d) => d.amount));
        expect(f.receipts.map((r) => r.remittance.freeText)).toEqual(
          ds.map((d) => (d.text.trim() === '' ? [] : [d.text.trim()])),
        );
        expect(f.receipts.every((r) => r.bankReference === 'BANKREF')).toBe(true);
        expect(f.controlsTie).toBe(true);
      }),
    );
  });
});
