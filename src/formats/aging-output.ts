import ExcelJS from 'exceljs';
import type { AgingAmounts, AgingGrouping } from '../domain/aging.ts';
import { currencyExponent, formatAmount } from '../domain/money.ts';
import type { AgingItem, AgingReport, AgingRow } from '../reports/aging.ts';

// The aging report's outputs: the JSON shape the CLI and the REST API share, an aligned text
// table, CSV and an XLSX workbook. Amounts are formatted from cents (never through floats); the
// workbook's cells are numbers in currency units, each computed from its own cents (totals too).

export interface AgingJsonItem {
  number: string;
  type: string;
  documentDate: string;
  dueDate: string;
  daysPastDue: number;
  open: string;
  bucket: string;
}

export interface AgingJsonLine {
  total: string;
  unapplied: string;
  amounts: string[];
}

export interface AgingJsonRow extends AgingJsonLine {
  key: string;
  name: string;
  items?: AgingJsonItem[];
}

export interface AgingJson {
  asOf: string;
  by: AgingGrouping;
  currency: string;
  buckets: string[];
  rows: AgingJsonRow[];
  totals: AgingJsonLine;
}

/** The report as JSON: amounts as decimal strings ("1234.56"), items only with --detail. */
export function agingJson(report: AgingReport): AgingJson {
  const money = (c: number): string => formatAmount(c, currencyExponent(report.currency));
  const line = (l: AgingAmounts): AgingJsonLine => ({
    total: money(l.totalCents), unapplied: money(l.unappliedCents),
    amounts: l.amountsCents.map(money),
  });
  return {
    asOf: report.asOf, by: report.by, currency: report.currency, buckets: report.buckets,
    rows: report.rows.map((r) => ({
      key: r.key, name: r.name, ...line(r),
      ...(r.items ? { items: r.items.map((i) => itemJson(i, money)) } : {}),
    })),
    totals: line(report.totals),
  };
}

function itemJson(i: AgingItem, money: (c: number) => string): AgingJsonItem {
  return {
    number: i.number, type: i.type, documentDate: i.documentDate, dueDate: i.dueDate,
    daysPastDue: i.daysPastDue, open: money(i.openCents), bucket: i.bucket,
  };
}

const GROUP_TITLE: Record<AgingGrouping, string> = {
  customer: 'Account', collector: 'Collector', 'sales-rep': 'Sales rep', region: 'Region',
  none: '',
};

/** The label columns of a row: account and name by customer, else the group's value. */
function labelHeader(report: AgingReport): string[] {
  return report.by === 'customer' ? ['Account', 'Name'] : [GROUP_TITLE[report.by] || 'Group'];
}

function labels(report: AgingReport, row: AgingRow): string[] {
  return report.by === 'customer' ? [row.key, row.name] : [row.key];
}

/** Amount cells in column order: buckets, unapplied, total. */
function amountCells(l: AgingAmounts): number[] {
  return [...l.amountsCents, l.unappliedCents, l.totalCents];
}

/**
 * An aligned text table: labels left, amounts right with thousands separators, negative amounts
 * with a leading minus ("-1,234.56"), a rule and a totals line; with --detail each row's items
 * follow it, indented.
 */
export function agingTable(report: AgingReport): string {
  const exponent = currencyExponent(report.currency);
  const money = (c: number): string => formatAmount(c, exponent, true);
  const labelCount = labelHeader(report).length;
  const header = [...labelHeader(report), ...report.buckets, 'Unapplied', 'Total'];
  const body = report.rows.map((r) => [...labels(report, r), ...amountCells(r).map(money)]);
  const totals = ['TOTAL', ...Array(labelCount - 1).fill(''), ...amountCells(report.totals)
    .map(money)];
  const widths = header.map((h, i) =>
    Math.max(h.length, ...[...body, totals].map((r) => (r[i] ?? '').length)));
  const format = (cells: string[]): string => cells
    .map((c, i) => (i < labelCount ? c.padEnd(widths[i]!) : c.padStart(widths[i]!)))
    .join('  ').trimEnd();
  const rule = widths.map((w) => '-'.repeat(w)).join('  ');
  const lines = [
    `Aging as of ${report.asOf} by ${report.by} (${report.basis === 'due' ? 'days past due'
      : 'days since document date'}), ${report.currency}`,
    '', format(header), rule,
  ];
  report.rows.forEach((r, n) => {
    lines.push(format(body[n]!));
    for (const i of r.items ?? []) lines.push(itemLine(i, money));
  });
  lines.push(rule, format(totals));
  return lines.join('\n');
}

function itemLine(i: AgingItem, money: (c: number) => string): string {
  return `    ${i.type.padEnd(14)} ${i.number.padEnd(16)} ${i.documentDate}  due ${i.dueDate}` +
    `  ${String(i.daysPastDue).padStart(5)} d  ${money(i.openCents).padStart(16)}  ${i.bucket}`;
}

