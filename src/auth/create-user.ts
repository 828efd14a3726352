import { writeAudit, type Actor } from '../db/audit.ts';
import type { Db } from '../db/connection.ts';
import { isUniqueViolation, transactResult } from '../db/documents.ts';
import { isRole } from '../domain/permissions.ts';
import { err, ok, type Result } from '../domain/result.ts';
import type { UserError } from './errors.ts';
import { hashPassword } from './hash-password.ts';
import {
  EMAIL_PATTERN, loadUser, normalizeUsername, toUserView, USERNAME_PATTERN, type StoredUser,
  type UserView,
} from './users.ts';

export const PASSWORD_LENGTH_MIN = 10;
export const PASSWORD_LENGTH_MAX = 200;

export interface CreateUserInput {
  username: string;
  /** Default: the username. For collectors and sales reps, the name on their customers. */
  displayName?: string;
  role: string;
  password: string;
  /** Where their email goes (the sales-rep digest). */
  email?: string | null;
}

/** The checks that need no database (first failing rule wins). */
export function checkPassword(password: string): UserError | null {
  if ([...password].length < PASSWORD_LENGTH_MIN) {
    return { code: 'password_too_short', lengthMin: PASSWORD_LENGTH_MIN };
  }
  if ([...password].length > PASSWORD_LENGTH_MAX) {
    return { code: 'password_too_long', lengthMax: PASSWORD_LENGTH_MAX };
  }
  return null;
}

function checkUserFields(input: CreateUserInput): UserError | null {
  const username = normalizeUsername(input.username);
  if (!USERNAME_PATTERN.test(username)) return { code: 'username_invalid', username };
  if (input.displayName !== undefined && input.displayName.trim() === '') {
    return { code: 'display_name_required' };
  }
  if (!isRole(input.role)) return { code: 'role_invalid', role: input.role };
  if (input.email != null && !EMAIL_PATTERN.test(input.email.trim())) {
    return { code: 'email_invalid', email: input.email };
  }
  return checkPassword(input.password);
}

/**
 * Creates a user; audited without the password hash. Errors, in order: username_invalid,
 * display_name_required, role_invalid, email_invalid, password_too_short, password_too_long,
 * username_taken.
 */
export async function createUser(
  db: Db, actor: Actor, input: CreateUserInput,
): Promise<Result<UserView, UserError>> {
  const invalid = checkUserFields(input);
  if (invalid) return err(invalid);
  const username = normalizeUsername(input.username);
  const passwordHash = await hashPassword(input.password);
  try {
    return await transactResult<UserView, UserError>(db, async (tx) => {
      if (await loadUser(tx, username)) return err({ code: 'username_taken', username });
      await tx.query(
        `INSERT INTO users (username, display_name, role, password_hash, email)
         VALUES ($1, $2, $3, $4, $5)`,
        [username, input.displayName?.trim() ?? username, input.role, passwordHash,
          input.email?.trim() || null],
      );
      const user = toUserView((await loadUser(tx, username)) as StoredUser);
      await writeAudit(tx, actor, {
        action: 'user.create', entityType: 'user', entityId: username, after: user,
      });
      return ok(user);
    });
  } catch (e) {
    // Two creates of the same name at once: the loser hears what a later one would.
    if (isUniqueViolation(e, 'users_username_key')) {
      return err({ code: 'username_taken', username });
    }
    throw e;
  }
}
