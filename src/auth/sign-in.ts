import { writeAudit } from '../db/audit.ts';
import type { Db, Queryable } from '../db/connection.ts';
import { err, ok, type Result } from '../domain/result.ts';
import type { SignInError } from './errors.ts';
import { decoyHash, verifyPassword } from './hash-password.ts';
import { insertSession, type NewSession } from './sessions.ts';
import { loadUser, normalizeUsername, toUserView, type UserView } from './users.ts';

// Failed sign-ins are counted in the database, so the limits hold across app instances:
// at most USERNAME_FAILURES_MAX failures per username and IP_FAILURES_MAX per client address in
// any FAILURE_WINDOW_MS. An attempt is counted before its password is checked (and uncounted
// when it succeeds), so a burst of parallel guesses cannot slip past the limit.

export const USERNAME_FAILURES_MAX = 5;
export const IP_FAILURES_MAX = 20;
export const FAILURE_WINDOW_MS = 15 * 60 * 1000;

export interface SignInInput {
  username: string;
  password: string;
  /** The client address (rate limited as well). */
  source: string;
  userAgent?: string | null;
}

export interface SignedIn {
  user: UserView;
  session: NewSession;
}

type AttemptKey = { kind: 'username' | 'ip'; key: string; max: number };

/**
 * Checks a username and password and opens a session. Errors, in order: sign_in_rate_limited
 * (with the seconds until the next attempt may succeed), credentials_invalid (unknown user,
 * wrong password and disabled user alike, so the answer reveals nothing).
 */
export async function signIn(
  db: Db, input: SignInInput, now: Date,
): Promise<Result<SignedIn, SignInError>> {
  const username = normalizeUsername(input.username);
  const keys: AttemptKey[] = [
    { kind: 'username', key: username, max: USERNAME_FAILURES_MAX },
    { kind: 'ip', key: input.source, max: IP_FAILURES_MAX },
  ];
  const admitted = await db.transaction((tx) => admitAttempt(tx, keys, now));
  if (!admitted.ok) return admitted;
  const stored = await loadUser(db, username);
  const matches = await verifyPassword(input.password, stored?.passwordHash ?? await decoyHash());
  if (!stored || !matches || stored.disabled) return err({ code: 'credentials_invalid' });
  return db.transaction(async (tx) => {
    // A success clears the username's failures (the address keeps its other failures).
    await tx.query(
      `DELETE FROM sign_in_failures WHERE id = ANY($1::bigint[])
         OR (kind = 'username' AND key = $2)`,
      [admitted.value, username],
    );
    await tx.query('UPDATE users SET last_sign_in_at = $2 WHERE id = $1', [stored.id, now]);
    const session = await insertSession(tx, stored.id, now, input.source,
      input.userAgent ?? null);
    const user = { ...toUserView(stored), lastSignInAt: now.toISOString() };
    await writeAudit(tx, { name: username, kind: 'user', source: input.source }, {
      action: 'session.sign_in', entityType: 'user', entityId: username,
    });
    return ok({ user, session });
  });
}

/**
 * Records this attempt as a failure for each key unless a key is over its limit; returns the
 * rows written (deleted again on success). Per-key advisory locks, always taken username first,
 * make concurrent attempts for the same key count one after the other.
 */
async function admitAttempt(
  tx: Queryable, keys: AttemptKey[], now: Date,
): Promise<Result<number[], SignInError>> {
  const windowStart = new Date(now.getTime() - FAILURE_WINDOW_MS);
  let retryAfterMs = 0;
  // Expired failures of every key go, so guesses at made-up usernames do not pile up.
  await tx.query('DELETE FROM sign_in_failures WHERE at <= $1', [windowStart]);
  for (const k of keys) {
    await tx.query(`SELECT pg_advisory_xact_lock(hashtext('sign_in:' || $1 || ':' || $2))`, [
      k.kind, k.key,
    ]);
    const r = await tx.query<{ at: Date }>(
      `SELECT at FROM sign_in_failures WHERE kind = $1 AND key = $2 ORDER BY at, id`,
      [k.kind, k.key],
    );
    if (r.rows.length >= k.max) {
      // Allowed again once enough failures have left the window to be under the limit.
      const freeing = new Date(r.rows[r.rows.length - k.max]!.at);
      retryAfterMs = Math.max(retryAfterMs, freeing.getTime() + FAILURE_WINDOW_MS - now.getTime());
    }
  }
  if (retryAfterMs > 0) {
    return err({ code: 'sign_in_rate_limited', retryAfterSeconds: Math.ceil(retryAfterMs / 1000) });
  }
  const ids: number[] = [];
  for (const k of keys) {
    const r = await tx.query<{ id: number }>(
      'INSERT INTO sign_in_failures (kind, key, at) VALUES ($1, $2, $3) RETURNING id',
      [k.kind, k.key, now],
    );
    ids.push(r.rows[0]!.id);
  }
  return ok(ids);
}
