// Aging benchmark:
//   npx tsx bench/aging.ts [--pglite] [--scale 1] [--runs 5] [--explain] [--schema bench_aging]
//
// Generates the ledger of bench/generate.ts (PostgreSQL: schema bench_aging, or --schema, of
// DATABASE_URL or postgres://postgres@127.0.0.1:5432/test, reused when it holds the same scale
// and then migrated; PGlite: a temporary directory, removed afterwards), then times aging by
// customer as of today, six months back and the 1st of that month (the farthest from a kept
// month end): the median of --runs runs of (a) the report use case agingReport, (b) the
// statement it runs alone (what the use case adds on top of it; as of the summary date, today,
// it reads the customers' summaries of migration 007, and before the last kept month end the
// month end after the date, migration 031, which the bench builds as the nightly job would),
// (c) the statement from the items open now ("items": the open items' running totals of
// migration 028 and every application after the date), and (d) a hand-written naive single
// statement straight from
// the definition, open = amount -/+ applications effective <= D over every document. It prints
// them side by side with the load average, and FAIL (exit 1) if (a) or (c) differ from (d)
// anywhere.

import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDb, type Db } from '../src/db/connection.ts';
import { migrate } from '../src/db/migrate.ts';
import { bucketLowerBounds, DEFAULT_THRESHOLDS } from '../src/domain/aging.ts';
import { addMonths } from '../src/domain/dates.ts';
import { keepAgingPeriods } from '../src/ledger/aging-periods.ts';
import {
  agingReport, buildAgingSql, keptPeriodFor, type AgingReport,
} from '../src/reports/aging.ts';
import { analyze, DEFAULT_TODAY, GENERATOR_VERSION, generateLedger } from './generate.ts';

interface Args { pglite: boolean; scale: number; runs: number; explain: boolean; schema: string }

function parseArgs(argv: string[]): Args {
  const value = (name: string, fallback: number): number => {
    const i = argv.indexOf(name);
    const n = i < 0 ? fallback : Number(argv[i + 1]);
    if (!(n > 0)) throw new Error(`${name} must be a positive number`);
    return n;
  };
  const schemaAt = argv.indexOf('--schema');
  const schema = schemaAt < 0 ? 'bench_aging' : argv[schemaAt + 1] ?? '';
  if (!/^[a-z_][a-z0-9_]*$/.test(schema)) throw new Error('--schema must be a lower-case name');
  return {
    pglite: argv.includes('--pglite'), scale: value('--scale', 1), runs: value('--runs', 5),
    explain: argv.includes('--explain'), schema,
  };
}

const log = (s: string): void => void process.stdout.write(s + '\n');

/** The machine's load averages (1, 5, 15 minutes): wall times mean little without them. */
const load = (): string => `load ${loadavg().map((x) => x.toFixed(2)).join(' ')}`;

async function openPostgres(scale: number, schema: string): Promise<Db> {
  const url = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
  const admin = await openDb({ url, poolMax: 1 });
  const info = await admin.query<{ scale: string; today: string; version: string }>(
    `SELECT scale::text, today::text, version FROM ${schema}.bench_info`,
  ).catch(() => ({ rows: [] }));
  const row = info.rows[0];
  const reuse = row && Number(row.scale) === scale && row.today === DEFAULT_TODAY
    && row.version === GENERATOR_VERSION;
  if (!reuse) await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  await admin.close();
  const db = await openDb({ url, schema, poolMax: 2 });
  if (reuse) {
    log(`PostgreSQL: reusing schema ${schema} (scale ${scale})`);
    const applied = await migrate(db);
    if (applied.length > 0) {
      // A migration that rewrote rows leaves pages not all-visible: index-only scans need VACUUM.
      log(`  migrations applied: ${applied.join(', ')}; vacuuming`);
      await analyze(db);
    }
  }
  else await fill(db, scale, `PostgreSQL schema ${schema}`);
  await keepPeriods(db);
  return db;
}

/** The month ends the aging keeps (the nightly job's work), built where missing. */
async function keepPeriods(db: Db): Promise<void> {
  const kept = await keepAgingPeriods(db, DEFAULT_TODAY);
  if (kept.built.length === 0) return;
  log(`  aging periods built: ${kept.built.map((b) => `${b.periodEnd} ${(b.ms / 1000).toFixed(1)} s`)
    .join(', ')}`);
  await analyze(db);
}

async function fill(db: Db, scale: number, where: string): Promise<void> {
  log(`${where}: generating scale ${scale}...`);
  const started = performance.now();
  await migrate(db);
  await generateLedger(db, {
    scale, today: DEFAULT_TODAY,
    onStep: (step, ms) => log(`  ${step.padEnd(44)} ${(ms / 1000).toFixed(1).padStart(7)} s`),
  });
  await analyze(db);
  await db.query(`CREATE TABLE bench_info AS
    SELECT $1::numeric AS scale, $2::date AS today, $3::text AS version`,
  [scale, DEFAULT_TODAY, GENERATOR_VERSION]);
  log(`  done in ${((performance.now() - started) / 1000).toFixed(1)} s`);
}

