import { describe, expect, it } from 'vitest';
import type { ParsedBankFile } from './model.ts';
import { nachaRecords, parseNacha } from './nacha.ts';
import {
  expectOk,
  expectRefused,
  localFixtureText,
  sharedFixtureNames,
  sharedFixtureText,
} from './testing.ts';

const parse = (name: string): ParsedBankFile =>
  expectOk(parseNacha(sharedFixtureText('nacha', name)));

describe('NACHA fixtures (../shared/fixtures/nacha)', () => {
  it('reads all 11 fixtures', () => {
    const names = sharedFixtureNames('nacha');
    expect(names).toHaveLength(11);
    for (const name of names) {
      expect(parseNacha(sharedFixtureText('nacha', name)).ok, name).toBe(true);
    }
  });

  it('moov-return-WEB: R01 on a returned debit (money taken back) and R03 on a credit', () => {
    const f = parse('moov-return-WEB.ach');
    expect(f.statements.map((s) => s.secCode)).toEqual(['WEB', 'WEB']);
    expect(f.returns).toHaveLength(2);
    expect(f.returns[0]).toMatchObject({
      kind: 'return',
      direction: 'debit',
      amountCents: 12354,
      reasonCode: 'R01',
      reasonText: 'Insufficient funds',
      originalReference: '091400600000001',
      originalAmountCents: 12354,
      party: { name: 'Paul Jones', account: '123456789', id: 'MjMxNDAwMjAtOGQ' },
      bankReference: '091000017611242',
      typeCode: '26/WEB',
    });
    expect(f.returns[1]).toMatchObject({
      direction: 'credit',
      amountCents: 4565,
      reasonCode: 'R03',
      party: { name: 'Bob Marley' },
    });
    expect(f.receipts).toHaveLength(0);
    expect(f.controlsTie).toBe(true);
  });

  it('moov-issue1620_return: CCD prenote return R03, dated by the file (no effective date)', () => {
    const f = parse('moov-issue1620_return.ach');
    expect(f.returns.map((r) => [r.reasonCode, r.amountCents, r.date])).toEqual([
      ['R03', 1, '2025-06-30'],
    ]);
  });

  it('moov-return-PPD-custom-reason-code: R97; 74-character header, short control', () => {
    const f = parse('moov-return-PPD-custom-reason-code.ach');
    expect(f.returns[0]).toMatchObject({
      reasonCode: 'R97',
      amountCents: 106161,
      party: { name: 'Jane Doe' },
      typeCode: '21/PPD',
    });
    expect(f.returns[0]?.reasonText).toBeUndefined();
    expect(f.controlsTie).toBe(true);
  });

  it('moov-contested-return: R07 then dishonored R68 then contested R71 on one entry', () => {
    const f = parse('moov-contested-return.ach');
    expect(f.returns).toHaveLength(1);
    expect(f.returns[0]).toMatchObject({
      kind: 'contested_dishonored_return',
      reasonCode: 'R71',
      reasonCodes: ['R07', 'R68', 'R71'],
      originalReference: '099912340000015',
      amountCents: 100000000,
      party: { name: 'Wade Arnold' },
    });
    expect(f.returns[0]?.bankText).toEqual(['Authorization Revoked', 'Untimely Return']);
  });

  it('moov-dishonored-return: two POS entries with R68 dishonored-return addenda', () => {
    const f = parse('moov-dishonored-return.ach');
    expect(f.returns.map((r) => [r.kind, r.reasonCode, r.amountCents, r.party.name])).toEqual([
      ['dishonored_return', 'R68', 25000, 'Wade Arnold'],
      ['dishonored_return', 'R68', 23000, 'Adam Decaf'],
    ]);
    expect(f.returns[0]?.originalReference).toBe('059999990000301');
    expect(f.statements[0]?.secCode).toBe('POS');
  });

  it('moov-cor-example: a C01 notification of change, no money', () => {
    const f = parse('moov-cor-example.ach');
    expect(f.notifications).toEqual([
      {
        changeCode: 'C01',
        changeReason: 'Incorrect DFI account number',
        originalReference: '121042880000001',
        correctedData: '1918171614',
        party: {
          name: 'Best Co. #23',
          account: '744-5678-99',
          bankId: '231380104',
          id: 'location #23',
        },
        sourceRecord: { record: 4, line: 4 },
      },
    ]);
    expect(f.receipts.length + f.returns.length + f.other.length).toBe(0);
  });

  it('moov-ccd-debit: debits to the receiver are other transactions, not receipts', () => {
    const f = parse('moov-ccd-debit.ach');
    expect(f.other.map((o) => [o.direction, o.category, o.amountCents])).toEqual([
      ['debit', 'outgoing_payment', 500000],
      ['debit', 'outgoing_payment', 125],
    ]);
    expect(f.statements[0]).toMatchObject({ secCode: 'CCD', companyName: 'Name on Account' });
  });

  it('moov-ctx-debit: CTX free-text 705 addenda are kept', () => {
    const f = parse('moov-ctx-debit.ach');
    expect(f.other[0]).toMatchObject({
      amountCents: 100000000,
      counterparty: { name: 'Receiver Company' },
      remittance: { lines: [], freeText: ['Debit First Account', 'Debit Second Account'] },
    });
  });

  it('moov-NACHA_SAMPLE_TEL_REVERSAL: a mixed batch gives a receipt and a debit', () => {
    const f = parse('moov-NACHA_SAMPLE_TEL_REVERSAL.ach');
    expect(f.receipts.map((r) => [r.amountCents, r.payer.name, r.typeCode])).toEqual([
      [685100, "Bob's Manufactur", '22/TEL'],
    ]);
    expect(f.other.map((o) => [o.amountCents, o.counterparty.name])).toEqual([
      [685100, 'Best Builders'],
    ]);
    expect(f.controlsTie).toBe(true);
  });

  it('moov-20110805A: PPD and IAT batches; the file control miscounts batches (a warning)', () => {
    const f = parse('moov-20110805A.ach');
    expect(f.statements.map((s) => s.secCode)).toEqual(['PPD', 'PPD', 'IAT', 'IAT']);
    expect(f.receipts).toHaveLength(20);
    expect(f.other).toHaveLength(28);
    const iat = f.receipts.filter((r) => r.typeCode === '22/IAT');
    expect(iat.map((r) => [r.amountCents, r.payer.name])).toEqual([
      [18, 'EXAMPLE COMPANY'],
      [6, 'EXAMPLE COMPANY'],
    ]);
    expect(f.other.find((o) => o.typeCode === '27/IAT')?.counterparty.name).toBe('HAYDEN BANKS');
    expect(f.controls.filter((c) => !c.ties).map((c) => [c.name, c.stated, c.computed])).toEqual([
      ['batch count', '5', '4'],
    ]);
    expect(f.warnings.map((w) => w.code)).toEqual(['control_total_mismatch']);
  });

  it('moov-FISERV-ZEROFILE: header and control only, CRLF, right-trimmed records', () => {
    const f = parse('moov-FISERV-ZEROFILE-PIMRET825324_032720_110221.ach');
    expect(f.statements).toHaveLength(0);
    expect(f.createdAt).toBe('2020-03-27T10:43');
    expect(f.controlsTie).toBe(true);
    expect(f.warnings).toEqual([]);
  });
});

