import { crc32, deflateSync } from 'node:zlib';
import { renderPdf } from '../../src/formats/pdf/render.ts';

// Real files for the document tests: a PDF with text that reads back (a scanned POD stands in
// as one), and PNG images written byte by byte.

/** A one-page PDF whose text is `lines` (pdf.js reads it back). */
export function samplePdf(title: string, lines: readonly string[]): Promise<Buffer> {
  return renderPdf({ title, date: '2026-06-01' }, (doc) => {
    doc.font('Helvetica-Bold').fontSize(16).text(title);
    doc.font('Helvetica').fontSize(11);
    for (const line of lines) doc.moveDown(0.5).text(line);
  });
}

function chunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

/**
 * A PNG of `width` x `height` in one colour: RGB (colour type 2), or RGBA (6) with `alpha`,
 * optionally marked interlaced (the pixel rows stay plain: enough to test who refuses it).
 */
export function samplePng(width: number, height: number,
  o: { rgb?: [number, number, number]; alpha?: boolean; interlaced?: boolean } = {}): Buffer {
  const [r, g, b] = o.rgb ?? [40, 90, 160];
  const pixel = o.alpha ? [r, g, b, 255] : [r, g, b];
  const row = Buffer.from([0, ...Array.from({ length: width }, () => pixel).flat()]);
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8;
  ihdr[9] = o.alpha ? 6 : 2;
  ihdr[12] = o.interlaced ? 1 : 0;
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(Buffer.concat(Array.from({ length: height }, () => row)))),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}
