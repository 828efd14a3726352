import { describe, expect, it } from 'vitest';
import type { ParsedBankFile } from './model.ts';
import { parseX12820 } from './x12-820.ts';
import { x12Segments, x12Separators } from './x12-segments.ts';
import { expectOk, expectRefused, sharedFixtureNames, sharedFixtureText } from './testing.ts';

const parse = (name: string): ParsedBankFile =>
  expectOk(parseX12820(sharedFixtureText('edi820', name)));

describe('X12 820 fixtures (../shared/fixtures/edi820)', () => {
  it('reads Safeway and Scana; refuses the Home Depot layout template', () => {
    const results = sharedFixtureNames('edi820').map(
      (n) => [n, parseX12820(sharedFixtureText('edi820', n)).ok] as const,
    );
    expect(results).toEqual([
      ['oopfactory-820-Example2_ScanaEnergy.txt', true],
      ['oopfactory-820-Example3_HomeDepot-TEMPLATE.txt', false],
      ['oopfactory-820-Example4_Safeway.txt', true],
    ]);
  });

  it('Safeway: sum(RMR04) + negative ADX = BPR02 = 416,093.15', () => {
    const f = parse('oopfactory-820-Example4_Safeway.txt');
    expect(f.formatVersion).toBe('004010');
    const r = f.receipts[0];
    expect(f.receipts).toHaveLength(1);
    expect(r).toMatchObject({
      amountCents: 41609315,
      currency: 'USD',
      method: 'ach',
      status: 'info',
      valueDate: '2005-10-20',
      customerReference: '4311000190',
      typeCode: 'ACH/CTX',
      payer: {
        name: 'Safeway - U. S. Corporate',
        id: '0091372090000',
        idScheme: '9',
        account: '2000014804300',
        bankId: '053000219',
      },
    });
    const lines = r?.remittance.lines ?? [];
    const invoices = lines.filter((l) => l.rawType === 'IV');
    expect(invoices.map((l) => l.documentNumber)).toEqual([
      '6092392',
      '6093694',
      '6093695',
      '6093696',
      'P7340039-25PB',
      '6093692',
    ]);
    const rmrPaid = invoices.reduce((s, l) => s + (l.paidCents ?? 0), 0);
    expect(rmrPaid).toBe(44886276);
    const deductions = lines.filter((l) => (l.adjustmentCents ?? 0) < 0);
    expect(deductions.map((l) => [l.documentNumber, l.adjustmentCents, l.referenceType])).toEqual([
      ['WSO_144324_05', -1367681, 'credit_note'],
      ['WSO_144343_05', -1820000, 'credit_note'],
      ['P7159010-17', -89280, 'credit_note'],
    ]);
    const negativeAdx = deductions.reduce((s, l) => s + (l.adjustmentCents ?? 0), 0);
    expect(rmrPaid + negativeAdx).toBe(r?.amountCents);
    expect(invoices[0]).toMatchObject({
      paidCents: 2043034,
      grossCents: 2085111,
      discountCents: 42077,
      documentDate: '2005-09-23',
      references: [
        { qualifier: 'ENT', value: '0091372090500' },
        { qualifier: 'PO', value: '999999999' },
      ],
    });
    // Leading spaces inside elements are trimmed: `REF*CM* WSO_144324_05`, `REF* DB*...`.
    expect(lines[0]?.references).toContainEqual({ qualifier: 'CM', value: 'WSO_144324_05' });
    const debit = lines.find((l) => l.referenceType === 'debit_note');
    expect(debit).toMatchObject({
      documentNumber: 'P7817948-20',
      paidCents: 21000,
      adjustmentReason: 'ZZ',
    });
    expect(debit?.references).toContainEqual({ qualifier: 'DB', value: 'P7817948-20' });
    expect(debit?.references).toContainEqual({ qualifier: 'UQ', value: '323 -REFRIGERATED FOODS' });
    // The +210.00 debit adjustment is not in BPR02: the remittance does not tie.
    expect(f.warnings).toEqual([
      expect.objectContaining({
        code: 'remittance_does_not_tie',
        sourceRecord: { record: 4, line: 4 },
      }),
    ]);
    expect(f.controls.find((c) => c.name === 'remittance total')).toMatchObject({
      stated: '41609315',
      computed: '41630315',
    });
    expect(f.controls.find((c) => c.name === 'segment count')).toMatchObject({ ties: true });
  });

  it('Scana: newline-terminated segments with trailing spaces, RMR*12 account number', () => {
    const f = parse('oopfactory-820-Example2_ScanaEnergy.txt');
    expect(f.receipts[0]).toMatchObject({
      amountCents: 1000000,
      method: 'ach',
      valueDate: '2003-01-01',
      customerReference: '0001',
      payer: { name: 'CUSTOMER NAME' },
      accountId: '320704026',
    });
    expect(f.receipts[0]?.remittance.lines).toEqual([
      {
        referenceType: 'account',
        rawType: '12',
        documentNumber: '5189800007544',
        paidCents: 500000,
        documentDate: '2003-01-01',
        references: [{ qualifier: '12', value: '5189800007544' }],
      },
    ]);
    expect(f.createdAt).toBe('1998-07-02T17:09');
    expect(f.controls.filter((c) => c.name !== 'remittance total').every((c) => c.ties)).toBe(true);
    expect(f.warnings.map((w) => w.code)).toEqual(['remittance_does_not_tie']);
  });

  it('Home Depot template: separators from the ISA; refused at BPR02 with segment and line', () => {
    const text = sharedFixtureText('edi820', 'oopfactory-820-Example3_HomeDepot-TEMPLATE.txt');
    const sep = x12Separators(text);
    expect(sep).toEqual({ element: '*', component: '>', segment: '~', repetition: '|' });
    const segments = x12Segments(text, sep);
    expect(segments.map((s) => s.id).filter((id) => id === 'RMR')).toHaveLength(4);
    expect(segments.filter((s) => s.id === 'RMR').map((s) => s.elements[1])).toEqual([
      'OS',
      'IV',
      'CM',
      'IV',
    ]);
    expect(segments[3]).toMatchObject({ id: 'BPR', record: 4, line: 4 });
    const e = expectRefused(parseX12820(text));
    expect(e).toMatchObject({ code: 'malformed', format: 'x12-820', record: 4, line: 4 });
    expect(e.reason).toContain("BPR02 amount 'TOTAL DOLLAR AMT OF CHECK'");
  });
});

describe('X12 820 errors', () => {
  const isa = [
    'ISA*00*          *00*          *ZZ*A              *ZZ*B              ',
    '*240101*1200*U*00401*000000001*0*P*>~',
  ].join('');
  const gs = (id: string) => `${isa}GS*${id}*A*B*20240101*1200*1*X*004010~`;
  it.each([
    ['no ISA', 'GS*RA~', /must begin with an ISA/],
    ['not an 820', `${gs('IN')}ST*810*1~SE*2*1~`, /810 is not an 820/],
    ['no IEA', gs('RA'), /without an IEA/],
    [
      'bad RMR amount',
      `${gs('RA')}ST*820*1~BPR*C*10*C*ACH~RMR*IV*1**1O.00~SE*4*1~GE*1*1~IEA*1*000000001~`,
      /RMR04 amount '1O.00'/,
    ],
  ])('refuses %s', (_n, text, reason) => {
    expect(expectRefused(parseX12820(text)).reason).toMatch(reason);
  });
});
