import Fastify from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashPassword, verifyPassword } from '../src/auth/hash-password.ts';
import {
  FAILURE_WINDOW_MS, IP_FAILURES_MAX, USERNAME_FAILURES_MAX,
} from '../src/auth/sign-in.ts';
import { DEFAULT_PRINCIPAL_TTL_MS, PrincipalCache } from '../src/auth/principal-cache.ts';
import { sha256Hex } from '../src/auth/secrets.ts';
import { loadConfig } from '../src/config.ts';
import { registerAuth } from '../src/http/auth-plugin.ts';
import { buildServer } from '../src/http/server.ts';
import { PASSWORD, problemOf, testServer, type TestServer } from './support/http.ts';

let s: TestServer;
beforeAll(async () => {
  s = await testServer();
  await s.addUser('ada', 'admin', 'Ada Admin');
  await s.addUser('ray', 'sales_rep', 'Ray Rep');
  await s.addUser('mo', 'collector', 'Mo Collector');
});
afterAll(async () => s.close());

const signInAs = (username: string, password: string, ip = '10.0.0.1') =>
  s.inject({ method: 'POST', url: '/api/v1/session', payload: { username, password },
    remoteAddress: ip });

describe('password hashing', () => {
  it('stores scrypt parameters and a salt with the hash; verifies only the password', async () => {
    const a = await hashPassword('päss wörd 123');
    const b = await hashPassword('päss wörd 123');
    expect(a).toMatch(/^scrypt\$32768\$8\$1\$[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+$/);
    expect(a).not.toBe(b);
    expect(await verifyPassword('päss wörd 123', a)).toBe(true);
    expect(await verifyPassword('pass word 123', a)).toBe(false);
    expect(await verifyPassword('x', 'scrypt$1099511627776$8$1$AA==$AA==')).toBe(false);
  });
});

describe('sessions', () => {
  it('sign in sets an HttpOnly SameSite=Lax cookie and returns a CSRF token', async () => {
    const r = await signInAs('ADA', PASSWORD);
    expect(r.statusCode).toBe(200);
    expect(r.json()).toEqual({
      user: { username: 'ada', displayName: 'Ada Admin', role: 'admin' },
      csrfToken: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/),
    });
    const cookie = r.cookies.find((c) => c.name === 'arc_session')!;
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Lax', path: '/' });
    const stored = await s.db.query<{ token_hash: string }>('SELECT token_hash FROM sessions');
    expect(stored.rows.map((x) => x.token_hash)).not.toContain(cookie.value);
  });

  it('/session/me answers the user behind the cookie; sign out ends the session', async () => {
    const browser = await s.signIn('ray');
    const me = await browser.request('GET', '/api/v1/session/me');
    expect(me.json()).toEqual({
      user: { username: 'ray', displayName: 'Ray Rep', role: 'sales_rep' },
      csrfToken: browser.csrfToken,
    });
    const out = await browser.request('DELETE', '/api/v1/session');
    expect(out.statusCode).toBe(204);
    expect(out.cookies.find((c) => c.name === 'arc_session')?.value).toBe('');
    const after = await browser.request('GET', '/api/v1/session/me');
    expect(after.statusCode).toBe(401);
    expect(problemOf(after).code).toBe('session_expired');
  });

  it('expires sessions after 12 hours', async () => {
    const browser = await s.signIn('ray');
    s.clock.advance(12 * 3600_000 - 1000);
    expect((await browser.request('GET', '/api/v1/session/me')).statusCode).toBe(200);
    s.clock.advance(2000);
    expect(problemOf(await browser.request('GET', '/api/v1/session/me')).code)
      .toBe('session_expired');
  });

  it('refuses a wrong password, an unknown user and no credentials alike', async () => {
    for (const [user, password] of [['mo', 'wrong password'], ['nobody', PASSWORD]]) {
      const r = await signInAs(user!, password!, '10.9.9.9');
      expect(r.statusCode).toBe(401);
      expect(problemOf(r)).toMatchObject({
        code: 'credentials_invalid', type: 'urn:arc:problem:credentials_invalid',
        title: 'Credentials invalid', status: 401,
      });
    }
    const anonymous = await s.inject({ method: 'GET', url: '/api/v1/session/me' });
    expect(problemOf(anonymous).code).toBe('unauthenticated');
  });
});

