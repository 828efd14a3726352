import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sha256Hex } from '../src/auth/secrets.ts';
import { canonicalJson } from '../src/http/idempotency.ts';
import { createCustomer } from '../src/ledger/create-customer.ts';
import { problemOf, testServer, type Browser, type TestServer } from './support/http.ts';

let s: TestServer;
let admin: Browser;
beforeAll(async () => {
  s = await testServer();
  await s.addUser('ada', 'admin', 'Ada Admin');
  admin = await s.signIn('ada');
});
afterAll(async () => s.close());

const newUser = (username: string, role = 'collector') =>
  ({ username, role, displayName: `${username} person`, password: 'long enough pass' });

describe('users', () => {
  it('an admin creates, lists, re-roles, disables and enables users', async () => {
    const created = await admin.request('POST', '/api/v1/users', newUser('Kim'));
    expect(created.statusCode).toBe(201);
    expect(created.json().user).toEqual({
      username: 'kim', displayName: 'Kim person', role: 'collector', email: null, disabled: false,
      createdAt: expect.any(String), lastSignInAt: null,
    });
    const role = await admin.request('PATCH', '/api/v1/users/kim', { role: 'ar_manager' });
    expect(role.json().user.role).toBe('ar_manager');
    const off = await admin.request('PATCH', '/api/v1/users/kim', { disabled: true });
    expect(off.json().user.disabled).toBe(true);
    const on = await admin.request('PATCH', '/api/v1/users/kim',
      { disabled: false, displayName: 'Kim Lee' });
    expect(on.json().user).toMatchObject({ disabled: false, displayName: 'Kim Lee' });
    const list = await admin.request('GET', '/api/v1/users');
    expect(list.json().items.map((u: { username: string }) => u.username)).toEqual(['ada', 'kim']);
    expect(list.body).not.toMatch(/scrypt|password/i);
  });

  it("sets, checks and removes a user's email (where the sales-rep digest goes)", async () => {
    const created = await admin.request('POST', '/api/v1/users',
      { ...newUser('rae', 'sales_rep'), email: 'rae@ar.example' });
    expect(created.json().user).toMatchObject({ username: 'rae', email: 'rae@ar.example' });
    const mail = await admin.request('PATCH', '/api/v1/users/rae', { email: ' rae@sales.example ' });
    expect(mail.json().user).toMatchObject({ email: 'rae@sales.example', role: 'sales_rep' });
    const stored = await s.db.query('SELECT email FROM users WHERE username = $1', ['rae']);
    expect(stored.rows).toEqual([{ email: 'rae@sales.example' }]);
    const bad = await admin.request('PATCH', '/api/v1/users/rae', { email: 'not an address' });
    expect(bad.statusCode).toBe(422);
    expect(problemOf(bad).code).toBe('email_invalid');
    const none = await admin.request('PATCH', '/api/v1/users/rae', { email: null });
    expect(none.json().user.email).toBeNull();
    const audit = await admin.request('GET', '/api/v1/audit?action=user.update');
    const change = (audit.json().items as { entityId: string; before: unknown; after: unknown }[])
      .find((e) => e.entityId === 'rae');
    expect(change).toMatchObject({ before: { email: 'rae@sales.example' }, after: { email: null } });
  });

  it.each([
    // Rules in precedence order, each with the status the one error map gives it.
    { body: { ...newUser('kim'), username: 'has space' }, status: 422, code: 'username_invalid' },
    { body: { ...newUser('new1'), password: 'short' }, status: 422, code: 'password_too_short' },
    { body: { ...newUser('new3'), email: 'nobody' }, status: 422, code: 'email_invalid' },
    { body: newUser('kim'), status: 409, code: 'username_taken' },
    { body: { ...newUser('new2'), role: 'boss' }, status: 400, code: 'request_invalid' },
  ])('refuses $code', async ({ body, status, code }) => {
    const r = await admin.request('POST', '/api/v1/users', body);
    expect(r.statusCode).toBe(status);
    expect(problemOf(r).code).toBe(code);
  });

  it('keeps at least one active admin, and 404s unknown users', async () => {
    for (const change of [{ role: 'auditor' }, { disabled: true }]) {
      const r = await admin.request('PATCH', '/api/v1/users/ada', change);
      expect(r.statusCode).toBe(409);
      expect(problemOf(r).code).toBe('last_admin_must_remain');
    }
    const missing = await admin.request('PATCH', '/api/v1/users/nobody', { role: 'auditor' });
    expect(missing.statusCode).toBe(404);
    expect(problemOf(missing)).toMatchObject({ code: 'user_not_found', username: 'nobody' });
  });
});

