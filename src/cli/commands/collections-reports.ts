import { writeFile } from 'node:fs/promises';
import { Option, type Command } from 'commander';
import { CliError, commandGroup, output, type RegisterCommands } from '../context.ts';
import { smtpMailer } from '../../collections/mailer.ts';
import {
  describeDigestError, sendSalesRepDigests, type DigestRun,
} from '../../collections/sales-rep-digest.ts';
import {
  reportCsv, reportJson, reportTable, reportXlsx,
} from '../../reports/collections-report-output.ts';
import {
  collectionsReport, COLLECTIONS_REPORTS, type CollectionsReport, type CollectionsReportName,
} from '../../reports/collections-reports.ts';

// `arc report promises|agency|write-offs|scorecard` (the collections reports for managers, in
// any of the aging export's formats) and `arc digest sales-reps` (the sales-rep digest by hand).

const FORMATS = ['table', 'json', 'csv', 'xlsx'] as const;
type Format = (typeof FORMATS)[number];

interface ReportOpts {
  from?: string;
  to?: string;
  currency?: string;
  format: Format;
  out?: string;
  json?: boolean;
}

const DESCRIPTIONS: Record<CollectionsReportName, string> = {
  promises: 'promises to pay per collector per day: count, amount, kept, broken, paid',
  agency: 'agency placements: placed, commission, recoveries, commission due, net, recalled',
  'write-offs': 'write-off requests by reason and approver: requested, approved, rejected, posted',
  scorecard: 'collector scorecard: contacts a day, promised, kept rate, past due managed',
};

export const registerCollectionsReportCommands: RegisterCommands = (program, ctx) => {
  const report = commandGroup(program, 'report', 'collections reports for managers');
  for (const name of COLLECTIONS_REPORTS) {
    report.command(name).description(DESCRIPTIONS[name])
      .option('--from <date>', 'YYYY-MM-DD, included (default: 30 days to --to)')
      .option('--to <date>', 'YYYY-MM-DD, included (default: today)')
      .option('--currency <code>', 'the scorecard\'s currency (default: the base currency)')
      .addOption(new Option('--format <format>', 'output format').choices(FORMATS)
        .default('table'))
      .option('--out <file>', 'write to this file (required for xlsx)')
      .option('--json', 'same as --format json')
      .action(async (o: ReportOpts) => {
        if (o.json && o.format !== 'table' && o.format !== 'json') {
          throw new CliError('usage', `--json conflicts with --format ${o.format}`, 2);
        }
        const format: Format = o.json ? 'json' : o.format;
        if (format === 'xlsx' && o.out === undefined) {
          throw new CliError('usage', '--format xlsx needs --out FILE', 2);
        }
        const r = await collectionsReport(await ctx.db(), name, { from: o.from, to: o.to,
          currency: o.currency, today: ctx.today });
        if (!r.ok) {
          const e = r.error;
          throw new CliError(e.code, e.code === 'date_invalid' ? `--${e.field}: not a date: `
            + e.date : e.code === 'date_range_invalid' ? `--from ${e.from} --to ${e.to}: the `
            + `range must run forward and be at most ${e.daysMax} days`
            : `--currency: not a currency code: ${e.currency}`, 2, e);
        }
        const content = await render(r.value, format);
        if (o.out === undefined) {
          ctx.stdout.write(content);
          return;
        }
        await writeFile(o.out, content).catch((e: unknown) => {
          throw new CliError('out_not_writable', `--out ${o.out}: ${(e as Error).message}`);
        });
        ctx.stdout.write(format === 'json' || o.json ? JSON.stringify({ out: o.out, format,
          rows: r.value.rows.length }) + '\n'
          : `${r.value.title} (${r.value.rows.length} rows) written to ${o.out}\n`);
      });
  }
  registerDigestCommands(program, ctx);
};

async function render(report: CollectionsReport, format: Format): Promise<string | Buffer> {
  switch (format) {
    case 'json': return JSON.stringify(reportJson(report), null, 2) + '\n';
    case 'csv': return reportCsv(report);
    case 'xlsx': return reportXlsx(report);
    case 'table': return reportTable(report) + '\n';
  }
}

const registerDigestCommands: RegisterCommands = (program, ctx) => {
  const digest = commandGroup(program, 'digest', 'email digests');
  digest.command('sales-reps')
    .description('email each sales rep the digest of their accounts (the weekly job, by hand)')
    .option('--dry-run', 'show what would be sent; send and log nothing')
    .option('--rep <name>', "only this sales rep (their display name)")
    .action(async (o: { dryRun?: boolean; rep?: string }, cmd: Command) => {
      const mailer = o.dryRun ? undefined : smtpMailer(ctx.config.mail);
      try {
        const r = await sendSalesRepDigests(await ctx.db(), ctx.actor, mailer,
          ctx.config.mail.companyName, { asOf: ctx.today, now: new Date(),
            periodDays: ctx.config.jobs.digest === 'daily' ? 1 : 7, dryRun: o.dryRun,
            salesRep: o.rep });
        if (!r.ok) throw new CliError(r.error.code, describeDigestError(r.error), 1, r.error);
        const json = Boolean(cmd.optsWithGlobals<{ json?: boolean }>().json);
        output(ctx, json, r.value, () => digestText(r.value));
        if (r.value.failed > 0) {
          throw new CliError('digest_send_failed', `${r.value.failed} digest(s) failed: `
            + r.value.digests.filter((d) => d.status === 'failed')
              .map((d) => `${d.salesRep}: ${d.error}`).join('; '));
        }
      } finally {
        mailer?.close();
      }
    });
};

function digestText(run: DigestRun): string {
  const lines = run.digests.map((d) => `${d.salesRep} <${d.recipient ?? 'no email address'}>: `
    + `${d.status}${d.reason ? ` (${d.reason.replace('_', ' ')})` : ''}`
    + `${d.subject ? `: ${d.subject}` : ''}${d.error ? ` (${d.error})` : ''}`);
  const summary = run.dryRun
    ? `dry run as of ${run.asOf}: ${run.digests.length - run.skipped} would be sent, `
      + `${run.skipped} skipped`
    : `digests as of ${run.asOf}: ${run.sent} sent, ${run.failed} failed, ${run.skipped} skipped`;
  return [...lines, summary].join('\n');
}
