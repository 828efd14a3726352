import type { Queryable } from '../db/connection.ts';
import { randomSecret, sha256Hex } from './secrets.ts';

// Browser sessions: the cookie holds a random token; the database holds only its SHA-256, so a
// copy of the database signs nobody in. Each session has its own CSRF token, which the browser
// app echoes in X-CSRF-Token on unsafe requests (a cross-site form cannot read it).

export const SESSION_COOKIE = 'arc_session';
/** Sessions end this long after sign-in, whatever happens in between. */
export const SESSION_TTL_MS = 12 * 60 * 60 * 1000;

export interface NewSession {
  /** The cookie value: shown to the browser once, never stored. */
  token: string;
  csrfToken: string;
  expiresAt: Date;
}

export async function insertSession(
  tx: Queryable, userId: number, now: Date, source: string | null, userAgent: string | null,
): Promise<NewSession> {
  const session = {
    token: randomSecret(), csrfToken: randomSecret(),
    expiresAt: new Date(now.getTime() + SESSION_TTL_MS),
  };
  // Expired sessions (anyone's) go as a new one comes.
  await tx.query('DELETE FROM sessions WHERE expires_at <= $1', [now]);
  await tx.query(
    `INSERT INTO sessions (token_hash, user_id, csrf_token, created_at, expires_at, source,
       user_agent) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
    [sha256Hex(session.token), userId, session.csrfToken, now, session.expiresAt, source,
      userAgent?.slice(0, 300) ?? null],
  );
  return session;
}
