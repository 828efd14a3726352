/**
 * The entry point for cash-application input files: detects the format from the content,
 * parses it, and adds the file's SHA-256 (the key that makes importing the same file twice a
 * no-op). Everything else lives in the pure per-format parsers.
 *
 * @example
 * const result = parseBankFile(bytes, 'bai2-2024-05-01.txt');
 * if (!result.ok) console.error(result.error.reason, result.error.record);
 * else for (const r of result.value.receipts) console.log(r.amountCents, r.payer.name);
 */
import { createHash } from 'node:crypto';
import { err, ok, type Result } from '../../domain/result.ts';
import { parseBai2 } from './bai2.ts';
import { parseCamt } from './camt.ts';
import { decodeText } from './common.ts';
import { detectFormat } from './detect.ts';
import { parseLockboxCsv } from './lockbox-csv.ts';
import type { BankFile, BankFileError, BankFileFormat, ParsedBankFile } from './model.ts';
import { parseNacha } from './nacha.ts';
import { parseX12820 } from './x12-820.ts';

const PARSERS: Record<BankFileFormat, (text: string) => Result<ParsedBankFile, BankFileError>> = {
  bai2: parseBai2,
  'camt.052': parseCamt,
  'camt.053': parseCamt,
  'camt.054': parseCamt,
  nacha: parseNacha,
  'x12-820': parseX12820,
  'lockbox-csv': parseLockboxCsv,
};

/** Parses a bank, remittance or lockbox file of any supported format. */
export function parseBankFile(
  bytes: Uint8Array,
  fileName: string,
): Result<BankFile, BankFileError> {
  const text = decodeText(bytes);
  if (text.replace(/^\uFEFF/, '').trim() === '') {
    return err({ code: 'empty_file', reason: `${fileName} is empty` });
  }
  const format = detectFormat(text);
  if (!format) {
    return err({
      code: 'unknown_format',
      reason:
        `${fileName} is not a recognised bank file: expected BAI2 (starts with an 01 record), ` +
        'camt.052/053/054 XML, NACHA (starts with a 101 file header), X12 820 (starts with ISA) ' +
        'or a lockbox CSV (header with batch, item, amount and deposit_date)',
    });
  }
  const parsed = PARSERS[format](text.replace(/^\uFEFF/, ''));
  if (!parsed.ok) return parsed;
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  return ok({ ...parsed.value, sha256, fileName });
}