describe('NACHA CCD+ and CTX remittance (test/fixtures/bank/arc-ccdplus-ctx-credits.ach)', () => {
  const f = expectOk(parseNacha(localFixtureText('arc-ccdplus-ctx-credits.ach')));

  it('a CCD+ credit carries one RMR segment', () => {
    expect(f.receipts[0]).toMatchObject({
      amountCents: 120000,
      method: 'ach',
      customerReference: 'V-0042',
      payer: { name: 'ACME HARDWARE', id: '1411111111' },
      remittance: {
        lines: [
          {
            referenceType: 'invoice',
            rawType: 'IV',
            documentNumber: 'INV-1001',
            paidCents: 120000,
          },
        ],
      },
    });
    expect(f.receipts[1]?.remittance).toEqual({
      lines: [],
      freeText: ['PAYMENT FOR INV 1003 AND INV 1004 LESS 2% DISCOUNT'],
    });
  });

  it('a CTX credit carries an 820 in six addenda: invoices, a discount and a credit memo', () => {
    const ctx = f.receipts[2];
    expect(ctx?.typeCode).toBe('22/CTX');
    const lines = ctx?.remittance.lines ?? [];
    const rows = lines.map((l) => [l.documentNumber, l.paidCents, l.grossCents, l.discountCents]);
    expect(rows).toEqual([
      ['INV-2001', 150000, 153061, 3061],
      ['INV-2002', 150000, 150000, undefined],
      ['CM-0907', -25000, undefined, undefined],
    ]);
    const total = ctx?.remittance.lines.reduce((s, l) => s + (l.paidCents ?? 0), 0);
    expect(total).toBe(ctx?.amountCents);
  });

  it('a returned debit collection (R01) is a debit return naming the customer', () => {
    expect(f.returns[0]).toMatchObject({
      direction: 'debit',
      reasonCode: 'R01',
      amountCents: 84550,
      originalReference: '091000010000017',
      party: { name: 'BOLT AND NUT LLC', id: 'C-2002' },
      bankText: ['NSF - PLEASE REPRESENT'],
    });
    expect(f.controlsTie).toBe(true);
  });
});

describe('NACHA layout', () => {
  it('splits a file without line breaks into 94-character records', () => {
    const text = sharedFixtureText('nacha', 'moov-ccd-debit.ach').replace(/\r?\n/g, '');
    expect(nachaRecords(text)).toHaveLength(10);
    expect(expectOk(parseNacha(text)).other).toHaveLength(2);
  });

  const valid = sharedFixtureText('nacha', 'moov-ccd-debit.ach').split('\n');
  const withLine = (i: number, line: string) =>
    valid.map((l, j) => (j === i ? line : l)).join('\n');
  const cases: [string, string, number, RegExp][] = [
    ['unknown record type', withLine(2, `4${valid[2]?.slice(1)}`), 3, /unknown record type '4'/],
    [
      'non-numeric amount',
      withLine(2, `${valid[2]?.slice(0, 29)}00005X0000${valid[2]?.slice(39)}`),
      3,
      /entry amount '00005X0000'/,
    ],
    ['bad transaction code', withLine(2, `699${valid[2]?.slice(3)}`), 3, /transaction code '99'/],
    ['entry outside a batch', [valid[0], valid[2]].join('\n'), 2, /outside a batch/],
    ['too long', withLine(1, `${valid[1]}XXXX`), 2, /characters long/],
    ['truncated', valid.slice(0, 4).join('\n'), 4, /without a 9 file control/],
  ];
  it.each(cases)('refuses %s with the record number', (_n, text, record, reason) => {
    const e = expectRefused(parseNacha(text));
    expect(e).toMatchObject({ code: 'malformed', format: 'nacha', record });
    expect(e.reason).toMatch(reason);
  });
});
