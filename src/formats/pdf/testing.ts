import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { getDocument } from 'pdfjs-dist/legacy/build/pdf.mjs';

// For tests: reads a PDF's text back with pdf.js (a devDependency), as a viewer would.

const FONTS = join(dirname(createRequire(import.meta.url).resolve('pdfjs-dist/package.json')),
  'standard_fonts') + '/';

/** The text of every page, pages separated by newlines. */
export async function pdfText(bytes: Uint8Array): Promise<string> {
  const pdf = await getDocument({ data: new Uint8Array(bytes), standardFontDataUrl: FONTS })
    .promise;
  const pages: string[] = [];
  for (let n = 1; n <= pdf.numPages; n++) {
    const content = await (await pdf.getPage(n)).getTextContent();
    pages.push(content.items.map((i) => ('str' in i ? i.str : '')).join(' '));
  }
  await pdf.destroy();
  return pages.join('\n');
}