/** The definition, written by hand: every document, every application up to D. */
const NAIVE_SQL = `WITH applied AS (
    SELECT id, sum(amount)::bigint AS applied FROM (
      SELECT debit_id AS id, -amount_cents AS amount FROM applications WHERE applied_on <= $1::date
      UNION ALL
      SELECT credit_id, amount_cents FROM applications WHERE applied_on <= $1::date) a
    GROUP BY id),
  items AS (
    SELECT d.customer_id, $1::date - d.due_date AS days,
      d.amount_cents + coalesce(a.applied, 0) AS open
    FROM documents d LEFT JOIN applied a ON a.id = d.id
    WHERE d.document_date <= $1::date AND d.currency = $2)
  SELECT coalesce(c.account_number, '(unidentified)') AS key,
    coalesce(c.name, '(unidentified)') AS name, sum(open)::bigint AS total,
    coalesce(sum(open) FILTER (WHERE open < 0), 0)::bigint AS unapplied,
    coalesce(sum(open) FILTER (WHERE open > 0 AND days <= 0), 0)::bigint AS a0,
    coalesce(sum(open) FILTER (WHERE open > 0 AND days BETWEEN 1 AND 30), 0)::bigint AS a1,
    coalesce(sum(open) FILTER (WHERE open > 0 AND days BETWEEN 31 AND 45), 0)::bigint AS a2,
    coalesce(sum(open) FILTER (WHERE open > 0 AND days BETWEEN 46 AND 60), 0)::bigint AS a3,
    coalesce(sum(open) FILTER (WHERE open > 0 AND days BETWEEN 61 AND 90), 0)::bigint AS a4,
    coalesce(sum(open) FILTER (WHERE open > 0 AND days BETWEEN 91 AND 120), 0)::bigint AS a5,
    coalesce(sum(open) FILTER (WHERE open > 0 AND days > 120), 0)::bigint AS a6
  FROM items i LEFT JOIN customers c ON c.id = i.customer_id
  WHERE open <> 0
  GROUP BY 1, 2 ORDER BY coalesce(c.account_number, '(unidentified)') COLLATE "C"`;

type Line = { key: string; name: string; total: number; unapplied: number } & Record<string, number>;

function reportLines(r: AgingReport): string[] {
  return r.rows.map((row) => [row.key, row.name, row.totalCents, row.unappliedCents,
    ...row.amountsCents].join('|'));
}

/** The rows of our statements: key, name and the amounts as one text (see parseAmounts). */
type OurLine = { key: string; name: string; amounts: string };

function ourLines(rows: OurLine[]): string[] {
  return rows.map((r) => [r.key, r.name, ...r.amounts.split(',')].join('|'));
}

