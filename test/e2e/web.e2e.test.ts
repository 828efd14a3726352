// End to end: the real server (`arc start` on a fresh data directory) driven through Debian's
// Chromium. Signs in as every role, walks the customer list and an account, enters and applies a
// payment, checks the aging total moved by exactly that amount, exports the aging to xlsx and
// reads it back. Screenshots of each page land in test-results/screenshots/.
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  demoLogins, launchBrowser, ROLES, ROOT, screenshot, settled, signInPage,
  startServer, toCents,
  type Login, type RoleName, type RunningServer,
} from './harness.ts';

const SHOTS = join(ROOT, 'test-results/screenshots');
const ROLE_LABEL: Record<RoleName, string> = {
  admin: 'Admin', ar_manager: 'AR manager', credit_manager: 'Credit manager',
  collector: 'Collector', cash_application: 'Cash application', sales_rep: 'Sales rep',
  auditor: 'Auditor',
};

let server: RunningServer;
let browser: BrowserContext;
let closeBrowser: (() => Promise<void>) | undefined;
let logins: Map<RoleName, Login>;

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  server = await startServer();
  logins = await demoLogins(server);
  const launched = await launchBrowser();
  browser = launched.context;
  closeBrowser = launched.close;
}, 420_000);

afterAll(async () => {
  await closeBrowser?.();
  await server?.stop();
});

function login(role: RoleName): Login {
  const l = logins.get(role);
  if (!l) throw new Error(`no login for ${role}`);
  return l;
}

async function shot(page: Page, name: string): Promise<void> {
  await screenshot(page, join(SHOTS, `${name}.png`));
}

/** A fresh page signed in as `role`, on the home page. */
async function signIn(role: RoleName): Promise<Page> {
  const page = await signInPage(browser, server.baseUrl, login(role), role);
  await expect.poll(() => page.getByTestId('who').textContent()).toContain(ROLE_LABEL[role]);
  return page;
}

/** The aging grand total (as of today, whole scope) as shown on the aging page, in cents. */
async function agingTotal(page: Page, shotName: string): Promise<bigint> {
  await page.goto(`${server.baseUrl}/aging?by=none`);
  const cell = page.getByTestId('aging-grand-total').locator('[data-amount]');
  await cell.waitFor();
  await shot(page, shotName);
  return toCents((await cell.getAttribute('data-amount')) ?? '');
}

