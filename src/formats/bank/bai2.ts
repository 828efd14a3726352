/**
 * BAI2 (Cash Management Balance Reporting Specifications, version 2) prior-day and current-day
 * files: 01 file header, 02 group header, 03 account identifier with status and summaries,
 * 16 transaction detail, 88 continuation, 49/98/99 trailers. Pure: text in, values out.
 *
 * Amounts are implied-decimal integers in the currency's minor units. Trailers that do not tie
 * are warnings, not errors (banks send such files, moov sample4); a broken structure is refused.
 */
import type { IsoDate } from '../../domain/dates.ts';
import { cents, type Cents } from '../../domain/money.ts';
import type { Result } from '../../domain/result.ts';
import { isBaiStatusCode } from './bai2-codes.ts';
import {
  allFields,
  FieldCursor,
  groupContinuations,
  splitBai2Records,
  stripTerminator,
  type LogicalRecord,
  type Repair,
} from './bai2-records.ts';
import { buildDetail, type Bai2Context, type Bai2Detail } from './bai2-detail.ts';
import {
  FileCollector,
  malformed,
  parseImpliedAmount,
  refuseOnMalformed,
  yymmddToIso,
} from './common.ts';
import type { BankFileError, BankStatement, ParsedBankFile, SourceRecord } from './model.ts';

/** Parses a BAI2 file. A trailer that does not tie is a warning; a broken structure is refused. */
export function parseBai2(text: string): Result<ParsedBankFile, BankFileError> {
  return refuseOnMalformed('bai2', () => {
    const repairs: Repair[] = [];
    const records = groupContinuations(splitBai2Records(text, repairs));
    const c = new FileCollector('bai2');
    for (const r of repairs) c.warn('record_repaired', r.message, at(r));
    new Bai2Reader(c).read(records);
    return c.result;
  });
}

function at(r: { record: number; line: number }): SourceRecord {
  return { record: r.record, line: r.line };
}

export function amountField(text: string | undefined, r: LogicalRecord, what: string): Cents {
  const parsed = parseImpliedAmount(text ?? '');
  if (!parsed.ok) malformed(`${what}: ${parsed.error}`, r);
  return parsed.value ?? cents(0);
}

function countField(text: string | undefined, r: LogicalRecord, what: string): number | undefined {
  if (text === undefined || text === '') return undefined;
  if (!/^[+-]?\d+$/.test(text)) malformed(`${what} '${text}' is not a number`, r);
  return Number(text);
}

function dateField(text: string | undefined, r: LogicalRecord, what: string): IsoDate {
  const d = yymmddToIso(text ?? '');
  if (!d) malformed(`${what} '${text ?? ''}' is not a YYMMDD date`, r);
  return d;
}

/** Funds availability: reads the fields that follow each funds type, returns the value date. */
export function readFundsType(
  next: () => string | undefined,
  r: LogicalRecord,
): { fundsType: string; valueDate?: IsoDate } {
  const fundsType = (next() ?? '').toUpperCase();
  switch (fundsType) {
    case '':
    case 'Z':
    case '0':
    case '1':
    case '2':
      return { fundsType };
    case 'S': // immediate, one-day and two-or-more-day amounts
      for (let i = 0; i < 3; i++) amountField(next(), r, 'distributed availability amount');
      return { fundsType };
    case 'V': {
      const date = next() ?? '';
      next(); // value time
      if (date === '') return { fundsType };
      return { fundsType, valueDate: dateField(date, r, 'value date') };
    }
    case 'D': {
      const n = countField(next(), r, 'number of availability distributions') ?? 0;
      for (let i = 0; i < n; i++) {
        next(); // days
        amountField(next(), r, 'availability distribution amount');
      }
      return { fundsType };
    }
    default:
      malformed(`unknown funds type '${fundsType}' (expected 0, 1, 2, S, V, D or Z)`, r);
  }
}

interface GroupState {
  context: Omit<Bai2Context, 'accountId' | 'currency' | 'statementIndex'>;
  currency: string;
  recordCount: number;
  accountCount: number;
  accountTotals: Cents[];
  header: LogicalRecord;
}

interface AccountState {
  context: Bai2Context;
  recordCount: number;
  total: number;
  statement: BankStatement;
}

class Bai2Reader {
  private group: GroupState | undefined;
  private account: AccountState | undefined;
  private fileRecordCount = 0;
  private groupCount = 0;
  private groupTotals: Cents[] = [];
  private done = false;

  constructor(private readonly c: FileCollector) {}

