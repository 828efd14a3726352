/**
 * NACHA ACH files: 94-character records (1 file header, 5 batch header, 6 entry detail,
 * 7 addenda, 8 batch control, 9 file control, then 9-filled block padding).
 *
 * Read from the receiver's side: a credit entry (22, 32, 42, 52) is money into the receiver's
 * account, i.e. a receipt; the batch header's company is the payer. Debit entries are listed as
 * other transactions. An entry with a 99 addenda is a return (R code, original trace, the
 * original individual's name and id), with 98 a notification of change; the direction of a
 * return follows its transaction code (26 = a debit we collected was returned: money taken back).
 *
 * Tolerated: records right-trimmed below 94 characters (padded back), CRLF or LF, a file without
 * line breaks (split every 94 characters), missing block padding. Control totals that do not tie
 * are warnings.
 */
import type { IsoDate } from '../../domain/dates.ts';
import { cents, type Cents } from '../../domain/money.ts';
import type { Result } from '../../domain/result.ts';
import {
  compact,
  FileCollector,
  malformed,
  refuseOnMalformed,
  splitLines,
  yymmddToIso,
} from './common.ts';
import type {
  BankFileError,
  BankStatement,
  ParsedBankFile,
  SourceRecord,
} from './model.ts';
import {
  addNachaEntry,
  field,
  type NachaBatch,
  type NachaEntry,
  type NachaRecord,
} from './nacha-entry.ts';
import { transactionCodeInfo } from './nacha-codes.ts';

export const NACHA_RECORD_LENGTH = 94;

/** Splits the text into 94-character records (see the module comment for what is tolerated). */
export function nachaRecords(text: string): NachaRecord[] {
  const out: NachaRecord[] = [];
  for (const { text: raw, line } of splitLines(text)) {
    if (raw.trim() === '') continue;
    let chunks: string[];
    if (raw.length > NACHA_RECORD_LENGTH && raw.length % NACHA_RECORD_LENGTH === 0) {
      chunks = raw.match(/[\s\S]{94}/g) ?? [];
    } else if (raw.trimEnd().length <= NACHA_RECORD_LENGTH) {
      chunks = [raw.trimEnd()];
    } else {
      malformed(`record is ${raw.length} characters long; NACHA records are 94`, {
        record: out.length + 1,
        line,
      });
    }
    for (const c of chunks) {
      out.push({ text: c.padEnd(NACHA_RECORD_LENGTH, ' '), record: out.length + 1, line });
    }
  }
  return out;
}

/** Parses a NACHA ACH file. */
export function parseNacha(text: string): Result<ParsedBankFile, BankFileError> {
  return refuseOnMalformed('nacha', () => {
    const c = new FileCollector('nacha');
    new NachaReader(c).read(nachaRecords(text));
    return c.result;
  });
}

const at = (r: NachaRecord): SourceRecord => ({ record: r.record, line: r.line });

function numeric(r: NachaRecord, from: number, to: number, what: string): number {
  const s = field(r, from, to);
  if (!/^\d+$/.test(s)) malformed(`${what} '${s.trim()}' is not numeric`, r);
  return Number(s);
}

interface BatchTotals {
  entryAddendaCount: number;
  entryHash: number;
  debitCents: number;
  creditCents: number;
}

class NachaReader {
  private batch: (NachaBatch & { entries: NachaEntry[]; totals: BatchTotals }) | undefined;
  private file: BatchTotals = { entryAddendaCount: 0, entryHash: 0, debitCents: 0, creditCents: 0 };
  private batchCount = 0;
  private fileControlSeen = false;
  private createdOn: IsoDate | undefined;

  constructor(private readonly c: FileCollector) {}

  read(records: NachaRecord[]): void {
    const first = records[0];
    if (!first) malformed('the file holds no NACHA records');
    if (!field(first, 1, 3).startsWith('1')) {
      malformed('a NACHA file must begin with a 1 file header record', first);
    }
    for (const r of records) {
      if (this.fileControlSeen) {
        if (/^9+$/.test(r.text.trimEnd())) continue; // block padding
        malformed(`record type '${r.text[0]}' after the 9 file control record`, r);
      }
      this.dispatch(r);
    }
    if (!this.fileControlSeen) {
      malformed('the file ends without a 9 file control record (truncated?)', records.at(-1));
    }
    const last = records.at(-1) ?? first;
    const blocks = Math.ceil(records.length / 10);
    const controlRecord = records.find((r) => r.text[0] === '9') ?? last;
    const stated = field(controlRecord, 8, 13);
    if (/^\d+$/.test(stated) && Number(stated) !== blocks) {
      this.c.warn(
        'control_total_mismatch',
        `file block count says ${Number(stated)}, the file has ${records.length} records ` +
          `(${blocks} blocks of 10)`,
        at(controlRecord),
      );
    }
  }

  private dispatch(r: NachaRecord): void {
    switch (r.text[0]) {
      case '1':
        if (r.record !== 1) malformed('a second 1 file header record', r);
        return this.fileHeader(r);
      case '5':
        return this.batchHeader(r);
      case '6':
        if (!this.batch) malformed('a 6 entry detail record outside a batch (no 5 before it)', r);
        this.batch.entries.push({ record: r, addenda: [] });
        return;
      case '7': {
        const entry = this.batch?.entries.at(-1);
        if (!entry) malformed('a 7 addenda record without an entry detail record before it', r);
        entry.addenda.push(r);
        return;
      }
      case '8':
        return this.batchControl(r);
      case '9':
        return this.fileControl(r);
      default:
        malformed(`unknown record type '${r.text[0]}' (expected 1, 5, 6, 7, 8 or 9)`, r);
    }
  }

