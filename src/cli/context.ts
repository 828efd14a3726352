import { userInfo } from 'node:os';
import type { Command } from 'commander';
import { loadConfig, type Config } from '../config.ts';
import { openDb, type Db } from '../db/connection.ts';
import { migrate } from '../db/migrate.ts';
import type { Actor } from '../db/audit.ts';
import { isoDateOf, type IsoDate } from '../domain/dates.ts';

/** An expected failure: printed on stderr as `error: <code>: <message>`, exit code 1 (2: usage). */
export class CliError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly exitCode: 1 | 2 = 1,
    readonly details?: unknown,
  ) {
    super(message);
  }
}

/** What every command gets: the database (opened and migrated on first use), who acts, output. */
export interface CliContext {
  config: Config;
  db(): Promise<Db>;
  actor: Actor;
  today: IsoDate;
  stdout: NodeJS.WritableStream & { isTTY?: boolean };
  stderr: NodeJS.WritableStream & { isTTY?: boolean };
  close(): Promise<void>;
}

export function createContext(env: NodeJS.ProcessEnv = process.env): CliContext {
  const config = loadConfig(env);
  let opened: Promise<Db> | undefined;
  return {
    config,
    db() {
      opened ??= (async () => {
        const db = await openDb({
          url: config.databaseUrl,
          dataDir: config.dataDir,
          schema: config.schema,
        });
        await migrate(db);
        return db;
      })();
      return opened;
    },
    // The CLI is an operator's tool run with database access: it acts as an administrator and
    // every change is audited under the OS user (or ARC_USER).
    actor: { name: env.ARC_USER || `cli:${safeUser()}`, kind: 'cli', source: 'cli' },
    today: env.ARC_TODAY || isoDateOf(new Date()),
    stdout: process.stdout,
    stderr: process.stderr,
    async close() {
      if (opened) await (await opened).close();
    },
  };
}

function safeUser(): string {
  try {
    return userInfo().username;
  } catch {
    return 'unknown';
  }
}

/** A command module adds its subcommands to the program. */
export type RegisterCommands = (program: Command, ctx: CliContext) => void;

/**
 * Command groups that several modules add subcommands to, with the plural each also answers to:
 * `arc payment add` and `arc payments list` are one group.
 */
const GROUP_ALIASES: Record<string, string> = { payment: 'payments', application: 'applications' };

/** The group command `name` (or its plural), created with `description` by the first caller. */
export function commandGroup(program: Command, name: string, description: string): Command {
  const found = program.commands.find((c) => c.name() === name);
  if (found) return found;
  const group = program.command(name).description(description);
  const alias = GROUP_ALIASES[name];
  return alias ? group.alias(alias) : group;
}

/** Prints `value` as JSON when --json was given, else the text from `render`. */
export function output(
  ctx: CliContext,
  json: boolean | undefined,
  value: unknown,
  render: () => string,
): void {
  ctx.stdout.write(json ? JSON.stringify(value, null, 2) + '\n' : render() + '\n');
}
