/**
 * Import benchmark: generates a customers CSV and an invoices CSV (default 50,000 customers and
 * 1,000,000 invoices) in a temporary directory, then imports both with `runImport`, once into a
 * fresh schema on PostgreSQL and once into a PGlite database in a temporary directory. Each target
 * runs in its own child process, so its peak RSS is its own. Prints rows/s, wall time and RSS.
 *
 *   npx tsx bench/import.ts [--rows N] [--customers N] [--target pg|pglite|both] [--profile]
 *     [--staged]
 *
 * Beside the wall time it prints the CPU time of the importing process and (PostgreSQL on this
 * machine) of its backend, and the load average: on a shared machine the CPU times are the
 * steadier figures. --profile also prints the wall (and backend CPU) time of each statement of
 * the invoices import. --staged imports the invoices the staged way (no direct path, see
 * src/ledger/import-direct.ts), for comparison.
 *
 * PostgreSQL: DATABASE_URL, else postgres://postgres@127.0.0.1:5432/test; the schema
 * bench_import_<random> is dropped at the end.
 */
import { randomBytes } from 'node:crypto';
import { fork } from 'node:child_process';
import { createWriteStream, mkdtempSync, rmSync, statSync } from 'node:fs';
import { once } from 'node:events';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { openDb, type Db } from '../src/db/connection.ts';
import { migrate } from '../src/db/migrate.ts';
import { addDays } from '../src/domain/dates.ts';
import { formatAmount } from '../src/domain/money.ts';
import { openTabularFile } from '../src/formats/tabular.ts';
import { runImport, type ImportKind, type ImportOptions } from '../src/ledger/import.ts';
import { StatementTimes, timedDb } from './lib/timed-db.ts';

const PG_URL = process.env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/test';
const TERMS = ['NET30', 'NET30', 'NET45', '2/10NET30', 'NET10EOM', 'NET60'];

interface Args {
  rows: number;
  customers: number;
  target: 'pg' | 'pglite' | 'both';
  profile: boolean;
  staged: boolean;
}

function parseArgs(argv: string[]): Args {
  const args: Args = {
    rows: 1_000_000, customers: 50_000, target: 'both', profile: false, staged: false,
  };
  for (let i = 0; i < argv.length; i += 2) {
    const [flag, value] = [argv[i], argv[i + 1] ?? ''];
    if (flag === '--profile' || flag === '--staged') {
      args[flag === '--profile' ? 'profile' : 'staged'] = true;
      i -= 1;
    } else if (flag === '--rows') args.rows = wholeNumber(value, flag);
    else if (flag === '--customers') args.customers = wholeNumber(value, flag);
    else if (flag === '--target' && ['pg', 'pglite', 'both'].includes(value)) {
      args.target = value as Args['target'];
    } else {
      throw new Error('usage: bench/import.ts [--rows N] [--customers N] [--target ...] '
        + '[--profile] [--staged]');
    }
  }
  args.customers = Math.min(args.customers, Math.max(1, args.rows));
  return args;
}

function wholeNumber(text: string, flag: string): number {
  const n = Number(text.replace(/[_,]/g, ''));
  if (!Number.isSafeInteger(n) || n < 1) throw new Error(`${flag} needs a whole number >= 1`);
  return n;
}

/** A small deterministic generator (mulberry32): the same files on every run. */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Writes lines in ~1 MB blocks, waiting for the stream to drain. */
async function writeLines(path: string, header: string, lines: Iterable<string>): Promise<void> {
  const out = createWriteStream(path);
  let block = header + '\n';
  for (const line of lines) {
    block += line + '\n';
    if (block.length > 1 << 20) {
      if (!out.write(block)) await once(out, 'drain');
      block = '';
    }
  }
  out.end(block);
  await once(out, 'finish');
}

/** The 1, 5 and 15 minute load averages (the machine is shared: figures need them beside). */
function loadAverage(): string {
  return loadavg().map((l) => l.toFixed(2)).join(' ');
}

const account = (i: number): string => `C${String(i).padStart(7, '0')}`;

function* customerLines(n: number): Generator<string> {
  const next = random(1);
  for (let i = 1; i <= n; i++) {
    const terms = TERMS[Math.floor(next() * TERMS.length)]!;
    const limit = formatAmount((1 + Math.floor(next() * 200)) * 500_00);
    yield `${account(i)},Customer ${i} Inc.,,${terms},${limit},USD,collector${i % 50},`
      + `rep${i % 300},R${i % 12},Contact ${i},ap${i}@example.com,555-${String(i % 10_000)}`;
  }
}

function* invoiceLines(n: number, customers: number): Generator<string> {
  const next = random(2);
  for (let i = 1; i <= n; i++) {
    const customer = account(1 + Math.floor(next() * customers));
    const date = addDays('2025-01-01', Math.floor(next() * 450));
    const amount = formatAmount(100 + Math.floor(next() * 2_500_000));
    const roll = next();
    const type = roll < 0.03 ? 'credit_memo' : roll < 0.05 ? 'debit_memo' : 'invoice';
    const due = roll > 0.97 ? addDays(date, 15) : '';
    yield `${customer},${String(i).padStart(9, '0')},${type},${date},${due},${amount},USD,`
      + `PO${i % 99_991},SO${i}`;
  }
}

export interface BenchFigures {
  target: string;
  customers: { rows: number; seconds: number };
  invoices: {
    rows: number; seconds: number; bytes: number;
    /** CPU seconds of this process, and of the PostgreSQL backend when it can be read. */
    nodeCpu: number; backendCpu?: number;
  };
  /** Load averages (1, 5, 15 minutes) before and after the invoices import. */
  load: { before: string; after: string };
  peakRssMb: number;
  /** With --profile: the invoices import's statements, slowest first. */
  statements?: string[];
}

