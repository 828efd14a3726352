import { Command, CommanderError, Option } from 'commander';
import { CliError, createContext, type CliContext, type RegisterCommands } from './context.ts';
import { registerDbCommands } from './commands/db.ts';
import { registerLedgerCommands } from './commands/ledger.ts';
import { registerAgingCommands } from './commands/aging.ts';
import { registerDemoCommands } from './commands/demo.ts';
import { registerImportCommands } from './commands/import.ts';
import { registerCashappCommands } from './commands/cashapp.ts';
import { registerMatchingCommands } from './commands/matching.ts';
import { registerServeCommands } from './commands/serve.ts';
import { registerUserCommands } from './commands/users.ts';
import { registerCollectionsCommands } from './commands/collections.ts';
import { registerCollectionsReportCommands } from './commands/collections-reports.ts';
import { registerJobCommands } from './commands/jobs.ts';
import { registerAttachmentCommands } from './commands/attachments.ts';

/** Every command module; each adds its own subcommands. */
const COMMAND_MODULES: RegisterCommands[] = [
  registerDbCommands,
  registerLedgerCommands,
  registerAgingCommands,
  registerDemoCommands,
  registerImportCommands,
  registerCashappCommands,
  registerMatchingCommands,
  registerUserCommands,
  registerCollectionsCommands,
  registerCollectionsReportCommands,
  registerJobCommands,
  registerAttachmentCommands,
  registerServeCommands,
];

export function buildProgram(ctx: CliContext): Command {
  const program = new Command('arc')
    .description('ARC: accounts receivable and collections')
    .version('0.1.0')
    .showHelpAfterError()
    .exitOverride()
    .configureOutput({
      writeOut: (s) => ctx.stdout.write(s),
      writeErr: (s) => ctx.stderr.write(s),
    });
  for (const register of COMMAND_MODULES) register(program, ctx);
  // Every command takes --json, so scripts can rely on it.
  // Leaf commands only: a group's own --json would swallow the flag meant for its subcommand.
  const addJson = (cmd: Command): void => {
    cmd.exitOverride();
    if (cmd.commands.length > 0) {
      cmd.commands.forEach(addJson);
      return;
    }
    if (!cmd.options.some((o) => o.long === '--json')) {
      cmd.addOption(new Option('--json', 'machine-readable output'));
    }
  };
  program.commands.forEach(addJson);
  return program;
}

/** Runs the CLI; returns the exit code: 0 ok, 1 error, 2 usage. */
export async function main(argv: string[], ctx: CliContext = createContext()): Promise<number> {
  const program = buildProgram(ctx);
  const wantsJson = argv.includes('--json');
  try {
    await program.parseAsync(argv);
    return 0;
  } catch (e) {
    if (e instanceof CommanderError) {
      if (e.code === 'commander.helpDisplayed' || e.code === 'commander.version') return 0;
      if (e.code === 'commander.help') return 0;
      return 2;
    }
    if (e instanceof CliError) {
      if (wantsJson) {
        ctx.stderr.write(
          JSON.stringify({ error: { code: e.code, message: e.message, details: e.details } }) + '\n',
        );
      } else {
        ctx.stderr.write(`error: ${e.code}: ${e.message}\n`);
      }
      return e.exitCode;
    }
    ctx.stderr.write(`error: internal: ${e instanceof Error ? e.stack ?? e.message : String(e)}\n`);
    return 1;
  } finally {
    await ctx.close();
  }
}