function csvField(s: string): string {
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

function csvLines(rows: string[][]): string {
  return rows.map((r) => r.map(csvField).join(',')).join('\r\n') + '\r\n';
}

/**
 * CSV (RFC 4180, CRLF): a header, one line per row (key, name, buckets..., unapplied, total) and
 * a TOTAL line. With --detail: one line per open item instead, then the TOTAL line.
 */
export function agingCsv(report: AgingReport): string {
  const money = (c: number): string => formatAmount(c, currencyExponent(report.currency));
  if (report.rows.some((r) => r.items)) {
    const header = ['key', 'name', 'number', 'type', 'document_date', 'due_date',
      'days_past_due', 'open', 'bucket'];
    const items = report.rows.flatMap((r) => (r.items ?? []).map((i) => [
      r.key, r.name, i.number, i.type, i.documentDate, i.dueDate, String(i.daysPastDue),
      money(i.openCents), i.bucket,
    ]));
    const total = ['TOTAL', '', '', '', '', '', '', money(report.totals.totalCents), ''];
    return csvLines([header, ...items, total]);
  }
  const header = ['key', 'name', ...report.buckets, 'unapplied', 'total'];
  const rows = report.rows.map((r) => [r.key, r.name, ...amountCells(r).map(money)]);
  return csvLines([header, ...rows, ['TOTAL', '', ...amountCells(report.totals).map(money)]]);
}

/** Excel's number format for amounts in `currency`: "[$USD] #,##0.00", negatives in red. */
export function currencyFormat(currency: string): string {
  const exponent = currencyExponent(currency);
  const digits = exponent === 0 ? '#,##0' : `#,##0.${'0'.repeat(exponent)}`;
  return `[$${currency}] ${digits};[Red]-[$${currency}] ${digits}`;
}

/**
 * The report as an XLSX workbook: sheet "Aging" (frozen header, amounts as numeric cells in
 * currency units with a currency format, a bold TOTAL row), sheet "Items" with --detail, and
 * sheet "About" (as-of date, grouping, basis, currency).
 */
export async function agingXlsx(report: AgingReport): Promise<Buffer> {
  const book = new ExcelJS.Workbook();
  const exponent = currencyExponent(report.currency);
  // A cell's value from its cents: one division, no sums of floats.
  const units = (c: number): number => c / 10 ** exponent;
  const numFmt = currencyFormat(report.currency);
  const sheet = book.addWorksheet('Aging', { views: [{ state: 'frozen', ySplit: 1 }] });
  const labelCount = labelHeader(report).length;
  sheet.addRow([...labelHeader(report), ...report.buckets, 'Unapplied', 'Total']).font = {
    bold: true,
  };
  for (const r of report.rows) sheet.addRow([...labels(report, r), ...amountCells(r).map(units)]);
  const totals = sheet.addRow(['TOTAL', ...Array(labelCount - 1).fill(null),
    ...amountCells(report.totals).map(units)]);
  totals.font = { bold: true };
  sheet.columns.forEach((column, i) => {
    if (i >= labelCount) column.numFmt = numFmt;
  });
  const amountWidth = Math.max(14, ...report.buckets.map((b) => b.length + 2));
  const labelWidths = [0, 1].map((i) => Math.min(60, Math.max(10,
    ...report.rows.map((r) => (labels(report, r)[i] ?? '').length + 2))));
  sheet.columns.forEach((column, i) => {
    column.width = i < labelCount ? labelWidths[i]! : amountWidth;
  });
  if (report.rows.some((r) => r.items)) addItemsSheet(book, report, units, numFmt);
  const about = book.addWorksheet('About');
  about.addRows([['As of', report.asOf], ['By', report.by], ['Basis', report.basis],
    ['Currency', report.currency], ['Buckets', report.buckets.join(', ')]]);
  about.getColumn(1).width = 12;
  about.getColumn(2).width = 60;
  return Buffer.from(await book.xlsx.writeBuffer());
}

function addItemsSheet(
  book: ExcelJS.Workbook, report: AgingReport, units: (c: number) => number, numFmt: string,
): void {
  const sheet = book.addWorksheet('Items', { views: [{ state: 'frozen', ySplit: 1 }] });
  sheet.addRow(['Key', 'Name', 'Number', 'Type', 'Document date', 'Due date', 'Days past due',
    'Open', 'Bucket']).font = { bold: true };
  const date = (iso: string): Date => new Date(`${iso}T00:00:00Z`);
  for (const r of report.rows) {
    for (const i of r.items ?? []) {
      sheet.addRow([r.key, r.name, i.number, i.type, date(i.documentDate), date(i.dueDate),
        i.daysPastDue, units(i.openCents), i.bucket]);
    }
  }
  const widths = [14, 30, 16, 14, 14, 14, 14, 16, 12];
  sheet.columns.forEach((column, n) => {
    column.width = widths[n] ?? 12;
  });
  sheet.getColumn(5).numFmt = 'yyyy-mm-dd';
  sheet.getColumn(6).numFmt = 'yyyy-mm-dd';
  sheet.getColumn(8).numFmt = numFmt;
}