  read(records: LogicalRecord[]): void {
    const first = records[0];
    if (!first) malformed('the file holds no BAI2 records');
    if (first.code !== '01') {
      const found = `found record code ${first.code}`;
      malformed(`a BAI2 file must begin with a 01 file header, ${found}`, first);
    }
    for (const r of records) {
      if (this.done) malformed(`record code ${r.code} after the 99 file trailer`, r);
      this.fileRecordCount += r.recordCount;
      if (this.group) this.group.recordCount += r.recordCount;
      if (this.account) this.account.recordCount += r.recordCount;
      this.dispatch(r);
    }
    if (!this.done) {
      const last = records[records.length - 1] ?? first;
      malformed('the file ends without a 99 file trailer (truncated?)', last);
    }
  }

  private dispatch(r: LogicalRecord): void {
    switch (r.code) {
      case '01':
        if (this.fileRecordCount > r.recordCount) malformed('a second 01 file header', r);
        return this.fileHeader(r);
      case '02':
        return this.groupHeader(r);
      case '03':
        return this.accountHeader(r);
      case '16':
        return this.detail(r);
      case '49':
        return this.accountTrailer(r);
      case '98':
        return this.groupTrailer(r);
      case '99':
        return this.fileTrailer(r);
      default:
        malformed(`unexpected record code ${r.code}`, r);
    }
  }

  private fileHeader(r: LogicalRecord): void {
    const f = allFields(r);
    const [sender, receiver, date, time, fileId, , , version] = f;
    const created = dateField(date, r, 'file creation date');
    const res = this.c.result;
    res.formatVersion = version || undefined;
    if (sender) res.sender = sender;
    if (receiver) res.receiver = receiver;
    if (fileId) res.fileId = fileId;
    res.createdAt = created + formatTime(time);
    if (version && version !== '2') {
      this.c.warn('unsupported_content', `BAI version '${version}' read as version 2`, at(r));
    }
  }

  private groupHeader(r: LogicalRecord): void {
    if (this.group) malformed('a 02 group header before the previous group was closed by 98', r);
    const [, originator, status, date, , currency, modifier] = allFields(r);
    const asOfDate = dateField(date, r, 'as-of date');
    this.group = {
      context: { asOfDate, reportType: reportType(modifier), groupStatus: status ?? '' },
      currency: currency || 'USD',
      recordCount: r.recordCount,
      accountCount: 0,
      accountTotals: [],
      header: r,
    };
    if (originator) this.c.result.sender ??= originator;
    this.groupCount += 1;
  }

  private accountHeader(r: LogicalRecord): void {
    const group = this.group;
    if (!group) malformed('an 03 account record outside a group (no 02 before it)', r);
    if (this.account) {
      malformed('an 03 account record before the previous account closed with 49', r);
    }
    const fields = allFields(r);
    const accountId = fields[0] ?? '';
    if (accountId === '') malformed('the 03 record has no account number', r);
    const currency = fields[1] || group.currency;
    const statement: BankStatement = {
      kind: 'account',
      accountId,
      currency,
      date: group.context.asOfDate,
      balances: [],
      summaries: [],
      transactionCount: 0,
      sourceRecord: at(r),
    };
    if (group.context.reportType) statement.reportType = group.context.reportType;
    const total = this.readSummaries(fields.slice(2), r, statement);
    this.c.result.statements.push(statement);
    group.accountCount += 1;
    this.account = {
      context: {
        ...group.context,
        accountId,
        currency,
        statementIndex: this.c.result.statements.length - 1,
      },
      recordCount: r.recordCount,
      total,
      statement,
    };
  }

  /** Reads the 03 type-code groups; returns their amount sum for the account control total. */
  private readSummaries(fields: string[], r: LogicalRecord, s: BankStatement): number {
    let i = 0;
    let total = 0;
    const next = () => fields[i++];
    while (i < fields.length) {
      // Empty fields where a type code belongs are padding: GSBI writes `USD,,,,,060`, SVB ends
      // records with an extra `,` before the `/`.
      const typeCode = next() ?? '';
      if (typeCode === '') continue;
      if (!/^\d{3}$/.test(typeCode)) malformed(`03 type code '${typeCode}' is not 3 digits`, r);
      const amountText = next();
      const itemCount = countField(next(), r, 'item count');
      readFundsType(next, r);
      if (amountText === undefined || amountText === '') continue;
      const amountCents = amountField(amountText, r, `03 amount for type ${typeCode}`);
      total += amountCents;
      if (isBaiStatusCode(Number(typeCode))) {
        const currency = s.currency ?? 'USD';
        s.balances.push({ type: typeCode, amountCents, currency, date: s.date });
      } else {
        s.summaries.push(
          itemCount === undefined
            ? { typeCode, amountCents }
            : { typeCode, amountCents, itemCount },
        );
      }
    }
    return total;
  }

