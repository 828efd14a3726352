import ExcelJS from 'exceljs';
import { currencyExponent, formatAmount } from '../domain/money.ts';
import { currencyFormat } from '../formats/aging-output.ts';
import type {
  CollectionsReport, ColumnKind, ReportColumn, ReportRow,
} from './collections-reports.ts';

// A collections report as JSON (the API and `--json`), CSV, an XLSX workbook with typed cells
// (the aging export's approach: amounts as numbers in currency units, each from its own cents,
// with a currency format; dates as dates), and an aligned text table for the CLI.

export type JsonValue = string | number | null;

export interface CollectionsReportJson {
  name: string;
  title: string;
  from: string;
  to: string;
  columns: ReportColumn[];
  /** Money as decimal strings ("1234.56"), rates as percent strings ("25.00"). */
  rows: Record<string, JsonValue>[];
  totals: Record<string, JsonValue>[];
  notes: string[];
}

/** A value as text: money in its row's currency, basis points and hundredths with 2 decimals. */
function text(kind: ColumnKind, value: string | number | null | undefined, currency: string,
  grouping: boolean): string {
  if (value === null || value === undefined) return '';
  switch (kind) {
    case 'money': return formatAmount(Number(value), currencyExponent(currency), grouping);
    case 'percent': case 'decimal': return formatAmount(Number(value), 2, grouping);
    case 'count': return grouping ? formatAmount(Number(value), 0, true) : String(value);
    default: return String(value);
  }
}

function jsonRow(columns: readonly ReportColumn[], r: ReportRow): Record<string, JsonValue> {
  const currency = String(r.currency ?? 'USD');
  const out: Record<string, JsonValue> = {};
  for (const col of columns) {
    const v = r[col.key] ?? null;
    out[col.key] = v === null || col.kind === 'count' || col.kind === 'text'
      || col.kind === 'date' ? v : text(col.kind, v, currency, false);
  }
  if (!('currency' in out) && r.currency !== undefined) out.currency = r.currency;
  return out;
}

export function reportJson(report: CollectionsReport): CollectionsReportJson {
  return { name: report.name, title: report.title, from: report.from, to: report.to,
    columns: report.columns, rows: report.rows.map((r) => jsonRow(report.columns, r)),
    totals: report.totals.map((r) => jsonRow(report.columns, r)), notes: report.notes };
}

function csvField(s: string): string {
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** CSV (RFC 4180, CRLF): the headers, the rows, then the total lines. */
export function reportCsv(report: CollectionsReport): string {
  const line = (cells: string[]) => cells.map(csvField).join(',');
  const values = (r: ReportRow) => report.columns.map((col) =>
    text(col.kind, r[col.key], String(r.currency ?? 'USD'), false));
  return [line(report.columns.map((col) => col.header)), ...report.rows.map(values).map(line),
    ...report.totals.map(values).map(line)].join('\r\n') + '\r\n';
}

/** An aligned text table: text left, numbers right, a rule, then the totals. */
export function reportTable(report: CollectionsReport): string {
  const numeric = (kind: ColumnKind) => kind !== 'text' && kind !== 'date';
  const values = (r: ReportRow) => report.columns.map((col) =>
    text(col.kind, r[col.key], String(r.currency ?? 'USD'), true));
  const header = report.columns.map((col) => col.header);
  const body = report.rows.map(values);
  const totals = report.totals.map(values);
  const widths = header.map((h, i) => Math.max(h.length,
    ...[...body, ...totals].map((r) => (r[i] ?? '').length)));
  const format = (cells: string[]) => cells.map((cell, i) => (numeric(report.columns[i]!.kind)
    ? cell.padStart(widths[i]!) : cell.padEnd(widths[i]!))).join('  ').trimEnd();
  const rule = widths.map((w) => '-'.repeat(w)).join('  ');
  return [`${report.title}, ${report.from} to ${report.to}`, '', format(header), rule,
    ...(body.length ? body.map(format) : ['(nothing in this period)']),
    ...(totals.length ? [rule, ...totals.map(format)] : []), '', ...report.notes].join('\n');
}

const PERCENT_FORMAT = '0.00%';

/**
 * The report as a workbook: a sheet of the table (frozen header, typed cells, bold totals)
 * and an "About" sheet with the period and the notes.
 */
export async function reportXlsx(report: CollectionsReport): Promise<Buffer> {
  const book = new ExcelJS.Workbook();
  const sheet = book.addWorksheet(report.title.slice(0, 31),
    { views: [{ state: 'frozen', ySplit: 1 }] });
  sheet.addRow(report.columns.map((col) => col.header)).font = { bold: true };
  const add = (r: ReportRow, bold: boolean) => {
    const currency = String(r.currency ?? 'USD');
    const row = sheet.addRow(report.columns.map((col) => cellValue(col.kind, r[col.key],
      currency)));
    report.columns.forEach((col, i) => {
      const cell = row.getCell(i + 1);
      if (col.kind === 'money') cell.numFmt = currencyFormat(currency);
      else if (col.kind === 'percent') cell.numFmt = PERCENT_FORMAT;
      else if (col.kind === 'decimal') cell.numFmt = '0.00';
      else if (col.kind === 'date') cell.numFmt = 'yyyy-mm-dd';
      else if (col.kind === 'count') cell.numFmt = '#,##0';
    });
    if (bold) row.font = { bold: true };
  };
  for (const r of report.rows) add(r, false);
  for (const r of report.totals) add(r, true);
  sheet.columns.forEach((column, i) => {
    const col = report.columns[i]!;
    const longest = Math.max(col.header.length, ...report.rows.map((r) =>
      String(r[col.key] ?? '').length));
    column.width = col.kind === 'money' ? 18 : Math.min(40, Math.max(10, longest + 2));
  });
  const about = book.addWorksheet('About');
  about.addRows([['Report', report.title], ['From', report.from], ['To', report.to],
    ...report.notes.map((n) => ['', n])]);
  about.getColumn(1).width = 10;
  about.getColumn(2).width = 100;
  return Buffer.from(await book.xlsx.writeBuffer());
}

/** A typed cell: money in currency units from its own cents, a rate as a fraction, a date. */
function cellValue(kind: ColumnKind, value: string | number | null | undefined,
  currency: string): ExcelJS.CellValue {
  if (value === null || value === undefined) return null;
  switch (kind) {
    case 'money': return Number(value) / 10 ** currencyExponent(currency);
    case 'percent': return Number(value) / 10_000;
    case 'decimal': return Number(value) / 100;
    case 'count': return Number(value);
    case 'date': return new Date(`${String(value)}T00:00:00Z`);
    default: return String(value);
  }
}
