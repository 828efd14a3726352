/**
 * ARC's CSV lockbox layout (docs/lockbox-csv.md): one row per check, a header row naming the
 * columns in any order. Each row is a lockbox receipt; each batch a statement. A row that breaks
 * the layout refuses the whole file with its line and column, so a bank file is never half
 * imported.
 */
import { CsvError, parse } from 'csv-parse/sync';
import { isIsoDate, type IsoDate } from '../../domain/dates.ts';
import { currencyExponent, formatAmount, type Cents } from '../../domain/money.ts';
import type { Result } from '../../domain/result.ts';
import {
  compact,
  FileCollector,
  malformed,
  parseDecimalAmount,
  refuseOnMalformed,
} from './common.ts';
import type {
  BankFileError,
  BankStatement,
  ParsedBankFile,
  RemittanceLine,
  SourceRecord,
} from './model.ts';

export const LOCKBOX_COLUMNS = [
  'batch',
  'item',
  'check_number',
  'amount',
  'currency',
  'payer_name',
  'payer_account',
  'payer_routing',
  'deposit_date',
  'invoice_references',
  'memo',
] as const;

export type LockboxColumn = (typeof LOCKBOX_COLUMNS)[number];

export const LOCKBOX_REQUIRED_COLUMNS: readonly LockboxColumn[] = [
  'batch',
  'item',
  'amount',
  'deposit_date',
];

/** One invoice reference: `INV-1001` or `INV-1001:1200.00` (negative: a credit memo taken). */
export interface LockboxReference {
  documentNumber: string;
  paidCents?: Cents;
}

/** One check as the layout describes it; what `formatLockboxCsv` writes and rows parse to. */
export interface LockboxItem {
  batch: string;
  item: string;
  checkNumber?: string;
  amountCents: Cents;
  currency: string;
  payerName?: string;
  payerAccount?: string;
  payerRouting?: string;
  depositDate: IsoDate;
  references: LockboxReference[];
  memo?: string;
}

interface Row {
  cells: Partial<Record<LockboxColumn, string>>;
  line: number;
  record: number;
}

/** Parses a lockbox CSV (layout in docs/lockbox-csv.md). */
export function parseLockboxCsv(text: string): Result<ParsedBankFile, BankFileError> {
  return refuseOnMalformed('lockbox-csv', () => {
    const c = new FileCollector('lockbox-csv');
    c.result.formatVersion = '1';
    const rows = readRows(text);
    const items = rows.map((row) => readItem(row));
    checkUnique(items, rows);
    addItems(items, rows, c);
    return c.result;
  });
}

function readRows(text: string): Row[] {
  const normalized = text.replace(/\r\n?/g, '\n');
  let records: { record: string[]; info: { lines: number } }[];
  try {
    records = parse(normalized, {
      info: true,
      bom: true,
      skip_empty_lines: true,
      relax_column_count: false,
    }) as unknown as { record: string[]; info: { lines: number } }[];
  } catch (e) {
    if (e instanceof CsvError) {
      malformed(`not valid CSV: ${e.message}`, { line: Number(e['lines']) });
    }
    throw e;
  }
  const header = records[0];
  if (!header) malformed('the file is empty: a header row is required', { line: 1 });
  const columns = header.record.map((h) => h.trim().toLowerCase());
  checkHeader(columns, header.info.lines);
  return records.slice(1).map((r, i) => {
    const cells: Row['cells'] = {};
    columns.forEach((col, j) => {
      cells[col as LockboxColumn] = (r.record[j] ?? '').trim();
    });
    const breaks = r.record.reduce((n, f) => n + (f.match(/\n/g) ?? []).length, 0);
    return { cells, line: r.info.lines - breaks, record: i + 1 };
  });
}

function checkHeader(columns: string[], line: number): void {
  columns.forEach((col, i) => {
    if (!(LOCKBOX_COLUMNS as readonly string[]).includes(col)) {
      const known = LOCKBOX_COLUMNS.join(', ');
      malformed(`header column ${i + 1} '${col}' is not a lockbox column (${known})`, { line });
    }
    if (columns.indexOf(col) !== i) malformed(`header column '${col}' appears twice`, { line });
  });
  for (const required of LOCKBOX_REQUIRED_COLUMNS) {
    if (!columns.includes(required)) malformed(`the header has no '${required}' column`, { line });
  }
}

function fail(row: Row, column: LockboxColumn, reason: string): never {
  malformed(`column ${column}: ${reason}`, { record: row.record, line: row.line });
}

function readItem(row: Row): LockboxItem {
  const v = row.cells;
  const currency = v.currency || 'USD';
  if (!/^[A-Z]{3}$/.test(currency)) {
    fail(row, 'currency', `'${currency}' is not an ISO currency code`);
  }
  for (const col of LOCKBOX_REQUIRED_COLUMNS) if (!v[col]) fail(row, col, 'a value is required');
  const amount = amountOf(row, 'amount', v.amount ?? '', currency);
  if (amount <= 0) fail(row, 'amount', `'${v.amount}' must be more than zero`);
  const depositDate = v.deposit_date ?? '';
  if (!isIsoDate(depositDate)) {
    fail(row, 'deposit_date', `'${depositDate}' is not a YYYY-MM-DD date`);
  }
  if (v.payer_routing && !/^\d{9}$/.test(v.payer_routing)) {
    fail(row, 'payer_routing', `'${v.payer_routing}' is not a 9-digit ABA routing number`);
  }
  return compact({
    batch: v.batch ?? '',
    item: v.item ?? '',
    checkNumber: v.check_number,
    amountCents: amount,
    currency,
    payerName: v.payer_name,
    payerAccount: v.payer_account,
    payerRouting: v.payer_routing,
    depositDate,
    references: referencesOf(row, v.invoice_references ?? '', currency),
    memo: v.memo,
  });
}