  private detail(r: LogicalRecord): void {
    const account = this.account;
    if (!account) malformed('a 16 transaction detail outside an account (no 03 before it)', r);
    const cursor = new FieldCursor(stripTerminator(r.body));
    const typeText = cursor.next() ?? '';
    if (!/^\d{3}$/.test(typeText)) malformed(`16 type code '${typeText}' is not 3 digits`, r);
    const amountText = cursor.next();
    if (!amountText) malformed('the 16 transaction detail has no amount', r);
    const amountCents = amountField(amountText, r, 'transaction amount');
    if (amountCents < 0) malformed(`16 amount '${amountText}' must not be signed negative`, r);
    const funds = readFundsType(() => cursor.next(), r);
    const detail: Bai2Detail = {
      typeCode: Number(typeText),
      amountCents,
      bankReference: cursor.next() || undefined,
      customerReference: cursor.next() || undefined,
      valueDate: funds.valueDate,
      text: [cursor.rest(), ...r.continuations.map((x) => stripTerminator(x.body))]
        .map((t) => (t ?? '').trim())
        .filter((t) => t !== ''),
      sourceRecord: at(r),
    };
    account.total += amountCents;
    account.statement.transactionCount += 1;
    buildDetail(detail, account.context, this.c);
  }

  private accountTrailer(r: LogicalRecord): void {
    const account = this.account;
    const group = this.group;
    if (!account || !group) malformed('a 49 account trailer without an open account (03)', r);
    const [total, count] = allFields(r);
    const stated = amountField(total, r, 'account control total');
    this.c.control('account', 'control total', stated, account.total, at(r));
    const statedCount = countField(count, r, 'account record count');
    if (statedCount !== undefined) {
      this.c.control('account', 'record count', statedCount, account.recordCount, at(r));
    }
    group.accountTotals.push(stated);
    this.account = undefined;
  }

  private groupTrailer(r: LogicalRecord): void {
    const group = this.group;
    if (!group) malformed('a 98 group trailer without an open group (02)', r);
    if (this.account) malformed('a 98 group trailer before the account closed with 49', r);
    const [total, accounts, count] = allFields(r);
    const stated = amountField(total, r, 'group control total');
    this.c.control('group', 'control total', stated, sumOf(group.accountTotals), at(r));
    const statedAccounts = countField(accounts, r, 'number of accounts');
    if (statedAccounts !== undefined) {
      this.c.control('group', 'account count', statedAccounts, group.accountCount, at(r));
    }
    const statedCount = countField(count, r, 'group record count');
    if (statedCount !== undefined) {
      this.c.control('group', 'record count', statedCount, group.recordCount, at(r));
    }
    this.groupTotals.push(stated);
    this.group = undefined;
  }

  private fileTrailer(r: LogicalRecord): void {
    if (this.group) malformed('the 99 file trailer comes before the group closed with 98', r);
    const [total, groups, count] = allFields(r);
    const stated = amountField(total, r, 'file control total');
    this.c.control('file', 'control total', stated, sumOf(this.groupTotals), at(r));
    const statedGroups = countField(groups, r, 'number of groups');
    if (statedGroups !== undefined) {
      this.c.control('file', 'group count', statedGroups, this.groupCount, at(r));
    }
    const statedCount = countField(count, r, 'file record count');
    if (statedCount !== undefined) {
      this.c.control('file', 'record count', statedCount, this.fileRecordCount, at(r));
    }
    this.done = true;
  }
}

function sumOf(xs: readonly number[]): number {
  return xs.reduce((a, b) => a + b, 0);
}

/** As-of-date modifier: 1/2 interim/final previous-day, 3/4 interim/final same-day. */
function reportType(modifier: string | undefined): Bai2Context['reportType'] {
  if (modifier === '1' || modifier === '2') return 'prior_day';
  if (modifier === '3' || modifier === '4') return 'current_day';
  return undefined;
}

/** `0829` or `14:59:35` (NatWest) to `T08:29`/`T14:59:35`; end-of-day 2400/9999 and junk to ''. */
function formatTime(time: string | undefined): string {
  const t = (time ?? '').replace(/:/g, '');
  if (!/^\d{4}(\d{2})?$/.test(t)) return '';
  const hh = Number(t.slice(0, 2));
  const mm = Number(t.slice(2, 4));
  if (hh > 23 || mm > 59) return '';
  return `T${t.slice(0, 2)}:${t.slice(2, 4)}${t.length === 6 ? ':' + t.slice(4, 6) : ''}`;
}
