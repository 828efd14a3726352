// End to end, documents on items and correspondence: the real server (`arc start`, fresh demo
// data) sending mail to a real SMTP server in this process, driven through Debian's Chromium.
// A collector uploads a proof of delivery (a PDF) to an invoice on the account's items, downloads
// the invoice copy, then from the collections view emails the statement + the invoice copy + the
// POD; the message is read back from the SMTP server and every PDF opened with pdf.js. Then a
// letter is written as a PDF. Screenshots land in test-results/screenshots/attachments-*.png,
// the PDFs' pages beside them (rendered by pdf.js in Chromium).
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { simpleParser } from 'mailparser';
import type { BrowserContext, Page } from 'playwright-core';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pdfText } from '../../src/formats/pdf/testing.ts';
import { samplePdf } from '../support/sample-files.ts';
import {
  apiSession, demoLogins, launchBrowser, ROOT, screenshot, settled, signInPage, startServer,
  type Login, type RoleName, type RunningServer,
} from './harness.ts';
import { pdfPagesToPng } from './pdf-pages.ts';

const SHOTS = join(ROOT, 'test-results/screenshots');

interface Received { to: string[]; subject: string; text: string;
  attachments: { filename: string; contentType: string; content: Buffer }[] }

let smtp: SMTPServer;
const inbox: Received[] = [];
let server: RunningServer;
let browser: BrowserContext;
let closeBrowser: (() => Promise<void>) | undefined;
let logins: Map<RoleName, Login>;

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  smtp = new SMTPServer({
    authOptional: true, disabledCommands: ['STARTTLS'],
    onData(stream, session, callback) {
      simpleParser(stream).then((m) => {
        inbox.push({ to: session.envelope.rcptTo.map((r) => r.address), subject: m.subject ?? '',
          text: m.text ?? '', attachments: m.attachments.map((a) => ({
            filename: a.filename ?? '', contentType: a.contentType, content: a.content })) });
        callback();
      }, callback);
    },
  });
  await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', resolve));
  const smtpPort = (smtp.server.address() as { port: number }).port;
  server = await startServer(240_000, { ARC_SMTP_HOST: '127.0.0.1',
    ARC_SMTP_PORT: String(smtpPort), ARC_MAIL_FROM: 'ar@demo.example',
    ARC_COMPANY_NAME: 'Demo Distribution Co.' });
  logins = await demoLogins(server);
  const launched = await launchBrowser();
  browser = launched.context;
  closeBrowser = launched.close;
}, 420_000);

afterAll(async () => {
  await closeBrowser?.();
  await server?.stop();
  await new Promise<void>((resolve) => (smtp ? smtp.close(() => resolve()) : resolve()));
});

/** A signed-in API session for what the test needs to find (an account, its items). */
async function apiAs(role: RoleName) {
  const session = await apiSession(server.baseUrl, logins.get(role));
  expect(session).not.toBeNull();
  const { cookie } = session!;
  return async <T>(path: string): Promise<T> => {
    const r = await fetch(`${server.baseUrl}/api/v1${path}`, { headers: { cookie } });
    expect(r.status, path).toBe(200);
    return (await r.json()) as T;
  };
}

async function shot(page: Page, name: string): Promise<void> {
  await screenshot(page, join(SHOTS, `attachments-${name}.png`));
}

/** Saves a PDF's pages as PNGs next to the screenshots. */
async function pdfShots(pdf: Buffer, name: string): Promise<void> {
  await pdfPagesToPng(browser, pdf, join(SHOTS, `attachments-${name}`));
}

async function download(page: Page, click: () => Promise<void>): Promise<Buffer> {
  const [file] = await Promise.all([page.waitForEvent('download'), click()]);
  return readFileSync((await file.path())!);
}

interface Item { id: number; type: string; number: string; open: string }
interface Customer { id: number; accountNumber: string; name: string;
  contacts: { name: string; email: string | null }[] }

