// API benchmark:
//   `npx tsx bench/api.ts [--scale 1] [--connections 100] [--seconds 10] [--schema NAME]
//     [--client wrk|autocannon] [--no-read-cache]`
//
// The ledger of bench/generate.ts on PostgreSQL (schema bench_api of DATABASE_URL, or
// postgres://postgres@127.0.0.1:5432/test; reused when it holds the same scale; --schema uses
// another bench's generated schema as it is, adding only the ledger migrations it lacks up to
// CORE_MIGRATIONS_MAX (what the measured routes read), a bench user and a token), served by the
// real HTTP server in a child process (so the load generator does not share its event loop), its
// clock on the data's business date. Then, with the load generator at --connections concurrent
// requests for --seconds each, as an AR manager with an API token:
//   - the customer list, first page sorted by past due (the customers page);
//   - the customer account page's API: the account (header + aging strip) and its open items,
//     over 1,000 customers drawn from the whole book;
// and, one request at a time, the aging report by customer (JSON, gzip accepted, timed until the
// whole answer has arrived). Prints p50/p95/p99 and the
// targets (p95 < 50 ms; aging < 1 s); exits 1 when one is missed. Latency under load depends on
// what else the machine runs, so each case also prints its CPU time per request: the server
// process's and its PostgreSQL backends' (found by application_name), from /proc.
//
// The load generator shares the machine's cores with the server and PostgreSQL: wrk (Debian's
// package, `apt-get install wrk`; written in C) is used when /usr/bin/wrk exists, as it takes a
// fraction of the CPU per request that autocannon (Node) does; else autocannon. Both report
// every response's latency; the one used is printed with the load average.
//
// The three pages answer through the read cache (src/http/read-cache.ts): an answer is reused
// while the database's snapshot is unchanged, which holds through a run with no writes. Each case
// prints the share of answers reused; --no-read-cache measures the server computing every answer.
// The aging report is timed as computed (a second server with the read cache off) and, with the
// cache, asked again at the same snapshot.

import { execFile, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { createRequire } from 'node:module';
import { createApiToken } from '../src/auth/create-api-token.ts';
import { createUser } from '../src/auth/create-user.ts';
import { loadConfig } from '../src/config.ts';
import type { Actor } from '../src/db/audit.ts';
import { openDb, type Db } from '../src/db/connection.ts';
import { loadMigrations, migrate } from '../src/db/migrate.ts';
import { ReadCache } from '../src/http/read-cache.ts';
import { buildServer } from '../src/http/server.ts';
import { ensureSummaryDate } from '../src/reports/customer-summary-date.ts';
import { analyze, DEFAULT_TODAY, GENERATOR_VERSION, generateLedger, sizes } from './generate.ts';

let SCHEMA = 'bench_api';
const URL_DEFAULT = 'postgres://postgres@127.0.0.1:5432/test';
const NOW = `${DEFAULT_TODAY}T15:00:00.000Z`;
const actor: Actor = { name: 'bench', kind: 'system', source: 'bench' };
/** 006-customer-count: the list's total; 007: the aging in the summaries. Later capabilities' migrations are their benches'. */
const CORE_MIGRATIONS_MAX = 7;
const log = (s: string): void => void process.stdout.write(s + '\n');

interface Args {
  scale: number; connections: number; seconds: number; serve: boolean; schema: string | undefined;
  /** The load generator: wrk (C, Debian's package) when installed, else autocannon (Node). */
  client: 'wrk' | 'autocannon';
  /** --no-read-cache: the server computes every answer (ARC_READ_CACHE_MB=0). */
  readCache: boolean;
}

function parseArgs(argv: string[]): Args {
  const value = (name: string, fallback: number): number => {
    const i = argv.indexOf(name);
    const n = i < 0 ? fallback : Number(argv[i + 1]);
    if (!(n > 0)) throw new Error(`${name} must be a positive number`);
    return n;
  };
  const schema = argv.includes('--schema') ? argv[argv.indexOf('--schema') + 1] : undefined;
  if (schema !== undefined && !/^[a-z_][a-z0-9_]*$/.test(schema)) throw new Error('--schema');
  const asked = argv.includes('--client') ? argv[argv.indexOf('--client') + 1] : undefined;
  if (asked !== undefined && asked !== 'wrk' && asked !== 'autocannon') throw new Error('--client');
  const client = asked ?? (existsSync(WRK) ? 'wrk' : 'autocannon');
  return { scale: value('--scale', 1), connections: value('--connections', 100),
    seconds: value('--seconds', 10), serve: argv.includes('--serve'), schema, client,
    readCache: !argv.includes('--no-read-cache') };
}

const dbUrl = (): string => process.env.DATABASE_URL ?? URL_DEFAULT;
/** The server's connections, to find their backends' processes. */
const APPLICATION_NAME = 'arc-bench-api';
const serverDbUrl = (): string => {
  const url = new URL(dbUrl());
  url.searchParams.set('application_name', APPLICATION_NAME);
  return url.toString();
};

/** CPU time (user + system) of a process so far, in ms; 0 when it is gone. */
function cpuMs(pid: number): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100; // utime, stime in ticks
  } catch {
    return 0;
  }
}

