import { currencyExponent, formatAmount } from '../../domain/money.ts';
import { renderPdf, tableRow, type Column, type Pdf } from './render.ts';

/** An open-item statement of account: what the customer owes as of a date, item by item. */
export interface OpenItemStatement {
  companyName: string;
  customerName: string;
  accountNumber: string;
  asOf: string;
  currency: string;
  items: {
    type: string;
    number: string;
    documentDate: string;
    dueDate: string;
    openCents: number;
    daysPastDue: number;
  }[];
  /** Totals by age: current, 1-30, 31-60, 61-90, 91+ days past due. */
  agingCents: readonly [number, number, number, number, number];
}

const COLUMNS: Column[] = [
  { x: 54, width: 80 }, { x: 134, width: 110 }, { x: 244, width: 80 }, { x: 324, width: 80 },
  { x: 404, width: 50, align: 'right' }, { x: 454, width: 104, align: 'right' },
];

/** Writes the statement as a one-or-more page PDF. */
export function writeStatementPdf(s: OpenItemStatement): Promise<Buffer> {
  return renderPdf({ title: `Statement of account ${s.accountNumber}`, date: s.asOf },
    (doc) => drawStatement(doc, s));
}

/** Draws the statement from the current page on (also an enclosure of a letter or fax). */
export function drawStatement(doc: Pdf, s: OpenItemStatement): void {
  const money = (c: number) => formatAmount(c, currencyExponent(s.currency), true);
  const total = s.items.reduce((sum, i) => sum + i.openCents, 0);
  doc.font('Helvetica-Bold').fontSize(16).text(s.companyName);
  doc.moveDown(0.5).fontSize(13).text('Statement of account');
  doc.font('Helvetica').fontSize(10).moveDown(0.5)
    .text(`${s.customerName} (account ${s.accountNumber})`)
    .text(`As of ${s.asOf}; amounts in ${s.currency}`);
  doc.moveDown(1);
  doc.font('Helvetica-Bold');
  tableRow(doc, doc.y, COLUMNS, ['Type', 'Number', 'Date', 'Due', 'Days', 'Open']);
  doc.font('Helvetica');
  for (const i of s.items) {
    doc.moveDown(0.4);
    if (doc.y > 700) doc.addPage();
    tableRow(doc, doc.y, COLUMNS, [i.type.replace(/_/g, ' '), i.number, i.documentDate,
      i.dueDate, i.daysPastDue > 0 ? String(i.daysPastDue) : '', money(i.openCents)]);
  }
  doc.moveDown(1).font('Helvetica-Bold');
  tableRow(doc, doc.y, COLUMNS, ['', '', '', '', 'Total', money(total)]);
  doc.moveDown(1.5).font('Helvetica').text(
    `Current ${money(s.agingCents[0])}   1-30 ${money(s.agingCents[1])}   `
    + `31-60 ${money(s.agingCents[2])}   61-90 ${money(s.agingCents[3])}   `
    + `91+ ${money(s.agingCents[4])}`, 54, doc.y);
}
