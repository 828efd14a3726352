import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PASSWORD } from '../src/auth/create-demo-users.ts';
import { DEFAULT_PRINCIPAL_TTL_MS, PrincipalCache } from '../src/auth/principal-cache.ts';
import { main } from '../src/cli/main.ts';
import type { CliContext } from '../src/cli/context.ts';
import { loadConfig } from '../src/config.ts';
import { buildServer } from '../src/http/server.ts';
import { freshDb } from './support/db.ts';

let db: Awaited<ReturnType<typeof freshDb>>;
beforeAll(async () => {
  db = await freshDb();
});
afterAll(async () => db.dispose());

function cli(env: Record<string, string> = {}) {
  let out = '';
  let err = '';
  const sink = (append: (s: string) => void) =>
    new Writable({ write(chunk, _enc, done) { append(String(chunk)); done(); } });
  const ctx: CliContext = {
    config: loadConfig({ PORT: '0', ...env }), db: async () => db, today: '2026-06-30',
    actor: { name: 'cli:tester', kind: 'cli', source: 'cli' },
    stdout: sink((s) => (out += s)), stderr: sink((s) => (err += s)),
    close: async () => undefined,
  };
  const run = (...args: string[]) => main(['node', 'arc', ...args], ctx);
  return { run, out: () => out, err: () => err };
}

describe('arc user', () => {
  it('adds users with a given or generated password and lists them', async () => {
    const a = cli();
    expect(await a.run('user', 'add', 'root', '--role', 'admin', '--password',
      'root password 1')).toBe(0);
    expect(a.out()).toMatch(/created user root \(root, admin\)/);
    const b = cli();
    expect(await b.run('user', 'add', 'Dana', '--role', 'collector', '--name', 'Dana Kim',
      '--json')).toBe(0);
    const created = JSON.parse(b.out());
    expect(created.user).toMatchObject({ username: 'dana', displayName: 'Dana Kim', email: null });
    const mail = cli();
    expect(await mail.run('user', 'email', 'dana', 'dana@ar.example', '--json')).toBe(0);
    expect(JSON.parse(mail.out()).user.email).toBe('dana@ar.example');
    const rep = cli();
    expect(await rep.run('user', 'add', 'sam', '--role', 'sales_rep', '--email',
      'sam@ar.example', '--json')).toBe(0);
    expect(JSON.parse(rep.out()).user).toMatchObject({ role: 'sales_rep', email: 'sam@ar.example' });
    expect(created.password).toMatch(/^[A-Za-z0-9_-]{24}$/);
    const list = cli();
    expect(await list.run('user', 'list', '--json')).toBe(0);
    expect(JSON.parse(list.out()).users.map((u: { username: string }) => u.username))
      .toEqual(['dana', 'root', 'sam']);
  });

  it('refuses bad roles (usage, exit 2) and taken names (exit 1) with the same codes', async () => {
    const bad = cli();
    expect(await bad.run('user', 'add', 'x', '--role', 'boss')).toBe(2);
    const taken = cli();
    expect(await taken.run('user', 'add', 'root', '--role', 'auditor')).toBe(1);
    expect(taken.err()).toMatch(/^error: username_taken: /);
  });

  it('creates a token the API accepts, shown once, until it is revoked', async () => {
    // The CLI is another process: the server learns of the revocation when its memory of the
    // token (a few seconds) runs out; this clock stands for the server's monotonic time.
    let monotonicMs = 0;
    const principals = new PrincipalCache({ nowMs: () => monotonicMs });
    const c = cli();
    expect(await c.run('user', 'token', 'dana', '--name', 'ERP', '--scopes',
      'customers.read,tokens.own', '--json')).toBe(0);
    const { token, secret } = JSON.parse(c.out());
    expect(token.scopes).toEqual(['customers.read', 'tokens.own']);
    const app = await buildServer({ db, config: loadConfig({}), clock: { now: () => new Date() },
      principals });
    const me = () => app.inject({ method: 'GET', url: '/api/v1/session/me',
      headers: { authorization: `Bearer ${secret}` } });
    expect((await me()).statusCode).toBe(200);
    const listed = cli();
    await listed.run('user', 'tokens', 'dana');
    expect(listed.out()).not.toContain(secret);
    expect(await cli().run('user', 'token-revoke', String(token.id))).toBe(0);
    monotonicMs += DEFAULT_PRINCIPAL_TTL_MS - 1;
    expect((await me()).statusCode).toBe(200);
    monotonicMs += 1;
    expect((await me()).statusCode).toBe(401);
    await app.close();
    const audit = await db.query<{ action: string; actor: string }>(
      `SELECT action, actor FROM audit_log WHERE entity_type IN ('user', 'api_token') ORDER BY id`);
    expect(audit.rows).toEqual([
      { action: 'user.create', actor: 'cli:tester' },
      { action: 'user.create', actor: 'cli:tester' },
      { action: 'user.update', actor: 'cli:tester' },
      { action: 'user.create', actor: 'cli:tester' },
      { action: 'api_token.create', actor: 'cli:tester' },
      { action: 'api_token.revoke', actor: 'cli:tester' },
    ]);
  });

  it('disables and enables a user; the last admin stays', async () => {
    const off = cli();
    expect(await off.run('user', 'disable', 'dana')).toBe(0);
    expect(off.out()).toMatch(/disabled user dana .*disabled\)/);
    expect(await cli().run('user', 'enable', 'dana')).toBe(0);
    const last = cli();
    expect(await last.run('user', 'disable', 'root')).toBe(1);
    expect(last.err()).toMatch(/last_admin_must_remain/);
  });
});

describe('arc start', () => {
  it('creates one demo login per role, named after customers\' people, and serves', async () => {
    const empty = await freshDb();
    await empty.query(`INSERT INTO customers (account_number, name, collector, sales_rep) VALUES
      ('C1', 'One', 'Zoe Zed', 'Sam Seller'), ('C2', 'Two', 'Ann Ames', 'Ray Rep')`);
    let out = '';
    const ctx: CliContext = {
      config: loadConfig({ PORT: '0' }), db: async () => empty, today: '2026-06-30',
      actor: { name: 'cli:tester', kind: 'cli', source: 'cli' },
      stdout: new Writable({ write(c, _e, done) { out += String(c); done(); } }),
      stderr: new Writable({ write(_c, _e, done) { done(); } }),
      close: async () => undefined,
    };
    const running = main(['node', 'arc', 'start', '--json'], ctx);
    while (!out.includes('\n')) await new Promise((r) => setTimeout(r, 50));
    const started = JSON.parse(out);
    const logins = started.demoLogins as { role: string; username: string; displayName: string }[];
    expect(logins.map((l) => l.role)).toEqual(['admin', 'ar_manager', 'credit_manager',
      'collector', 'cash_application', 'sales_rep', 'auditor']);
    expect(logins.find((l) => l.role === 'collector')).toEqual(
      { role: 'collector', username: 'ann.ames', displayName: 'Ann Ames' });
    expect(logins.find((l) => l.role === 'sales_rep')).toMatchObject({ username: 'ray.rep' });
    const signIn = await fetch(`${started.url}/api/v1/session`, {
      method: 'POST', headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'ann.ames', password: DEMO_PASSWORD }),
    });
    expect(signIn.status).toBe(200);
    process.emit('SIGTERM');
    expect(await running).toBe(0);
    await empty.dispose();
  });
});
