import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import { createApiToken } from '../../src/auth/create-api-token.ts';
import { createUser } from '../../src/auth/create-user.ts';
import { loadConfig } from '../../src/config.ts';
import type { Actor } from '../../src/db/audit.ts';
import type { Role } from '../../src/domain/permissions.ts';
import { ReadCache } from '../../src/http/read-cache.ts';
import { buildServer, type ArcServer } from '../../src/http/server.ts';
import { freshDb } from './db.ts';

export const PASSWORD = 'correct horse battery';
export const setup: Actor = { name: 'test-setup', kind: 'system', source: 'test' };

/** A clock the test moves by hand. */
export function testClock(start = '2026-06-30T12:00:00.000Z') {
  let t = new Date(start).getTime();
  return {
    now: () => new Date(t),
    advance(ms: number) {
      t += ms;
    },
  };
}

type Body = InjectOptions['payload'];

/** A signed-in browser: the session cookie, and the CSRF token echoed on unsafe requests. */
export interface Browser {
  csrfToken: string;
  cookie: string;
  request(method: string, url: string, body?: Body, headers?: Record<string, string>):
    Promise<LightMyRequestResponse>;
}

/** A fresh database and server, and ways to call it as a browser, a system or nobody. */
export async function testServer() {
  const db = await freshDb();
  const clock = testClock();
  const config = loadConfig({});
  const reads = new ReadCache(db, config.readCacheBytes);
  const app: ArcServer = await buildServer({ db, config, clock, reads });
  const inject = (opts: InjectOptions) => app.inject({ remoteAddress: '10.0.0.1', ...opts });
  return {
    db, app, clock, inject, reads,
    async addUser(username: string, role: Role, displayName?: string) {
      const r = await createUser(db, setup, { username, role, displayName, password: PASSWORD });
      if (!r.ok) throw new Error(JSON.stringify(r.error));
      return r.value;
    },
    async token(owner: string, scopes?: string[]): Promise<string> {
      const r = await createApiToken(db, setup, { owner, name: 'test', scopes }, clock.now());
      if (!r.ok) throw new Error(JSON.stringify(r.error));
      return r.value.secret;
    },
    /** Calls with `Authorization: Bearer <token>`. */
    asToken(token: string, method: string, url: string, body?: Body,
      headers: Record<string, string> = {}) {
      return inject({ method: method as 'GET', url, payload: body,
        headers: { authorization: `Bearer ${token}`, ...headers } });
    },
    async signIn(username: string, password = PASSWORD): Promise<Browser> {
      const r = await inject({ method: 'POST', url: '/api/v1/session',
        payload: { username, password } });
      if (r.statusCode !== 200) throw new Error(`sign-in failed: ${r.statusCode} ${r.body}`);
      const cookie = r.cookies.find((c) => c.name === 'arc_session')!.value;
      const csrfToken = (r.json() as { csrfToken: string }).csrfToken;
      return {
        cookie, csrfToken,
        request: (method, url, body, headers = {}) => inject({
          method: method as 'GET', url, payload: body, cookies: { arc_session: cookie },
          headers: { 'x-csrf-token': csrfToken, ...headers },
        }),
      };
    },
    async close() {
      await app.close();
      await db.dispose();
    },
  };
}

export type TestServer = Awaited<ReturnType<typeof testServer>>;

/** The problem+json body of an answer, checked for the RFC 9457 members. */
export function problemOf(r: LightMyRequestResponse): { code: string; [k: string]: unknown } {
  if (!String(r.headers['content-type']).startsWith('application/problem+json')) {
    throw new Error(`not problem+json: ${r.statusCode} ${r.headers['content-type']} ${r.body}`);
  }
  const p = r.json() as { code: string; status: number; [k: string]: unknown };
  for (const member of ['type', 'title', 'status', 'detail', 'code']) {
    if (!(member in p)) throw new Error(`problem without ${member}: ${r.body}`);
  }
  if (p.status !== r.statusCode) throw new Error(`problem status ${p.status} on ${r.statusCode}`);
  return p;
}