describe('documents and correspondence in the browser', () => {
  it('uploads a POD, emails it with the statement and the invoice copy, writes a letter',
    async () => {
      const get = await apiAs('collector');
      const list = await get<{ items: { customerId: number }[] }>('/worklist?limit=50');
      // An account of the collector's with an open invoice and an AP contact with an email.
      let account: Customer | undefined;
      let invoice: Item | undefined;
      for (const entry of list.items) {
        const c = (await get<{ customer: Customer }>(`/customers/${entry.customerId}`)).customer;
        const items = (await get<{ items: Item[] }>(`/customers/${c.id}/items`)).items;
        const open = items.find((i) => i.type === 'invoice' && !i.open.startsWith('-'));
        if (open && c.contacts.some((p) => p.email)) {
          [account, invoice] = [c, open];
          break;
        }
      }
      expect(account, 'an account with an open invoice and an emailed contact').toBeDefined();
      const [c, inv] = [account!, invoice!];
      const email = c.contacts.find((p) => p.email)!.email!;
      const pod = await samplePdf('Proof of delivery', [`Invoice ${inv.number}`,
        'Delivered to: receiving dock 4', 'Received in good order: J. Receiver']);

      const page = await signInPage(browser, server.baseUrl, logins.get('collector')!,
        'collector');
      await page.goto(`${server.baseUrl}/customers/${c.id}?tab=items`);
      await page.getByRole('heading', { name: c.name }).waitFor();
      const row = page.getByTestId('items-table').locator('tbody tr')
        .filter({ hasText: inv.number });
      await row.getByRole('button', { name: `Documents of ${inv.number}` }).click();
      const dialog = page.getByRole('dialog', { name: `Documents · ${inv.number}` });
      await dialog.getByText('No documents kept on this item yet.').waitFor();

      // The invoice copy downloads as a PDF marked COPY.
      const copy = await download(page, () =>
        dialog.getByRole('link', { name: 'Invoice copy (PDF)' }).click());
      const copyText = await pdfText(copy);
      for (const part of ['Demo Distribution Co.', 'COPY', inv.number, c.name]) {
        expect(copyText).toContain(part);
      }
      await pdfShots(copy, 'invoice-copy');

      // Upload the POD.
      await dialog.getByLabel('File').setInputFiles({ name: `pod-${inv.number}.pdf`,
        mimeType: 'application/pdf', buffer: pod });
      await dialog.getByLabel('Kind').selectOption('pod');
      await shot(page, 'upload-dialog');
      await dialog.getByRole('button', { name: 'Upload' }).click();
      await expect.poll(() => dialog.getByRole('status').textContent())
        .toContain(`Kept pod-${inv.number}.pdf.`);
      const docRow = dialog.locator('tbody tr').filter({ hasText: `pod-${inv.number}.pdf` });
      await expect.poll(() => docRow.textContent()).toContain('Proof of delivery');
      await shot(page, 'item-documents');
      const viewed = await download(page, () =>
        docRow.getByRole('link', { name: 'Download' }).click());
      expect(Buffer.compare(viewed, pod)).toBe(0);
      await dialog.getByRole('button', { name: 'Close' }).click();
      await expect.poll(() => row.getByRole('button', { name: `Documents of ${inv.number}` })
        .textContent()).toBe('1 doc');
      await shot(page, 'items');

      // Email the statement, the invoice copy and the POD from the collections view.
      await page.getByRole('tab', { name: 'Collections' }).click();
      await page.getByRole('button', { name: 'Send email / fax / letter…' }).click();
      const form = page.getByRole('dialog', { name: 'Send email, fax or letter' });
      await form.getByLabel('Template').selectOption('invoice_copies');
      await expect.poll(() => form.getByLabel('Contact').locator('option:checked').textContent())
        .toContain(email);
      await form.getByRole('checkbox', { name: `Copy of ${inv.number}` }).check();
      await form.getByRole('checkbox', { name: `pod-${inv.number}.pdf (${inv.number})` }).check();
      await expect.poll(() => form.locator('.form-actions').textContent()).toContain('3 enclosed');
      await shot(page, 'send-form');
      const before = inbox.length;
      await form.getByRole('button', { name: 'Send email' }).click();
      await expect.poll(() => form.getByRole('status').textContent())
        .toContain(`Email sent to ${email} with 3 attachments`);
      await expect.poll(() => inbox.length).toBe(before + 1);
      await shot(page, 'sent');

      const mail = inbox.at(-1)!;
      expect(mail.to).toEqual([email]);
      expect(mail.subject).toBe(`Invoice copies for account ${c.accountNumber}`);
      expect(mail.text).toContain(inv.number);
      expect(mail.text).toContain(`Proof of delivery for ${inv.number} (pod-${inv.number}.pdf)`);
      const statementName = new RegExp(`^statement-${c.accountNumber}-\\d{4}-\\d\\d-\\d\\d\\.pdf$`);
      expect(mail.attachments.map((a) => [a.filename, a.contentType])).toEqual([
        [expect.stringMatching(statementName), 'application/pdf'],
        [`invoice-copy-${inv.number}.pdf`, 'application/pdf'],
        [`pod-${inv.number}.pdf`, 'application/pdf'],
      ]);
      const [statement, mailedCopy, mailedPod] = mail.attachments.map((a) => a.content);
      const statementText = await pdfText(statement!);
      expect(statementText).toContain('Statement of account');
      expect(statementText).toContain(c.accountNumber);
      expect(statementText).toContain(inv.number);
      const mailedCopyText = await pdfText(mailedCopy!);
      expect(mailedCopyText).toContain('COPY');
      expect(mailedCopyText).toContain(inv.number);
      expect(await pdfText(mailedPod!)).toContain('Received in good order: J. Receiver');
      expect(Buffer.compare(mailedPod!, pod)).toBe(0);
      await pdfShots(statement!, 'mailed-statement');

      // The letter: one PDF with the statement and the copy drawn in, the POD to print apart.
      await form.getByRole('button', { name: 'Letter' }).click();
      const letter = await download(page, () =>
        form.getByRole('button', { name: 'Write letter (PDF)' }).click());
      const letterText = await pdfText(letter);
      for (const part of [c.name, `Invoice copies for account ${c.accountNumber}`,
        'Enclosures', `Copy of ${inv.number}`, `(pod-${inv.number}.pdf), printed separately`,
        'Statement of account', 'COPY']) {
        expect(letterText).toContain(part);
      }
      await expect.poll(() => form.getByRole('status').textContent())
        .toContain(`Print separately too: pod-${inv.number}.pdf`);
      await pdfShots(letter, 'letter');
      await form.getByRole('button', { name: 'Close' }).click();

      // Both are on the timeline.
      const timeline = page.getByTestId('timeline').locator('li');
      await expect.poll(() => timeline.nth(0).textContent()).toContain('Letter');
      await expect.poll(() => timeline.nth(1).textContent()).toContain('Email');
      await settled(page);
      await shot(page, 'timeline');
      await page.close();
    }, 300_000);
});
