import { writeAudit, type Actor } from '../db/audit.ts';
import type { Db } from '../db/connection.ts';
import { transactResult } from '../db/documents.ts';
import { err, ok, type Result } from '../domain/result.ts';
import { loadApiToken, type ApiTokenView } from './api-tokens.ts';
import type { ApiTokenError } from './errors.ts';

/**
 * Revokes an API token for good; audited with before and after. Revoking a revoked token changes
 * nothing. With `owner`, only that user's tokens are found (people revoke their own; others'
 * tokens do not exist for them). Errors: api_token_not_found.
 */
export async function revokeApiToken(
  db: Db, actor: Actor, tokenId: number, now: Date, owner?: string,
): Promise<Result<ApiTokenView, ApiTokenError>> {
  return transactResult<ApiTokenView, ApiTokenError>(db, async (tx) => {
    const before = await loadApiToken(tx, tokenId, true);
    if (!before || (owner !== undefined && before.owner !== owner)) {
      return err({ code: 'api_token_not_found', tokenId });
    }
    if (before.revokedAt !== null) return ok(before);
    await tx.query('UPDATE api_tokens SET revoked_at = $2, revoked_by = $3 WHERE id = $1', [
      tokenId, now, actor.name,
    ]);
    const after = { ...before, revokedAt: now.toISOString() };
    await writeAudit(tx, actor, {
      action: 'api_token.revoke', entityType: 'api_token', entityId: tokenId, before, after,
    });
    return ok(after);
  });
}
