/**
 * The expected failures of sign-in, users and API tokens, as typed results whose codes read as
 * rules. Each union lists its codes in the order they are checked (the first failing rule wins).
 */

/** createUser / updateUser / disableUser, in precedence order. */
export type UserError =
  | { code: 'username_invalid'; username: string }
  | { code: 'display_name_required' }
  | { code: 'role_invalid'; role: string }
  | { code: 'email_invalid'; email: string }
  | { code: 'password_too_short'; lengthMin: number }
  | { code: 'password_too_long'; lengthMax: number }
  | { code: 'user_not_found'; username: string }
  | { code: 'username_taken'; username: string }
  /** Demoting or disabling the only active administrator would lock everyone out. */
  | { code: 'last_admin_must_remain' };

/** signIn: a refusal says nothing about whether the user exists or the password was right. */
export type SignInError =
  | { code: 'sign_in_rate_limited'; retryAfterSeconds: number }
  | { code: 'credentials_invalid' };

/** authenticate: no credentials, a session that ended, or a token that does not work. */
export type AuthError =
  | { code: 'unauthenticated' }
  | { code: 'session_expired' }
  | { code: 'token_invalid' };

/** createApiToken / revokeApiToken, in precedence order. */
export type ApiTokenError =
  | { code: 'token_name_required' }
  | { code: 'scope_invalid'; scope: string }
  | { code: 'user_not_found'; username: string }
  | { code: 'user_disabled'; username: string }
  /** The owner's role does not grant it, or the creating token does not hold it. */
  | { code: 'scope_not_granted'; scope: string }
  | { code: 'api_token_not_found'; tokenId: number };

export type AuthCapabilityError = UserError | SignInError | AuthError | ApiTokenError;
export type AuthErrorCode = AuthCapabilityError['code'];

/** HTTP status per code, merged into the one problem+json error map (src/http/problem.ts). */
export const AUTH_ERROR_STATUS: Record<AuthErrorCode, 401 | 404 | 409 | 422 | 429> = {
  username_invalid: 422, display_name_required: 422, role_invalid: 422, email_invalid: 422,
  password_too_short: 422, password_too_long: 422, user_not_found: 404, username_taken: 409,
  last_admin_must_remain: 409, sign_in_rate_limited: 429, credentials_invalid: 401,
  unauthenticated: 401, session_expired: 401, token_invalid: 401, token_name_required: 422,
  scope_invalid: 422, user_disabled: 409, scope_not_granted: 422, api_token_not_found: 404,
};

/** A sentence for people (CLI stderr, problem+json `detail`); the code stays the contract. */
export function describeAuthError(e: AuthCapabilityError): string {
  switch (e.code) {
    case 'credentials_invalid': return 'username or password is not right';
    case 'sign_in_rate_limited':
      return `too many failed sign-ins; try again in ${e.retryAfterSeconds} s`;
    case 'unauthenticated': return 'sign in, or send an API token as "Authorization: Bearer"';
    case 'session_expired': return 'the session has ended; sign in again';
    case 'token_invalid': return 'the API token is unknown, revoked, or its user is disabled';
    case 'last_admin_must_remain': return 'at least one active admin must remain';
    default: {
      const details = Object.entries(e).filter(([k]) => k !== 'code')
        .map(([k, v]) => `${k} ${String(v)}`);
      const rule = e.code.replace(/_/g, ' ');
      return details.length === 0 ? rule : `${rule} (${details.join('; ')})`;
    }
  }
}
