// End to end: the research queue's remittance advices screen, in Chromium against the real
// server (fresh demo database). A clerk uploads a bank deposit that names nobody (a BAI2 ACH
// credit of two invoices of one demo customer) and then the payer's X12 820 advice for it, from
// a payer the bank did not name: the advice waits. On "Remittance advices" the clerk sees it
// waiting with its invoice lines, picks the deposit among the candidates and links it: the
// deposit is matched with the lines and both invoices close. The clerk then unlinks it with a
// reason: the applications are reversed, both invoices are open again and the advice waits
// again. Screenshots land in test-results/screenshots/research-advices-*.png.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { bai2, x820 } from '../remittance-advice-fixtures.ts';
import { clerkSuite, screenshot, SHOTS, signInPage, toCents } from './harness.ts';

const suite = clerkSuite('advices');
const { get } = suite;

interface Item { id: number; type: string; number: string; open: string }
interface Customer { id: number; accountNumber: string; name: string }

/** A demo customer with two open invoices (their numbers and open amounts). */
async function customerWithTwoInvoices(): Promise<{ customer: Customer; items: Item[] }> {
  const customers = await get<{ items: Customer[] }>('/customers?limit=60');
  for (const customer of customers.items) {
    const items = (await get<{ items: Item[] }>(`/customers/${customer.id}/items?status=open`))
      .items.filter((i) => i.type === 'invoice' && !i.open.startsWith('-'));
    if (items.length >= 2) return { customer, items: items.slice(0, 2) };
  }
  throw new Error('no demo customer with two open invoices');
}

async function openIds(customer: Customer): Promise<number[]> {
  return (await get<{ items: Item[] }>(`/customers/${customer.id}/items?status=open`))
    .items.map((i) => i.id);
}

async function shot(page: Page, name: string): Promise<void> {
  await screenshot(page, join(SHOTS, `research-advices-${name}.png`));
}

/** Server work (an import, a link and its matching) on a shared, loaded machine. */
const WAIT = { timeout: 20_000 };

const decimal = (cents: bigint) => `${cents / 100n}.${String(cents % 100n).padStart(2, '0')}`;

describe('remittance advices in the browser', () => {
  it('links a waiting advice to its deposit, then unlinks it with a reason', async () => {
    const { customer, items } = await customerWithTwoInvoices();
    const cents = items.map((i) => toCents(i.open));
    const total = cents[0]! + cents[1]!;
    const today = new Date().toISOString().slice(0, 10);
    const deposit = join(suite.dir, 'deposit.bai2');
    writeFileSync(deposit, bai2(today, [{ cents: Number(total), bankRef: 'E2E-DEP-820' }])
      .replace(/\n/g, '\r\n'));
    const advice = join(suite.dir, 'advice.820');
    writeFileSync(advice, x820({ amount: decimal(total), date: today, trace: 'E2E-TRACE-1',
      payer: 'ZENITH SHARED SERVICES', payerAccount: '31337', control: '000000901',
      rmr: items.map((i, n) => `RMR*IV*${i.number}*PI*${decimal(cents[n]!)}`) })
      .replace(/\n/g, '\r\n'));

    const page = await signInPage(suite.browser, suite.server.baseUrl, suite.logins.get('cash_application')!,
      'cash_application');
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Research' })
      .click();
    await page.getByRole('heading', { name: 'Research queue' }).waitFor();
    await page.getByTestId('bank-file').setInputFiles(deposit);
    await expect.poll(() => page.getByRole('status').textContent(), WAIT).toContain('1 payments');
    await page.getByTestId('bank-file').setInputFiles(advice);
    await expect.poll(() => page.getByRole('status').textContent(), WAIT)
      .toContain('1 remittance advice(s): 0 linked to their deposit, 1 waiting');

    // The queue's link to the advices says how many wait for their deposit.
    const advicesLink = page.getByTestId('advices-link');
    await expect.poll(() => advicesLink.textContent(), WAIT).toMatch(/\d+ waiting/);
    await shot(page, 'queue');
    await advicesLink.click();
    await page.getByRole('heading', { name: 'Remittance advices' }).waitFor();
    const table = page.getByTestId('advices');
    // By keyboard: "/" to the search, the trace number, then Enter to the deposit form.
    await table.waitFor();
    await page.keyboard.press('/');
    await page.keyboard.type('E2E-TRACE-1');
    await expect.poll(() => table.locator('tbody tr').count()).toBe(1);
    await page.getByRole('heading', { name: 'Remittance advices' }).click();
    await page.keyboard.press('ArrowDown');
    const detail = page.getByTestId('advice-detail');
    await expect.poll(() => detail.textContent()).toContain('E2E-TRACE-1');
    await page.keyboard.press('Enter');
    await expect.poll(() => page.evaluate('document.activeElement?.getAttribute("name")'))
      .toBe('deposit');
    await page.getByLabel('Search advices').fill('');
    const lines = detail.getByTestId('advice-lines');
    for (const i of items) await lines.getByText(i.number).waitFor();
    await expect.poll(() => detail.getByTestId('advice-reasons').textContent())
      .toMatch(/no deposit with its trace number/);
    await shot(page, 'waiting');

    const link = detail.getByTestId('link-advice');
    await link.getByLabel('Deposit E2E-DEP-820').check();
    await link.getByRole('button', { name: 'Link and match' }).click();
    await expect.poll(() => page.getByRole('status').textContent(), WAIT)
      .toMatch(/linked to payment \d+: linked by hand/);
    await expect.poll(async () => (await openIds(customer)).filter(
      (id) => items.some((i) => i.id === id)).length, WAIT).toBe(0);

    await page.getByRole('group', { name: 'Show' }).getByRole('button', { name: 'Linked' })
      .click();
    await table.locator('tr', { hasText: 'E2E-TRACE-1' }).click();
    const unlink = detail.getByTestId('unlink-advice');
    await expect.poll(() => unlink.textContent()).toContain('E2E-DEP-820');
    await expect.poll(() => unlink.textContent()).toContain(customer.accountNumber);
    await unlink.getByLabel('Why unlink').fill('the advice pays another deposit');
    await shot(page, 'linked');
    await unlink.getByRole('button', { name: 'Unlink' }).click();
    await expect.poll(() => page.getByRole('status').textContent(), WAIT)
      .toMatch(/unlinked from payment \d+: \d+ application\(s\) reversed/);
    await expect.poll(async () => (await openIds(customer)).filter(
      (id) => items.some((i) => i.id === id)).length, WAIT).toBe(2);

    await page.getByRole('group', { name: 'Show' }).getByRole('button', { name: 'Waiting' })
      .click();
    await table.locator('tr', { hasText: 'E2E-TRACE-1' }).click();
    await expect.poll(() => detail.getByTestId('advice-reasons').textContent())
      .toContain('the advice pays another deposit');
    await detail.getByTestId('link-advice').waitFor();
    await shot(page, 'unlinked');
    await page.close();
  });
});
