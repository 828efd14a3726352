import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { cents } from '../../domain/money.ts';
import { formatLockboxCsv, parseLockboxCsv, type LockboxItem } from './lockbox-csv.ts';
import { expectOk, expectRefused, localFixtureText } from './testing.ts';

describe('lockbox CSV sample (test/fixtures/bank/lockbox-sample.csv)', () => {
  const f = expectOk(parseLockboxCsv(localFixtureText('lockbox-sample.csv')));

  it('reads one lockbox receipt per row and one statement per batch', () => {
    expect(f.format).toBe('lockbox-csv');
    expect(f.statements.map((s) => [s.id, s.date, s.transactionCount])).toEqual([
      ['101', '2024-03-18', 3],
      ['102', '2024-03-19', 2],
    ]);
    expect(f.receipts.map((r) => [r.bankReference, r.checkNumber, r.amountCents])).toEqual([
      ['101-1', '10452', 120000],
      ['101-2', '88231', 245000],
      ['101-3', '5531', 31025],
      ['102-1', '1001', 9999],
      ['102-2', '1002', 50000],
    ]);
    expect(f.receipts.every((r) => r.method === 'lockbox' && r.currency === 'USD')).toBe(true);
  });

  it('reads quoted payer names, invoice references with and without amounts, credit memos', () => {
    expect(f.receipts[1]).toMatchObject({
      payer: { name: 'Bolt & Nut, LLC', account: '4455667788', bankId: '091000019' },
      remittance: {
        lines: [
          { referenceType: 'invoice', documentNumber: 'INV-1002', paidCents: 150000 },
          { referenceType: 'invoice', documentNumber: 'INV-1003', paidCents: 100000 },
          { referenceType: 'credit_note', documentNumber: 'CM-77', paidCents: -5000 },
        ],
        freeText: ['short pay: see CM-77'],
      },
    });
    expect(f.receipts[2]?.remittance.lines.map((l) => [l.documentNumber, l.paidCents])).toEqual([
      ['INV-1004', undefined],
      ['inv 1005', undefined],
    ]);
  });

  it('keeps a multi-line memo and points each row at the line it starts on', () => {
    const memo = 'Account 55-1023\nsecond line of the memo';
    expect(f.receipts[3]?.remittance.freeText).toEqual([memo]);
    expect(f.receipts.map((r) => r.sourceRecord.line)).toEqual([2, 3, 4, 5, 7]);
  });

  it('warns (does not refuse) when the references do not add up to the check', () => {
    expect(f.warnings).toEqual([
      expect.objectContaining({
        code: 'remittance_does_not_tie',
        sourceRecord: { record: 5, line: 7 },
      }),
    ]);
  });
});

describe('lockbox CSV errors name the line and the column', () => {
  const header = 'batch,item,check_number,amount,deposit_date,invoice_references';
  const cases: [string, string, number | undefined, RegExp][] = [
    ['an empty file', '', 1, /header row is required/],
    ['an unknown column', 'batch,item,amount,deposit_date,colour\n', 1, /'colour' is not/],
    ['a missing required column', 'batch,item,amount\n', 1, /no 'deposit_date' column/],
    ['a bad amount', `${header}\n1,1,9,12.3.4,2024-01-02,\n`, 2, /column amount: '12.3.4'/],
    ['too many decimals', `${header}\n1,1,9,12.345,2024-01-02,\n`, 2, /amount: '12.345' has more/],
    ['a zero amount', `${header}\n1,1,9,0.00,2024-01-02,\n`, 2, /must be more than zero/],
    ['a bad date', `${header}\n1,1,9,1.00,2024-02-30,\n`, 2, /column deposit_date: '2024-02-30'/],
    ['a bad reference', `${header}\n1,1,9,1.00,2024-01-02,INV-1:2:3\n`, 2, /invoice_references/],
    ['a bad reference amount', `${header}\n1,1,9,1.00,2024-01-02,INV-1:abc\n`, 2, /'abc'/],
    ['a duplicate item', `${header}\n1,1,9,1.00,2024-01-02,\n1,1,9,2.00,2024-01-02,\n`, 3, /twice/],
    ['a missing value', `${header}\n1,,9,1.00,2024-01-02,\n`, 2, /item: a value is required/],
    ['an unclosed quote', `${header}\n1,1,"9,1.00,2024-01-02,\n`, 2, /not valid CSV/],
    ['a short row', `${header}\n1,1,9,1.00\n`, 2, /not valid CSV/],
  ];
  it.each(cases)('%s', (_n, text, line, reason) => {
    const e = expectRefused(parseLockboxCsv(text));
    expect(e.code).toBe('malformed');
    expect(e.format).toBe('lockbox-csv');
    expect(e.line).toBe(line);
    expect(e.reason).toMatch(reason);
  });
});

const word = fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9 &,."'\-/]{0,20}$/).map((s) => s.trim());
const itemArb: fc.Arbitrary<LockboxItem> = fc.record({
  batch: fc.stringMatching(/^[0-9]{1,4}$/),
  item: fc.stringMatching(/^[0-9]{1,4}$/),
  checkNumber: fc.option(fc.stringMatching(/^[0-9]{1,8}$/), { nil: undefined }),
  amountCents: fc.integer({ min: 1, max: 10_000_000_000 }).map(cents),
  currency: fc.constantFrom('USD', 'CAD', 'EUR'),
  payerName: fc.option(word.filter((s) => s !== ''), { nil: undefined }),
  payerAccount: fc.option(fc.stringMatching(/^[0-9]{4,17}$/), { nil: undefined }),
  payerRouting: fc.option(fc.stringMatching(/^[0-9]{9}$/), { nil: undefined }),
  depositDate: fc
    .date({ min: new Date('2000-01-01'), max: new Date('2099-12-31'), noInvalidDate: true })
    .map((d) => d.toISOString().slice(0, 10)),
  references: fc.array(
    fc.record({
      documentNumber: fc.stringMatching(/^[A-Z0-9][A-Z0-9 -]{0,12}[A-Z0-9]$/),
      paidCents: fc.option(fc.integer({ min: -1_000_000, max: 1_000_000 }).map(cents), {
        nil: undefined,
      }),
    }),
    { maxLength: 4 },
  ),
  memo: fc.option(word.filter((s) => s !== ''), { nil: undefined }),
});

describe('lockbox CSV properties', () => {
  it('what formatLockboxCsv writes parses back to the same receipts', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(itemArb, {
          minLength: 1,
          maxLength: 6,
          selector: (i) => `${i.batch}/${i.item}`,
        }),
        (items) => {
          const f = expectOk(parseLockboxCsv(formatLockboxCsv(items)));
          expect(f.receipts).toHaveLength(items.length);
          f.receipts.forEach((r, i) => {
            const it = items[i] as LockboxItem;
            expect(r.amountCents).toBe(it.amountCents);
            expect(r.currency).toBe(it.currency);
            expect(r.bookingDate).toBe(it.depositDate);
            expect(r.checkNumber).toBe(it.checkNumber);
            expect(r.bankReference).toBe(`${it.batch}-${it.item}`);
            const payer = { name: it.payerName, account: it.payerAccount, bankId: it.payerRouting };
            expect(r.payer).toEqual(JSON.parse(JSON.stringify(payer)));
            expect(r.remittance.lines.map((l) => [l.documentNumber, l.paidCents])).toEqual(
              it.references.map((x) => [x.documentNumber, x.paidCents]),
            );
            expect(r.remittance.freeText).toEqual(it.memo ? [it.memo] : []);
          });
        },
      ),
    );
  });
});
