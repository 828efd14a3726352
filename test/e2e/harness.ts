// The pieces the browser test needs around the real thing: a built web app, the ARC server on a
// free port with a fresh data directory, its demo logins, and Debian's Chromium.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, expect } from 'vitest';

export const ROOT = new URL('../../', import.meta.url).pathname;
export const CHROMIUM = '/usr/bin/chromium';

export const ROLES = [
  'admin', 'ar_manager', 'credit_manager', 'collector', 'cash_application', 'sales_rep', 'auditor',
] as const;
export type RoleName = (typeof ROLES)[number];

export interface Login {
  username: string;
  password: string;
}

/** Builds web/ into web/dist, which the server serves. */
export function buildWeb(): void {
  const r = spawnSync(process.execPath,
    [join(ROOT, 'node_modules/vite/bin/vite.js'), 'build', '--config', 'web/vite.config.ts',
      '--logLevel', 'warn'],
    { cwd: ROOT, encoding: 'utf8', timeout: 180_000 });
  if (r.status !== 0) throw new Error(`vite build failed:\n${r.stdout}\n${r.stderr}`);
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const address = s.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      s.close(() => resolve(port));
    });
  });
}

export interface RunningServer {
  baseUrl: string;
  output: () => string;
  stop: () => Promise<void>;
}

/**
 * Starts `node bin/arc.js start` (ARC_E2E_START may name another command, e.g. while developing)
 * on a free port with a new embedded database, and waits until the API answers. `extraEnv` adds
 * settings (e.g. ARC_SMTP_HOST/PORT for a test's own SMTP server).
 */