describe('failed sign-in rate limiting', () => {
  it(`locks a username after ${USERNAME_FAILURES_MAX} failures for the window`, async () => {
    await s.addUser('lou', 'auditor');
    for (let i = 0; i < USERNAME_FAILURES_MAX; i++) {
      expect((await signInAs('lou', `guess ${i}`, `10.1.0.${i}`)).statusCode).toBe(401);
    }
    // Even the right password is refused now, from any address, without saying it was right.
    const locked = await signInAs('lou', PASSWORD, '10.1.1.1');
    expect(locked.statusCode).toBe(429);
    expect(problemOf(locked).code).toBe('sign_in_rate_limited');
    expect(Number(locked.headers['retry-after'])).toBe(FAILURE_WINDOW_MS / 1000);
    s.clock.advance(FAILURE_WINDOW_MS);
    expect((await signInAs('lou', PASSWORD, '10.1.1.1')).statusCode).toBe(200);
    // Success cleared the username's failures.
    expect((await signInAs('lou', 'guess again', '10.1.1.2')).statusCode).toBe(401);
    expect((await signInAs('lou', PASSWORD, '10.1.1.2')).statusCode).toBe(200);
  });

  it('limits one address guessing many usernames, counting all instances', async () => {
    // Failures another app instance recorded a minute ago, for as many different usernames.
    await s.db.query(
      `INSERT INTO sign_in_failures (kind, key, at)
       SELECT 'ip', '10.66.0.1', $1::timestamptz FROM generate_series(1, $2::int)`,
      [new Date(s.clock.now().getTime() - 60_000), IP_FAILURES_MAX - 1]);
    expect((await signInAs('someone', 'x', '10.66.0.1')).statusCode).toBe(401);
    const locked = await signInAs('ada', PASSWORD, '10.66.0.1');
    expect(problemOf(locked).code).toBe('sign_in_rate_limited');
    expect(Number(locked.headers['retry-after'])).toBe(FAILURE_WINDOW_MS / 1000 - 60);
    expect((await signInAs('ada', PASSWORD, '10.66.0.2')).statusCode).toBe(200);
  });
});

describe('CSRF protection', () => {
  it('refuses an unsafe cookie request without the right X-CSRF-Token', async () => {
    const browser = await s.signIn('ada');
    for (const headers of [{ 'x-csrf-token': '' }, { 'x-csrf-token': 'forged' }]) {
      const r = await browser.request('POST', '/api/v1/tokens', { name: 'x' }, headers);
      expect(r.statusCode).toBe(403);
      expect(problemOf(r).code).toBe('csrf_token_invalid');
    }
    const ok = await browser.request('POST', '/api/v1/tokens', { name: 'x' });
    expect(ok.statusCode).toBe(201);
    // Reads need no token.
    const read = await s.inject({ method: 'GET', url: '/api/v1/tokens',
      cookies: { arc_session: browser.cookie } });
    expect(read.statusCode).toBe(200);
  });
});

