// End to end, the collections queues: the real server (`arc start`, fresh demo data, mail to an
// SMTP server in this process) driven through Debian's Chromium. An AR manager opens a dispute
// from the worklist and moves it through the flow in the disputes queue; a collector asks for a
// credit memo above the approval amount and the manager approves it; the manager escalates an
// account and resolves it, requests a write-off that a credit manager approves (posted), places
// an account with an agency, records a recovery and recalls it; then previews dunning, runs it,
// and runs it again (nothing new). Screenshots land in test-results/screenshots/queues-*.png.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { SMTPServer } from 'smtp-server';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  apiSession, demoLogins, launchBrowser, ROOT, screenshot, settled, signInPage, startServer, toCents,
  type Login, type RoleName, type RunningServer,
} from './harness.ts';

const SHOTS = join(ROOT, 'test-results/screenshots');

let smtp: SMTPServer;
let delivered = 0;
let server: RunningServer;
let browser: BrowserContext;
let closeBrowser: (() => Promise<void>) | undefined;
let logins: Map<RoleName, Login>;

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  smtp = new SMTPServer({
    authOptional: true, disabledCommands: ['STARTTLS'],
    onData(stream, _session, callback) {
      stream.on('data', () => undefined);
      stream.on('end', () => {
        delivered++;
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', resolve));
  const smtpPort = (smtp.server.address() as { port: number }).port;
  server = await startServer(240_000, { ARC_SMTP_HOST: '127.0.0.1',
    ARC_SMTP_PORT: String(smtpPort), ARC_MAIL_FROM: 'ar@demo.example' });
  logins = await demoLogins(server);
  const launched = await launchBrowser();
  browser = launched.context;
  closeBrowser = launched.close;
}, 420_000);

// A test closes its pages when it passes: any left open failed, and show where.
afterEach(async () => {
  const open = (browser?.pages() ?? []).filter((p) => p.url() !== 'about:blank');
  for (const [i, p] of open.entries()) {
    await p.screenshot({ path: join(SHOTS, `queues-failed-${i}.png`) }).catch(() => undefined);
    await p.close();
  }
});

afterAll(async () => {
  await closeBrowser?.();
  await server?.stop();
  await new Promise<void>((resolve) => (smtp ? smtp.close(() => resolve()) : resolve()));
});

function login(role: RoleName): Login {
  const l = logins.get(role);
  if (!l) throw new Error(`no demo login for ${role} in:\n${server.output()}`);
  return l;
}

/** A signed-in API session for checks and for the steps that are not this test's screens. */
async function apiAs(role: RoleName) {
  const session = await apiSession(server.baseUrl, login(role));
  expect(session).not.toBeNull();
  const { cookie, csrfToken } = session!;
  const call = async <T>(method: string, path: string, body?: unknown) => {
    const r = await fetch(`${server.baseUrl}/api/v1${path}`, {
      method, headers: { cookie, 'x-csrf-token': csrfToken, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: r.status, body: (await r.json()) as T };
  };
  return {
    get: <T>(path: string) => call<T>('GET', path),
    post: <T>(path: string, body: unknown) => call<T>('POST', path, body),
    patch: <T>(path: string, body: unknown) => call<T>('PATCH', path, body),
  };
}

async function shot(page: Page, name: string, fullPage = true): Promise<void> {
  await screenshot(page, join(SHOTS, `queues-${name}.png`), fullPage);
}

async function signIn(role: RoleName): Promise<Page> {
  return signInPage(browser, server.baseUrl, login(role), role);
}

async function tab(page: Page, name: string): Promise<void> {
  await page.getByRole('navigation', { name: 'Collections' }).getByRole('link', { name })
    .click();
  await settled(page);
}

/** Picks an account in a dialog's customer picker by its account number. */
async function pickCustomer(page: Page, account: string): Promise<void> {
  const dialog = page.getByRole('dialog');
  await dialog.getByRole('combobox').fill(account);
  await dialog.getByRole('option').filter({ hasText: account }).first().click();
}

interface Item { id: number; number: string; open: string; type: string }
interface Row { customerId: number; accountNumber: string; name: string }

describe('collections queues in the browser', () => {
  it('a manager works a dispute through its flow from the worklist', async () => {
    const page = await signIn('ar_manager');
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Worklist' })
      .click();
    await page.getByLabel('Collector').selectOption('*');
    const first = page.getByTestId('worklist-row').first();
    await first.waitFor();
    const account = (await first.locator('td.mono').textContent()) ?? '';
    await page.keyboard.press('Enter');
    await page.getByRole('button', { name: 'Open dispute…' }).click();
    const dialog = page.getByRole('dialog', { name: 'Open a dispute' });
    const item = dialog.locator('tbody tr').first();
    const itemNumber = (await item.locator('td.mono').textContent()) ?? '';
    await item.getByRole('checkbox').check();
    await dialog.getByLabel('Reason').selectOption('shortage');
    await dialog.getByLabel('Dispute note').fill('Received 8 cases, invoiced 10.');
    await dialog.getByRole('button', { name: 'Open dispute' }).click();
    await dialog.waitFor({ state: 'hidden' });

    // The queue has it; filter by reason, open it by keyboard.
    await page.getByRole('navigation', { name: 'Main' })
      .getByRole('link', { name: 'Collections' }).click();
    await page.getByRole('heading', { name: 'Disputes & deductions' }).waitFor();
    await page.getByLabel('Reason').selectOption('shortage');
    await expect.poll(() => new URL(page.url()).searchParams.get('reasonCode'))
      .toBe('shortage');
    const rows = page.getByTestId('dispute-row');
    await expect.poll(() => rows.count()).toBe(1);
    expect(await rows.first().textContent()).toContain(account);
    expect(await rows.first().textContent()).toContain(itemNumber);
    await shot(page, 'disputes');
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: /Dispute \d+: Shortage/ }).waitFor();
    await expect.poll(() => page.getByTestId('dispute-items').textContent())
      .toContain(itemNumber);
    await expect.poll(() => page.getByTestId('dispute-notes').textContent())
      .toContain('Received 8 cases, invoiced 10.');
    const moves = page.getByRole('region', { name: 'Move the dispute' });
    // Only the allowed step is offered.
    expect(await moves.getByRole('button').allTextContents()).toEqual(['Start review']);
    await shot(page, 'dispute-open');

    await moves.getByLabel('Note for this step').fill('Asked the warehouse for the POD.');
    await moves.getByRole('button', { name: 'Start review' }).click();
    await expect.poll(() => moves.getByRole('button').allTextContents()).toEqual(
      ['Resolve: credit memo', 'Resolve: rebill', 'Resolve: valid, collect']);
    await page.getByLabel('New note').fill('POD shows 8 cases delivered.');
    await page.getByRole('button', { name: 'Add note' }).click();
    await expect.poll(() => page.getByTestId('dispute-notes').locator('li').count()).toBe(3);
    await moves.getByRole('button', { name: 'Resolve: credit memo' }).click();
    await expect.poll(() => moves.getByRole('button').allTextContents()).toEqual(['Close']);
    await shot(page, 'dispute-resolved');
    await moves.getByRole('button', { name: 'Close' }).click();
    await expect.poll(() => moves.textContent()).toContain('nothing more to do');
    await expect.poll(() => page.getByRole('list', { name: 'Dispute flow' })
      .locator('[aria-current="step"]').textContent()).toBe('Closed');

    // Escape returns to the queue with the filter kept; closed disputes leave the open queue.
    await page.keyboard.press('Escape');
    await expect.poll(() => new URL(page.url()).searchParams.get('reasonCode'))
      .toBe('shortage');
    await expect.poll(() => page.getByText('No dispute matches these filters.').count())
      .toBe(1);
    await page.getByLabel('Status').selectOption('closed');
    await expect.poll(() => rows.count()).toBe(1);
    await page.close();
  }, 240_000);

  it('a collector asks for a credit memo above the approval amount; a manager approves it',
    async () => {
      const collector = await apiAs('collector');
      const list = (await collector.get<{ items: Row[] }>('/worklist?limit=500')).body.items;
      let target: { row: Row; item: Item } | undefined;
      for (const row of list) {
        const items = (await collector.get<{ items: Item[] }>(
          `/customers/${row.customerId}/items?status=open`)).body.items;
        const big = items.find((i) => i.type === 'invoice' && toCents(i.open) > 150_000n);
        if (big) {
          target = { row, item: big };
          break;
        }
      }
      expect(target, 'an open invoice above 1,500.00 in the collector\'s portfolio')
        .toBeDefined();
      const { row, item } = target!;
      const opened = await collector.post<{ dispute: { id: number } }>(
        `/customers/${row.customerId}/disputes`, { reasonCode: 'pricing',
          items: [{ documentId: item.id, amount: '1500.00' }], note: 'Quoted 10% lower.' });
      expect(opened.status).toBe(201);
      const id = opened.body.dispute.id;
      expect((await collector.patch(`/disputes/${id}`, { status: 'in_review' })).status)
        .toBe(200);

      const page = await signIn('collector');
      await page.goto(`${server.baseUrl}/collections/disputes/${id}`);
      const moves = page.getByRole('region', { name: 'Move the dispute' });
      await moves.getByRole('button', { name: 'Request credit memo approval…' }).waitFor();
      await moves.getByLabel('Note for this step').fill('Sales confirmed the quote.');
      await moves.getByRole('button', { name: 'Request credit memo approval…' }).click();
      const pending = page.getByRole('region', { name: 'Credit memo approval' });
      await expect.poll(() => pending.textContent()).toContain('Waiting for a manager');
      await shot(page, 'dispute-approval-requested');
      await page.close();

      const manager = await signIn('ar_manager');
      await manager.goto(`${server.baseUrl}/collections`);
      await tab(manager, 'Credit memo approvals');
      const approval = manager.getByTestId('approval-row').filter({ hasText: row.accountNumber });
      await expect.poll(() => approval.count()).toBe(1);
      expect(await approval.textContent()).toContain('1,500.00');
      await shot(manager, 'approvals');
      await approval.getByRole('button', { name: 'Approve…' }).click();
      const dialog = manager.getByRole('dialog', { name: 'Approve the credit memo' });
      await dialog.getByLabel('Decision note').fill('Matches the signed quote.');
      await dialog.getByRole('button', { name: 'Approve credit memo' }).click();
      await expect.poll(() => manager.getByRole('status').textContent()).toContain('Approved');
      await expect.poll(() => manager.getByText('No credit memo is waiting for approval.')
        .count()).toBe(1);
      const after = (await collector.get<{ dispute: { status: string; resolution: string } }>(
        `/disputes/${id}`)).body.dispute;
      expect(after).toMatchObject({ status: 'resolved', resolution: 'credit_memo_requested' });
      await manager.close();
    }, 240_000);

  it('escalations, write-offs and agency placements from their queues', async () => {
    const collector = await apiAs('collector');
    const [a, b, c] = (await collector.get<{ items: Row[] }>('/worklist?limit=500')).body.items
      .slice(-3);
    const page = await signIn('ar_manager');
    await page.goto(`${server.baseUrl}/collections/escalations`);
    await page.getByRole('button', { name: 'Escalate an account…' }).click();
    await pickCustomer(page, a!.accountNumber);
    await page.getByLabel('Escalation note').fill('Owner disputes every invoice; need a call.');
    await page.getByLabel('Escalate to').fill('Demo Credit Manager');
    await page.getByRole('dialog').getByRole('button', { name: 'Escalate' }).click();
    const esc = page.getByTestId('escalation-row').filter({ hasText: a!.accountNumber });
    await expect.poll(() => esc.textContent()).toContain('new');
    await shot(page, 'escalations');
    await esc.getByRole('button', { name: 'Acknowledge…' }).click();
    await page.getByRole('dialog').getByLabel('Note').fill('Calling them Monday.');
    await page.getByRole('dialog').getByRole('button', { name: 'Acknowledge' }).click();
    await expect.poll(() => esc.textContent()).toContain('acknowledged');
    await esc.getByRole('button', { name: 'Resolve…' }).click();
    await page.getByRole('dialog').getByLabel('Resolution note')
      .fill('Agreed a payment plan with the owner.');
    await page.getByRole('dialog').getByRole('button', { name: 'Resolve' }).click();
    await expect.poll(() => esc.count()).toBe(0);
    await page.getByRole('group', { name: 'Stage' }).getByRole('button', { name: 'Resolved' })
      .click();
    await expect.poll(() => esc.textContent()).toContain('Agreed a payment plan');
    await shot(page, 'escalations-resolved');

    // A write-off the AR manager asks for (a credit manager approves it below).
    await tab(page, 'Write-offs');
    await page.getByRole('button', { name: 'Request a write-off…' }).click();
    // Its smallest open invoice: within the credit manager's limit.
    const small = (await collector.get<{ items: Item[] }>(
      `/customers/${b!.customerId}/items?status=open`)).body.items
      .filter((i) => i.type === 'invoice')
      .sort((x, y) => Number(toCents(x.open) - toCents(y.open)))[0]!;
    await pickCustomer(page, b!.accountNumber);
    const dialog = page.getByRole('dialog');
    await dialog.getByRole('checkbox', { name: small.number }).check();
    await dialog.getByLabel('Write-off reason').fill('Customer out of business.');
    await dialog.getByRole('button', { name: 'Request write-off' }).click();
    const wo = page.getByTestId('write-off-row').filter({ hasText: b!.accountNumber });
    await expect.poll(() => wo.textContent()).toContain('your own request');
    await shot(page, 'write-offs');

    // An agency placement: place, record a recovery, recall.
    await tab(page, 'Agency placements');
    await page.getByRole('button', { name: 'Place an account…' }).click();
    await pickCustomer(page, c!.accountNumber);
    await page.getByLabel('Agency', { exact: true }).fill('Northwind Recovery');
    await page.getByLabel('Amount placed').fill('1000.00');
    await page.getByLabel('Commission percent').fill('25');
    await page.getByRole('dialog').getByRole('button', { name: 'Place with agency' }).click();
    const placed = page.getByTestId('placement-row').filter({ hasText: c!.accountNumber });
    await expect.poll(() => placed.textContent()).toContain('Northwind Recovery');
    await placed.getByRole('button', { name: 'Record recovery…' }).click();
    await page.getByLabel('Amount recovered').fill('400.00');
    await page.getByLabel('Recovery note').fill('Remittance 1');
    await page.getByRole('dialog').getByRole('button', { name: 'Record recovery' }).click();
    await expect.poll(() => placed.locator('td.num').allTextContents())
      .toEqual(['1,000.00', '25.00%', '400.00 (1)', '100.00', '300.00', '600.00',
        expect.stringMatching(/\d/)]);
    await shot(page, 'agency');
    await placed.getByRole('button', { name: 'Recall…' }).click();
    await page.getByLabel('Recall reason').fill('Customer called to settle directly.');
    await page.getByRole('dialog').getByRole('button', { name: 'Recall' }).click();
    await expect.poll(() => placed.count()).toBe(0);
    await page.close();

    // One signed-in person per browser at a time: the credit manager approves (posts) it now.
    const approver = await signIn('credit_manager');
    await approver.goto(`${server.baseUrl}/collections/write-offs`);
    const mine = approver.getByTestId('write-off-row').filter({ hasText: b!.accountNumber });
    await mine.getByRole('button', { name: 'Approve & post' }).click();
    await expect.poll(() => approver.getByRole('status').textContent()).toContain('written off');
    await approver.getByRole('group', { name: 'Show' }).getByRole('button', { name: 'Posted' })
      .click();
    const posted = approver.getByTestId('write-off-row').filter({ hasText: b!.accountNumber });
    await expect.poll(() => posted.textContent()).toMatch(/WO-REQ-\d+/);
    await shot(approver, 'write-offs-posted');
    await approver.close();
  }, 240_000);

  it('previews dunning, runs it, and a second run sends nothing new', async () => {
    // Something new to dun whatever ran before (the daily job may have run at start): an invoice
    // that fell due three days ago reaches the first overdue notice.
    const manager = await apiAs('ar_manager');
    const target = (await (await apiAs('collector')).get<{ items: Row[] }>('/worklist?limit=500'))
      .body.items[5]!;
    const due = new Date(Date.now() - 3 * 86_400_000).toISOString().slice(0, 10);
    const posted = await manager.post('/items', { customerId: target.customerId, type: 'invoice',
      number: `E2E-DUN-${Date.now()}`, date: due, dueDate: due, amount: '321.00' });
    expect(posted.status).toBe(201);
    const page = await signIn('ar_manager');
    await page.goto(`${server.baseUrl}/collections/dunning`);
    const previewRows = page.getByTestId('preview-row');
    await previewRows.first().waitFor({ timeout: 120_000 });
    await settled(page);
    const runs = page.getByTestId('run-row');
    const runsBefore = await runs.count();
    const summary = (await page.getByTestId('preview-summary').textContent()) ?? '';
    const planned = Number(/([\d,]+) messages?/.exec(summary)?.[1]?.replace(/,/g, ''));
    expect(planned).toBeGreaterThan(0);
    await shot(page, 'dunning-preview', false);

    await page.getByRole('button', { name: 'Run dunning now…' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Run dunning' }).click();
    const answer = page.getByTestId('run-answer');
    await answer.waitFor({ timeout: 180_000 });
    expect(await answer.textContent()).toMatch(
      new RegExp(`done: ${planned.toLocaleString('en-US')} messages?,`));
    await expect.poll(() => page.getByText('Nothing to send today').count(), { timeout: 120_000 })
      .toBe(1);
    await expect.poll(() => runs.count()).toBe(runsBefore + 1);
    await shot(page, 'dunning-after-run');

    await page.getByRole('button', { name: 'Run dunning now…' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Run dunning' }).click();
    await expect.poll(() => answer.textContent(), { timeout: 120_000 })
      .toContain('Nothing new to send');
    expect(await answer.textContent()).toContain('0 messages');
    await expect.poll(() => runs.count()).toBe(runsBefore + 2);
    expect(await runs.first().locator('td.num').first().textContent()).toBe('0');
    await shot(page, 'dunning-second-run');
    await page.close();
  }, 420_000);
});
