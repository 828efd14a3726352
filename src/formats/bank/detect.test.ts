import { describe, expect, it } from 'vitest';
import { decodeText } from './common.ts';
import { detectFormat } from './detect.ts';
import type { BankFileFormat } from './model.ts';
import {
  localFixtureBytes,
  sharedFixtureBytes,
  sharedFixtureNames,
} from './testing.ts';

/** The format every fixture must be detected as, whatever its name says. */
function expectedFormat(folder: string, name: string): BankFileFormat {
  if (folder === 'bai2') return 'bai2';
  if (folder === 'nacha') return 'nacha';
  if (folder === 'edi820') return 'x12-820';
  if (name.includes('052')) return 'camt.052';
  if (name.includes('054')) return 'camt.054';
  return 'camt.053';
}

describe('format detection from content', () => {
  for (const folder of ['bai2', 'camt', 'nacha', 'edi820']) {
    const names = sharedFixtureNames(folder).filter((n) => folder !== 'camt' || n.endsWith('.xml'));
    it.each(names)(`${folder}/%s`, (name) => {
      expect(detectFormat(decodeText(sharedFixtureBytes(folder, name)))).toBe(
        expectedFormat(folder, name),
      );
    });
  }

  it.each([
    ['arc-ccdplus-ctx-credits.ach', 'nacha'],
    ['lockbox-sample.csv', 'lockbox-csv'],
  ])('test/fixtures/bank/%s', (name, format) => {
    expect(detectFormat(decodeText(localFixtureBytes(name)))).toBe(format);
  });

  it.each([
    ['a BOM and blank lines before BAI2', '\uFEFF\r\n\r\n01,A,B,240101,0000,1,,,2/', 'bai2'],
    ['camt with a namespace prefix', '<ns:Document xmlns:ns="x"><ns:BkToCstmrStmt>', 'camt.053'],
    ['a quoted CSV header, other order', '"Amount","Deposit_Date","Item","Batch"\n', 'lockbox-csv'],
    ['an X12 interchange', 'ISA*00*', 'x12-820'],
  ])('%s', (_n, text, format) => {
    expect(detectFormat(text)).toBe(format);
  });

  it.each([
    ['plain text', 'hello world'],
    ['another XML document', '<?xml version="1.0"?><Invoice/>'],
    ['a CSV without the lockbox columns', 'customer,amount\nA,1.00\n'],
    ['a PDF', '%PDF-1.7'],
  ])('%s is not a bank file', (_n, text) => {
    expect(detectFormat(text)).toBeUndefined();
  });
});
