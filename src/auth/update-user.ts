import { writeAudit, type Actor } from '../db/audit.ts';
import type { Db } from '../db/connection.ts';
import { transactResult } from '../db/documents.ts';
import { isRole } from '../domain/permissions.ts';
import { err, ok, type Result } from '../domain/result.ts';
import type { UserError } from './errors.ts';
import {
  EMAIL_PATTERN, isLastActiveAdmin, loadUser, toUserView, type UserView,
} from './users.ts';

export interface UpdateUserInput {
  role?: string;
  displayName?: string;
  /** null (or empty) removes it. */
  email?: string | null;
}

/**
 * Changes a user's role, display name or email; audited with before and after. A new role applies
 * to the user's sessions and tokens from their next request. Errors, in order: role_invalid,
 * display_name_required, email_invalid, user_not_found, last_admin_must_remain.
 */
export async function updateUser(
  db: Db, actor: Actor, username: string, patch: UpdateUserInput,
): Promise<Result<UserView, UserError>> {
  if (patch.role !== undefined && !isRole(patch.role)) {
    return err({ code: 'role_invalid', role: patch.role });
  }
  if (patch.displayName !== undefined && patch.displayName.trim() === '') {
    return err({ code: 'display_name_required' });
  }
  if (patch.email != null && patch.email.trim() !== '' && !EMAIL_PATTERN.test(patch.email.trim())) {
    return err({ code: 'email_invalid', email: patch.email });
  }
  return transactResult<UserView, UserError>(db, async (tx) => {
    const stored = await loadUser(tx, username, true);
    if (!stored) return err({ code: 'user_not_found', username });
    const before = toUserView(stored);
    const role = patch.role ?? before.role;
    const demotesAdmin = before.role === 'admin' && role !== 'admin' && !before.disabled;
    if (demotesAdmin && await isLastActiveAdmin(tx, before.id)) {
      return err({ code: 'last_admin_must_remain' });
    }
    const displayName = patch.displayName?.trim() ?? before.displayName;
    const email = patch.email === undefined ? before.email : patch.email?.trim() || null;
    await tx.query(
      `UPDATE users SET role = $2, display_name = $3, email = $4, updated_at = now()
       WHERE id = $1`,
      [before.id, role, displayName, email],
    );
    const after: UserView = { ...before, role: role as UserView['role'], displayName, email };
    await writeAudit(tx, actor, {
      action: 'user.update', entityType: 'user', entityId: before.username, before, after,
    });
    return ok(after);
  });
}
