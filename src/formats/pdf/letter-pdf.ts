import { renderPdf, type Pdf } from './render.ts';

/** A dunning letter (or a fax cover): ready to print and mail, or to send to a fax gateway. */
export interface Letter {
  companyName: string;
  date: string;
  /** Address block lines: the customer's name, attention line, ... */
  to: readonly string[];
  subject: string;
  paragraphs: readonly string[];
  /** Item lines listed under the text ("INV-1001  due 2026-10-15  1,250.00"). */
  itemLines: readonly string[];
  signature: string;
  /** What goes with it, listed under the signature ("Invoice copy INV-1001"). */
  enclosures?: readonly string[];
}

export function writeLetterPdf(l: Letter): Promise<Buffer> {
  return renderPdf({ title: l.subject, date: l.date }, (doc) => drawLetter(doc, l));
}

/** Draws the letter from the current page on (a composed letter adds its enclosures after). */
export function drawLetter(doc: Pdf, l: Letter): void {
  doc.font('Helvetica-Bold').fontSize(14).text(l.companyName);
  doc.font('Helvetica').fontSize(10).moveDown(1).text(l.date).moveDown(1);
  for (const line of l.to) doc.text(line);
  doc.moveDown(1).font('Helvetica-Bold').text(l.subject).font('Helvetica').moveDown(0.5);
  for (const p of l.paragraphs) doc.text(p).moveDown(0.5);
  if (l.itemLines.length > 0) {
    doc.moveDown(0.5).font('Courier').fontSize(9);
    for (const line of l.itemLines) doc.text(line);
    doc.font('Helvetica').fontSize(10);
  }
  doc.moveDown(1).text(l.signature);
  if (l.enclosures && l.enclosures.length > 0) {
    doc.moveDown(1.5).font('Helvetica-Bold').text('Enclosures').font('Helvetica');
    for (const e of l.enclosures) doc.text(`- ${e}`);
  }
}
