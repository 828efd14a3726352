import type { Command } from 'commander';
import { CliError, output, type RegisterCommands } from '../context.ts';
import { DEMO_DEFAULTS, seedDemo, type DemoSeedSummary } from '../../demo/seed.ts';
import type { ImportSummary } from '../../ledger/import.ts';

/** A whole number >= `min` from an option, else a usage error (exit 2). */
function wholeNumber(text: string, option: string, min: number): number {
  const n = /^\d{1,9}$/.test(text.replace(/[,_]/g, '')) ? Number(text.replace(/[,_]/g, '')) : NaN;
  if (!Number.isSafeInteger(n) || n < min) {
    throw new CliError('usage', `${option} must be a whole number >= ${min}, got "${text}"`, 2);
  }
  return n;
}

const grouped = (n: number): string => n.toLocaleString('en-US');
const seconds = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;

function render(summary: DemoSeedSummary): string {
  const { params } = summary;
  const lines = [
    `Demo company: ${grouped(params.customers)} customers, ${grouped(params.invoices)} ` +
      `invoices over the 15 months to ${params.today}`,
    ...summary.files.map((f) =>
      `  ${f.kind.padEnd(12)} ${grouped(f.rows).padStart(9)} rows  ${seconds(f.ms).padStart(8)}` +
      `  ${describeImport(f.result)}`),
    `Done in ${seconds(summary.ms)}.`,
  ];
  return lines.join('\n');
}

function describeImport(result: ImportSummary): string {
  return result.status === 'already_imported'
    ? 'already imported: nothing changed'
    : `created ${grouped(result.created)}, already present ${grouped(result.skipped)}`;
}

export const registerDemoCommands: RegisterCommands = (program, ctx) => {
  const demo = program.command('demo').description('the demo company');
  demo
    .command('seed')
    .description('create the demo company (a distributor with ~15 months of history) in an ' +
      'empty database; again with the same options changes nothing')
    .option('--customers <n>', 'customer accounts', String(DEMO_DEFAULTS.customers))
    .option('--invoices <n>', 'invoices over the last 15 months', String(DEMO_DEFAULTS.invoices))
    .option('--json', 'machine-readable output')
    .action(async (opts: { customers: string; invoices: string }, cmd: Command) => {
      // main.ts gives the `demo` group its own --json too, and commander may hand it there.
      const json = Boolean(cmd.optsWithGlobals<{ json?: boolean }>().json);
      const customers = wholeNumber(opts.customers, '--customers', 1);
      const invoices = wholeNumber(opts.invoices, '--invoices', 0);
      const db = await ctx.db();
      const progress = !json && ctx.stderr.isTTY;
      const r = await seedDemo(db, ctx.actor, {
        customers, invoices, today: ctx.today,
        onFile: (f) => {
          if (progress) ctx.stderr.write(`  ${f.kind}: ${grouped(f.rows)} rows imported\n`);
        },
      });
      if (!r.ok) {
        const message = r.error.code === 'demo_requires_empty_database'
          ? `the database already has ${grouped(r.error.customers)} customers; ` +
            'seed the demo company into an empty database'
          : `importing the demo ${r.error.kind} failed: ${JSON.stringify(r.error.error)}`;
        throw new CliError(r.error.code, message, 1, r.error);
      }
      const summary = r.value;
      output(ctx, json, { ...summary, ms: Math.round(summary.ms),
        files: summary.files.map((f) => ({ ...f, ms: Math.round(f.ms) })) }, () =>
        render(summary));
    });
};
