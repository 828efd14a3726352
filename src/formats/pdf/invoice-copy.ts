import { currencyExponent, formatAmount } from '../../domain/money.ts';
import { renderPdf, type Pdf } from './render.ts';

/**
 * A copy of an invoice, debit memo or credit memo as the customer's accounts payable asks for
 * one: who billed whom, the number, dates, terms, their PO and order references, the amount and
 * what is still open, marked COPY. ARC keeps the document's header, not its lines; the original
 * lines live in the billing system.
 */
export interface InvoiceCopy {
  companyName: string;
  type: 'invoice' | 'debit_memo' | 'credit_memo';
  number: string;
  documentDate: string;
  dueDate: string;
  /** "NET30 (net 30)"; null when the document has no terms. */
  terms: string | null;
  poNumber: string | null;
  orderNumber: string | null;
  memo: string | null;
  currency: string;
  /** Signed as the ledger keeps it: debits positive, a credit memo negative. */
  amountCents: number;
  openCents: number;
  /** The day the copy is made: open amount as of then. */
  asOf: string;
  accountNumber: string;
  /** Bill-to block: the customer's (or its bill-to parent's) name, attention line, ... */
  billTo: readonly string[];
}

const TITLES: Record<InvoiceCopy['type'], string> = {
  invoice: 'Invoice', debit_memo: 'Debit memo', credit_memo: 'Credit memo',
};

/** Writes the copy as a one-page PDF. */
export function writeInvoiceCopyPdf(c: InvoiceCopy): Promise<Buffer> {
  return renderPdf({ title: `${TITLES[c.type]} ${c.number} (copy)`, date: c.asOf },
    (doc) => drawInvoiceCopy(doc, c));
}

const LEFT = 54;
const RIGHT_X = 330;
const WIDTH = 504;

/** Draws the copy from the top of the current page (also an enclosure of a letter or fax). */
export function drawInvoiceCopy(doc: Pdf, c: InvoiceCopy): void {
  const money = (cents: number) => formatAmount(Math.abs(cents), currencyExponent(c.currency),
    true);
  const top = doc.page.margins.top;
  drawCopyMark(doc);
  doc.fillColor('black').font('Helvetica-Bold').fontSize(16).text(c.companyName, LEFT, top);
  doc.fontSize(13).text(TITLES[c.type], LEFT, top + 24);
  doc.font('Helvetica-Bold').fontSize(11).fillColor('#b00020')
    .text('COPY', LEFT, top, { width: WIDTH, align: 'right' }).fillColor('black');

  const facts: [string, string][] = [
    ['Number', c.number], ['Date', c.documentDate], ['Due date', c.dueDate],
    ['Terms', c.terms ?? '-'], ['PO number', c.poNumber ?? '-'],
    ['Order number', c.orderNumber ?? '-'], ['Account', c.accountNumber],
  ];
  let y = top + 60;
  doc.fontSize(10);
  for (const [label, value] of facts) {
    doc.font('Helvetica').text(label, RIGHT_X, y, { width: 80, lineBreak: false });
    // Long terms ("2/10EOM (2% 10, due end of following month)") wrap within the margin.
    doc.font('Helvetica-Bold').text(value, RIGHT_X + 84, y, { width: LEFT + WIDTH - RIGHT_X - 84 });
    y = Math.max(y + 15, doc.y + 3);
  }
  doc.font('Helvetica-Bold').text('Bill to', LEFT, top + 60);
  doc.font('Helvetica');
  for (const line of c.billTo) doc.text(line, LEFT, doc.y, { width: 260 });

  y = Math.max(y, doc.y) + 30;
  const credit = c.type === 'credit_memo';
  const rows: [string, string][] = [
    [credit ? 'Credit amount' : 'Amount', money(c.amountCents)],
    [credit ? 'Applied' : 'Paid and credited', money(c.amountCents - c.openCents)],
    [credit ? `Unapplied as of ${c.asOf}` : `Open amount as of ${c.asOf}`, money(c.openCents)],
  ];
  doc.moveTo(LEFT, y).lineTo(LEFT + WIDTH, y).lineWidth(0.5).stroke();
  y += 8;
  doc.font('Helvetica-Bold').text('Description', LEFT, y)
    .text(`Amount (${c.currency})`, LEFT + 304, y, { width: 200, align: 'right' });
  y += 18;
  doc.font('Helvetica').text(c.memo ?? `${TITLES[c.type]} ${c.number}`, LEFT, y, { width: 300 });
  doc.text(money(c.amountCents), LEFT + 304, y, { width: 200, align: 'right' });
  y = Math.max(doc.y, y + 14) + 14;
  doc.moveTo(LEFT + 254, y).lineTo(LEFT + WIDTH, y).stroke();
  y += 8;
  rows.forEach(([label, value], i) => {
    doc.font(i === rows.length - 1 ? 'Helvetica-Bold' : 'Helvetica')
      .text(label, LEFT + 254, y, { width: 150, lineBreak: false })
      .text(value, LEFT + 404, y, { width: 100, align: 'right', lineBreak: false });
    y += 16;
  });
  doc.font('Helvetica').fontSize(8).fillColor('#555555').text(
    `Copy of the ${TITLES[c.type].toLowerCase()} issued on ${c.documentDate}, made on ${c.asOf}. `
    + 'Not a new bill: please pay against the original number.', LEFT, y + 30, { width: WIDTH });
  doc.fillColor('black').fontSize(10).text('', LEFT, doc.y);
}

/** A large, light "COPY" across the page, under everything else drawn on it. */
function drawCopyMark(doc: Pdf): void {
  doc.save();
  doc.rotate(-30, { origin: [306, 396] });
  doc.font('Helvetica-Bold').fontSize(120).fillColor('#000000').fillOpacity(0.07)
    .text('COPY', 106, 340, { width: 400, align: 'center', lineBreak: false });
  doc.restore();
  doc.fillOpacity(1);
}