function naiveLines(rows: Line[]): string[] {
  return rows.map((r) => [r.key, r.name, r.total, r.unapplied,
    ...[0, 1, 2, 3, 4, 5, 6].map((i) => r[`a${i}`])].join('|'));
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

async function timed<T>(fn: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const started = performance.now();
  const value = await fn();
  return { ms: performance.now() - started, value };
}

interface Case { label: string; asOf: string }

async function runCase(db: Db, c: Case, runs: number): Promise<boolean> {
  const query = { asOf: c.asOf, by: 'customer', basis: 'due' } as const;
  const bucketCount = DEFAULT_THRESHOLDS.length + 2;
  // As of the summary date the report reads the customers' summaries (migration 007); the
  // statement from the items is timed and checked too, as every other date uses it.
  const dated = await db.query<{ d: string }>('SELECT summary_date()::text AS d');
  const fromSummaries = dated.rows[0]?.d === c.asOf;
  // Any other date before the last kept month end reads the period ending next (migration 031).
  const period = await keptPeriodFor(db, c.asOf);
  const source = fromSummaries ? 'summary' : period ? 'period' : 'items';
  const sql = buildAgingSql('customer', 'due', bucketCount, source).summary;
  const itemsSql = buildAgingSql('customer', 'due', bucketCount).summary;
  const params = [c.asOf, 'USD', bucketLowerBounds(DEFAULT_THRESHOLDS), null, null];
  const sourceParams = source === 'period' ? [...params, period] : params;
  const times = { report: [] as number[], statement: [] as number[], items: [] as number[],
    naive: [] as number[] };
  let report: AgingReport | undefined;
  let naive: Line[] = [];
  let items: OurLine[] = [];
  for (let i = 0; i <= runs; i++) { // run 0 warms the caches and is not counted
    const a = await timed(() => agingReport(db, query));
    const b = await timed(() => db.query(sql, sourceParams));
    const m = await timed(() => db.query<OurLine>(itemsSql, params));
    const n = await timed(() => db.query<Line>(NAIVE_SQL, [c.asOf, 'USD']));
    if (!a.value.ok) throw new Error(JSON.stringify(a.value.error));
    report = a.value.value;
    naive = n.value.rows;
    items = m.value.rows;
    if (i === 0) continue;
    times.report.push(a.ms);
    times.statement.push(b.ms);
    times.items.push(m.ms);
    times.naive.push(n.ms);
  }
  const ours = reportLines(report!);
  const theirs = naiveLines(naive);
  const fromItems = ourLines(items);
  const differ = ours.filter((l, i) => l !== theirs[i]).length + Math.abs(ours.length - theirs.length)
    + fromItems.filter((l, i) => l !== theirs[i]).length
    + Math.abs(fromItems.length - theirs.length);
  const [r, s, it, n] = [median(times.report), median(times.statement), median(times.items),
    median(times.naive)];
  const ms = (x: number): string => `${x.toFixed(0)} ms`.padStart(9);
  log(`${c.label.padEnd(22)} ${c.asOf}  ${String(ours.length).padStart(7)}` +
    `${ms(r)}${ms(s)}${ms(it)}${ms(n)}  ${(r / n).toFixed(2).padStart(6)}` +
    `  ${(r / s).toFixed(2).padStart(6)}  ${
      source === 'period' ? `period ${period}` : source.padEnd(17)}` +
    `  ${differ === 0 ? 'equal' : `FAIL: ${differ} rows differ`}`);
  if (differ > 0) {
    const first = ours.findIndex((l, i) => l !== theirs[i]);
    log(`  first difference: ours ${ours[first]} / naive ${theirs[first]}`);
  }
  const t = report!.totals;
  log(`  total ${t.totalCents} = buckets ${t.amountsCents.join(' + ')} + unapplied ` +
    `${t.unappliedCents}`);
  return differ === 0;
}

async function explain(db: Db, asOf: string): Promise<void> {
  const sql = buildAgingSql('customer', 'due', DEFAULT_THRESHOLDS.length + 2).summary;
  const r = await db.query<{ 'QUERY PLAN': string }>(`EXPLAIN (ANALYZE, BUFFERS) ${sql}`,
    [asOf, 'USD', bucketLowerBounds(DEFAULT_THRESHOLDS), null, null]);
  log(`\nEXPLAIN ANALYZE as of ${asOf}:`);
  for (const row of r.rows) log(`  ${row['QUERY PLAN']}`);
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  let dir: string | undefined;
  let db: Db;
  if (args.pglite) {
    dir = mkdtempSync(join(tmpdir(), 'arc-bench-aging-'));
    db = await openDb({ dataDir: dir });
    await fill(db, args.scale, `PGlite ${dir}`);
    await keepPeriods(db);
  } else {
    db = await openPostgres(args.scale, args.schema);
  }
  try {
    const counts = await db.query<{ customers: number; open: number; apps: number }>(
      `SELECT (SELECT count(*) FROM customers)::bigint AS customers,
         (SELECT count(*) FROM documents WHERE open_cents > 0)::bigint AS open,
         (SELECT count(*) FROM applications)::bigint AS apps`);
    const c = counts.rows[0]!;
    log(`\n${db.kind}, scale ${args.scale}: ${c.customers} customers, ${c.open} open debit items,` +
      ` ${c.apps} applications; median of ${args.runs} runs; ${load()}`);
    log(`${'aging by customer'.padEnd(22)} ${'as of'.padEnd(10)}  ${'rows'.padStart(7)}` +
      `${'report'.padStart(9)}${'its SQL'.padStart(9)}${'items'.padStart(9)}` +
      `${'naive'.padStart(9)}  ${'r/naive'.padStart(6)}  ${'r/SQL'.padStart(6)}  source`);
    const cases = [
      { label: 'as of today', asOf: DEFAULT_TODAY },
      { label: 'as of 6 months back', asOf: addMonths(DEFAULT_TODAY, -6) },
      // The farthest a date can be from the kept month end after it: a whole month of
      // applications between them.
      { label: 'as of a 1st, 6 back', asOf: `${addMonths(DEFAULT_TODAY, -6).slice(0, 7)}-01` },
    ];
    let ok = true;
    for (const c of cases) ok = (await runCase(db, c, args.runs)) && ok;
    log(`after the runs: ${load()}`);
    if (args.explain) for (const c of cases) await explain(db, c.asOf);
    if (!ok) process.exitCode = 1;
  } finally {
    await db.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  }
}

await main();