/** CPU ms so far of the server process and of its database backends. */
async function serverCpu(admin: Db, serverPid: number): Promise<{ node: number; pg: number }> {
  const r = await admin.query<{ pid: number }>(
    'SELECT pid FROM pg_stat_activity WHERE application_name = $1', [APPLICATION_NAME]);
  return { node: cpuMs(serverPid), pg: r.rows.reduce((sum, row) => sum + cpuMs(row.pid), 0) };
}

/** The bench schema at `scale`: reused when it matches, else generated (minutes at scale 1). */
async function prepare(scale: number, given: string | undefined): Promise<Db> {
  if (given !== undefined) {
    SCHEMA = given;
    const db = await openDb({ url: dbUrl(), schema: SCHEMA, poolMax: 4 });
    const applied = await migrate(db,
      loadMigrations().filter((m) => m.version <= CORE_MIGRATIONS_MAX));
    log(`PostgreSQL: using schema ${SCHEMA} as it is` +
      (applied.length ? ` (applied migrations ${applied.join(', ')})` : ''));
    return db;
  }
  const admin = await openDb({ url: dbUrl(), poolMax: 1 });
  const info = await admin.query<{ scale: string; today: string; version: string }>(
    `SELECT scale::text, today::text, version FROM ${SCHEMA}.bench_info`,
  ).catch(() => ({ rows: [] }));
  const row = info.rows[0];
  const reuse = row && Number(row.scale) === scale && row.today === DEFAULT_TODAY
    && row.version === GENERATOR_VERSION;
  if (!reuse) await admin.query(`DROP SCHEMA IF EXISTS ${SCHEMA} CASCADE`);
  await admin.close();
  const db = await openDb({ url: dbUrl(), schema: SCHEMA, poolMax: 4 });
  await migrate(db);
  if (reuse) {
    log(`PostgreSQL: reusing schema ${SCHEMA} (scale ${scale})`);
    return db;
  }
  const s = sizes(scale);
  log(`PostgreSQL schema ${SCHEMA}: generating ${s.customers} customers, ~${s.invoices} ` +
    'invoices...');
  const started = performance.now();
  await generateLedger(db, { scale, today: DEFAULT_TODAY,
    onStep: (step, ms) => log(`  ${step.padEnd(44)} ${(ms / 1000).toFixed(1).padStart(7)} s`) });
  await analyze(db);
  await db.query(`CREATE TABLE bench_info AS
    SELECT $1::numeric AS scale, $2::date AS today, $3::text AS version`,
  [scale, DEFAULT_TODAY, GENERATOR_VERSION]);
  log(`  done in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  return db;
}

/** A fresh API token of an AR manager (the whole book). */
async function managerToken(db: Db): Promise<string> {
  const exists = await db.query(`SELECT 1 FROM users WHERE username = 'bench-manager'`);
  if (exists.rows.length === 0) {
    const r = await createUser(db, actor, { username: 'bench-manager', role: 'ar_manager',
      displayName: 'Bench Manager', password: 'bench password long' });
    if (!r.ok) throw new Error(JSON.stringify(r.error));
  }
  const t = await createApiToken(db, actor, { owner: 'bench-manager', name: 'bench' },
    new Date(NOW));
  if (!t.ok) throw new Error(JSON.stringify(t.error));
  return t.value.secret;
}

/** Child mode: the server on the bench schema, on a free port it prints as "port N". */
async function serve(): Promise<void> {
  const db = await openDb({ url: serverDbUrl(), schema: SCHEMA, poolMax: 20 });
  const config = loadConfig(process.env);
  const reads = new ReadCache(db, config.readCacheBytes);
  const app = await buildServer({ db, config, reads, clock: { now: () => new Date(NOW) } });
  // The parent asks how many answers the read cache reused.
  process.on('SIGUSR2', () => {
    const r = reads.stats();
    log(`reads ${r.hits} ${r.misses}`);
  });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.server.address();
  log(`port ${typeof address === 'object' && address ? address.port : 0}`);
  process.on('SIGTERM', () => void app.close().then(() => db.close()).then(() => process.exit(0)));
}

async function startChild(readCache: boolean): Promise<{
  base: string; pid: number; stop(): void; reads(): Promise<{ hits: number; misses: number }>;
}> {
  // ARC_BENCH_PROFILE=DIR: the server writes a CPU profile there when it stops.
  const profile = process.env.ARC_BENCH_PROFILE;
  const child = spawn(process.execPath, [
    ...(profile ? ['--cpu-prof', '--cpu-prof-dir', profile] : []),
    '--import', 'tsx', new URL(import.meta.url).pathname, '--serve', '--schema', SCHEMA,
  ], { stdio: ['ignore', 'pipe', 'inherit'],
    env: { ...process.env, ...(readCache ? {} : { ARC_READ_CACHE_MB: '0' }) } });
  let out = '';
  let waiting: ((line: string) => void) | undefined;
  const port = await new Promise<number>((resolve, reject) => {
    child.stdout.on('data', (b: Buffer) => {
      out += b.toString();
      const m = /port (\d+)/.exec(out);
      if (m) resolve(Number(m[1]));
      const r = /reads \d+ \d+\n/.exec(out);
      if (r && waiting) {
        out = out.slice(r.index + r[0].length);
        waiting(r[0]);
      }
    });
    child.on('exit', (code) => reject(new Error(`server exited ${code}: ${out}`)));
  });
  return { base: `http://127.0.0.1:${port}`, pid: child.pid!,
    stop: () => void child.kill('SIGTERM'),
    reads: async () => {
      const line = await new Promise<string>((resolve) => {
        waiting = resolve;
        child.kill('SIGUSR2');
      });
      const [hits, misses] = line.trim().split(' ').slice(1).map(Number);
      return { hits: hits!, misses: misses! };
    } };
}

