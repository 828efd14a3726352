// End to end: the research queue in Chromium against the real server (fresh demo database).
// A clerk uploads a lockbox file whose payment comes from a payer nobody knows but names one of
// the demo company's open invoices: it waits in the queue with that invoice as the suggestion
// and the reasons; one keystroke (a) accepts it and the invoice closes. Screenshots land in
// test-results/screenshots/research-*.png.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { clerkSuite, screenshot, SHOTS, signInPage } from './harness.ts';

const suite = clerkSuite('research');
const { get } = suite;

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
    const file = join(suite.dir, 'lockbox-research.csv');
    writeFileSync(file, 'batch,item,check_number,amount,payer_name,payer_account,' +
      'payer_routing,deposit_date,invoice_references,memo\n' +
      `901,1,55501,${amount},QUICKPAY PAYMENT SERVICES,,,${today},${item.number}:${amount},\n`);

    const page = await signInPage(suite.browser, suite.server.baseUrl, suite.logins.get('cash_application')!,
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
