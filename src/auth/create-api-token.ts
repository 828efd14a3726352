import { writeAudit, type Actor } from '../db/audit.ts';
import type { Db } from '../db/connection.ts';
import { transactResult } from '../db/documents.ts';
import { isPermission, permissionsOf, type Permission } from '../domain/permissions.ts';
import { err, ok, type Result } from '../domain/result.ts';
import { loadApiToken, type ApiTokenView } from './api-tokens.ts';
import type { ApiTokenError } from './errors.ts';
import { randomSecret, sha256Hex } from './secrets.ts';
import { loadUser, normalizeUsername } from './users.ts';

/** Every API token starts with this, so a leaked one is easy to recognize and search for. */
export const API_TOKEN_PREFIX = 'arc_';

export interface CreateApiTokenInput {
  /** The user the token acts as. */
  owner: string;
  name: string;
  /** Permission names; default: everything the owner's role grants today. */
  scopes?: readonly string[];
  /** When a token creates a token: the creator's own permissions, which the new one stays in. */
  scopesMax?: readonly Permission[];
}

export interface CreatedApiToken {
  token: ApiTokenView;
  /** The token itself: shown once, stored only as its SHA-256. */
  secret: string;
}

/**
 * Creates an API token for `owner`; audited (without the secret). Errors, in order:
 * token_name_required, scope_invalid, user_not_found, user_disabled, scope_not_granted.
 */
export async function createApiToken(
  db: Db, actor: Actor, input: CreateApiTokenInput, now: Date,
): Promise<Result<CreatedApiToken, ApiTokenError>> {
  const name = input.name.trim();
  if (name === '') return err({ code: 'token_name_required' });
  const unknown = input.scopes?.find((s) => !isPermission(s));
  if (unknown !== undefined) return err({ code: 'scope_invalid', scope: unknown });
  const username = normalizeUsername(input.owner);
  return transactResult<CreatedApiToken, ApiTokenError>(db, async (tx) => {
    const owner = await loadUser(tx, username);
    if (!owner) return err({ code: 'user_not_found', username });
    if (owner.disabled) return err({ code: 'user_disabled', username });
    const granted = permissionsOf(owner.role).filter((p) => input.scopesMax?.includes(p) ?? true);
    const scopes = [...new Set(input.scopes ?? granted)] as Permission[];
    const refused = scopes.find((s) => !granted.includes(s));
    if (refused !== undefined) return err({ code: 'scope_not_granted', scope: refused });
    const secret = randomSecret(API_TOKEN_PREFIX);
    const r = await tx.query<{ id: number }>(
      `INSERT INTO api_tokens (user_id, name, token_hash, prefix, scopes, created_at, created_by)
       VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`,
      [owner.id, name, sha256Hex(secret), secret.slice(0, API_TOKEN_PREFIX.length + 6), scopes,
        now, actor.name],
    );
    const token = (await loadApiToken(tx, r.rows[0]!.id))!;
    await writeAudit(tx, actor, {
      action: 'api_token.create', entityType: 'api_token', entityId: token.id, after: token,
    });
    return ok({ token, secret });
  });
}
