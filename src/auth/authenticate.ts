import type { Actor } from '../db/audit.ts';
import type { Queryable } from '../db/connection.ts';
import { effectivePermissions, type Permission, type Role } from '../domain/permissions.ts';
import { err, ok, type Result } from '../domain/result.ts';
import type { AuthError } from './errors.ts';
import type { PrincipalCache } from './principal-cache.ts';
import { sha256Hex } from './secrets.ts';

/** Who is making a request: a signed-in person (session cookie) or a system (API token). */
export interface Principal {
  userId: number;
  username: string;
  displayName: string;
  role: Role;
  kind: 'user' | 'token';
  /** What this principal may do: the role's permissions, narrowed to a token's scopes. */
  scopes: Permission[];
  tokenId: number | null;
  /** For a session: its stored hash and CSRF token. */
  session: { tokenHash: string; csrfToken: string } | null;
}

export interface Credentials {
  /** The session cookie's value. */
  sessionToken?: string;
  /** The Authorization header; when present, the cookie is ignored. */
  authorization?: string;
}

/** How often a token's last-used time is written (not on every request). */
const LAST_USED_RESOLUTION_MS = 60_000;

/**
 * Finds the principal behind a request's credentials. Errors: unauthenticated (none given),
 * session_expired (unknown, ended or expired session; disabled user), token_invalid (malformed,
 * unknown or revoked token; disabled user). With a `cache`, a credential looked up in the last
 * few seconds is answered from memory (see principal-cache.ts for what that allows).
 */
export async function authenticate(
  db: Queryable, credentials: Credentials, now: Date, cache?: PrincipalCache,
): Promise<Result<Principal, AuthError>> {
  if (credentials.authorization !== undefined) {
    const m = /^Bearer +([A-Za-z0-9_-]{20,200})$/.exec(credentials.authorization.trim());
    if (!m) return err({ code: 'token_invalid' });
    const key = `token:${sha256Hex(m[1]!)}`;
    const cached = cache?.get(key, now);
    if (cached) return ok(cached);
    const r = await authenticateToken(db, m[1]!, now);
    if (r.ok) cache?.set(key, r.value, null);
    return r;
  }
  if (credentials.sessionToken) {
    const key = `session:${sha256Hex(credentials.sessionToken)}`;
    const cached = cache?.get(key, now);
    if (cached) return ok(cached);
    const r = await authenticateSession(db, credentials.sessionToken, now);
    if (r.ok) cache?.set(key, r.value.principal, r.value.expiresAt);
    return r.ok ? ok(r.value.principal) : r;
  }
  return err({ code: 'unauthenticated' });
}

interface PrincipalRow {
  user_id: number; username: string; display_name: string; role: Role;
}

async function authenticateSession(
  db: Queryable, token: string, now: Date,
): Promise<Result<{ principal: Principal; expiresAt: Date }, AuthError>> {
  const tokenHash = sha256Hex(token);
  const r = await db.query<PrincipalRow & { csrf_token: string; expires_at: Date | string }>(
    `SELECT u.id AS user_id, u.username, u.display_name, u.role, s.csrf_token, s.expires_at
     FROM sessions s JOIN users u ON u.id = s.user_id
     WHERE s.token_hash = $1 AND s.expires_at > $2 AND u.disabled_at IS NULL`,
    [tokenHash, now], { prepare: true },
  );
  const row = r.rows[0];
  if (!row) return err({ code: 'session_expired' });
  const principal: Principal = {
    userId: row.user_id, username: row.username, displayName: row.display_name, role: row.role,
    kind: 'user', scopes: effectivePermissions(row.role, null), tokenId: null,
    session: { tokenHash, csrfToken: row.csrf_token },
  };
  return ok({ principal, expiresAt: new Date(row.expires_at) });
}

async function authenticateToken(
  db: Queryable, token: string, now: Date,
): Promise<Result<Principal, AuthError>> {
  const r = await db.query<PrincipalRow & { token_id: number; scopes: string[] }>(
    `SELECT u.id AS user_id, u.username, u.display_name, u.role, t.id AS token_id, t.scopes
     FROM api_tokens t JOIN users u ON u.id = t.user_id
     WHERE t.token_hash = $1 AND t.revoked_at IS NULL AND u.disabled_at IS NULL`,
    [sha256Hex(token)], { prepare: true },
  );
  const row = r.rows[0];
  if (!row) return err({ code: 'token_invalid' });
  await db.query(
    `UPDATE api_tokens SET last_used_at = $2
     WHERE id = $1 AND (last_used_at IS NULL OR last_used_at < $3)`,
    [row.token_id, now, new Date(now.getTime() - LAST_USED_RESOLUTION_MS)],
  );
  return ok({
    userId: row.user_id, username: row.username, displayName: row.display_name, role: row.role,
    kind: 'token', scopes: effectivePermissions(row.role, row.scopes), tokenId: row.token_id,
    session: null,
  });
}

/** The audit log's actor for a principal's request from `source` (an IP address). */
export function actorOf(principal: Principal, source: string): Actor {
  return { name: principal.username, kind: principal.kind, source };
}
