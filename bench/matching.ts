/**
 * Cash-application benchmark: quality of the matching engine on labelled generated payments,
 * and end-to-end speed of matching with the database writes (proposals, automatic applications
 * through the set-based batch path, credit memos netted and deductions opened included, queue
 * states, audit) on PostgreSQL (DATABASE_URL, in its own schema bench_matching, dropped first) or
 * PGlite. `--sql-profile` adds the time (and PostgreSQL backend CPU) per statement; `--keep`
 * keeps the PostgreSQL schema for EXPLAIN. The machine is shared: the load average is printed
 * before and after the timed part, with the CPU time of this process and of the PostgreSQL
 * backend (steadier than wall time); compare wall figures only under the same load. `--reuse`
 * (PostgreSQL) keeps the loaded schema between runs and puts it back as loaded before each
 * (loading a million items takes minutes), after applying the migrations newer than it: the
 * first run loads it and snapshots the open amounts (`--load-only`: and stops); later runs
 * ignore the sizes but --payments (at most those loaded).
 *
 *   npx tsx bench/matching.ts [--quality-payments 20000] [--payments 2000] [--customers 2000]
 *     [--items-per-customer 20] [--chunk 1000] [--no-quality] [--no-speed]
 *
 * The issue's full size is --payments 100000 --customers 50000 --items-per-customer 20.
 */
import { existsSync, readFileSync } from 'node:fs';
import { matchPayments as engine } from '../src/domain/matching/match-payment.ts';
import { DEFAULT_MATCH_CONFIG, type MatchProposal } from '../src/domain/matching/types.ts';
import { openDb, type Db } from '../src/db/connection.ts';
import { migrate } from '../src/db/migrate.ts';
import { matchPaymentsInTx } from '../src/cashapp/match-payments.ts';
import type { Terms } from '../src/domain/terms.ts';
import { generateWorld, type LabelledPayment, type Truth } from './lib/payment-scenarios.ts';
import { StatementTimes, timedDb } from './lib/timed-db.ts';

