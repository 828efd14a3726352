// End to end, collections: the real server (`arc start`, fresh demo data) sending mail to a real
// SMTP server in this process, driven through Debian's Chromium. The collector works the
// worklist by keyboard (open the first account, log a call with a promise, save and go to the
// next), emails a statement (read back from the SMTP server, PDF opened with pdf.js), opens a
// dispute; a manager picks a collector's list and runs dunning twice (the second run sends
// nothing new). Screenshots land in test-results/screenshots/collections-*.png.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { simpleParser } from 'mailparser';
import type { BrowserContext, Page } from 'playwright-core';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pdfText } from '../../src/formats/pdf/testing.ts';
import {
  apiSession, demoLogins, launchBrowser, ROOT, screenshot, signInPage, startServer,
  type Login, type RoleName, type RunningServer,
} from './harness.ts';

const SHOTS = join(ROOT, 'test-results/screenshots');

interface Received { to: string[]; subject: string;
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
          attachments: m.attachments.map((a) => ({ filename: a.filename ?? '',
            contentType: a.contentType, content: a.content })) });
        callback();
      }, callback);
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

/** A signed-in API session (cookie + CSRF token) for checks and for what has no screen. */
async function apiAs(role: RoleName) {
  const session = await apiSession(server.baseUrl, login(role));
  expect(session).not.toBeNull();
  const { cookie, csrfToken } = session!;
  const call = async <T>(method: string, path: string, body?: unknown) => {
    const r = await fetch(`${server.baseUrl}/api/v1${path}`, {
      method, headers: { cookie, 'x-csrf-token': csrfToken, 'content-type': 'application/json',
        'idempotency-key': `e2e-${Math.random()}` },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: r.status, body: (await r.json()) as T };
  };
  return {
    get: <T>(path: string) => call<T>('GET', path),
    post: <T>(path: string, body: unknown) => call<T>('POST', path, body),
  };
}

/** A screenshot; long lists are taken as the collector sees them (the window), not in full. */
async function shot(page: Page, name: string, fullPage = true): Promise<void> {
  await screenshot(page, join(SHOTS, `collections-${name}.png`), fullPage);
}

async function signIn(role: RoleName): Promise<Page> {
  return signInPage(browser, server.baseUrl, login(role), role);
}

interface Row { customerId: number; accountNumber: string; name: string; collector: string }

describe('collections in the browser', () => {
  it('works the worklist: call with a promise, next, statement email, dispute', async () => {
    const page = await signIn('collector');
    const collector = await apiAs('collector');
    const list = (await collector.get<{ items: Row[] }>('/worklist?limit=500')).body.items;
    expect(list.length).toBeGreaterThan(2);
    const [first, second] = [list[0]!, list[1]!];

    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Worklist' })
      .click();
    await page.getByRole('heading', { name: 'Worklist' }).waitFor();
    const rows = page.getByTestId('worklist-row');
    await expect.poll(() => rows.count()).toBe(list.length);
    await expect.poll(() => rows.first().textContent()).toContain(first.accountNumber);
    await shot(page, 'worklist', false);

    // Keyboard: down twice, up once, Enter opens the second row; k back to the first.
    await page.keyboard.press('j');
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('k');
    await expect.poll(() => rows.nth(1).getAttribute('aria-selected')).toBe('true');
    await page.keyboard.press('k');
    await expect.poll(() => rows.nth(0).getAttribute('aria-selected')).toBe('true');
    await page.keyboard.press('Enter');
    await page.waitForURL(new RegExp(`/customers/${first.customerId}\\?tab=collections$`));
    await page.getByRole('heading', { name: first.name }).waitFor();
    await expect.poll(() => page.getByTestId('worklist-position').textContent())
      .toContain(`Account 1 of ${list.length}`);
    await shot(page, 'account');

    // Log a call that got a promise, then on to the next account.
    const panel = page.getByRole('region', { name: 'Log contact' });
    await panel.getByLabel('Type').selectOption('call');
    await panel.getByLabel('Outcome').selectOption('promise');
    await panel.getByLabel('Promised amount').fill('250.00');
    const promisedFor = await panel.getByLabel('Promised for').inputValue();
    await panel.getByLabel('Note').fill('AP will release a check on Friday.');
    await shot(page, 'log-call');
    await panel.getByRole('button', { name: 'Save & next account ›' }).click();
    await page.waitForURL(new RegExp(`/customers/${second.customerId}\\?tab=collections$`));
    await page.getByRole('heading', { name: second.name }).waitFor();
    await expect.poll(() => page.getByTestId('worklist-position').textContent())
      .toContain(`Account 2 of ${list.length}`);

    const promises = (await collector.get<{ items: { amount: string; status: string;
      promisedOn: string; activityId: number }[] }>(`/customers/${first.customerId}/promises`))
      .body.items;
    expect(promises).toHaveLength(1);
    expect(promises[0]).toMatchObject({ amount: '250.00', status: 'open',
      promisedOn: promisedFor });
    const calls = (await collector.get<{ items: { id: number; kind: string; outcome: string;
      body: string }[] }>(`/customers/${first.customerId}/activities`)).body.items;
    expect(calls[0]).toMatchObject({ kind: 'call', outcome: 'promise',
      body: 'AP will release a check on Friday.' });
    expect(calls[0]!.id).toBe(promises[0]!.activityId);

    // Back on the first account: the timeline and the promise show what was logged.
    await page.goBack();
    await page.waitForURL(new RegExp(`/customers/${first.customerId}\\?tab=collections$`));
    await expect.poll(() => page.getByTestId('timeline').locator('li').first().textContent())
      .toContain('AP will release a check on Friday.');
    await expect.poll(() => page.getByTestId('promises').textContent()).toContain('250.00');

    // Email the statement; the SMTP server gets it with the PDF.
    const before = inbox.length;
    await page.getByRole('button', { name: 'Email statement' }).click();
    await expect.poll(() => page.getByRole('status').textContent())
      .toContain('Statement (PDF) emailed to');
    await expect.poll(() => inbox.length).toBe(before + 1);
    const mail = inbox.at(-1)!;
    expect(mail.subject).toContain('Statement of account');
    const pdf = mail.attachments.find((a) => a.filename.endsWith('.pdf'));
    expect(pdf?.filename).toContain(first.accountNumber);
    expect(pdf?.contentType).toBe('application/pdf');
    const text = await pdfText(pdf!.content);
    expect(text).toContain(first.accountNumber);
    expect(text).toContain(first.name);
    await expect.poll(() => page.getByTestId('timeline').locator('li').first().textContent())
      .toContain('Email');

    // Open a dispute on the oldest open item.
    await page.getByRole('button', { name: 'Open dispute…' }).click();
    const dialog = page.getByRole('dialog', { name: 'Open a dispute' });
    const firstItem = dialog.locator('tbody tr').first();
    const itemNumber = (await firstItem.locator('td.mono').textContent()) ?? '';
    await firstItem.getByRole('checkbox').check();
    await dialog.getByLabel('Reason').selectOption('damage');
    await dialog.getByLabel('Dispute note').fill('Two pallets arrived crushed.');
    await shot(page, 'dispute-dialog');
    await dialog.getByRole('button', { name: 'Open dispute' }).click();
    await dialog.waitFor({ state: 'hidden' });
    const disputes = page.getByTestId('disputes');
    await expect.poll(() => disputes.textContent()).toContain('Damage');
    await expect.poll(() => disputes.textContent()).toContain(itemNumber);
    await expect.poll(() => disputes.locator('tbody tr').first().textContent()).toContain('Open');
    await shot(page, 'account-after');

    // Back on the list, the account just worked is selected again, with its new flags.
    await page.getByTestId('worklist-position').getByRole('link', { name: 'worklist' }).click();
    const worked = page.locator('[data-testid="worklist-row"][aria-selected="true"]');
    await expect.poll(() => worked.textContent()).toContain(first.accountNumber);
    expect(await worked.textContent()).toContain('promised');
    expect(await worked.textContent()).toContain('dispute');
    await shot(page, 'worklist-after', false);
    await page.close();
  }, 240_000);

  it('lets a manager pick a collector, and dunning twice sends nothing new', async () => {
    const page = await signIn('ar_manager');
    await page.goto(`${server.baseUrl}/worklist`);
    const picker = page.getByLabel('Collector');
    await picker.waitFor();
    const name = (await apiAs('collector').then((c) => c.get<{ items: Row[] }>('/worklist')))
      .body.items[0]!.collector;
    await expect.poll(() => picker.locator('option').allTextContents()).toContain(name);
    await picker.selectOption(name);
    await expect.poll(() => new URL(page.url()).searchParams.get('collector')).toBe(name);
    await expect.poll(() => page.getByTestId('worklist-row').count()).toBeGreaterThan(0);
    await picker.selectOption('*');
    await expect.poll(() => page.getByTestId('worklist').locator('th').allTextContents())
      .toContain('Collector');
    await shot(page, 'worklist-all', false);
    await page.close();

    const manager = await apiAs('ar_manager');
    const firstRun = await manager.post<{ run: { messages: number; sends: number } }>(
      '/dunning/runs', { runKey: 'e2e:first' });
    expect(firstRun.status).toBe(201);
    expect(firstRun.body.run.messages).toBeGreaterThan(0);
    expect(firstRun.body.run.sends).toBeGreaterThan(0);
    const again = await manager.post<{ run: { messages: number; sends: number } }>(
      '/dunning/runs', { runKey: 'e2e:second' });
    expect(again.status).toBe(201);
    expect(again.body.run).toMatchObject({ messages: 0, sends: 0 });
    const sameKey = await manager.post<{ code: string }>('/dunning/runs',
      { runKey: 'e2e:first' });
    expect(sameKey.body.code).toBe('dunning_run_key_taken');
  }, 180_000);
});
