import type { Queryable } from '../db/connection.ts';
import type { Role } from '../domain/permissions.ts';

// The users table as the auth use cases read it. The password hash never leaves this module's
// StoredUser: views, audit records and answers carry UserView only.

/** Lower case letters, digits and . _ @ -, starting with a letter or digit; at most 64. */
export const USERNAME_PATTERN = /^[a-z0-9][a-z0-9._@-]{0,63}$/;

/** Usernames compare case-insensitively: stored and looked up in lower case. */
export function normalizeUsername(text: string): string {
  return text.trim().toLowerCase();
}

/** A user as shown to administrators and written to the audit log. */
export interface UserView {
  id: number;
  username: string;
  displayName: string;
  role: Role;
  /** Where their email goes (the sales-rep digest); null: none. */
  email: string | null;
  disabled: boolean;
  createdAt: string;
  lastSignInAt: string | null;
}

export interface StoredUser extends UserView {
  passwordHash: string;
}

interface UserRow {
  id: number; username: string; display_name: string; role: Role; password_hash: string;
  email: string | null; disabled_at: unknown; created_at: unknown; last_sign_in_at: unknown;
}

const USER_COLUMNS = `id, username, display_name, role, password_hash, email, disabled_at,
  created_at, last_sign_in_at`;

/** An email address as the users table accepts it (migration 022's check). */
export const EMAIL_PATTERN = /^[^@\s]+@[^@\s]+$/;

/** A timestamptz as an ISO instant (pg and PGlite both give a Date; be lenient with text). */
export function isoInstant(value: unknown): string {
  return value instanceof Date ? value.toISOString() : new Date(String(value)).toISOString();
}

function toStored(r: UserRow): StoredUser {
  return {
    id: r.id, username: r.username, displayName: r.display_name, role: r.role,
    email: r.email, disabled: r.disabled_at !== null, createdAt: isoInstant(r.created_at),
    lastSignInAt: r.last_sign_in_at === null ? null : isoInstant(r.last_sign_in_at),
    passwordHash: r.password_hash,
  };
}

export function toUserView(u: StoredUser): UserView {
  const { passwordHash: _hidden, ...view } = u;
  return view;
}

/** The user by (normalized) username; with `lock`, holds the row until the transaction ends. */
export async function loadUser(
  tx: Queryable, username: string, lock = false,
): Promise<StoredUser | undefined> {
  const r = await tx.query<UserRow>(
    `SELECT ${USER_COLUMNS} FROM users WHERE username = $1 ${lock ? 'FOR UPDATE' : ''}`,
    [normalizeUsername(username)],
  );
  return r.rows[0] && toStored(r.rows[0]);
}

export async function listUsers(tx: Queryable): Promise<UserView[]> {
  const r = await tx.query<UserRow>(`SELECT ${USER_COLUMNS} FROM users ORDER BY username`);
  return r.rows.map((row) => toUserView(toStored(row)));
}

/** Any constant: serializes changes that could leave no active admin. */
const ADMIN_LOCK = 7_310_201;

/**
 * True when `userId` is the only enabled admin. Takes a transaction-scoped lock first, so two
 * concurrent demotions of the last two admins cannot both pass.
 */
export async function isLastActiveAdmin(tx: Queryable, userId: number): Promise<boolean> {
  await tx.query('SELECT pg_advisory_xact_lock($1)', [ADMIN_LOCK]);
  const r = await tx.query<{ others: number }>(
    `SELECT count(*)::int AS others FROM users
     WHERE role = 'admin' AND disabled_at IS NULL AND id <> $1`,
    [userId],
  );
  return r.rows[0]!.others === 0;
}