async function importTimed(
  db: Db, kind: ImportKind, path: string, opts: ImportOptions = {},
): Promise<{ rows: number; seconds: number }> {
  const started = performance.now();
  const source = await openTabularFile(path);
  try {
    const r = await runImport(db, kind, source, { name: 'bench', kind: 'system', source: 'bench' },
      opts);
    if (!r.ok) throw new Error(`${kind} refused: ${JSON.stringify(r.error).slice(0, 2000)}`);
    if (r.value.created !== r.value.rows) throw new Error(`${kind}: ${JSON.stringify(r.value)}`);
    return { rows: r.value.rows, seconds: (performance.now() - started) / 1000 };
  } finally {
    await source.close();
  }
}

type Flags = Pick<Args, 'profile' | 'staged'>;

/** Child process: imports both files into one target and reports its figures. */
async function runTarget(
  target: 'pg' | 'pglite', dir: string, { profile, staged }: Flags,
): Promise<BenchFigures> {
  const schema = `bench_import_${randomBytes(4).toString('hex')}`;
  const db = target === 'pg'
    ? await openDb({ url: PG_URL, schema, poolMax: 2 })
    : await openDb({ dataDir: join(dir, 'pglite') });
  try {
    await migrate(db);
    const customers = await importTimed(db, 'customers', join(dir, 'customers.csv'));
    const times = new StatementTimes();
    const before = loadAverage();
    const cpu = process.cpuUsage();
    const invoices = await importTimed(timedDb(db, times), 'invoices', join(dir, 'invoices.csv'),
      staged ? { direct: false } : {});
    const nodeCpu = process.cpuUsage(cpu);
    const load = { before, after: loadAverage() };
    const count = await db.query<{ n: number }>('SELECT count(*)::bigint AS n FROM documents');
    if (count.rows[0]!.n !== invoices.rows) throw new Error('document count differs');
    return {
      target: target === 'pg' ? 'PostgreSQL' : 'PGlite', customers, load,
      invoices: {
        ...invoices, bytes: statSync(join(dir, 'invoices.csv')).size,
        nodeCpu: (nodeCpu.user + nodeCpu.system) / 1e6, backendCpu: times.backendCpuSeconds,
      },
      peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
      ...(profile ? { statements: times.lines() } : {}),
    };
  } finally {
    if (target === 'pg') await db.query(`DROP SCHEMA ${schema} CASCADE`);
    await db.close();
  }
}

function runChild(target: 'pg' | 'pglite', dir: string, flags: Flags): Promise<BenchFigures> {
  return new Promise((resolve, reject) => {
    const child = fork(fileURLToPath(import.meta.url), ['--child', target, dir,
      ...(flags.profile ? ['--profile'] : []), ...(flags.staged ? ['--staged'] : [])], {
      // As bin/arc.js runs (see there): the young generation an import needs.
      execArgv: [...process.execArgv, '--max-semi-space-size=32'],
    });
    let figures: BenchFigures | undefined;
    child.on('message', (m) => (figures = m as BenchFigures));
    child.on('error', reject);
    child.on('exit', (code) => (figures && code === 0 ? resolve(figures)
      : reject(new Error(`${target} benchmark failed (exit ${code})`))));
  });
}

function report(f: BenchFigures): string {
  const rate = (r: { rows: number; seconds: number }): string =>
    Math.round(r.rows / r.seconds).toLocaleString('en-US');
  return [
    `${f.target}:`,
    `  customers ${f.customers.rows.toLocaleString('en-US')} rows in `
      + `${f.customers.seconds.toFixed(1)} s (${rate(f.customers)} rows/s)`,
    `  invoices  ${f.invoices.rows.toLocaleString('en-US')} rows `
      + `(${(f.invoices.bytes / 1e6).toFixed(0)} MB) in ${f.invoices.seconds.toFixed(1)} s `
      + `(${rate(f.invoices)} rows/s)`,
    `  invoices  CPU: this process ${f.invoices.nodeCpu.toFixed(1)} s`
      + (f.invoices.backendCpu === undefined ? ''
        : `, PostgreSQL backend ${f.invoices.backendCpu.toFixed(1)} s`),
    `  load average ${f.load.before} before, ${f.load.after} after`,
    `  peak RSS  ${f.peakRssMb} MB`,
    ...(f.statements ? ['  invoices import, wall time by statement:',
      ...f.statements.map((l) => `  ${l}`)] : []),
  ].join('\n');
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  if (argv[0] === '--child') {
    const figures = await runTarget(argv[1] as 'pg' | 'pglite', argv[2]!,
      { profile: argv.includes('--profile'), staged: argv.includes('--staged') });
    process.send!(figures);
    return;
  }
  const args = parseArgs(argv);
  const dir = mkdtempSync(join(tmpdir(), 'arc-bench-import-'));
  try {
    const started = performance.now();
    await writeLines(join(dir, 'customers.csv'),
      'account_number,name,parent_account,terms,credit_limit,currency,collector,sales_rep,'
        + 'region,contact_name,email,phone', customerLines(args.customers));
    await writeLines(join(dir, 'invoices.csv'),
      'account_number,number,type,date,due_date,amount,currency,po_number,order_number',
      invoiceLines(args.rows, args.customers));
    console.log(`generated ${args.customers.toLocaleString('en-US')} customers and `
      + `${args.rows.toLocaleString('en-US')} invoices in `
      + `${((performance.now() - started) / 1000).toFixed(1)} s (${dir})`);
    const targets = args.target === 'both' ? ['pg', 'pglite'] as const : [args.target];
    for (const target of targets) console.log(report(await runChild(target, dir, args)));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