  private fileHeader(r: NachaRecord): void {
    const res = this.c.result;
    res.formatVersion = field(r, 40, 40).trim() || undefined;
    const date = yymmddToIso(field(r, 24, 29));
    if (!date) malformed(`file creation date '${field(r, 24, 29)}' is not a YYMMDD date`, r);
    this.createdOn = date;
    const time = field(r, 30, 33);
    res.createdAt = /^\d{4}$/.test(time) ? `${date}T${time.slice(0, 2)}:${time.slice(2)}` : date;
    res.sender = field(r, 64, 86).trim() || field(r, 14, 23).trim();
    res.receiver = field(r, 41, 63).trim() || field(r, 4, 13).trim();
    const modifier = field(r, 34, 34).trim();
    res.fileId = `${field(r, 14, 23).trim()}-${field(r, 24, 33)}${modifier}`;
  }

  private batchHeader(r: NachaRecord): void {
    if (this.batch) malformed('a 5 batch header before the previous batch closed with 8', r);
    const sec = field(r, 51, 53);
    const iat = sec === 'IAT';
    const effectiveDate = yymmddToIso(field(r, 70, 75));
    const statement: BankStatement = compact({
      kind: 'ach_batch' as const,
      id: field(r, 88, 94).trim(),
      accountId: field(r, 41, 50).trim(),
      companyName: iat ? undefined : field(r, 5, 20).trim(),
      secCode: sec,
      description: field(r, 54, 63).trim(),
      currency: 'USD',
      date: effectiveDate,
      balances: [],
      summaries: [],
      transactionCount: 0,
      sourceRecord: at(r),
    });
    this.c.result.statements.push(statement);
    this.batch = {
      header: r,
      serviceClass: field(r, 2, 4),
      secCode: sec,
      companyName: statement.companyName,
      companyId: statement.accountId,
      discretionary: iat ? undefined : field(r, 21, 40).trim() || undefined,
      entryDescription: statement.description,
      effectiveDate,
      fallbackDate: effectiveDate ?? this.createdOn,
      odfi: field(r, 80, 87).trim(),
      statement,
      statementIndex: this.c.result.statements.length - 1,
      entries: [],
      totals: { entryAddendaCount: 0, entryHash: 0, debitCents: 0, creditCents: 0 },
    };
  }

  private batchControl(r: NachaRecord): void {
    const b = this.batch;
    if (!b) malformed('an 8 batch control record without an open batch (no 5 before it)', r);
    for (const entry of b.entries) this.addEntry(b, entry);
    b.statement.transactionCount = b.entries.length;
    const t = b.totals;
    const src = at(r);
    this.c.control('batch', 'service class', field(r, 2, 4), b.serviceClass, src);
    const count = statedNumber(r, 5, 10);
    this.c.control('batch', 'entry/addenda count', count, t.entryAddendaCount, src);
    this.c.control('batch', 'entry hash', statedNumber(r, 11, 20), t.entryHash % 1e10, src);
    this.c.control('batch', 'total debit', statedNumber(r, 21, 32), t.debitCents, src);
    this.c.control('batch', 'total credit', statedNumber(r, 33, 44), t.creditCents, src);
    this.file.entryAddendaCount += t.entryAddendaCount;
    this.file.entryHash += t.entryHash;
    this.file.debitCents += t.debitCents;
    this.file.creditCents += t.creditCents;
    this.batchCount += 1;
    this.batch = undefined;
  }

  private addEntry(b: NonNullable<NachaReader['batch']>, entry: NachaEntry): void {
    const r = entry.record;
    const tc = field(r, 2, 3);
    const info = transactionCodeInfo(tc);
    if (!info) malformed(`transaction code '${tc}' is not a NACHA transaction code`, r);
    const amount: Cents = cents(numeric(r, 30, 39, 'entry amount'));
    b.totals.entryAddendaCount += 1 + entry.addenda.length;
    b.totals.entryHash += numeric(r, 4, 11, 'receiving DFI routing number');
    if (info.direction === 'debit') b.totals.debitCents += amount;
    else b.totals.creditCents += amount;
    addNachaEntry({ batch: b, entry, tc, info, amountCents: amount }, this.c);
  }

  private fileControl(r: NachaRecord): void {
    if (this.batch) malformed('the 9 file control record comes before the batch closed with 8', r);
    const f = this.file;
    const src = at(r);
    this.c.control('file', 'batch count', statedNumber(r, 2, 7), this.batchCount, src);
    const count = statedNumber(r, 14, 21);
    this.c.control('file', 'entry/addenda count', count, f.entryAddendaCount, src);
    this.c.control('file', 'entry hash', statedNumber(r, 22, 31), f.entryHash % 1e10, src);
    this.c.control('file', 'total debit', statedNumber(r, 32, 43), f.debitCents, src);
    this.c.control('file', 'total credit', statedNumber(r, 44, 55), f.creditCents, src);
    this.fileControlSeen = true;
  }
}

/** A control field as a number when numeric, else as written (so the check shows the text). */
function statedNumber(r: NachaRecord, from: number, to: number): string | number {
  const s = field(r, from, to);
  return /^\d+$/.test(s) ? Number(s) : s.trim();
}
