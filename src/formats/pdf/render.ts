import PDFDocument from 'pdfkit';

// Shared pdfkit set-up for ARC's PDF writers: letter-size pages, the standard Helvetica fonts
// (no font files), and a fixed creation date so the same input gives the same bytes.

export type Pdf = InstanceType<typeof PDFDocument>;

export interface PdfMeta {
  title: string;
  /** The business date the document is as of; also its creation date. */
  date: string;
}

/** Renders with `draw` and resolves to the PDF's bytes. */
export function renderPdf(meta: PdfMeta, draw: (doc: Pdf) => void): Promise<Buffer> {
  const doc = new PDFDocument({
    size: 'LETTER', margin: 54, compress: true,
    info: { Title: meta.title, Producer: 'ARC', Creator: 'ARC',
      CreationDate: new Date(`${meta.date}T00:00:00Z`) },
  });
  const chunks: Buffer[] = [];
  doc.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
  draw(doc);
  doc.end();
  return done;
}

/** Column x positions and widths for a simple table row. */
export interface Column {
  x: number;
  width: number;
  align?: 'left' | 'right';
}

export function tableRow(doc: Pdf, y: number, columns: readonly Column[], cells: string[]): void {
  columns.forEach((c, i) => {
    doc.text(cells[i] ?? '', c.x, y,
      { width: c.width, align: c.align ?? 'left', lineBreak: false });
  });
}
