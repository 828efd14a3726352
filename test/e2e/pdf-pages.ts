// Renders a PDF's pages to PNG files in Chromium with pdf.js (what a viewer shows), so a test can
// save them next to its screenshots and a person can look at letters, faxes and copies.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { BrowserContext } from 'playwright-core';
import { ROOT } from './harness.ts';

const ORIGIN = 'http://pdf-pages.invalid';
const PDFJS = join(ROOT, 'node_modules/pdfjs-dist/build');

const VIEWER = `<!doctype html><meta charset="utf-8"><style>body{margin:0;background:#888}
canvas{display:block;margin:0 0 8px;background:#fff}</style><body><script type="module">
import * as pdfjs from '${ORIGIN}/pdf.mjs';
pdfjs.GlobalWorkerOptions.workerSrc = '${ORIGIN}/pdf.worker.mjs';
const pdf = await pdfjs.getDocument({ url: '${ORIGIN}/file.pdf',
  standardFontDataUrl: '${ORIGIN}/standard_fonts/' }).promise;
for (let n = 1; n <= pdf.numPages; n++) {
  const page = await pdf.getPage(n);
  const viewport = page.getViewport({ scale: 1.5 });
  const canvas = document.createElement('canvas');
  canvas.width = viewport.width; canvas.height = viewport.height;
  document.body.append(canvas);
  await page.render({ canvasContext: canvas.getContext('2d'), viewport, canvas }).promise;
}
document.body.dataset.pages = String(pdf.numPages);
</script>`;

/** Writes `<pathPrefix>-p<N>.png` for each page; returns the paths. */
export async function pdfPagesToPng(
  context: BrowserContext, pdf: Buffer, pathPrefix: string,
): Promise<string[]> {
  const page = await context.newPage();
  try {
    await page.route(`${ORIGIN}/**`, async (route) => {
      const path = new URL(route.request().url()).pathname;
      if (path === '/view.html') {
        return route.fulfill({ contentType: 'text/html', body: VIEWER });
      }
      if (path === '/file.pdf') return route.fulfill({ contentType: 'application/pdf', body: pdf });
      const file = path.startsWith('/standard_fonts/')
        ? join(PDFJS, '..', path) : join(PDFJS, path);
      return route.fulfill({ contentType: path.endsWith('.mjs') ? 'text/javascript'
        : 'application/octet-stream', body: readFileSync(file) });
    });
    await page.goto(`${ORIGIN}/view.html`);
    await page.waitForSelector('body[data-pages]', { timeout: 30_000 });
    const canvases = page.locator('canvas');
    const paths: string[] = [];
    for (let i = 0; i < (await canvases.count()); i++) {
      const path = `${pathPrefix}-p${i + 1}.png`;
      await canvases.nth(i).screenshot({ path });
      paths.push(path);
    }
    return paths;
  } finally {
    await page.close();
  }
}