describe('API tokens', () => {
  it('authenticate by bearer token without CSRF, until revoked', async () => {
    const browser = await s.signIn('mo');
    const created = await browser.request('POST', '/api/v1/tokens',
      { name: 'erp sync', scopes: ['customers.read', 'tokens.own'] });
    expect(created.statusCode).toBe(201);
    const { token, secret } = created.json();
    expect(secret).toMatch(/^arc_[A-Za-z0-9_-]{43}$/);
    expect(token).toMatchObject({ name: 'erp sync', owner: 'mo', prefix: secret.slice(0, 10),
      scopes: ['customers.read', 'tokens.own'], revokedAt: null });
    const me = await s.asToken(secret, 'GET', '/api/v1/session/me');
    expect(me.json()).toMatchObject({ user: { username: 'mo' }, csrfToken: null });
    const stored = await s.db.query<{ token_hash: string }>('SELECT token_hash FROM api_tokens');
    expect(stored.rows.map((r) => r.token_hash)).not.toContain(secret);
    // The token may do no more than its scopes, even where the role could.
    const more = await s.asToken(secret, 'POST', '/api/v1/tokens', { name: 'more',
      scopes: ['payments.write'] });
    expect(problemOf(more)).toMatchObject({ code: 'scope_not_granted', scope: 'payments.write' });
    const revoked = await browser.request('DELETE', `/api/v1/tokens/${token.id}`);
    expect(revoked.statusCode).toBe(204);
    const after = await s.asToken(secret, 'GET', '/api/v1/session/me');
    expect(after.statusCode).toBe(401);
    expect(problemOf(after).code).toBe('token_invalid');
  });

  it("hides other people's tokens from non-admins", async () => {
    const adaToken = await s.token('ada');
    const list = await s.asToken(adaToken, 'GET', '/api/v1/tokens');
    const ids = (list.json().items as { id: number; owner: string }[]);
    expect(new Set(ids.map((t) => t.owner))).toContain('mo');
    const moToken = await s.token('mo');
    const mine = await s.asToken(moToken, 'GET', '/api/v1/tokens');
    expect(new Set(mine.json().items.map((t: { owner: string }) => t.owner))).toEqual(
      new Set(['mo']));
    const adaFirst = ids.find((t) => t.owner === 'ada')!;
    const r = await s.asToken(moToken, 'DELETE', `/api/v1/tokens/${adaFirst.id}`);
    expect(problemOf(r).code).toBe('api_token_not_found');
    const other = await s.asToken(moToken, 'POST', '/api/v1/tokens', { name: 'x', owner: 'ada' });
    expect(problemOf(other).code).toBe('forbidden');
  });

  it('refuses malformed and unknown tokens, and tokens of disabled users', async () => {
    for (const authorization of ['Basic abc', 'Bearer short', `Bearer arc_${'x'.repeat(43)}`]) {
      const r = await s.inject({ method: 'GET', url: '/api/v1/session/me',
        headers: { authorization } });
      expect(problemOf(r).code).toBe('token_invalid');
    }
    await s.addUser('gone', 'auditor');
    const token = await s.token('gone');
    const browser = await s.signIn('gone');
    const admin = await s.signIn('ada');
    const off = await admin.request('PATCH', '/api/v1/users/gone', { disabled: true });
    expect(off.json().user.disabled).toBe(true);
    expect((await s.asToken(token, 'GET', '/api/v1/session/me')).statusCode).toBe(401);
    expect((await browser.request('GET', '/api/v1/session/me')).statusCode).toBe(401);
    expect((await signInAs('gone', PASSWORD, '10.2.0.1')).statusCode).toBe(401);
  });
});

