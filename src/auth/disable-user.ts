import { writeAudit, type Actor } from '../db/audit.ts';
import type { Db } from '../db/connection.ts';
import { transactResult } from '../db/documents.ts';
import { err, ok, type Result } from '../domain/result.ts';
import type { UserError } from './errors.ts';
import { isLastActiveAdmin, loadUser, toUserView, type UserView } from './users.ts';

/**
 * Disables a user (`disabled: true`) or enables them again. A disabled user cannot sign in, their
 * sessions end at once and their API tokens stop working (they are kept, for the record).
 * Audited with before and after when something changes. Errors, in order: user_not_found,
 * last_admin_must_remain.
 */
export async function disableUser(
  db: Db, actor: Actor, username: string, disabled: boolean, now: Date,
): Promise<Result<UserView, UserError>> {
  return transactResult<UserView, UserError>(db, async (tx) => {
    const stored = await loadUser(tx, username, true);
    if (!stored) return err({ code: 'user_not_found', username });
    const before = toUserView(stored);
    if (before.disabled === disabled) return ok(before);
    if (disabled && before.role === 'admin' && await isLastActiveAdmin(tx, before.id)) {
      return err({ code: 'last_admin_must_remain' });
    }
    await tx.query('UPDATE users SET disabled_at = $2, updated_at = now() WHERE id = $1', [
      before.id, disabled ? now : null,
    ]);
    if (disabled) await tx.query('DELETE FROM sessions WHERE user_id = $1', [before.id]);
    const after: UserView = { ...before, disabled };
    await writeAudit(tx, actor, {
      action: disabled ? 'user.disable' : 'user.enable', entityType: 'user',
      entityId: before.username, before, after,
    });
    return ok(after);
  });
}