function amountOf(row: Row, column: LockboxColumn, text: string, currency: string): Cents {
  const parsed = parseDecimalAmount(text, currency);
  if (!parsed.ok) fail(row, column, `'${text}' is not a decimal amount`);
  if (parsed.value.rounded) {
    const allowed = currencyExponent(currency);
    fail(row, column, `'${text}' has more decimals than ${currency} allows (${allowed})`);
  }
  return parsed.value.amountCents;
}

function referencesOf(row: Row, text: string, currency: string): LockboxReference[] {
  if (text === '') return [];
  return text.split(';').map((part) => {
    const [doc = '', amount, extra] = part.split(':').map((s) => s.trim());
    if (doc === '' || extra !== undefined || amount === '') {
      fail(row, 'invoice_references', `'${part.trim()}' is not DOCUMENT or DOCUMENT:AMOUNT`);
    }
    if (amount === undefined) return { documentNumber: doc };
    const paidCents = amountOf(row, 'invoice_references', amount, currency);
    return { documentNumber: doc, paidCents };
  });
}

function checkUnique(items: LockboxItem[], rows: Row[]): void {
  const seen = new Set<string>();
  items.forEach((it, i) => {
    const key = `${it.batch}\u0000${it.item}`;
    if (seen.has(key)) {
      fail(rows[i] as Row, 'item', `batch ${it.batch} item ${it.item} appears twice`);
    }
    seen.add(key);
  });
}

function addItems(items: LockboxItem[], rows: Row[], c: FileCollector): void {
  const batches = new Map<string, number>();
  items.forEach((it, i) => {
    let statementIndex = batches.get(it.batch);
    if (statementIndex === undefined) {
      const statement: BankStatement = {
        kind: 'lockbox_batch',
        id: it.batch,
        currency: it.currency,
        date: it.depositDate,
        balances: [],
        summaries: [],
        transactionCount: 0,
        sourceRecord: { record: i + 1, line: (rows[i] as Row).line },
      };
      c.result.statements.push(statement);
      statementIndex = c.result.statements.length - 1;
      batches.set(it.batch, statementIndex);
    }
    const statement = c.result.statements[statementIndex] as BankStatement;
    statement.transactionCount += 1;
    addReceipt(it, statementIndex, { record: i + 1, line: (rows[i] as Row).line }, c);
  });
}

function addReceipt(
  it: LockboxItem,
  statementIndex: number,
  sourceRecord: SourceRecord,
  c: FileCollector,
): void {
  const lines: RemittanceLine[] = it.references.map((r) =>
    compact({
      referenceType: (r.paidCents ?? 0) < 0 ? ('credit_note' as const) : ('invoice' as const),
      documentNumber: r.documentNumber,
      paidCents: r.paidCents,
      references: [],
    }),
  );
  c.result.receipts.push(
    compact({
      amountCents: it.amountCents,
      currency: it.currency,
      bookingDate: it.depositDate,
      valueDate: it.depositDate,
      method: 'lockbox' as const,
      status: 'booked' as const,
      bankReference: `${it.batch}-${it.item}`,
      checkNumber: it.checkNumber,
      payer: compact({ name: it.payerName, account: it.payerAccount, bankId: it.payerRouting }),
      remittance: { lines, freeText: it.memo ? [it.memo] : [] },
      bankText: [],
      typeCode: 'lockbox',
      statementIndex,
      sourceRecord,
    }),
  );
  if (lines.length > 0 && lines.every((l) => l.paidCents !== undefined)) {
    const total = lines.reduce((s, l) => s + (l.paidCents ?? 0), 0);
    const warning = 'remittance_does_not_tie';
    c.control('transaction', 'remittance total', it.amountCents, total, sourceRecord, warning);
  }
}

function csvCell(s: string): string {
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** Writes items in the layout (all columns, header first): for generators and round-trip tests. */
export function formatLockboxCsv(items: readonly LockboxItem[]): string {
  const rows = items.map((it) => {
    const exponent = currencyExponent(it.currency);
    const refs = it.references
      .map((r) =>
        r.paidCents === undefined
          ? r.documentNumber
          : `${r.documentNumber}:${formatAmount(r.paidCents, exponent)}`,
      )
      .join(';');
    const cells: Record<LockboxColumn, string> = {
      batch: it.batch,
      item: it.item,
      check_number: it.checkNumber ?? '',
      amount: formatAmount(it.amountCents, exponent),
      currency: it.currency,
      payer_name: it.payerName ?? '',
      payer_account: it.payerAccount ?? '',
      payer_routing: it.payerRouting ?? '',
      deposit_date: it.depositDate,
      invoice_references: refs,
      memo: it.memo ?? '',
    };
    return LOCKBOX_COLUMNS.map((col) => csvCell(cells[col])).join(',');
  });
  return [LOCKBOX_COLUMNS.join(','), ...rows].join('\r\n') + '\r\n';
}

