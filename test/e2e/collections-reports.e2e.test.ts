// End to end, the collections reports: a small book with promises, contacts, an agency
// placement and write-offs is written into a fresh embedded database, `arc start` serves it
// (no demo data: the database is not empty; demo logins are created), and an AR manager clicks
// through each report in Chromium, downloads each XLSX and reads it back with exceljs, and
// changes the period. A collector has no Reports link and gets a plain refusal at its address.
// Screenshots land in test-results/screenshots/collections-reports-*.png.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { approveWriteOff } from '../../src/collections/approve-write-off.ts';
import { createPromise } from '../../src/collections/create-promise.ts';
import { evaluatePromises } from '../../src/collections/evaluate-promises.ts';
import { logActivity } from '../../src/collections/log-activity.ts';
import { placeWithAgency } from '../../src/collections/place-with-agency.ts';
import { recallFromAgency } from '../../src/collections/recall-from-agency.ts';
import { requestWriteOff } from '../../src/collections/request-write-off.ts';
import type { Actor } from '../../src/db/audit.ts';
import { openDb } from '../../src/db/connection.ts';
import { migrate } from '../../src/db/migrate.ts';
import { addDays, isoDateOf } from '../../src/domain/dates.ts';
import type { Cents } from '../../src/domain/money.ts';
import type { Result } from '../../src/domain/result.ts';
import { applyCredit } from '../../src/ledger/apply-credit.ts';
import { createCustomer } from '../../src/ledger/create-customer.ts';
import { postDocument } from '../../src/ledger/post-document.ts';
import {
  demoLogins, launchBrowser, ROOT, screenshot, settled, signInPage, startServer,
  type Login, type RoleName, type RunningServer,
} from './harness.ts';

const SHOTS = join(ROOT, 'test-results/screenshots');
const TODAY = isoDateOf(new Date());
const ago = (days: number) => addDays(TODAY, -days);

let dataDir: string;
let server: RunningServer;
let browser: BrowserContext;
let closeBrowser: (() => Promise<void>) | undefined;
let logins: Map<RoleName, Login>;
let downloads: string;

function ok<T, E>(r: Result<T, E>): T {
  if (!r.ok) throw new Error(JSON.stringify(r.error));
  return r.value;
}

/**
 * The book: Ann Example's (the demo collector's) promises, calls and a write-off; Bob
 * Example's account, placed with an agency and recalled with a recovery. Actors are the
 * usernames `arc start` gives the demo people, so the reports show their names.
 */
async function writeBook(dir: string): Promise<void> {
  const db = await openDb({ dataDir: dir });
  try {
    await migrate(db);
    const as = (name: string): Actor => ({ name, kind: 'user', source: 'e2e' });
    const setup = as('e2e-setup');
    const customer = async (n: number, name: string, collector: string) => ok(
      await createCustomer(db, setup, { accountNumber: `RPT-${n}`, name, collector,
        salesRep: 'Rex Example' })).id;
    const invoice = async (customerId: number, number: string, cents: number, due: number) =>
      ok(await postDocument(db, setup, { type: 'invoice', customerId, number,
        documentDate: ago(due + 30), dueDate: ago(due), amountCents: cents as Cents }))
        .document.id;
    const a1 = await customer(1, 'Alder Supply', 'Ann Example');
    const a2 = await customer(2, 'Birch Hardware', 'Ann Example');
    const b1 = await customer(3, 'Cedar Builders', 'Bob Example');
    const i1 = await invoice(a1, 'RPT-INV-1', 50_000, 40);
    const i2 = await invoice(a2, 'RPT-INV-2', 80_000, 20);
    const i3 = await invoice(b1, 'RPT-INV-3', 120_000, 70);
    const promise = async (who: string, customerId: number, cents: number, made: number,
      promised: number, documentId: number) => ok(await createPromise(db, as(who), {
      customerId, amountCents: cents as Cents, madeOn: ago(made), promisedOn: ago(promised),
      documentIds: [documentId] }));
    await promise('ann.example', a1, 20_000, 10, 6, i1); // kept
    await promise('ann.example', a2, 30_000, 10, 6, i2); // broken
    await promise('ann.example', b1, 45_000, 3, -5, i3); // open: Ann covering Bob's account
    const pay = ok(await postDocument(db, setup, { type: 'payment', customerId: a1,
      number: 'RPT-PAY-1', documentDate: ago(7), amountCents: 20_000 as Cents,
      method: 'check' })).document.id;
    ok(await applyCredit(db, setup, { creditId: pay, appliedOn: ago(7),
      lines: [{ debitId: i1, amountCents: 20_000 as Cents }] }));
    await evaluatePromises(db, as('scheduler'), TODAY);
    for (const [customerId, days] of [[a1, 10], [a2, 10], [a2, 4]] as const) {
      ok(await logActivity(db, as('ann.example'), { customerId, kind: 'call',
        outcome: 'no_answer', occurredOn: ago(days) }));
    }
    const placed = ok(await placeWithAgency(db, as('ar_manager'), { customerId: b1,
      agency: 'Acme Recovery', placedOn: ago(15), commissionBp: 2500 }));
    ok(await recallFromAgency(db, as('ar_manager'), { placementId: placed.id,
      recalledOn: ago(2), reason: 'paying us directly', recoveredCents: 12_345 as Cents }));
    const w = ok(await requestWriteOff(db, as('ann.example'), { customerId: a2,
      reason: 'customer bankrupt', requestedOn: ago(4), items: [{ documentId: i2 }] }));
    ok(await approveWriteOff(db, as('credit_manager'), { requestId: w.id, approve: true,
      role: 'credit_manager', on: ago(3) }));
  } finally {
    await db.close();
  }
}

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  dataDir = mkdtempSync(join(tmpdir(), 'arc-e2e-reports-'));
  downloads = mkdtempSync(join(tmpdir(), 'arc-e2e-reports-downloads-'));
  await writeBook(dataDir);
  server = await startServer(240_000, { ARC_DATA_DIR: dataDir, ARC_JOBS: 'off' });
  logins = await demoLogins(server);
  const launched = await launchBrowser();
  browser = launched.context;
  closeBrowser = launched.close;
}, 420_000);

