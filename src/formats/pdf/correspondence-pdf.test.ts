import { describe, expect, it } from 'vitest';
import { samplePng } from '../../../test/support/sample-files.ts';
import { canEmbedImage, writeComposedPdf } from './correspondence-pdf.ts';
import { pdfText } from './testing.ts';

describe('canEmbedImage', () => {
  it.each([
    ['an RGB PNG', samplePng(3, 2), 'image/png', true],
    ['an RGBA PNG (pdfkit would decode it)', samplePng(3, 2, { alpha: true }), 'image/png', false],
    ['an interlaced PNG', samplePng(3, 2, { interlaced: true }), 'image/png', false],
    ['a PNG header only', samplePng(3, 2).subarray(0, 20), 'image/png', false],
    ['a JPEG without a frame header', Buffer.from([0xff, 0xd8, 0xff, 0xd9]), 'image/jpeg', false],
    ['a TIFF', Buffer.from([0x49, 0x49, 0x2a, 0x00, 8, 0, 0, 0]), 'image/tiff', false],
    ['a PDF', Buffer.from('%PDF-1.4'), 'application/pdf', false],
  ])('%s: %s', (_, content, type, expected) => {
    expect(canEmbedImage(content, type)).toBe(expected);
  });
});

describe('writeComposedPdf', () => {
  it('puts the fax cover and letter first, each enclosure on its own page', async () => {
    const text = await pdfText(await writeComposedPdf({
      letter: { companyName: 'Demo Company', date: '2026-11-20', to: ['Acme Stores'],
        subject: 'Invoice copies', paragraphs: ['Dear Pat,', 'Enclosed as asked.'],
        itemLines: [], signature: 'Ann, Demo Company', enclosures: ['Copy of INV-1001',
          'Proof of delivery for INV-1001 (pod.png)'] },
      fax: { to: 'Acme Stores', faxNumber: '+1 555 010 2000', from: 'Demo Company' },
      enclosures: [
        { kind: 'invoice_copy', copy: { companyName: 'Demo Company', type: 'invoice',
          number: 'INV-1001', documentDate: '2026-09-01', dueDate: '2026-10-01', terms: null,
          poNumber: null, orderNumber: null, memo: null, currency: 'USD', amountCents: 125_000,
          openCents: 125_000, asOf: '2026-11-20', accountNumber: 'C001', billTo: ['Acme'] } },
        { kind: 'image', title: 'Proof of delivery for INV-1001 (pod.png)',
          content: samplePng(30, 20) },
      ],
    }));
    const pages = text.split('\n');
    expect(pages).toHaveLength(3);
    expect(pages[0]).toMatch(/FAX.*\+1 555 010 2000.*Invoice copies.*Enclosures.*Copy of INV-1001/);
    expect(pages[1]).toMatch(/Invoice.*COPY.*INV-1001/);
    expect(pages[2]).toBe('Proof of delivery for INV-1001 (pod.png)');
  });
});