interface Instance { on(event: 'response', fn: (c: unknown, status: number, bytes: number,
  ms: number) => void): void }
type Autocannon = ((opts: Record<string, unknown>, done: (e: unknown, r: {
  non2xx: number; errors: number; timeouts: number; requests: { total: number } }) => void)
  => Instance);
const autocannon = createRequire(import.meta.url)('autocannon') as Autocannon;

/** The machine's 1, 5 and 15 minute load averages (the figures depend on what else runs). */
function loadAverage(): string {
  return existsSync('/proc/loadavg')
    ? readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ') : 'unknown';
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN;
}

interface Figures {
  label: string; n: number; p50: number; p95: number; p99: number; bad: number;
  /** CPU ms per request: the server process's and its database backends'. */
  nodeCpu?: number; pgCpu?: number;
  /** Share of answers the read cache reused. */
  reused?: number;
}

const WRK = '/usr/bin/wrk';

/**
 * wrk's script: the paths in turn (each thread from its own start), and at the end one line
 * with the requests, the errors (non-2xx included) and the percentiles in ms.
 */
const WRK_SCRIPT = `local paths = {}
local i = 0
function init(args)
  for line in io.lines(args[1]) do paths[#paths + 1] = line end
  i = math.random(#paths)
end
function request()
  i = i % #paths + 1
  return wrk.format("GET", paths[i])
end
function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("WRK %d %d %.3f %.3f %.3f\\n", summary.requests,
    e.connect + e.read + e.write + e.status + e.timeout, latency:percentile(50) / 1000,
    latency:percentile(95) / 1000, latency:percentile(99) / 1000))
end
`;

