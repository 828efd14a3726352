import { randomBytes } from 'node:crypto';
import { Option } from 'commander';
import { CliError, output, type RegisterCommands } from '../context.ts';
import { listApiTokens } from '../../auth/api-tokens.ts';
import { createApiToken } from '../../auth/create-api-token.ts';
import { createUser } from '../../auth/create-user.ts';
import { disableUser } from '../../auth/disable-user.ts';
import { describeAuthError, type AuthCapabilityError } from '../../auth/errors.ts';
import { revokeApiToken } from '../../auth/revoke-api-token.ts';
import { updateUser } from '../../auth/update-user.ts';
import { listUsers, type UserView } from '../../auth/users.ts';
import { ROLES } from '../../domain/permissions.ts';
import type { Result } from '../../domain/result.ts';

// `arc user add|list|disable|enable|role|token|tokens|token-revoke`: the people who sign in and
// the API tokens systems use. The CLI acts as an operator; every change is audited.

function unwrap<T>(r: Result<T, AuthCapabilityError>): T {
  if (!r.ok) throw new CliError(r.error.code, describeAuthError(r.error), 1, r.error);
  return r.value;
}

function table(rows: string[][]): string {
  const widths = rows[0]?.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length))) ?? [];
  return rows.map((r) => r.map((c, i) => c.padEnd(widths[i] ?? 0)).join('  ').trimEnd())
    .join('\n');
}

const userLine = (u: UserView): string =>
  `${u.username} (${u.displayName}, ${u.role}${u.disabled ? ', disabled' : ''})`;

/** A password nobody chose: 24 characters from 144 random bits. */
function generatedPassword(): string {
  return randomBytes(18).toString('base64url');
}

function idArg(text: string): number {
  if (!/^\d{1,15}$/.test(text)) throw new CliError('id_invalid', `not a token id: ${text}`, 2);
  return Number(text);
}

export const registerUserCommands: RegisterCommands = (program, ctx) => {
  const user = program.command('user').description('users who sign in, and API tokens');
  user.command('add <username>').description('create a user (prints a generated password)')
    .addOption(new Option('--role <role>', 'what they may do').choices(ROLES).makeOptionMandatory())
    .option('--password <password>', 'default: generated and printed once')
    .option('--name <name>', 'display name; for collectors and sales reps the name on customers')
    .option('--email <address>', 'where their email goes (the sales-rep digest)')
    .action(async (username: string, o: {
      role: string; password?: string; name?: string; email?: string; json?: boolean;
    }) => {
      const password = o.password ?? generatedPassword();
      const u = unwrap(await createUser(await ctx.db(), ctx.actor, {
        username, role: o.role, password, displayName: o.name, email: o.email,
      }));
      const shown = o.password === undefined ? password : undefined;
      output(ctx, o.json, { user: u, password: shown }, () => `created user ${userLine(u)}` +
        (shown === undefined ? '' : `\npassword: ${shown}  (shown once)`));
    });
  user.command('list').description('every user')
    .action(async (o: { json?: boolean }) => {
      const users = await listUsers(await ctx.db());
      output(ctx, o.json, { users }, () => table([
        ['username', 'name', 'role', 'status', 'last sign-in'],
        ...users.map((u) => [u.username, u.displayName, u.role, u.disabled ? 'disabled' : 'active',
          u.lastSignInAt ?? '-']),
      ]));
    });
  for (const [name, disabled] of [['disable', true], ['enable', false]] as const) {
    user.command(`${name} <username>`)
      .description(disabled ? 'stop a user signing in; ends their sessions and tokens'
        : 'let a disabled user sign in again')
      .action(async (username: string, o: { json?: boolean }) => {
        const u = unwrap(await disableUser(await ctx.db(), ctx.actor, username, disabled,
          new Date()));
        output(ctx, o.json, { user: u }, () => `${name}d user ${userLine(u)}`);
      });
  }
  user.command('role <username> <role>').description("change a user's role")
    .action(async (username: string, role: string, o: { json?: boolean }) => {
      if (!(ROLES as readonly string[]).includes(role)) {
        throw new CliError('role_invalid', `role must be one of ${ROLES.join(', ')}`, 2);
      }
      const u = unwrap(await updateUser(await ctx.db(), ctx.actor, username, { role }));
      output(ctx, o.json, { user: u }, () => `user ${userLine(u)}`);
    });
  user.command('email <username> [address]')
    .description("set a user's email address (the sales-rep digest); without one, remove it")
    .action(async (username: string, address: string | undefined, o: { json?: boolean }) => {
      const u = unwrap(await updateUser(await ctx.db(), ctx.actor, username,
        { email: address ?? null }));
      output(ctx, o.json, { user: u }, () => `user ${userLine(u)}`);
    });
  registerTokenCommands(user, ctx);
};

const registerTokenCommands: RegisterCommands = (user, ctx) => {
  user.command('token <username>').description('create an API token (printed once)')
    .requiredOption('--name <name>', 'what the token is for, e.g. "ERP sync"')
    .option('--scopes <permissions>', "comma-separated; default: all the user's role grants")
    .action(async (username: string, o: { name: string; scopes?: string; json?: boolean }) => {
      const scopes = o.scopes?.split(',').map((s) => s.trim()).filter(Boolean);
      const { token, secret } = unwrap(await createApiToken(await ctx.db(), ctx.actor,
        { owner: username, name: o.name, scopes }, new Date()));
      output(ctx, o.json, { token, secret }, () => [
        `created API token ${token.id} "${token.name}" for ${token.owner}`,
        `scopes: ${token.scopes.join(', ') || '(none)'}`,
        `token: ${secret}`,
        'Store it now: it is not shown again. Send it as "Authorization: Bearer <token>".',
      ].join('\n'));
    });
  user.command('tokens [username]').description('API tokens, of everyone or one user')
    .action(async (username: string | undefined, o: { json?: boolean }) => {
      const tokens = await listApiTokens(await ctx.db(), { owner: username });
      output(ctx, o.json, { tokens }, () => table([
        ['id', 'owner', 'name', 'prefix', 'created', 'last used', 'revoked'],
        ...tokens.map((t) => [String(t.id), t.owner, t.name, t.prefix, t.createdAt,
          t.lastUsedAt ?? '-', t.revokedAt ?? '-']),
      ]));
    });
  user.command('token-revoke <id>').description('revoke an API token for good')
    .action(async (id: string, o: { json?: boolean }) => {
      const token = unwrap(await revokeApiToken(await ctx.db(), ctx.actor, idArg(id), new Date()));
      output(ctx, o.json, { token }, () => `revoked API token ${token.id} "${token.name}"`);
    });
};