describe('audit log', () => {
  it('records user changes with before and after, never the password hash', async () => {
    const r = await admin.request('GET', '/api/v1/audit?action=user');
    const entries = (r.json().items as { action: string; entityId: string }[])
      .filter((e) => e.entityId === 'kim');
    expect(entries.map((e) => e.action)).toEqual(
      ['user.update', 'user.enable', 'user.disable', 'user.update', 'user.create']);
    const update = entries[0];
    expect(update).toMatchObject({
      actor: 'ada', actorKind: 'user', source: '10.0.0.1', entityType: 'user', entityId: 'kim',
      before: { displayName: 'Kim person', disabled: false },
      after: { displayName: 'Kim Lee' },
    });
    expect(JSON.stringify(entries)).not.toMatch(/scrypt|passwordHash/);
  });

  it('records sign-ins, sign-outs and tokens, acting as the token where one is used', async () => {
    await s.addUser('otto', 'auditor');
    const browser = await s.signIn('otto');
    const created = await browser.request('POST', '/api/v1/tokens', { name: 'reports' });
    const { token, secret } = created.json();
    await s.asToken(secret, 'DELETE', `/api/v1/tokens/${token.id}`);
    await browser.request('DELETE', '/api/v1/session');
    const r = await admin.request('GET', '/api/v1/audit?user=otto');
    expect(r.json().items.map((e: { action: string; actorKind: string }) =>
      `${e.action}/${e.actorKind}`)).toEqual([
      'session.sign_out/user', 'api_token.revoke/token', 'api_token.create/user',
      'session.sign_in/user',
    ]);
    expect(JSON.stringify(r.json())).not.toContain(secret);
  });

  it('filters by customer (account number or id), action, dates, and pages', async () => {
    const actor = { name: 'erp', kind: 'system' as const, source: 'test' };
    for (const account of ['A1', 'B2']) {
      const c = await createCustomer(s.db, actor, { accountNumber: account, name: account });
      expect(c.ok).toBe(true);
    }
    const byAccount = await admin.request('GET', '/api/v1/audit?customer=B2');
    expect(byAccount.json()).toMatchObject({ total: 1,
      items: [{ action: 'customer.create', actor: 'erp', after: { accountNumber: 'B2' },
        customerAccount: 'B2' }] });
    const id = byAccount.json().items[0].customerId;
    expect((await admin.request('GET', `/api/v1/audit?customer=${id}`)).json().total).toBe(1);
    const page = await admin.request('GET', '/api/v1/audit?action=customer.create&limit=1');
    expect(page.json()).toMatchObject({ total: 2, items: [{ entityId: String(id) }] });
    const today = new Date().toISOString().slice(0, 10);
    const range = await admin.request('GET', `/api/v1/audit?from=${today}&to=${today}`);
    const all = await admin.request('GET', '/api/v1/audit?limit=500');
    expect(range.json().total).toBe(all.json().total);
    const past = await admin.request('GET', '/api/v1/audit?to=2000-01-01');
    expect(past.json()).toEqual({ items: [], total: 0 });
    const bad = await admin.request('GET', '/api/v1/audit?from=2026-02-30');
    expect(problemOf(bad).code).toBe('request_invalid');
  });

  it('is append-only', async () => {
    await expect(s.db.query('DELETE FROM audit_log')).rejects.toThrow(/append-only/);
  });
});