describe('web app against the real server', () => {
  it('refuses a wrong password with a clear message', async () => {
    const page = await browser.newPage();
    await page.goto(`${server.baseUrl}/`);
    await page.waitForURL(/\/sign-in/);
    await page.getByLabel('Username').fill(login('admin').username);
    await page.getByLabel('Password').fill('not-the-password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect.poll(() => page.getByRole('alert').textContent())
      .toMatch(/wrong username or password/i);
    await shot(page, 'sign-in-error');
    await page.close();
  });

  it('signs in as each role and shows the right home and navigation', async () => {
    for (const role of ROLES) {
      const page = await signIn(role);
      await page.getByTestId('kpi-total').waitFor();
      await shot(page, `home-${role}`);
      const nav = page.getByRole('navigation', { name: 'Main' });
      expect(await nav.getByRole('link', { name: 'Admin' }).count()).toBe(role === 'admin' ? 1 : 0);
      const audits = role === 'admin' || role === 'auditor' || role === 'ar_manager';
      expect(await nav.getByRole('link', { name: 'Audit' }).count()).toBe(audits ? 1 : 0);
      await page.getByRole('button', { name: 'Sign out' }).click();
      await page.waitForURL(/\/sign-in/);
      await page.close();
    }
  });

  it('lists customers, searches, and opens an account with the keyboard', async () => {
    const page = await signIn('ar_manager');
    await page.goto(`${server.baseUrl}/customers?sort=pastDue&dir=desc`);
    const rows = page.getByTestId('customer-table').locator('tbody tr');
    await rows.first().waitFor();
    await shot(page, 'customers');
    const account = (await rows.first().locator('td').first().textContent())?.trim() ?? '';
    expect(account).not.toBe('');
    await page.keyboard.press('/');
    await page.keyboard.type(account);
    await page.waitForURL(new RegExp(`q=${encodeURIComponent(account)}`));
    // The account was the first row before the search too: wait for the search's own answer.
    await settled(page);
    await expect.poll(() => rows.first().locator('td').first().textContent()).toBe(account);
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('Enter');
    await page.waitForURL(/\/customers\/\d+/);
    await page.getByTestId('items-table').waitFor();
    await shot(page, 'account-items');
    await page.getByRole('tab', { name: 'Payments & applications' }).click();
    await page.getByRole('heading', { name: 'Applications' }).waitFor();
    await shot(page, 'account-history');
    await page.getByRole('tab', { name: 'Statement of activity' }).click();
    await page.getByTestId('statement-table').waitFor();
    await shot(page, 'account-statement');
    await page.close();
  });

  it('enters and applies a payment, and the aging total drops by its amount', async () => {
    const page = await signIn('cash_application');
    const before = await agingTotal(page, 'aging-before');
    await page.goto(`${server.baseUrl}/customers?sort=pastDue&dir=desc`);
    const first = page.getByTestId('customer-table').locator('tbody tr').first();
    await first.waitFor();
    const account = (await first.locator('td').first().textContent())?.trim() ?? '';

    await page.goto(`${server.baseUrl}/payments/new`);
    const picker = page.getByRole('combobox', { name: 'Customer' });
    await picker.fill(account);
    await page.getByRole('option').filter({ hasText: account }).first().waitFor();
    await picker.press('Enter');
    await page.getByLabel('Method').selectOption('check');
    await page.getByLabel('Reference').fill(`E2E-${Date.now()}`);
    await page.getByLabel(/^Amount/).fill('123.45');
    await page.getByRole('button', { name: /Continue to apply/ }).click();
    await page.getByTestId('apply-table').waitFor();
    await expect.poll(() => page.getByTestId('apply-summary').textContent()).toContain('123.45');
    await shot(page, 'payment-apply');
    await page.getByRole('button', { name: /^Post payment/ }).click();
    await page.getByRole('heading', { name: 'Payment posted' }).waitFor();
    await shot(page, 'payment-done');

    const after = await agingTotal(page, 'aging-after');
    expect(before - after).toBe(12345n);
    await page.goto(`${server.baseUrl}/payments`);
    await page.waitForLoadState('networkidle');
    await shot(page, 'payments');
    await page.close();
  });

  it('exports the aging to xlsx and csv with the totals on screen', async () => {
    const page = await signIn('ar_manager');
    await page.goto(`${server.baseUrl}/aging?by=customer`);
    const total = page.getByTestId('aging-grand-total').locator('[data-amount]');
    await total.waitFor();
    await shot(page, 'aging');
    const shown = toCents((await total.getAttribute('data-amount')) ?? '');
    const dir = mkdtempSync(join(tmpdir(), 'arc-e2e-dl-'));

    const [xlsx] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('link', { name: 'Export XLSX' }).click(),
    ]);
    const xlsxPath = join(dir, 'aging.xlsx');
    await xlsx.saveAs(xlsxPath);
    const book = new ExcelJS.Workbook();
    await book.xlsx.readFile(xlsxPath);
    expect(xlsxTotalCents(book)).toBe(shown);

    const [csv] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('link', { name: 'Export CSV' }).click(),
    ]);
    const csvPath = join(dir, 'aging.csv');
    await csv.saveAs(csvPath);
    const text = readFileSync(csvPath, 'utf8');
    rmSync(dir, { recursive: true, force: true });
    expect(text.split('\n')[0]?.toLowerCase()).toContain('total');
    await page.close();
  });

  it('pages long tables by button and keyboard; the audit log names customers', async () => {
    const page = await signIn('ar_manager');
    await page.goto(`${server.baseUrl}/aging?by=none&detail=true`);
    const detail = page.locator('tr.detail-row').first();
    await detail.locator('table.inner tbody tr').first().waitFor();
    // The whole book's open items under one row: 50 at a time, the totals row unchanged.
    const total = await page.getByTestId('aging-grand-total').locator('[data-amount]')
      .getAttribute('data-amount');
    expect(await detail.locator('table.inner tbody tr').count()).toBe(50);
    const range = detail.locator('.pager span');
    expect(await range.textContent()).toMatch(/^1–50 of \d{1,3}(,\d{3})*$/);
    await detail.locator('.pager').getByRole('button', { name: /Next/ }).click();
    await expect.poll(() => range.textContent()).toMatch(/^51–100 of /);
    await shot(page, 'aging-detail-paged');
    await detail.locator('.pager').getByRole('button', { name: /Prev/ }).focus();
    await page.keyboard.press('Enter');
    await expect.poll(() => range.textContent()).toMatch(/^1–50 of /);
    expect(await page.getByTestId('aging-grand-total').locator('[data-amount]')
      .getAttribute('data-amount')).toBe(total);
    await page.goto(`${server.baseUrl}/audit`);
    const links = page.getByTestId('audit-table').locator('tbody a[href^="/customers/"]');
    await links.first().waitFor();
    for (const text of await links.allTextContents()) expect(text).not.toMatch(/^#/);
    await page.close();
  });

  it('shows users, tokens and the audit log to an admin', async () => {
    const page = await signIn('admin');
    await page.goto(`${server.baseUrl}/admin`);
    await page.getByTestId('users-table').waitFor();
    // A sales rep's email (where their digest goes), set from the users table.
    const rep = login('sales_rep').username;
    page.once('dialog', (d) => void d.accept('rep.digest@ar.example'));
    await page.getByRole('button', { name: `Email of ${rep}` }).click();
    await page.getByText(`${rep}'s email is rep.digest@ar.example.`).waitFor();
    await page.getByTestId('users-table').getByText('rep.digest@ar.example').waitFor();
    await shot(page, 'admin-users');
    await page.goto(`${server.baseUrl}/admin?tab=tokens`);
    await page.getByLabel('Token name').fill('e2e-token');
    await page.getByRole('button', { name: 'Create token' }).click();
    const secret = await page.getByTestId('token-secret').textContent();
    expect(secret?.length ?? 0).toBeGreaterThan(16);
    await shot(page, 'admin-tokens');
    await page.goto(`${server.baseUrl}/audit`);
    await page.getByTestId('audit-table').locator('tbody tr').first().click();
    await page.locator('table.diff').waitFor();
    await shot(page, 'audit');
    await page.close();
  });
});

/**
 * The grand total in an aging workbook: the cell under the "Total" header on the row whose first
 * cell reads "Total", as cents (numeric cells, or formulas with a cached result).
 */
function xlsxTotalCents(book: ExcelJS.Workbook): bigint {
  const sheet = book.worksheets[0];
  if (!sheet) throw new Error('the workbook has no sheet');
  let totalCol = 0;
  let found: bigint | undefined;
  sheet.eachRow((row) => {
    const values = row.values as unknown[];
    const first = values.find((v) => v !== null && v !== undefined && v !== '');
    if (totalCol === 0) {
      totalCol = values.findIndex((v) => typeof v === 'string' && /^total$/i.test(v.trim()));
      if (totalCol < 0) totalCol = 0;
      return;
    }
    if (typeof first === 'string' && /^total/i.test(first.trim())) {
      const cell = values[totalCol];
      const n = typeof cell === 'number' ? cell
        : (cell as { result?: unknown } | undefined)?.result;
      if (typeof n === 'number') found = BigInt(Math.round(n * 100));
    }
  });
  if (found === undefined) throw new Error('no totals row with a numeric Total cell');
  return found;
}
