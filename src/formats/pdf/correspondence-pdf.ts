import PDFDocument from 'pdfkit';
import { drawInvoiceCopy, type InvoiceCopy } from './invoice-copy.ts';
import { drawLetter, type Letter } from './letter-pdf.ts';
import { renderPdf, type Pdf } from './render.ts';
import { drawStatement, type OpenItemStatement } from './statement-pdf.ts';

// A letter or a fax as one PDF: the letter (for a fax, under a cover block naming the recipient
// and the fax number), then each enclosure ARC can draw on its own pages: the statement of
// account, invoice copies, and JPEG/PNG images (a photographed POD). pdfkit cannot import the
// pages of an existing PDF, so uploaded PDFs and TIFFs travel beside this one, never inside it.

export type Enclosure =
  | { kind: 'statement'; statement: OpenItemStatement }
  | { kind: 'invoice_copy'; copy: InvoiceCopy }
  | { kind: 'image'; title: string; content: Buffer };

export interface FaxCover {
  to: string;
  faxNumber: string;
  from: string;
}

export interface ComposedLetter {
  letter: Letter;
  /** Set for a fax: a cover block above the letter. */
  fax?: FaxCover;
  enclosures: readonly Enclosure[];
}

/** Writes the letter and its drawable enclosures, each enclosure from a new page. */
export function writeComposedPdf(c: ComposedLetter): Promise<Buffer> {
  const title = c.fax ? `Fax: ${c.letter.subject}` : c.letter.subject;
  return renderPdf({ title, date: c.letter.date }, (doc) => {
    if (c.fax) drawFaxCover(doc, c.fax, c.letter.date);
    drawLetter(doc, c.letter);
    for (const e of c.enclosures) {
      doc.addPage();
      if (e.kind === 'statement') drawStatement(doc, e.statement);
      else if (e.kind === 'invoice_copy') drawInvoiceCopy(doc, e.copy);
      else drawImagePage(doc, e.title, e.content);
    }
  });
}

function drawFaxCover(doc: Pdf, f: FaxCover, date: string): void {
  const left = doc.page.margins.left;
  doc.font('Helvetica-Bold').fontSize(22).text('FAX', left, doc.y);
  doc.fontSize(10);
  for (const [label, value] of [['To', f.to], ['Fax', f.faxNumber], ['From', f.from],
    ['Date', date]] as const) {
    doc.font('Helvetica-Bold').text(`${label}:`, left, doc.y, { continued: true, width: 504 })
      .font('Helvetica').text(` ${value}`);
  }
  const y = doc.y + 8;
  doc.moveTo(left, y).lineTo(left + 504, y).lineWidth(1).stroke();
  doc.text('', left, y + 16);
}

function drawImagePage(doc: Pdf, title: string, content: Buffer): void {
  const left = doc.page.margins.left;
  doc.font('Helvetica-Bold').fontSize(11).text(title, left, doc.page.margins.top);
  doc.image(content, left, doc.y + 8, { fit: [504, 620], align: 'center' });
}

/**
 * Whether pdfkit can place this image on a page without decoding its pixels: any JPEG it can
 * read the header of, and PNGs that are not interlaced and have no alpha channel or palette
 * transparency (pdfkit decodes those in a zlib callback that would throw outside any caller on
 * a damaged file). Other images go as their own attachment.
 */
export function canEmbedImage(content: Buffer, contentType: string): boolean {
  if (contentType === 'image/png' && !pngPassesThrough(content)) return false;
  if (contentType !== 'image/png' && contentType !== 'image/jpeg') return false;
  const probe = new PDFDocument({ autoFirstPage: false });
  try {
    (probe as unknown as { openImage(src: Buffer): unknown }).openImage(content);
    return true;
  } catch {
    // Not readable as an image: it is sent as the file it is.
    return false;
  }
}

/** PNG with a header pdfkit copies straight into the PDF (see canEmbedImage). */
function pngPassesThrough(content: Buffer): boolean {
  if (content.length < 33 || content.toString('latin1', 12, 16) !== 'IHDR') return false;
  const colorType = content[25]!;
  const interlaced = content[28] !== 0;
  if (interlaced || colorType === 4 || colorType === 6) return false;
  if (colorType !== 3) return true;
  // Indexed colour: fine unless a tRNS chunk asks for an alpha channel.
  let at = 8;
  while (at + 8 <= content.length) {
    const length = content.readUInt32BE(at);
    const type = content.toString('latin1', at + 4, at + 8);
    if (type === 'tRNS') return false;
    if (type === 'IDAT' || type === 'IEND') return true;
    at += 12 + length;
  }
  return false;
}
