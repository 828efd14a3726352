import { writeFile } from 'node:fs/promises';
import { Option } from 'commander';
import { CliError, type RegisterCommands } from '../context.ts';
import {
  AGING_BASES, AGING_GROUPINGS, DEFAULT_THRESHOLDS, parseThresholds, type AgingBasis,
  type AgingGrouping,
} from '../../domain/aging.ts';
import { agingCsv, agingJson, agingTable, agingXlsx } from '../../formats/aging-output.ts';
import { agingReport, type AgingReport } from '../../reports/aging.ts';

// `arc aging`: validate the options, run the report, write it in the chosen format.

const FORMATS = ['table', 'json', 'csv', 'xlsx'] as const;
type Format = (typeof FORMATS)[number];

interface AgingOpts {
  asOf?: string;
  by: AgingGrouping;
  basis: AgingBasis;
  buckets: string;
  currency?: string;
  format: Format;
  out?: string;
  detail?: boolean;
  json?: boolean;
}

export const registerAgingCommands: RegisterCommands = (program, ctx) => {
  program.command('aging')
    .description('open receivables as of a date, in age buckets, by customer or portfolio')
    .option('--as-of <date>', 'YYYY-MM-DD: what was open on that date (default: today)')
    .addOption(new Option('--by <grouping>', 'one row per').choices(AGING_GROUPINGS)
      .default('customer'))
    .addOption(new Option('--basis <basis>', 'age from the due date or the document date')
      .choices(AGING_BASES).default('due'))
    .option('--buckets <days>', 'bucket thresholds in days, increasing',
      DEFAULT_THRESHOLDS.join(','))
    .option('--currency <code>', 'only items in this currency (default: the base currency)')
    .addOption(new Option('--format <format>', 'output format').choices(FORMATS)
      .default('table'))
    .option('--out <file>', 'write to this file (required for xlsx)')
    .option('--detail', "list each row's open items")
    .option('--json', 'same as --format json')
    .action(async (o: AgingOpts) => {
      const format = chooseFormat(o);
      const thresholds = parseThresholds(o.buckets);
      if (!thresholds.ok) {
        throw new CliError('buckets_invalid', `--buckets ${o.buckets}: ${thresholds.error.reason}`,
          2, thresholds.error);
      }
      const r = await agingReport(await ctx.db(), {
        asOf: o.asOf ?? ctx.today, by: o.by, basis: o.basis, thresholds: thresholds.value,
        currency: o.currency ?? null, detail: Boolean(o.detail),
      });
      if (!r.ok) throw new CliError(r.error.code, describe(r.error), 2, r.error);
      const content = await render(r.value, format);
      if (o.out === undefined) {
        ctx.stdout.write(content);
        return;
      }
      await writeFile(o.out, content).catch((e: unknown) => {
        throw new CliError('out_not_writable', `--out ${o.out}: ${(e as Error).message}`);
      });
      const summary = { out: o.out, format, rows: r.value.rows.length };
      ctx.stdout.write(o.json ? JSON.stringify(summary) + '\n'
        : `aging (${summary.rows} rows) written to ${o.out}\n`);
    });
};

function chooseFormat(o: AgingOpts): Format {
  if (o.json && o.format !== 'table' && o.format !== 'json') {
    throw new CliError('usage', `--json conflicts with --format ${o.format}`, 2);
  }
  const format = o.json ? 'json' : o.format;
  if (format === 'xlsx' && o.out === undefined) {
    throw new CliError('usage', '--format xlsx needs --out FILE', 2);
  }
  return format;
}

async function render(report: AgingReport, format: Format): Promise<string | Buffer> {
  switch (format) {
    case 'json':
      return JSON.stringify(agingJson(report), null, 2) + '\n';
    case 'csv':
      return agingCsv(report);
    case 'xlsx':
      return agingXlsx(report);
    case 'table':
      return agingTable(report) + '\n';
  }
}

function describe(e: { code: string } & Record<string, unknown>): string {
  const details = Object.entries(e).filter(([k]) => k !== 'code')
    .map(([k, v]) => `${k} ${String(v)}`);
  return `${e.code.replace(/_/g, ' ')}${details.length ? ` (${details.join('; ')})` : ''}`;
}
