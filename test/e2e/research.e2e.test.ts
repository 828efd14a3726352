// End to end: the research queue in Chromium against the real server (fresh demo database).
// A clerk uploads a lockbox file whose payment comes from a payer nobody knows but names one of
// the demo company's open invoices: it waits in the queue with that invoice as the suggestion
// and the reasons; one keystroke (a) accepts it and the invoice closes. Screenshots land in
// test-results/screenshots/research-*.png.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  apiSession, demoLogins, launchBrowser, ROOT, screenshot, signInPage, startServer,
  type Login, type RoleName, type RunningServer,
} from './harness.ts';

const SHOTS = join(ROOT, 'test-results/screenshots');
let server: RunningServer;
let browser: BrowserContext;
let closeBrowser: (() => Promise<void>) | undefined;
let logins: Map<RoleName, Login>;
let dir: string;
let cookie = '';

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  dir = mkdtempSync(join(tmpdir(), 'arc-e2e-research-'));
  server = await startServer();
  logins = await demoLogins(server);
  const session = await apiSession(server.baseUrl, logins.get('cash_application'));
  expect(session).not.toBeNull();
  cookie = session!.cookie;
  const launched = await launchBrowser();
  browser = launched.context;
  closeBrowser = launched.close;
}, 420_000);

afterAll(async () => {
  await closeBrowser?.();
  await server?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

async function get<T>(path: string): Promise<T> {
  const res = await fetch(`${server.baseUrl}/api/v1${path}`, { headers: { cookie } });
  expect(res.status).toBe(200);
  return (await res.json()) as T;
}

interface Item { id: number; type: string; number: string; open: string; documentDate: string }

/** An open invoice of the demo company that no other open item matches by amount. */
async function openInvoice(): Promise<{ customerId: number; item: Item }> {
  const customers = await get<{ items: { id: number }[] }>('/customers?limit=20');
  for (const c of customers.items) {
    const items = (await get<{ items: Item[] }>(`/customers/${c.id}/items?status=open`)).items;
    const item = items.find((i) => i.type === 'invoice' && !i.open.startsWith('-'));
    if (item) return { customerId: c.id, item };
  }
  throw new Error('no open invoice in the demo company');
}

async function shot(page: Page, name: string): Promise<void> {
  await screenshot(page, join(SHOTS, `research-${name}.png`));
}

describe('research queue in the browser', () => {
  it('uploads a bank file and accepts the suggestion with one keystroke', async () => {
    const { customerId, item } = await openInvoice();
    const amount = item.open.replace(/,/g, '');
    const today = new Date().toISOString().slice(0, 10);
    const file = join(dir, 'lockbox-research.csv');
    writeFileSync(file, 'batch,item,check_number,amount,payer_name,payer_account,' +
      'payer_routing,deposit_date,invoice_references,memo\n' +
      `901,1,55501,${amount},QUICKPAY PAYMENT SERVICES,,,${today},${item.number}:${amount},\n`);

    const page = await signInPage(browser, server.baseUrl, logins.get('cash_application')!,
      'cash_application');
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Research' })
      .click();
    await page.getByRole('heading', { name: 'Research queue' }).waitFor();
    await shot(page, 'before-upload');

    await page.getByTestId('bank-file').setInputFiles(file);
    await expect.poll(() => page.getByRole('status').textContent())
      .toContain('1 payments, 0 applied automatically, 1 to review');
    const row = page.getByTestId('research-queue').locator('tr', { hasText: '55501' });
    await row.waitFor();
    await row.click();
    await expect.poll(() => row.textContent()).toContain(item.number);
    await expect.poll(() => page.getByTestId('reasons').textContent())
      .toContain(`${item.number} (exact)`);
    await expect.poll(() => page.getByTestId('by-age').textContent()).toContain('0-7 days');
    await shot(page, 'suggestion');

    await page.keyboard.press('a');
    await expect.poll(() => page.getByRole('status').textContent())
      .toContain('55501: suggestion accepted');
    await expect.poll(() => page.getByTestId('research-queue').locator('tr', { hasText: '55501' })
      .count()).toBe(0);
    await shot(page, 'accepted');
    const after = (await get<{ items: Item[] }>(`/customers/${customerId}/items?status=open`))
      .items;
    expect(after.some((i) => i.id === item.id)).toBe(false);
    await page.close();
  });
});
