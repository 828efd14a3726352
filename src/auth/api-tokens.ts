import type { Queryable } from '../db/connection.ts';
import { isoInstant } from './users.ts';

/** An API token as listed (never its secret or hash). */
export interface ApiTokenView {
  id: number;
  name: string;
  owner: string;
  /** The token's first characters, to tell tokens apart. */
  prefix: string;
  scopes: string[];
  createdAt: string;
  createdBy: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
}

interface TokenRow {
  id: number; name: string; owner: string; prefix: string; scopes: string[]; created_at: unknown;
  created_by: string; last_used_at: unknown; revoked_at: unknown;
}

const TOKEN_COLUMNS = `t.id, t.name, u.username AS owner, t.prefix, t.scopes, t.created_at,
  t.created_by, t.last_used_at, t.revoked_at`;

function toView(r: TokenRow): ApiTokenView {
  const instant = (v: unknown): string | null => (v === null ? null : isoInstant(v));
  return {
    id: r.id, name: r.name, owner: r.owner, prefix: r.prefix, scopes: r.scopes,
    createdAt: isoInstant(r.created_at), createdBy: r.created_by,
    lastUsedAt: instant(r.last_used_at), revokedAt: instant(r.revoked_at),
  };
}

export async function loadApiToken(
  tx: Queryable, id: number, lock = false,
): Promise<ApiTokenView | undefined> {
  const r = await tx.query<TokenRow>(
    `SELECT ${TOKEN_COLUMNS} FROM api_tokens t JOIN users u ON u.id = t.user_id WHERE t.id = $1
     ${lock ? 'FOR UPDATE OF t' : ''}`,
    [id],
  );
  return r.rows[0] && toView(r.rows[0]);
}

/** Tokens newest first: everyone's, or one owner's (by username). */
export async function listApiTokens(
  tx: Queryable, filter: { owner?: string } = {},
): Promise<ApiTokenView[]> {
  const r = await tx.query<TokenRow>(
    `SELECT ${TOKEN_COLUMNS} FROM api_tokens t JOIN users u ON u.id = t.user_id
     WHERE $1::text IS NULL OR u.username = $1 ORDER BY t.id DESC`,
    [filter.owner ?? null],
  );
  return r.rows.map(toView);
}
