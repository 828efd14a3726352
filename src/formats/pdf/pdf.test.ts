import { describe, expect, it } from 'vitest';
import { writeLetterPdf } from './letter-pdf.ts';
import { writeStatementPdf } from './statement-pdf.ts';
import { pdfText } from './testing.ts';

describe('PDF writers', () => {
  it('writes a statement of account that reads back', async () => {
    const bytes = await writeStatementPdf({
      companyName: 'Demo Company', customerName: 'Acme Stores', accountNumber: 'C001',
      asOf: '2026-11-20', currency: 'USD',
      items: [{ type: 'invoice', number: 'INV-1001', documentDate: '2026-09-01',
        dueDate: '2026-10-01', openCents: 125_000, daysPastDue: 50 }],
      agingCents: [0, 0, 125_000, 0, 0],
    });
    expect(bytes.subarray(0, 5).toString()).toBe('%PDF-');
    const text = await pdfText(bytes);
    for (const s of ['Statement of account', 'Acme Stores', 'INV-1001', '1,250.00']) {
      expect(text).toContain(s);
    }
    // Same input, same bytes.
    expect(Buffer.compare(bytes, await writeStatementPdf({
      companyName: 'Demo Company', customerName: 'Acme Stores', accountNumber: 'C001',
      asOf: '2026-11-20', currency: 'USD',
      items: [{ type: 'invoice', number: 'INV-1001', documentDate: '2026-09-01',
        dueDate: '2026-10-01', openCents: 125_000, daysPastDue: 50 }],
      agingCents: [0, 0, 125_000, 0, 0],
    }))).toBe(0);
  });

  it('writes a letter that reads back', async () => {
    const text = await pdfText(await writeLetterPdf({
      companyName: 'Demo Company', date: '2026-11-20', to: ['Acme Stores', 'Attn: Pat AP'],
      subject: 'Final demand', paragraphs: ['Your account is seriously past due.'],
      itemLines: ['INV-1001  due 2026-10-01  1,250.00'], signature: 'Ann, Collections',
    }));
    expect(text).toContain('Final demand');
    expect(text).toContain('INV-1001');
  });
});