afterAll(async () => {
  await closeBrowser?.();
  await server?.stop();
  rmSync(dataDir, { recursive: true, force: true });
  rmSync(downloads, { recursive: true, force: true });
});

async function signIn(role: RoleName): Promise<Page> {
  const login = logins.get(role);
  if (!login) throw new Error(`no demo login for ${role}`);
  return signInPage(browser, server.baseUrl, login, role);
}

/** The table on screen: header texts and each body row's cell texts. */
async function tableOnScreen(page: Page) {
  const table = page.getByTestId('report-table');
  return {
    headers: (await table.locator('thead th').allTextContents()).map((t) => t.trim()),
    rows: await table.locator('tbody tr').evaluateAll((trs) => trs.map((tr) =>
      [...tr.querySelectorAll('td')].map((td) => (td.textContent ?? '').trim()))),
    totals: await table.locator('tfoot tr').evaluateAll((trs) => trs.map((tr) =>
      [...tr.querySelectorAll('td')].map((td) => (td.textContent ?? '').trim()))),
  };
}

/** Clicks Export XLSX and reads the workbook back: its first sheet's rows as cell values. */
async function downloadXlsx(page: Page, name: string): Promise<ExcelJS.CellValue[][]> {
  const [download] = await Promise.all([page.waitForEvent('download'),
    page.getByTestId('export-xlsx').click()]);
  expect(download.suggestedFilename()).toMatch(new RegExp(`^collections-${name}-.*\\.xlsx$`));
  const path = join(downloads, download.suggestedFilename());
  await download.saveAs(path);
  const book = new ExcelJS.Workbook();
  await book.xlsx.readFile(path);
  expect(book.worksheets.map((s) => s.name)[1]).toBe('About');
  const rows: ExcelJS.CellValue[][] = [];
  book.worksheets[0]!.eachRow((row) => {
    rows.push((row.values as ExcelJS.CellValue[]).slice(1));
  });
  return rows;
}

async function openReport(page: Page, tab: string, title: string): Promise<void> {
  await page.getByRole('tab', { name: tab }).click();
  await page.getByRole('heading', { name: title }).waitFor();
  await settled(page);
}

