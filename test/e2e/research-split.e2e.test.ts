// End to end: splitting a payment across customers in the research queue, in Chromium against
// the real server (fresh demo database). A third party's check pays one open invoice of each of
// two demo customers; the engine cannot place it (nobody knows the payer), so it waits with the
// reason. The clerk opens "Split across customers", finds each customer, gives each its part
// (the remainder shows live), picks the invoice each part pays, and splits: both invoices
// close. Demo receipts that the engine could not place say why instead of a bare "not
// matched". A second check leaves part of one customer's share on account; that part's payment
// waits in the queue as on account, and "Undo split" there reverses the whole split.
// Screenshots land in test-results/screenshots/research-split-*.png.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { clerkSuite, screenshot, SHOTS, signInPage, toCents } from './harness.ts';

const suite = clerkSuite('split');
const { get } = suite;

interface Item { id: number; type: string; number: string; open: string }
interface Customer { id: number; accountNumber: string; name: string }

/** Two demo customers, each with an open invoice. */
async function twoCustomers(): Promise<{ customer: Customer; item: Item }[]> {
  const customers = await get<{ items: Customer[] }>('/customers?limit=40');
  const out: { customer: Customer; item: Item }[] = [];
  for (const customer of customers.items) {
    const items = (await get<{ items: Item[] }>(`/customers/${customer.id}/items?status=open`))
      .items;
    const item = items.find((i) => i.type === 'invoice' && !i.open.startsWith('-'));
    if (item) out.push({ customer, item });
    if (out.length === 2) return out;
  }
  throw new Error('fewer than two demo customers with an open invoice');
}

async function shot(page: Page, name: string): Promise<void> {
  await screenshot(page, join(SHOTS, `research-split-${name}.png`));
}

const decimal = (cents: bigint) => `${cents / 100n}.${String(cents % 100n).padStart(2, '0')}`;

/**
 * Fills part `n` of the open split form: finds the customer, gives the part `cents` (typed, or
 * with "+ rest"), and applies it to `item` (focusing the item's field fills what is left).
 */
async function choosePart(
  page: Page, n: number, c: Customer, item: Item, cents: bigint, rest = false,
): Promise<void> {
  const part = page.getByTestId('split-payment').getByTestId(`split-part-${n}`);
  await part.locator(`#split-customer-${n}`).fill(c.accountNumber);
  await page.getByRole('option', { name: new RegExp(c.accountNumber) }).first().click();
  await part.getByText(c.name).first().waitFor();
  // The last part takes what is left with one click.
  if (rest) await part.getByRole('button', { name: `Use the rest for part ${n}` }).click();
  else await part.getByLabel(`Amount of part ${n}`).fill(decimal(cents));
  const amount = part.getByLabel(`Amount of part ${n}`);
  await expect.poll(() => amount.inputValue()).not.toBe('');
  const apply = part.getByLabel(`Apply to ${item.number} (part ${n})`);
  await apply.click();
  await expect.poll(() => apply.inputValue()).toBe(decimal(cents));
}

async function isOpen(customer: Customer, item: Item): Promise<boolean> {
  const open = (await get<{ items: Item[] }>(`/customers/${customer.id}/items?status=open`))
    .items;
  return open.some((i) => i.id === item.id);
}