/** wrk (C: its own CPU per request is a fraction of autocannon's) over `paths` in turn. */
async function loadWithWrk(
  base: string, token: string, label: string, paths: string[], a: Args,
): Promise<Figures> {
  const dir = mkdtempSync(join(tmpdir(), 'arc-bench-wrk-'));
  try {
    writeFileSync(join(dir, 'paths.txt'), paths.join('\n') + '\n');
    writeFileSync(join(dir, 'paths.lua'), WRK_SCRIPT);
    const { stdout } = await promisify(execFile)(WRK, [
      '-t', '2', '-c', String(a.connections), '-d', `${a.seconds}s`, '--timeout', '10s',
      '-H', `Authorization: Bearer ${token}`, '-s', join(dir, 'paths.lua'), `${base}/`, '--',
      join(dir, 'paths.txt'),
    ]);
    const m = /^WRK (\d+) (\d+) ([\d.]+) ([\d.]+) ([\d.]+)$/m.exec(stdout);
    if (!m) throw new Error(`wrk printed no figures: ${stdout}`);
    return { label, n: Number(m[1]), bad: Number(m[2]), p50: Number(m[3]), p95: Number(m[4]),
      p99: Number(m[5]) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** autocannon over `paths` (round-robin per connection), latencies of every response. */
function load(base: string, token: string, label: string, paths: string[], a: Args) {
  return new Promise<Figures>((resolve, reject) => {
    const times: number[] = [];
    let next = 0;
    const instance = autocannon({
      url: base, connections: a.connections, duration: a.seconds,
      headers: { authorization: `Bearer ${token}` },
      requests: [{ setupRequest: (req: { path: string }) => {
        req.path = paths[next++ % paths.length]!;
        return req;
      } }],
    }, (e, r) => {
      if (e) return reject(e);
      times.sort((x, y) => x - y);
      resolve({ label, n: r.requests.total, p50: percentile(times, 50), p95: percentile(times, 95),
        p99: percentile(times, 99), bad: r.non2xx + r.errors + r.timeouts });
    });
    instance.on('response', (_c, _status, _bytes, ms) => times.push(ms));
  });
}

/** What the server says the aging took (its Server-Timing header), per part, in ms. */
type ServerTiming = Record<string, number>;

async function agingTimes(base: string, token: string, runs: number) {
  const ms: number[] = [];
  const server: ServerTiming[] = [];
  for (let i = 0; i <= runs; i++) {
    const started = performance.now();
    // As a browser asks: gzip accepted. Timed until the whole answer has arrived (decompressed);
    // reading its JSON is the client's work, checked after.
    const r = await fetch(`${base}/api/v1/aging?by=customer`,
      { headers: { authorization: `Bearer ${token}`, 'accept-encoding': 'gzip' } });
    const text = await r.text();
    const elapsed = performance.now() - started;
    const body = JSON.parse(text) as { rows?: unknown[] };
    if (!r.ok || !body.rows) throw new Error(`aging answered ${r.status}`);
    if (i === 0) continue; // run 0 warms the caches
    ms.push(elapsed);
    server.push(Object.fromEntries((r.headers.get('server-timing') ?? '').split(',')
      .map((part) => /^\s*(\w+);dur=([\d.]+)/.exec(part))
      .filter((m) => m !== null).map((m) => [m[1]!, Number(m[2])])));
  }
  const parts = [...new Set(server.flatMap((t) => Object.keys(t)))].map((k) => {
    const sorted = server.map((t) => t[k] ?? 0).sort((x, y) => x - y);
    return `${k} ${percentile(sorted, 50).toFixed(0)} ms`;
  });
  return { ms: ms.sort((x, y) => x - y), server: parts.join(', ') };
}

async function main(): Promise<void> {
  const a = parseArgs(process.argv.slice(2));
  if (a.schema !== undefined) SCHEMA = a.schema;
  if (a.serve) return serve();
  const db = await prepare(a.scale, a.schema);
  // The summaries' past due moves to the server's business date once, before timing.
  await ensureSummaryDate(db, DEFAULT_TODAY);
  const token = await managerToken(db);
  const sample = await db.query<{ id: number }>(
    'SELECT id FROM customers ORDER BY hashint8(id) LIMIT 1000');
  const stats = await db.query<{ customers: number; open: number }>(`SELECT
    (SELECT count(*)::int FROM customers) AS customers,
    (SELECT count(*)::int FROM documents WHERE open_cents <> 0) AS open`);
  await db.close();
  log(`${stats.rows[0]!.customers} customers, ${stats.rows[0]!.open} open items; ` +
    `${a.connections} connections, ${a.seconds} s per case, load generator ${a.client}; ` +
    `load average ${loadAverage()}; read cache ${a.readCache ? 'on' : 'off (--no-read-cache)'}`);
  const server = await startChild(a.readCache);
  const admin = await openDb({ url: dbUrl(), poolMax: 1 });
  const measured = async (label: string, paths: string[]): Promise<Figures> => {
    const run = a.client === 'wrk' ? loadWithWrk : load;
    // Unmeasured: compiles the route's code paths and fills the pool first.
    await run(server.base, token, label, paths, { ...a, connections: 20, seconds: 2 });
    const before = await serverCpu(admin, server.pid);
    const readsBefore = await server.reads();
    const f = await run(server.base, token, label, paths, a);
    const after = await serverCpu(admin, server.pid);
    const readsAfter = await server.reads();
    const hits = readsAfter.hits - readsBefore.hits;
    const asked = hits + readsAfter.misses - readsBefore.misses;
    return { ...f, nodeCpu: (after.node - before.node) / f.n, pgCpu: (after.pg - before.pg) / f.n,
      reused: asked === 0 ? 0 : hits / asked };
  };
  try {
    const ids = sample.rows.map((r) => r.id);
    const cases: Figures[] = [
      await measured('customer list, first page by past due',
        ['/api/v1/customers?sort=pastDue&dir=desc&limit=50']),
      await measured('customer account (header + aging strip)',
        ids.map((id) => `/api/v1/customers/${id}`)),
      await measured('customer open items',
        ids.map((id) => `/api/v1/customers/${id}/items?status=open`)),
    ];
    let failed = false;
    for (const c of cases) {
      const ok = c.p95 < 50 && c.bad === 0;
      failed ||= !ok;
      log(`${c.label.padEnd(42)} ${String(c.n).padStart(7)} req  p50 ${c.p50.toFixed(1)} ms  ` +
        `p95 ${c.p95.toFixed(1)} ms  p99 ${c.p99.toFixed(1)} ms  errors ${c.bad}  ` +
        `${ok ? 'ok' : 'MISSED'} (p95 < 50 ms)`);
      log(`${''.padEnd(50)}CPU per request: server ${c.nodeCpu?.toFixed(2)} ms, ` +
        `PostgreSQL ${c.pgCpu?.toFixed(2)} ms; read cache reused ` +
        `${((c.reused ?? 0) * 100).toFixed(1)}% of answers`);
    }
    // The aging as computed (a server with the read cache off), then, on the measured server,
    // the same report asked again at the same snapshot (sent from its read cache).
    const computing = a.readCache ? await startChild(false) : server;
    let computed: Awaited<ReturnType<typeof agingTimes>>;
    try {
      computed = await agingTimes(computing.base, token, 5);
    } finally {
      if (computing !== server) computing.stop();
    }
    const aging = computed.ms;
    const agingOk = (aging.at(-1) ?? Infinity) < 1000;
    failed ||= !agingOk;
    log(`${'aging by customer (JSON), computed'.padEnd(42)} ${String(aging.length)
      .padStart(7)} req  median ${percentile(aging, 50).toFixed(0)} ms  max ` +
      `${(aging.at(-1) ?? NaN).toFixed(0)} ms  ${agingOk ? 'ok' : 'MISSED'} (< 1 s)`);
    log(`${''.padEnd(50)}server (median): ${computed.server}`);
    if (a.readCache) {
      const again = (await agingTimes(server.base, token, 5)).ms;
      log(`${'aging by customer (JSON), same snapshot'.padEnd(42)} ${String(again.length)
        .padStart(7)} req  median ${percentile(again, 50).toFixed(0)} ms  max ` +
        `${(again.at(-1) ?? NaN).toFixed(0)} ms  (read cache)`);
    }
    process.exitCode = failed ? 1 : 0;
  } finally {
    server.stop();
    await admin.close();
  }
}

await main();