describe('the principal cache (a second app instance on the same database)', () => {
  // Instance B remembers credentials for DEFAULT_PRINCIPAL_TTL_MS of its monotonic time, here
  // moved by hand; instance A (s) is where the other changes happen.
  let monotonicMs = 0;
  const principals = new PrincipalCache({ nowMs: () => monotonicMs });
  const other = () => buildServer({ db: s.db, config: loadConfig({}), clock: s.clock, principals });
  const me = (b: Awaited<ReturnType<typeof other>>, headers: Record<string, string>) =>
    b.inject({ method: 'GET', url: '/api/v1/session/me', headers });

  it('sees a sign-out on another instance within the lifetime, and at once its own', async () => {
    const b = await other();
    const browser = await s.signIn('ray');
    const cookie = { cookie: `arc_session=${browser.cookie}` };
    expect((await me(b, cookie)).json().user.username).toBe('ray');
    // Instance A ends the session: B answers from memory until the lifetime runs out.
    expect((await browser.request('DELETE', '/api/v1/session')).statusCode).toBe(204);
    monotonicMs += DEFAULT_PRINCIPAL_TTL_MS - 1;
    expect((await me(b, cookie)).statusCode).toBe(200);
    monotonicMs += 1;
    expect(problemOf(await me(b, cookie)).code).toBe('session_expired');
    // Signed out through B itself: gone at once.
    const again = await s.signIn('ray');
    const mine = { cookie: `arc_session=${again.cookie}`, 'x-csrf-token': again.csrfToken };
    expect((await me(b, mine)).statusCode).toBe(200);
    const out = await b.inject({ method: 'DELETE', url: '/api/v1/session', headers: mine });
    expect(out.statusCode).toBe(204);
    expect(problemOf(await me(b, mine)).code).toBe('session_expired');
    await b.close();
  });

  it('keys memory by the hash, answers a new role at once, never outlives a session', async () => {
    const b = await other();
    await s.addUser('cy', 'collector', 'Cy Collector');
    const token = await s.token('cy');
    const bearer = { authorization: `Bearer ${token}` };
    expect((await me(b, bearer)).json().user.role).toBe('collector');
    // The token's hash is what the database keeps; a copy of it signs nobody in.
    const stored = await s.db.query<{ token_hash: string }>(
      'SELECT token_hash FROM api_tokens WHERE token_hash = $1', [sha256Hex(token)]);
    expect(stored.rows).toHaveLength(1);
    expect((await me(b, { authorization: `Bearer ${stored.rows[0]!.token_hash}` })).statusCode)
      .toBe(401);
    const admin = await s.signIn('ada');
    const headers = { cookie: `arc_session=${admin.cookie}`, 'x-csrf-token': admin.csrfToken };
    const promoted = await b.inject({ method: 'PATCH', url: '/api/v1/users/cy', headers,
      payload: { role: 'ar_manager' } });
    expect(promoted.statusCode).toBe(200);
    expect((await me(b, bearer)).json().user.role).toBe('ar_manager');
    // A session's end on the business clock holds even while it is remembered.
    const browser = await s.signIn('cy');
    const cookie = { cookie: `arc_session=${browser.cookie}` };
    expect((await me(b, cookie)).statusCode).toBe(200);
    s.clock.advance(12 * 3600_000);
    expect(problemOf(await me(b, cookie)).code).toBe('session_expired');
    await b.close();
  });
});

describe('route declarations', () => {
  it('refuse to start a server with a route that declares no permission', async () => {
    const app = Fastify();
    registerAuth(app, { db: s.db, clock: s.clock, publicPrefixes: [] });
    void app.register(async (api) => {
      api.get('/checked', { config: { permission: 'aging.read' } }, async () => 'ok');
      api.get('/unchecked', async () => 'oops');
    }, { prefix: '/api/v1' });
    await expect(app.ready()).rejects.toThrow(
      /GET \/api\/v1\/unchecked declares no valid permission/);
  });

  it('answer unknown routes and malformed bodies with problem+json', async () => {
    const missing = await s.inject({ method: 'GET', url: '/api/v1/nothing-here' });
    expect(missing.statusCode).toBe(404);
    expect(problemOf(missing).code).toBe('route_not_found');
    const bad = await s.inject({ method: 'POST', url: '/api/v1/session',
      headers: { 'content-type': 'application/json' }, payload: '{"username":' });
    expect(bad.statusCode).toBe(400);
    expect(problemOf(bad).code).toBe('request_invalid');
    const invalid = await s.inject({ method: 'POST', url: '/api/v1/session',
      payload: { username: 'a' } });
    expect(problemOf(invalid)).toMatchObject({ code: 'request_invalid',
      errors: [expect.objectContaining({ in: 'body' })] });
  });
});