describe('splitting a payment across customers in the browser', () => {
  it('explains the demo receipts it cannot place, then splits a check over two customers',
    async () => {
      // The demo's receipts ran through matching at seeding: none says a bare "not matched".
      const queue = await get<{ items: { explanation: string | null;
        suggestion: { allocations: unknown[] } | null }[] }>('/cashapp/research-queue');
      const waiting = queue.items.filter((q) => !q.suggestion?.allocations.length);
      expect(waiting.length).toBeGreaterThan(0);
      expect(waiting.every((q) => q.explanation && q.explanation !== 'not matched')).toBe(true);
      expect(waiting.map((q) => q.explanation).join('\n')).toMatch(/no open item|left on|over/);

      const [a, b] = await twoCustomers();
      const [aCents, bCents] = [toCents(a!.item.open), toCents(b!.item.open)];
      const total = decimal(aCents + bCents);
      const today = new Date().toISOString().slice(0, 10);
      const file = join(suite.dir, 'lockbox-split.csv');
      writeFileSync(file, 'batch,item,check_number,amount,payer_name,payer_account,' +
        'payer_routing,deposit_date,invoice_references,memo\n' +
        `902,1,77123,${total},ZENITH SHARED SERVICES,,,${today},,\n`);

      const page = await signInPage(suite.browser, suite.server.baseUrl, suite.logins.get('cash_application')!,
        'cash_application');
      await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Research' })
        .click();
      await page.getByRole('heading', { name: 'Research queue' }).waitFor();
      await page.getByTestId('bank-file').setInputFiles(file);
      await expect.poll(() => page.getByRole('status').textContent())
        .toContain('1 payments, 0 applied automatically, 1 to review');
      const row = page.getByTestId('research-queue').locator('tr', { hasText: '77123' });
      await row.click();
      await expect.poll(() => page.getByTestId('explanation').textContent())
        .toMatch(/customer unknown/);

      await page.getByRole('button', { name: 'Split across customers' }).click();
      const split = page.getByTestId('split-payment');
      await split.waitFor();
      const remainder = split.getByTestId('split-remainder');
      await expect.poll(() => remainder.textContent()).toContain('Left to allocate');

      const choose = (n: number, c: Customer, item: Item, cents: bigint, rest = false) =>
        choosePart(page, n, c, item, cents, rest);
      await choose(1, a!.customer, a!.item, aCents);
      await expect.poll(() => remainder.textContent()).toContain(b!.item.open);
      await shot(page, 'one-part');
      await choose(2, b!.customer, b!.item, bCents, true);
      await expect.poll(() => remainder.textContent()).toBe('Fully allocated');
      await shot(page, 'allocated');

      // Too much on the second part: the remainder says so and the split waits.
      await split.getByTestId('split-part-2').getByLabel('Amount of part 2')
        .fill(decimal(bCents + 100n));
      await expect.poll(() => remainder.textContent()).toContain('Over by');
      const submit = split.getByRole('button', { name: /Split and apply/ });
      expect(await submit.isDisabled()).toBe(true);
      await split.getByTestId('split-part-2').getByLabel('Amount of part 2').fill(decimal(bCents));
      await expect.poll(() => remainder.textContent()).toBe('Fully allocated');

      await submit.click();
      await expect.poll(() => page.getByRole('status').textContent())
        .toContain('77123 split across 2 customers');
      await expect.poll(() => page.getByTestId('research-queue').locator('tr',
        { hasText: '77123' }).count()).toBe(0);
      await shot(page, 'done');
      for (const { customer, item } of [a!, b!]) {
        expect(await isOpen(customer, item)).toBe(false);
      }
      await page.close();
    });

  it('leaves part of a share on account, then undoes the split from that part', async () => {
    const [a, b] = await twoCustomers();
    const [aCents, bCents] = [toCents(a!.item.open), toCents(b!.item.open)];
    const today = new Date().toISOString().slice(0, 10);
    const file = join(suite.dir, 'lockbox-split-2.csv');
    writeFileSync(file, 'batch,item,check_number,amount,payer_name,payer_account,' +
      'payer_routing,deposit_date,invoice_references,memo\n' +
      `903,1,77124,${decimal(aCents + bCents + 1000n)},ZENITH SHARED SERVICES,,,${today},,\n`);
    const page = await signInPage(suite.browser, suite.server.baseUrl, suite.logins.get('cash_application')!,
      'cash_application');
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Research' })
      .click();
    await page.getByTestId('bank-file').setInputFiles(file);
    const queue = page.getByTestId('research-queue');
    await queue.locator('tr', { hasText: '77124' }).click();
    await page.getByRole('button', { name: 'Split across customers' }).click();
    const split = page.getByTestId('split-payment');
    await choosePart(page, 1, a!.customer, a!.item, aCents);
    await choosePart(page, 2, b!.customer, b!.item, bCents, true);
    await expect.poll(() => split.getByTestId('split-part-2').textContent())
      .toContain('on account after this part: 10.00');
    await split.getByRole('button', { name: /Split and apply/ }).click();
    await expect.poll(() => page.getByRole('status').textContent())
      .toContain('77124 split across 2 customers');

    // Customer b's part waits on account; undoing the split from it puts everything back.
    const part = queue.locator('tr', { hasText: '77124/2' });
    await part.click();
    await expect.poll(() => part.textContent()).toContain('left on account');
    const undo = page.getByTestId('undo-split');
    await undo.getByLabel('Why undo the split').fill('the payer sent a corrected remittance');
    await shot(page, 'undo');
    await undo.getByRole('button', { name: 'Undo split' }).click();
    await expect.poll(() => page.getByRole('status').textContent()).toContain('undone');
    await expect.poll(() => queue.locator('tr', { hasText: '77124/2' }).count()).toBe(0);
    const back = queue.locator('tr', { hasText: '77124' });
    await expect.poll(() => back.textContent()).toContain(
      Number(decimal(aCents + bCents + 1000n)).toLocaleString('en-US',
        { minimumFractionDigits: 2 }));
    expect(await isOpen(a!.customer, a!.item)).toBe(true);
    expect(await isOpen(b!.customer, b!.item)).toBe(true);
    await shot(page, 'undone');
    await page.close();
  });
});
