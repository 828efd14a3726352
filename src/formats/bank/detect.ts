/**
 * Which bank-file format a text is, from its content only (never the file name). Checked in
 * this order, each on the start of the text after a byte-order mark and leading blank space:
 * 1. `<`: XML; camt.052/053/054 by the ISO 20022 namespace or the message element.
 * 2. `ISA`: an X12 interchange (the parser then requires 820 transaction sets).
 * 3. `101` followed by routing fields and a numeric creation date and time: a NACHA file header.
 * 4. Two digits and a comma: BAI2 (a bad record code such as `00,` is still BAI2, so the file is
 *    refused with the record and reason rather than as an unknown format).
 * 5. A CSV header naming at least batch, item, amount and deposit_date: ARC's lockbox layout.
 */
import { declaredCamtFormat } from './camt.ts';
import { LOCKBOX_REQUIRED_COLUMNS } from './lockbox-csv.ts';
import type { BankFileFormat } from './model.ts';

const NACHA_HEADER = /^101[\w ]{20}\d{10}/;
const BAI2_RECORD = /^\d{2},/;

export function detectFormat(text: string): BankFileFormat | undefined {
  const s = text.replace(/^\uFEFF/, '').trimStart();
  if (s.startsWith('<')) return declaredCamtFormat(s);
  if (s.startsWith('ISA')) return 'x12-820';
  if (NACHA_HEADER.test(s)) return 'nacha';
  if (BAI2_RECORD.test(s)) return 'bai2';
  const header = (s.split(/\r\n|\r|\n/, 1)[0] ?? '')
    .split(',')
    .map((c) => c.trim().replace(/^"|"$/g, '').trim().toLowerCase());
  if (LOCKBOX_REQUIRED_COLUMNS.every((col) => header.includes(col))) return 'lockbox-csv';
  return undefined;
}
