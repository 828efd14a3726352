import { Argument, Option, type Command } from 'commander';
import { CliError, output, type CliContext, type RegisterCommands } from '../context.ts';
import { addCustomerAlias } from '../../cashapp/add-customer-alias.ts';
import {
  getCustomerMatchingSettings, type CustomerMatchingSettings,
} from '../../cashapp/get-matching-settings.ts';
import {
  describeMatchingSettingsError, type MatchingSettingsError,
} from '../../cashapp/matching-settings-errors.ts';
import {
  ALIAS_KINDS, loadDefaultPolicy, OLDEST_FIRST_POLICIES,
} from '../../cashapp/matching-settings-store.ts';
import { removeCustomerAlias } from '../../cashapp/remove-customer-alias.ts';
import {
  setCustomerOldestFirst, setDefaultOldestFirst,
} from '../../cashapp/set-oldest-first-policy.ts';
import { findCustomerByAccount } from '../../db/documents.ts';
import type { Result } from '../../domain/result.ts';

// Matching settings on the command line: `arc matching alias add|list|remove` (the names a
// customer pays under) and `arc matching policy show|set|default` (oldest-first application of
// cash without usable remittance). Thin: parse arguments, call a use case, print.

function unwrap<T>(r: Result<T, MatchingSettingsError>): T {
  if (!r.ok) throw new CliError(r.error.code, describeMatchingSettingsError(r.error), 1, r.error);
  return r.value;
}

const json = (cmd: Command) => Boolean(cmd.optsWithGlobals<{ json?: boolean }>().json);

async function customerId(ctx: CliContext, account: string): Promise<number> {
  const c = await findCustomerByAccount(await ctx.db(), account.trim());
  if (!c) throw new CliError('customer_not_found', `account ${account}: no such customer`);
  return c.id;
}

function describeSettings(s: CustomerMatchingSettings): string {
  const policy = s.oldestFirstOwn === null ? `${s.oldestFirst} (the company default)`
    : s.oldestFirst;
  const lines = [`${s.accountNumber} ${s.name}: oldest-first ${policy}`];
  if (s.aliases.length === 0) lines.push('  no aliases');
  for (const a of s.aliases) lines.push(`  alias ${a.id}: ${a.alias} (${a.kind})`);
  return lines.join('\n');
}

export const registerMatchingCommands: RegisterCommands = (program, ctx) => {
  const matching = program.command('matching')
    .description('cash-application matching settings: customer aliases, oldest-first policy');
  const alias = matching.command('alias').description('names a customer pays under');
  alias.command('add <account> <name>')
    .description('add a name the customer pays under: a DBA, parent, bank account holder or '
      + 'former name')
    .addOption(new Option('--kind <kind>', 'what the name is').choices([...ALIAS_KINDS])
      .default('other'))
    .action(async (account: string, name: string, o: { kind: string }, cmd: Command) => {
      const r = unwrap(await addCustomerAlias(await ctx.db(), ctx.actor, {
        customerId: await customerId(ctx, account), alias: name, kind: o.kind }));
      output(ctx, json(cmd), r, () => `alias ${r.alias.id} added: ${r.alias.alias} `
        + `(${r.alias.kind})`);
    });
  alias.command('list <account>').description('the customer\'s aliases and policy')
    .action(async (account: string, _o: unknown, cmd: Command) => {
      const r = unwrap(await getCustomerMatchingSettings(await ctx.db(),
        await customerId(ctx, account)));
      output(ctx, json(cmd), r, () => describeSettings(r));
    });
  alias.command('remove <account> <aliasId>').description('remove an alias')
    .action(async (account: string, id: string, _o: unknown, cmd: Command) => {
      if (!/^\d{1,15}$/.test(id)) throw new CliError('id_invalid', `aliasId: not an id: ${id}`, 2);
      const r = unwrap(await removeCustomerAlias(await ctx.db(), ctx.actor, {
        customerId: await customerId(ctx, account), aliasId: Number(id) }));
      output(ctx, json(cmd), r, () => `alias ${r.removed.id} removed: ${r.removed.alias}`);
    });
  const policy = matching.command('policy')
    .description('oldest-first application of cash without usable remittance');
  policy.command('show <account>').description('the customer\'s policy and aliases')
    .action(async (account: string, _o: unknown, cmd: Command) => {
      const r = unwrap(await getCustomerMatchingSettings(await ctx.db(),
        await customerId(ctx, account)));
      output(ctx, json(cmd), r, () => describeSettings(r));
    });
  policy.command('set <account>')
    .addArgument(new Argument('<policy>').choices([...OLDEST_FIRST_POLICIES, 'default']))
    .description('off: wait for a clerk; propose: show a clerk an oldest-first application; '
      + 'apply: apply oldest first automatically; default: follow the company default')
    .action(async (account: string, value: string, _o: unknown, cmd: Command) => {
      const r = unwrap(await setCustomerOldestFirst(await ctx.db(), ctx.actor, {
        customerId: await customerId(ctx, account), policy: value }));
      output(ctx, json(cmd), r, () => `${account}: oldest-first ${r.oldestFirst}`
        + (r.oldestFirstOwn === null ? ' (the company default)' : ''));
    });
  policy.command('default')
    .addArgument(new Argument('[policy]', 'set it; omit to show it')
      .choices([...OLDEST_FIRST_POLICIES]))
    .description('the company default for customers without a policy of their own')
    .action(async (value: string | undefined, _o: unknown, cmd: Command) => {
      const db = await ctx.db();
      const r = value === undefined ? { oldestFirstDefault: await loadDefaultPolicy(db) }
        : unwrap(await setDefaultOldestFirst(db, ctx.actor, { policy: value }));
      output(ctx, json(cmd), r, () => `default oldest-first policy: ${r.oldestFirstDefault}`);
    });
};