describe('collections reports in the browser', () => {
  it('a manager clicks through each report and downloads it as XLSX', async () => {
    const page = await signIn('ar_manager');
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Reports' })
      .click();
    await page.getByRole('heading', { name: 'Collections reports' }).waitFor();
    await page.getByRole('heading', { name: 'Promises to pay' }).waitFor();
    await settled(page);

    const promises = await tableOnScreen(page);
    expect(promises.headers.slice(0, 5)).toEqual(['Day', 'Collector', 'Currency', 'Promises',
      'Promised']);
    expect(promises.rows).toEqual([
      [ago(10), 'Ann Example', 'USD', '2', '500.00', '1', '200.00', '0', '1', '300.00', '0',
        '200.00'],
      [ago(3), 'Ann Example', 'USD', '1', '450.00', '0', '0.00', '0', '0', '0.00', '1', '0.00'],
    ]);
    expect(promises.totals[0]!.slice(1, 5)).toEqual(['Total', 'USD', '3', '950.00']);
    await screenshot(page, join(SHOTS, 'collections-reports-promises.png'));
    const promisesBook = await downloadXlsx(page, 'promises');
    expect(promisesBook[0]!.slice(0, 2)).toEqual(['Day', 'Collector']);
    expect(promisesBook[1]!.slice(0, 5)).toEqual([new Date(`${ago(10)}T00:00:00Z`),
      'Ann Example', 'USD', 2, 500]);
    expect(promisesBook[3]!.slice(1, 5)).toEqual(['Total', 'USD', 3, 950]);

    await openReport(page, 'Agency placements', 'Agency placements');
    const agency = await tableOnScreen(page);
    expect(agency.rows).toEqual([['Acme Recovery', 'RPT-3', 'Cedar Builders', ago(15), 'USD',
      '1,200.00', '25.00%', '123.45', '30.86', '92.59', 'recalled', ago(2)]]);
    await screenshot(page, join(SHOTS, 'collections-reports-agency.png'));
    const agencyBook = await downloadXlsx(page, 'agency');
    expect(agencyBook[1]!.slice(5, 10)).toEqual([1200, 0.25, 123.45, 30.86, 92.59]);

    await openReport(page, 'Write-offs', 'Write-offs');
    const writeOffs = await tableOnScreen(page);
    expect(writeOffs.rows).toEqual([['customer bankrupt', 'Demo Credit Manager', 'USD', '1',
      '800.00', '1', '800.00', '0', '0.00', '0', '0.00', '1', '800.00']]);
    await screenshot(page, join(SHOTS, 'collections-reports-write-offs.png'));
    const writeOffBook = await downloadXlsx(page, 'write-offs');
    expect(writeOffBook[1]!.slice(0, 5)).toEqual(['customer bankrupt', 'Demo Credit Manager',
      'USD', 1, 800]);

    await openReport(page, 'Collector scorecard', 'Collector scorecard');
    const scorecard = await tableOnScreen(page);
    expect(scorecard.headers).toEqual(['Collector', 'Accounts', 'Contacts', 'Contacts a day',
      'Promises', 'Promised', 'Kept rate', 'Past-due accounts', 'Past due managed',
      'Currency']);
    expect(scorecard.rows.map((r) => r[0])).toEqual(['Ann Example', 'Bob Example']);
    const [ann, bob] = scorecard.rows as [string[], string[]];
    expect(ann.slice(0, 3)).toEqual(['Ann Example', '2', '3']);
    expect(ann.slice(4, 7)).toEqual(['3', '950.00', '50.00%']);
    // Alder's invoice: 500.00 less the 200.00 paid; Birch's was written off.
    expect(ann.slice(7, 9)).toEqual(['1', '300.00']);
    expect(bob.slice(4, 9)).toEqual(['0', '0.00', '—', '1', '1,200.00']);
    await screenshot(page, join(SHOTS, 'collections-reports-scorecard.png'));
    const scoreBook = await downloadXlsx(page, 'scorecard');
    const annRow = scoreBook.find((r) => r[0] === 'Ann Example')!;
    expect(annRow.slice(5, 9)).toEqual([950, 0.5, 1, 300]);

    // Another period: last month's activity is the seeded book's only if it fell there; a
    // range before it holds nothing.
    await openReport(page, 'Promises', 'Promises to pay');
    await page.getByRole('textbox', { name: 'From', exact: true }).fill(ago(60));
    await page.getByRole('textbox', { name: 'To', exact: true }).fill(ago(40));
    await expect.poll(() => new URL(page.url()).searchParams.get('to')).toBe(ago(40));
    await page.getByText('Nothing in this period.').waitFor();
    await screenshot(page, join(SHOTS, 'collections-reports-empty.png'));
    await page.getByRole('button', { name: 'Last 30 days' }).click();
    await expect.poll(async () => (await tableOnScreen(page)).rows.length).toBe(2);
    await page.close();
  }, 240_000);

  it('offers a collector no Reports link and refuses the page', async () => {
    const page = await signIn('collector');
    const nav = page.getByRole('navigation', { name: 'Main' });
    await nav.getByRole('link', { name: 'Worklist' }).waitFor();
    expect(await nav.getByRole('link', { name: 'Reports' }).count()).toBe(0);
    await page.goto(`${server.baseUrl}/reports/collections`);
    await page.getByText('This page is not available to your role.').waitFor();
    await page.close();
  }, 120_000);
});
