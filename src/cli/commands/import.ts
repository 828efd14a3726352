import { existsSync } from 'node:fs';
import { Argument } from 'commander';
import cliProgress from 'cli-progress';
import { CliError, output, type CliContext, type RegisterCommands } from '../context.ts';
import { IMPORT_KINDS, type ImportKind } from '../../domain/import-rows.ts';
import { openTabularFile, type TabularSource } from '../../formats/tabular.ts';
import { runImport, type ImportFailure, type ImportSummary } from '../../ledger/import.ts';
import { importBankCommand } from './cashapp.ts';

// `arc import customers|invoices|payments|applications FILE`: a CSV or XLSX file, all or
// nothing. Exit 0 when imported or already imported, 1 when refused (every error listed).

export const registerImportCommands: RegisterCommands = (program, ctx) => {
  program.command('import')
    .description('import customers, invoices, payments or applications from a CSV or XLSX '
      + 'file with a header row (all or nothing; the same file again changes nothing)')
    .addArgument(new Argument('<kind>', 'what the file holds (bank: a bank, lockbox or '
      + 'remittance file, format detected from its content)').choices([...IMPORT_KINDS, 'bank']))
    .argument('<file>', 'a .csv or .xlsx file')
    .option('--json', 'machine-readable output')
    .action(async (kind: ImportKind | 'bank', file: string, o: { json?: boolean }) => {
      if (kind === 'bank') return importBankCommand(ctx, file, o.json ?? false);
      if (!existsSync(file)) throw new CliError('file_not_found', `${file}: no such file`);
      const source = await openTabularFile(file);
      try {
        await importFile(ctx, kind, source, o.json ?? false);
      } finally {
        await source.close();
      }
    });
};

async function importFile(
  ctx: CliContext, kind: ImportKind, source: TabularSource, json: boolean,
): Promise<void> {
  const db = await ctx.db();
  const bar = !json && ctx.stderr.isTTY ? progressBar(ctx, source.sizeBytes) : undefined;
  let r;
  try {
    r = await runImport(db, kind, source, ctx.actor, {
      onProgress: bar ? (bytes) => bar.update(bytes) : undefined,
    });
  } finally {
    bar?.stop();
  }
  if (r.ok) {
    output(ctx, json, r.value, () => describeSummary(r.value));
    return;
  }
  reportFailure(ctx, r.error, json);
}

function progressBar(ctx: CliContext, total: number): cliProgress.SingleBar {
  const bar = new cliProgress.SingleBar({
    stream: ctx.stderr as NodeJS.WriteStream,
    format: 'importing |{bar}| {percentage}% ({value}/{total} bytes, {eta_formatted} left)',
    hideCursor: true,
  }, cliProgress.Presets.shades_classic);
  bar.start(total, 0);
  return bar;
}

const grouped = (n: number): string => n.toLocaleString('en-US');

function describeSummary(s: ImportSummary): string {
  if (s.status === 'already_imported') {
    return `${s.file} was already imported (batch ${s.batchId}, ${grouped(s.rows)} rows): `
      + 'nothing changed';
  }
  return `imported ${s.kind} from ${s.file} (batch ${s.batchId}): ${grouped(s.rows)} rows, `
    + `${grouped(s.created)} created, ${grouped(s.skipped)} already present`;
}

/** Every error kept: on stdout as JSON with --json, else one line each on stderr; exit 1. */
function reportFailure(ctx: CliContext, f: ImportFailure, json: boolean): never {
  if (json) {
    ctx.stdout.write(JSON.stringify({ errors: f.errors, errorCount: f.errorCount }, null, 2) + '\n');
  } else {
    const lines = f.errors.map((e) => `${e.file}:${e.line}: ${e.column || '(row)'}: ${e.reason}`);
    const more = f.errorCount - f.errors.length;
    if (more > 0) lines.push(`and ${grouped(more)} more`);
    ctx.stderr.write(lines.join('\n') + '\n');
  }
  throw new CliError(f.code, `${grouped(f.errorCount)} error(s) in ${f.file}; nothing was `
    + 'imported');
}