describe('idempotency keys', () => {
  const create = (key: string, body: object, headers: Record<string, string> = {}) =>
    admin.request('POST', '/api/v1/users', body, { 'idempotency-key': key, ...headers });

  it('replays the first answer for the same key and body, and refuses another body', async () => {
    const first = await create('key-1', newUser('ivy'));
    expect(first.statusCode).toBe(201);
    const again = await create('key-1', { password: 'long enough pass', role: 'collector',
      displayName: 'ivy person', username: 'ivy' });
    expect(again.statusCode).toBe(201);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.json()).toEqual(first.json());
    const other = await create('key-1', newUser('ivo'));
    expect(other.statusCode).toBe(409);
    expect(problemOf(other).code).toBe('idempotency_key_reused');
    const users = await s.db.query(`SELECT 1 FROM users WHERE username IN ('ivy', 'ivo')`);
    expect(users.rows).toHaveLength(1);
    const audits = await admin.request('GET', '/api/v1/audit?action=user.create');
    expect(audits.json().items.filter((e: { entityId: string }) => e.entityId === 'ivy'))
      .toHaveLength(1);
  });

  it('replays refusals too, keeps keys per principal, and checks the key', async () => {
    const refused = await create('key-2', newUser('ivy'));
    expect(problemOf(refused).code).toBe('username_taken');
    const replay = await create('key-2', newUser('ivy'));
    expect(replay.headers['idempotent-replayed']).toBe('true');
    expect(problemOf(replay).code).toBe('username_taken');
    // The same key from another principal is another key.
    const token = await s.token('ada');
    const byToken = await s.asToken(token, 'POST', '/api/v1/users', newUser('ivo'),
      { 'idempotency-key': 'key-1' });
    expect(byToken.statusCode).toBe(201);
    const bad = await create('key with spaces', newUser('iris'));
    expect(problemOf(bad).code).toBe('idempotency_key_invalid');
  });

  it('refuses a retry while the first request runs', async () => {
    // What another instance running the same request holds: the key with no answer yet.
    const hash = sha256Hex(`POST /api/v1/users\n${canonicalJson(newUser('ike'))}`);
    await s.db.query(
      `INSERT INTO idempotency_keys (principal, key, request_hash, created_at)
       SELECT 'user:' || id, 'key-3', $1, now() FROM users WHERE username = 'ada'`, [hash]);
    const r = await create('key-3', newUser('ike'));
    expect(r.statusCode).toBe(409);
    expect(problemOf(r).code).toBe('idempotency_request_in_progress');
  });
});

describe('OpenAPI', () => {
  it('is an OpenAPI 3.1 document listing every API route with its schemas', async () => {
    const r = await s.inject({ method: 'GET', url: '/api/docs/json' });
    expect(r.statusCode).toBe(200);
    const doc = r.json();
    expect(doc.openapi).toBe('3.1.0');
    expect(doc.info).toMatchObject({ title: 'ARC API', version: expect.any(String) });
    const api = s.app.arcRoutes.filter((route) => route.url.startsWith('/api/v1/'));
    expect(api.length).toBeGreaterThan(5);
    for (const route of api) {
      const path = route.url.replace(/:([A-Za-z]+)/g, '{$1}');
      const op = doc.paths[path]?.[route.method.toLowerCase()];
      expect(op, `${route.method} ${path}`).toBeDefined();
      expect(Object.keys(op.responses)).toEqual(expect.arrayContaining(['4XX', '5XX']));
      expect(op.responses['4XX'].content['application/problem+json'].schema.required)
        .toEqual(['type', 'title', 'status', 'detail', 'code']);
      expect(op.description).toMatch(/permission|sign-in|signed-in/);
      for (const [, response] of Object.entries<{ description?: string }>(op.responses)) {
        expect(response.description).toBeTruthy();
      }
    }
    expect(doc.paths['/api/v1/users/{username}'].patch.parameters)
      .toEqual([expect.objectContaining({ name: 'username', in: 'path', required: true })]);
    expect(doc.paths['/api/v1/session'].post.security).toEqual([]);
    expect(doc.components.securitySchemes).toHaveProperty('bearer');
    const ui = await s.inject({ method: 'GET', url: '/api/docs' });
    expect(ui.statusCode).toBe(200);
    expect(ui.body).toMatch(/swagger/i);
  });
});