const args = process.argv.slice(2);
const option = (name: string, fallback: number) => {
  const i = args.indexOf(name);
  return i >= 0 ? Number(args[i + 1]) : fallback;
};
const config = { ...DEFAULT_MATCH_CONFIG, writeOffToleranceCents: 500 as never };
const policy = {
  writeOffToleranceCents: config.writeOffToleranceCents,
  writeOffTolerancePercentBp: config.writeOffTolerancePercentBp,
};
/** The machine's 1, 5 and 15 minute load averages, where Linux tells them. */
const loadavg = () => (existsSync('/proc/loadavg')
  ? readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ') : 'unknown');
const pct = (a: number, b: number) => (b === 0 ? '-' : `${((100 * a) / b).toFixed(2)}%`);

function key(t: Truth): string {
  const lines = t.allocations.map((a) => {
    const d = t.deductions.find((x) => x.itemId === a.itemId);
    return `${a.itemId}|${a.appliedCents}|${a.discountCents}|${a.writeOffCents}|` +
      `${d ? `${d.amountCents}:${d.reasonCode}` : ''}`;
  }).sort();
  return `${t.customerId}#${t.unappliedCents}#${lines.join(';')}#${t.deductions.length}`;
}
const proposalKey = (p: MatchProposal) => key({ customerId: p.customerId ?? '',
  allocations: p.allocations, deductions: p.deductions, unappliedCents: p.unappliedCents });

function quality(): void {
  const payments = option('--quality-payments', 20_000);
  const world = generateWorld({ seed: 7, customers: 4000, itemsPerCustomerMean: 16, payments,
    today: '2026-03-02', policy });
  const proposals = engine(world.payments.map((p) => p.payment), {
    customers: world.customers, openItems: world.openItems,
    learnedAccounts: world.learnedAccounts, config, today: world.today,
  });
  const groups = { with: [0, 0, 0], without: [0, 0, 0], all: [0, 0, 0] };
  world.payments.forEach((lp: LabelledPayment, i) => {
    const p = proposals[i]!;
    const g = lp.scenario.form === 'none' ? groups.without : groups.with;
    for (const t of [g, groups.all]) {
      t[0]! += 1;
      if (p.autoApply) {
        t[1]! += 1;
        if (proposalKey(p) === key(lp.truth)) t[2]! += 1;
      }
    }
  });
  console.log(`quality: ${payments} payments, ${world.openItems.length} open items ` +
    `(write-off tolerance ${config.writeOffToleranceCents} cents, auto-apply >= ` +
    `${config.autoApplyConfidenceMin})`);
  for (const [name, [n, auto, right]] of Object.entries(groups)) {
    console.log(`  ${`${name} remittance`.padEnd(22)} payments ${String(n).padStart(6)}  ` +
      `auto ${pct(auto!, n!)}  precision ${pct(right!, auto!)}  review ${pct(n! - auto!, n!)}`);
  }
}

function termsCode(t: Terms): string {
  if (t.kind === 'net' || t.kind === 'eom') {
    return `B-${t.kind}-${t.netDays ?? 'x'}-${t.discount?.percentBp ?? 0}-${t.discount?.days ?? 0}`;
  }
  return t.kind.toUpperCase();
}

/**
 * Generates the world and loads it. Its own function so that the generated objects (a million
 * open items) are garbage once loaded: the matching that is timed runs without them in memory.
 */
async function load(
  db: Awaited<ReturnType<typeof openDb>>, payments: number, customers: number,
  perCustomer: number,
): Promise<{ first: number }> {
  const t0 = performance.now();
  const world = generateWorld({ seed: 11, customers, itemsPerCustomerMean: perCustomer,
    payments, today: '2026-03-02', policy });
  const terms = new Map<string, Terms>();
  for (const i of world.openItems) terms.set(termsCode(i.terms), i.terms);
  for (const [code, t] of terms) {
    if (t.kind !== 'net' && t.kind !== 'eom') continue;
    await db.query(`INSERT INTO terms (code, description, kind, net_days, discount_bp,
      discount_days) VALUES ($1, $1, $2, $3, $4, $5) ON CONFLICT DO NOTHING`,
    [code, t.kind, t.netDays, t.discount?.percentBp ?? null, t.discount?.days ?? null]);
  }
  const customerId = new Map(world.customers.map((c, i) => [c.id, i + 1]));
  await db.copyRows('customers', ['account_number', 'name'],
    world.customers.map((c) => [c.accountNumber, c.name]));
  const docCols = ['customer_id', 'type', 'number', 'document_date', 'due_date',
    'amount_cents', 'open_cents', 'currency', 'terms_code', 'method', 'payer_name',
    'created_by'];
  for (let i = 0; i < world.openItems.length; i += 50_000) {
    await db.copyRows('documents', docCols, world.openItems.slice(i, i + 50_000).map((x) => [
      customerId.get(x.customerId)!, x.type, x.number, x.documentDate, x.dueDate,
      x.amountCents, x.openCents, x.currency,
      x.type === 'invoice' ? termsCode(x.terms) : null, null, null, 'bench']));
  }
  const first = world.openItems.length + 1;
  await db.copyRows('documents', docCols, world.payments.map((p, i) => [null, 'payment',
    `P-${i + 1}`, p.payment.valueDate, p.payment.valueDate, -p.payment.amountCents,
    -p.payment.amountCents, p.payment.currency, null, 'ach', p.payment.payer.name ?? null,
    'bench']));
  await db.copyRows('bank_payments', ['document_id', 'seq', 'bank_reference', 'payer_name',
    'payer_account', 'payer_id', 'value_date', 'remittance', 'queue_state', 'state_changed_by'],
  world.payments.map((p, i) => [first + i, 0, p.payment.bankReference ?? null,
    p.payment.payer.name ?? null, p.payment.payer.account ?? null, p.payment.payer.id ?? null,
    p.payment.valueDate, JSON.stringify({ lines: p.payment.remittance.lines.map((l) => ({
      ...l, documentNumber: l.documentNumber, references: [] })),
    freeText: p.payment.remittance.freeText }), 'review', 'bench']));
  for (const l of world.learnedAccounts.values()) {
    for (const c of l.customerIds) {
      await db.query('INSERT INTO payer_mappings (payer_account, customer_id) VALUES ($1, $2)',
        [l.payerAccount, customerId.get(c)]);
    }
  }
  await db.query(
    "UPDATE settings SET value = '500' WHERE key = 'small_balance_write_off_max_cents'");
  await db.query('ANALYZE');
  const loaded = performance.now();
  console.log(`\nspeed on ${db.kind}: ${payments} payments against ${world.openItems.length} ` +
    `open items of ${customers} customers (loaded in ${((loaded - t0) / 1000).toFixed(1)} s)`);
  return { first };
}

/** Snapshots the loaded schema's documents (for `--reuse`). */
async function seed(db: Db, first: number): Promise<void> {
  await db.query(`CREATE TABLE bench_seed AS SELECT id, open_cents, customer_id, ${first} AS first
    FROM documents`);
  await db.query('CREATE UNIQUE INDEX ON bench_seed (id)');
}

/**
 * Puts a `--reuse` schema back as loaded: what matching wrote is truncated or deleted (the
 * append-only triggers off for this session), open amounts and customers restored, summaries
 * recomputed. Returns the first payment's id.
 */
async function resetToSeed(db: Db): Promise<number> {
  const t0 = performance.now();
  await db.transaction(async (tx) => {
    await tx.query('SET LOCAL session_replication_role = replica');
    await tx.query(`TRUNCATE applications, journal_lines, journal_entries, audit_log,
      match_proposals, deduction_items, payment_split_parts`);
    await tx.query('DELETE FROM documents WHERE id > (SELECT max(id) FROM bench_seed)');
    await tx.query(`UPDATE documents d SET open_cents = s.open_cents, customer_id = s.customer_id
      FROM bench_seed s WHERE s.id = d.id AND (d.open_cents, d.customer_id)
        IS DISTINCT FROM (s.open_cents, s.customer_id)`);
    await tx.query("UPDATE bank_payments SET queue_state = 'review', state_changed_by = 'bench'");
    await tx.query("SELECT refresh_all_customer_summaries((SELECT summary_date()))");
    await tx.query('SELECT refresh_all_customer_open_dates()');
  });
  await db.query('VACUUM ANALYZE');
  const r = await db.query<{ first: number }>('SELECT first FROM bench_seed LIMIT 1');
  console.log(`\nspeed on ${db.kind}: reused schema (reset in ` +
    `${((performance.now() - t0) / 1000).toFixed(1)} s)`);
  return r.rows[0]!.first;
}

async function speed(): Promise<void> {
  const payments = option('--payments', 2000);
  const customers = option('--customers', 2000);
  const perCustomer = option('--items-per-customer', 20);
  const chunk = option('--chunk', 1000);
  const url = process.env.DATABASE_URL;
  // Its own schema, dropped first (a run stopped midway leaves it behind).
  const schema = 'bench_matching';
  const reuse = url !== undefined && args.includes('--reuse');
  const admin = url ? await openDb({ url, dataDir: 'memory://' }) : undefined;
  const seeded = reuse && (await admin!.query(`SELECT 1 FROM pg_tables
    WHERE schemaname = '${schema}' AND tablename = 'bench_seed'`)).rows.length > 0;
  if (url && !seeded) await admin!.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  await admin?.close();
  const db = await openDb({ url, dataDir: 'memory://', schema: url ? schema : undefined });
  try {
    let first: number;
    if (seeded) {
      // Migrations newer than the loaded schema, first (a loaded schema outlives the code).
      await migrate(db);
      first = await resetToSeed(db);
    } else {
      await migrate(db);
      ({ first } = await load(db, payments, customers, perCustomer));
      if (reuse) await seed(db, first);
    }
    if (args.includes('--load-only')) return;
    const actor = { name: 'bench', kind: 'system' as const };
    let auto = 0;
    // Time per statement (with --sql-profile, printed: the slowest first) and the CPU time of
    // the PostgreSQL backend that ran each batch.
    const times = new StatementTimes();
    const timed = timedDb(db, times);
    const phases = new Map<string, number>();
    console.log(`  load average before: ${loadavg()}`);
    const start = performance.now();
    const cpu = process.cpuUsage();
    for (let i = 0; i < payments; i += chunk) {
      const ids = Array.from({ length: Math.min(chunk, payments - i) }, (_, k) => first + i + k);
      const r = await timed.transaction((tx) => matchPaymentsInTx(tx, actor, ids, '2026-03-02',
        (phase, ms) => phases.set(phase, (phases.get(phase) ?? 0) + ms)));
      if (!r.ok) throw new Error(JSON.stringify(r.error));
      auto += r.value.autoApplied;
    }
    const seconds = (performance.now() - start) / 1000;
    const used = process.cpuUsage(cpu);
    console.log(`  load average after: ${loadavg()}`);
    // CPU time of this process (the engine, parsing, building statements): on a shared machine a
    // steadier figure than wall time; the database's share is the rest.
    console.log(`  node CPU ${((used.user + used.system) / 1e6).toFixed(1)} s` +
      `${times.backendCpuSeconds === undefined ? ''
        : `, PostgreSQL backend CPU ${times.backendCpuSeconds.toFixed(1)} s`} of ` +
      `${seconds.toFixed(1)} s`);
    const apps = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM applications');
    console.log(`  matched ${payments} payments in ${seconds.toFixed(1)} s: ` +
      `${(payments / seconds).toFixed(0)} payments/s end to end (${auto} applied ` +
      `automatically, ${apps.rows[0]!.n} application rows written)`);
    console.log(`  phases: ${[...phases].map(([p, ms]) => (/^(payments|batches) /.test(p)
      ? `(${ms} ${p})` : `${p} ${(ms / 1000).toFixed(1)} s`))
      .join(', ')}`);
    if (args.includes('--sql-profile')) {
      for (const line of times.lines(100).slice(0, 15)) console.log(`  ${line}`);
    }
  } finally {
    if (url && !args.includes('--keep') && !reuse) await db.query(`DROP SCHEMA ${schema} CASCADE`);
    else if (url) console.log(`  kept schema ${schema}`);
    await db.close();
  }
}

if (!args.includes('--no-quality')) quality();
if (!args.includes('--no-speed')) await speed();