export async function startServer(
  timeoutMs = 240_000, extraEnv: Record<string, string> = {},
): Promise<RunningServer> {
  const port = await freePort();
  const dataDir = mkdtempSync(join(tmpdir(), 'arc-e2e-data-'));
  // No scheduled jobs (a dunning run at start would change what the tests see), unless asked.
  const env: NodeJS.ProcessEnv = { ...process.env, PORT: String(port), HOST: '127.0.0.1',
    ARC_DATA_DIR: dataDir, NO_COLOR: '1', ARC_JOBS: 'off', ...extraEnv };
  // A fresh embedded database, also on CI's PostgreSQL pass.
  delete env.DATABASE_URL;
  delete env.ARC_SCHEMA;
  const command = (process.env.ARC_E2E_START ?? `${process.execPath} bin/arc.js start`).split(' ');
  const child: ChildProcess = spawn(command[0] ?? 'node', command.slice(1),
    { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout?.on('data', (b: Buffer) => (out += b.toString()));
  child.stderr?.on('data', (b: Buffer) => (out += b.toString()));
  let exited: number | null | undefined;
  child.on('exit', (code) => (exited = code));
  const baseUrl = `http://127.0.0.1:${port}`;
  const stop = async () => {
    if (exited === undefined && child.pid !== undefined) {
      child.kill('SIGTERM');
      const deadline = Date.now() + 10_000;
      while (exited === undefined && Date.now() < deadline) await sleep(100);
      if (exited === undefined) child.kill('SIGKILL');
    }
    rmSync(dataDir, { recursive: true, force: true });
  };
  const started = Date.now();
  for (;;) {
    if (exited !== undefined) {
      await stop();
      throw new Error(`the server exited (${exited}) before answering:\n${out}`);
    }
    if (Date.now() - started > timeoutMs) {
      await stop();
      throw new Error(`the server did not answer on ${baseUrl} within ${timeoutMs} ms:\n${out}`);
    }
    try {
      const res = await fetch(`${baseUrl}/api/v1/session/me`);
      // Any answer means it listens; the demo logins are printed by then.
      if (res.status === 401 || res.ok) break;
    } catch {
      // not listening yet
    }
    await sleep(500);
  }
  await sleep(300);
  return { baseUrl, output: () => out, stop };
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

const PASSWORD_RE = /password\s*[:=]?\s*["'`]?([^\s"'`,;)]+)/i;

/**
 * Reads the demo logins that `arc start` prints. Accepts one login per line naming the role, in
 * forms such as "  jdoe  collector", "collector: jdoe / s3cret" or
 * "user=jdoe role=collector password=s3cret"; a password printed once applies to every login.
 */
export function parseDemoLogins(text: string): Map<RoleName, Login> {
  const clean = text.replace(/\x1b\[[0-9;]*m/g, '');
  const shared = PASSWORD_RE.exec(clean)?.[1];
  const logins = new Map<RoleName, Login>();
  for (const line of clean.split('\n')) {
    const role = ROLES.find((r) => new RegExp(`(^|[^A-Za-z_])${r}([^A-Za-z_]|$)`).test(line));
    if (!role || logins.has(role)) continue;
    const named = /user(?:name)?\s*[:=]\s*["']?([\w.@-]+)/i.exec(line)?.[1];
    const slash = /([\w.@-]+)\s*\/\s*([^\s,;)]+)/.exec(line.replace(/https?:\/\/\S+/g, ''));
    const tokens = line.replace(/password\s*[:=]?\s*\S+/i, '').match(/[A-Za-z0-9][\w.@-]*/g) ?? [];
    const first = tokens.find((t) => t !== role && !/^(role|user|username|login)$/i.test(t));
    const username = named ?? slash?.[1] ?? first ?? role;
    const password = PASSWORD_RE.exec(line)?.[1] ?? slash?.[2] ?? shared;
    if (password) logins.set(role, { username, password });
  }
  return logins;
}

/** Signs `login` in over the API: its session cookie and CSRF token, or null when refused. */
export async function apiSession(
  baseUrl: string, login: Login | undefined,
): Promise<{ cookie: string; csrfToken: string } | null> {
  const res = await fetch(`${baseUrl}/api/v1/session`, {
    method: 'POST', headers: { 'content-type': 'application/json' },
    body: JSON.stringify(login),
  });
  if (!res.ok) return null;
  const cookie = (res.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
  const { csrfToken } = (await res.json()) as { csrfToken: string };
  return { cookie, csrfToken };
}

/** Fills in roles the output did not name by asking the API for the users (as admin). */
export async function completeLogins(baseUrl: string, logins: Map<RoleName, Login>): Promise<void> {
  const admin = logins.get('admin');
  if (!admin || ROLES.every((r) => logins.has(r))) return;
  const session = await apiSession(baseUrl, admin);
  if (!session) return;
  const users = await fetch(`${baseUrl}/api/v1/users`, { headers: { cookie: session.cookie } });
  if (!users.ok) return;
  const body = (await users.json()) as { items?: { username: string; role: RoleName }[] };
  for (const u of body.items ?? []) {
    if (!logins.has(u.role)) logins.set(u.role, { username: u.username, password: admin.password });
  }
}

/** Every role's demo login, from what the server printed (completed through the API). */
export async function demoLogins(server: RunningServer): Promise<Map<RoleName, Login>> {
  const logins = parseDemoLogins(server.output());
  await completeLogins(server.baseUrl, logins);
  const missing = ROLES.filter((r) => !logins.has(r));
  if (missing.length > 0) {
    throw new Error(`no demo login found for ${missing.join(', ')} in:\n${server.output()}`);
  }
  return logins;
}

/** Debian's Chromium, headless, with a profile of its own; `close` also removes the profile. */
export async function launchBrowser(): Promise<{
  context: BrowserContext;
  close(): Promise<void>;
}> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`${CHROMIUM} is missing: apt-get install -y chromium`);
  }
  const profile = mkdtempSync(join(tmpdir(), 'arc-e2e-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    acceptDownloads: true,
    viewport: { width: 1400, height: 900 },
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  return {
    context,
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true, maxRetries: 5, retryDelay: 200 });
    },
  };
}

/** "-1,234.56" or "1234.56" to integer cents, exactly (no floating point). */
export function toCents(text: string): bigint {
  const m = /^\s*(-)?([\d,]+)(?:\.(\d{1,2}))?\s*$/.exec(text);
  if (!m) throw new Error(`not an amount: ${JSON.stringify(text)}`);
  const value = BigInt((m[2] ?? '0').replace(/,/g, '') + (m[3] ?? '').padEnd(2, '0'));
  return m[1] ? -value : value;
}

/** A new page signed in with `login` (a page error fails the test), once the app shows who. */
export async function signInPage(
  context: BrowserContext, baseUrl: string, login: Login, who: string,
): Promise<Page> {
  const page = await context.newPage();
  page.on('pageerror', (e) => {
    throw new Error(`page error as ${who}: ${e.message}`);
  });
  await page.goto(`${baseUrl}/sign-in`);
  await page.getByLabel('Username').fill(login.username);
  await page.getByLabel('Password').fill(login.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByTestId('who').waitFor();
  return page;
}

/** Once the view shows its data: the network is idle and no loading indicator is left. */
export async function settled(page: Page): Promise<void> {
  await page.waitForLoadState('networkidle');
  await page.locator('.state-loading, .busy-on').first()
    .waitFor({ state: 'detached', timeout: 20_000 });
}

/**
 * A screenshot to `path` once the view shows its data: the network is idle and no loading
 * indicator is left (a view reached inside the app may still be fetching). Scrolled to the top
 * first: a full-page shot of a scrolled window draws the sticky app bar mid-page.
 */
export async function screenshot(page: Page, path: string, fullPage = true): Promise<void> {
  await settled(page);
  if (fullPage) await page.evaluate('window.scrollTo(0, 0)');
  await page.screenshot({ path, fullPage });
}

/** Where the browser tests leave their screenshots. */
export const SHOTS = join(ROOT, 'test-results/screenshots');

/** What a cash-application browser test works with; filled by clerkSuite's beforeAll. */
export interface ClerkSuite {
  server: RunningServer;
  browser: BrowserContext;
  logins: Map<RoleName, Login>;
  /** A scratch directory for the files the test uploads (removed afterwards). */
  dir: string;
  /** The cash-application clerk's session cookie, for API calls beside the browser. */
  cookie: string;
  /** GET /api/v1`path` as the clerk, expecting 200. */
  get<T>(path: string): Promise<T>;
}

/**
 * Registers the beforeAll and afterAll of a cash-application browser test file: the demo server
 * on a fresh database, Chromium, the demo logins, a scratch directory (named for `name`) and the
 * clerk's API session. The returned object is filled before the first test runs.
 */
export function clerkSuite(name: string): ClerkSuite {
  let closeBrowser: (() => Promise<void>) | undefined;
  const suite = {
    dir: '', cookie: '',
    async get<T>(path: string): Promise<T> {
      const res = await fetch(`${suite.server.baseUrl}/api/v1${path}`,
        { headers: { cookie: suite.cookie } });
      expect(res.status).toBe(200);
      return (await res.json()) as T;
    },
  } as ClerkSuite;
  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    suite.dir = mkdtempSync(join(tmpdir(), `arc-e2e-${name}-`));
    suite.server = await startServer();
    suite.logins = await demoLogins(suite.server);
    const session = await apiSession(suite.server.baseUrl, suite.logins.get('cash_application'));
    expect(session).not.toBeNull();
    suite.cookie = session!.cookie;
    const launched = await launchBrowser();
    suite.browser = launched.context;
    closeBrowser = launched.close;
  }, 420_000);
  afterAll(async () => {
    await closeBrowser?.();
    await suite.server?.stop();
    if (suite.dir) rmSync(suite.dir, { recursive: true, force: true });
  });
  return suite;
}
