import { simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiToken } from '../src/auth/create-api-token.ts';
import { createUser } from '../src/auth/create-user.ts';
import type { CliContext } from '../src/cli/context.ts';
import { main } from '../src/cli/main.ts';
import { createPromise } from '../src/collections/create-promise.ts';
import { loadConfig, type Config } from '../src/config.ts';
import { openDb, type Db } from '../src/db/connection.ts';
import type { Cents } from '../src/domain/money.ts';
import type { LightMyRequestResponse } from 'fastify';
import { buildServer } from '../src/http/server.ts';
import { loadJobsConfig } from '../src/jobs/config.ts';
import type { JobDefinition } from '../src/jobs/jobs.ts';
import type { JobDeps } from '../src/jobs/run-job.ts';
import { createScheduler } from '../src/jobs/scheduler.ts';
import { addContact } from '../src/ledger/add-contact.ts';
import { freshDb, onPostgres } from './support/db.ts';
import { actor, customer, post, unwrap } from './ledger-fixtures.ts';

// The scheduler: each slot runs once however many instances tick it (two schedulers on two
// connection pools, ticking at once on PostgreSQL; in turn on PGlite, which is one process), a
// failed run keeps its error and the next tick retries it, and the real jobs (promises, dunning
// with delivery, the sales-rep digest) run through it against a real SMTP server.

interface Received { to: string[]; subject: string; text: string }

let db: Awaited<ReturnType<typeof freshDb>>;
/** A second "instance": its own pool on the same schema (PostgreSQL), else the same PGlite. */
let other: Db;
let smtp: SMTPServer;
let config: Config;
const inbox: Received[] = [];

beforeAll(async () => {
  db = await freshDb();
  if (onPostgres()) {
    const schema = (await db.query<{ s: string }>('SELECT current_schema() AS s')).rows[0]!.s;
    other = await openDb({ url: process.env.DATABASE_URL, schema, poolMax: 4 });
  } else {
    other = db;
  }
  smtp = new SMTPServer({
    authOptional: true, disabledCommands: ['STARTTLS'],
    onData(stream, session, callback) {
      simpleParser(stream).then((m) => {
        inbox.push({ to: session.envelope.rcptTo.map((r) => r.address), subject: m.subject ?? '',
          text: m.text ?? '' });
        callback();
      }, callback);
    },
  });
  await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', resolve));
  const port = (smtp.server.address() as { port: number }).port;
  config = loadConfig({ ARC_SMTP_HOST: '127.0.0.1', ARC_SMTP_PORT: String(port),
    ARC_MAIL_FROM: 'ar@demo.example', ARC_JOBS_AT: '02:00' });
});
afterAll(async () => {
  if (other !== db) await other.close();
  await new Promise<void>((resolve) => smtp.close(() => resolve()));
  await db.dispose();
});

const at = (instant: string) => ({ now: () => new Date(instant) });
const deps = (on: Db, instant: string): JobDeps => ({ db: on, mail: config.mail,
  jobs: config.jobs, clock: at(instant) });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Two schedulers' passes: at the same time on PostgreSQL, one after the other on PGlite. */
async function bothTick(a: ReturnType<typeof createScheduler>,
  b: ReturnType<typeof createScheduler>) {
  return onPostgres() ? Promise.all([a.tick(), b.tick()]) : [await a.tick(), await b.tick()];
}

async function runsOf(job: string) {
  return (await db.query<{ slot: string; status: string; attempts: number; error: string | null;
    result: unknown }>(`SELECT slot, status, attempts, error, result FROM job_runs
    WHERE job = $1 ORDER BY id`, [job])).rows;
}

describe('the scheduler', () => {
  it('runs a slot once when two instances tick it', async () => {
    let runs = 0;
    const counted: JobDefinition = { name: 'counted', description: 'test', cadence: () => 'daily',
      async run(ctx) {
        runs++;
        await sleep(150); // a slow job: the other instance ticks while it runs
        return { asOf: ctx.asOf, attempt: ctx.attempt };
      } };
    const now = '2026-11-20T03:00:00Z';
    const a = createScheduler(deps(db, now), { jobs: [counted], instance: 'a' });
    const b = createScheduler(deps(other, now), { jobs: [counted], instance: 'b' });
    const [ra, rb] = await bothTick(a, b);
    expect(runs).toBe(1);
    const reports = [...ra, ...rb];
    expect(reports.filter((r) => r.ran)).toEqual([{ job: 'counted', slot: '2026-11-20',
      ran: true, status: 'succeeded', error: null }]);
    // At the same time, the other instance found the slot taken while it ran.
    expect(reports.filter((r) => !r.ran)).toEqual(onPostgres() ? [{ job: 'counted',
      slot: '2026-11-20', ran: false, status: 'running', error: null }] : []);
    expect(await runsOf('counted')).toEqual([{ slot: '2026-11-20', status: 'succeeded',
      attempts: 1, error: null, result: { asOf: '2026-11-20', attempt: 1 } }]);
    // Later ticks the same day find it done; the next day is a new slot.
    expect(await a.tick()).toEqual([]);
    await createScheduler(deps(db, '2026-11-21T01:59:00Z'), { jobs: [counted] }).tick();
    expect(runs).toBe(1);
    await createScheduler(deps(db, '2026-11-21T02:00:00Z'), { jobs: [counted] }).tick();
    expect(runs).toBe(2);
    expect((await runsOf('counted')).map((r) => r.slot)).toEqual(['2026-11-20', '2026-11-21']);
  });

  it('records a failure and retries it on the next tick, up to five attempts', async () => {
    let calls = 0;
    const flaky: JobDefinition = { name: 'flaky', description: 'test', cadence: () => 'daily',
      async run() {
        calls++;
        if (calls === 1) throw new Error('SMTP server down');
        return { ok: true };
      } };
    const s = createScheduler(deps(db, '2026-11-20T04:00:00Z'), { jobs: [flaky] });
    expect(await s.tick()).toEqual([{ job: 'flaky', slot: '2026-11-20', ran: true,
      status: 'failed', error: 'SMTP server down' }]);
    expect(await runsOf('flaky')).toEqual([{ slot: '2026-11-20', status: 'failed', attempts: 1,
      error: 'SMTP server down', result: null }]);
    expect(await s.tick()).toEqual([{ job: 'flaky', slot: '2026-11-20', ran: true,
      status: 'succeeded', error: 'SMTP server down' }]);
    expect(await runsOf('flaky')).toEqual([{ slot: '2026-11-20', status: 'succeeded',
      attempts: 2, error: 'SMTP server down', result: { ok: true } }]);

    const broken: JobDefinition = { name: 'broken', description: 'test', cadence: () => 'daily',
      run: async () => {
        throw new Error('always');
      } };
    const b = createScheduler(deps(db, '2026-11-20T04:00:00Z'), { jobs: [broken] });
    for (let i = 0; i < 7; i++) await b.tick();
    expect(await runsOf('broken')).toMatchObject([{ status: 'failed', attempts: 5 }]);
    const audit = await db.query(`SELECT count(*)::int AS n FROM audit_log
      WHERE action = 'job.failed' AND entity_type = 'job_run'`);
    expect(audit.rows).toEqual([{ n: 6 }]);
  });

  it('takes over a running attempt whose instance stopped beating', async () => {
    let runs = 0;
    const job: JobDefinition = { name: 'orphan', description: 'test', cadence: () => 'daily',
      run: async () => ({ runs: ++runs }) };
    await db.query(`INSERT INTO job_runs (job, slot, status, as_of, started_by, heartbeat_at)
      VALUES ('orphan', '2026-11-20', 'running', '2026-11-20', 'dead@host:1',
        now() - interval '1 hour')`);
    await db.query(`INSERT INTO job_runs (job, slot, status, as_of, started_by)
      VALUES ('orphan', '2026-11-19', 'running', '2026-11-19', 'alive@host:2')`);
    const s = createScheduler(deps(db, '2026-11-20T05:00:00Z'), { jobs: [job] });
    expect(await s.tick()).toMatchObject([{ slot: '2026-11-20', ran: true,
      status: 'succeeded' }]);
    // A live attempt (fresh heartbeat) is left alone.
    const yesterday = createScheduler(deps(db, '2026-11-20T01:00:00Z'), { jobs: [job] });
    expect(await yesterday.tick()).toEqual([{ job: 'orphan', slot: '2026-11-19', ran: false,
      status: 'running', error: null }]);
    expect(runs).toBe(1);
  });

  it('does not start when ARC_JOBS=off, and refuses bad settings', async () => {
    let runs = 0;
    const job: JobDefinition = { name: 'off', description: 'test', cadence: () => 'daily',
      run: async () => ++runs };
    const off = createScheduler({ ...deps(db, '2026-11-20T05:00:00Z'),
      jobs: loadJobsConfig({ ARC_JOBS: 'off' }) }, { jobs: [job], tickMs: 10 });
    off.start();
    await sleep(1_200);
    await off.stop();
    expect(runs).toBe(0);
    const on = createScheduler(deps(db, '2026-11-20T05:00:00Z'), { jobs: [job], tickMs: 10 });
    on.start();
    await expect.poll(() => runs, { timeout: 5_000 }).toBe(1);
    await on.stop();
    expect(() => loadJobsConfig({ ARC_JOBS_AT: '2am' })).toThrow(/ARC_JOBS_AT/);
    expect(() => loadJobsConfig({ ARC_JOBS: 'maybe' })).toThrow(/ARC_JOBS/);
    expect(() => loadJobsConfig({ ARC_DIGEST_SCHEDULE: 'hourly' })).toThrow(/ARC_DIGEST/);
    expect(loadJobsConfig({})).toEqual({ enabled: true, at: { hour: 2, minute: 0 },
      digest: 'weekly' });
  });
});

describe('the real jobs through two schedulers', () => {
  it('evaluates promises, duns and delivers, and sends the digest: each once', async () => {
    const rep = unwrap(await createUser(db, actor, { username: 'rex', displayName: 'Rex Rep',
      role: 'sales_rep', password: 'correct horse battery' }));
    await db.query(`UPDATE users SET email = 'rex@sales.example' WHERE id = $1`, [rep.id]);
    const cu = await customer(db, { name: 'Jobs Co', salesRep: 'Rex Rep', collector: 'Ann' });
    unwrap(await addContact(db, actor, { customerId: cu.id, name: 'Pat AP',
      email: 'ap@jobs.example', isPrimary: true }));
    const inv = await post(db, 'invoice', cu.id, '2026-10-01', 50_000,
      { dueDate: '2026-11-19' }); // 1 day past due on 11-20: first notice by email
    const promise = unwrap(await createPromise(db, actor, { customerId: cu.id,
      amountCents: 10_000 as Cents, promisedOn: '2026-11-10', madeOn: '2026-11-01',
      documentIds: [inv.id] }));
    const before = inbox.length;
    const now = '2026-11-20T02:30:00Z';
    const a = createScheduler(deps(db, now), { instance: 'a' });
    const b = createScheduler(deps(other, now), { instance: 'b' });
    const [ra, rb] = await bothTick(a, b);
    expect([...ra, ...rb].filter((r) => r.ran).map((r) => [r.job, r.slot, r.status])).toEqual([
      ['evaluate_promises', '2026-11-20', 'succeeded'], ['dunning', '2026-11-20', 'succeeded'],
      ['sales_rep_digest', '2026-W47', 'succeeded'], ['aging_periods', '2026-11-20', 'succeeded']]);
    const periods = await runsOf('aging_periods');
    expect(periods[0]!.result).toMatchObject({ dropped: [] });
    expect((periods[0]!.result as { kept: string[] }).kept.slice(0, 2))
      .toEqual(['2026-10-31', '2026-09-30']);
    const kept = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM aging_periods');
    expect(kept.rows[0]!.n).toBe(13);

    const p = await db.query(`SELECT status FROM promises WHERE id = $1`, [promise.id]);
    expect(p.rows).toEqual([{ status: 'broken' }]);
    const dunning = await runsOf('dunning');
    expect(dunning).toHaveLength(1);
    expect(dunning[0]!.result).toMatchObject({ ranBy: null, resumedRunId: null,
      run: { runKey: 'daily:2026-11-20', messages: 1 }, delivered: { emailed: 1, failed: 0 } });
    await expect.poll(() => inbox.length).toBe(before + 2);
    const mails = inbox.slice(before);
    const notice = mails.find((m) => m.to[0] === 'ap@jobs.example')!;
    expect(notice.subject).toBe('Past due notice');
    expect(notice.text).toContain(inv.number);
    const digest = mails.find((m) => m.to[0] === 'rex@sales.example')!;
    expect(digest.subject).toBe('Your accounts on 2026-11-20: 1 broken promise');
    expect(digest.text).toContain('Broken promises (1)');
    expect(digest.text).toContain(cu.accountNumber);

    // Ticking again, on either instance, sends nothing; a manager's default run that day is
    // refused (the day's key is taken) and a run under another key sends nothing new.
    await bothTick(a, b);
    await sleep(200);
    expect(inbox.length).toBe(before + 2);
    const http = await serverWithSmtp();
    try {
      const refused = await http.call('POST', '/api/v1/dunning/runs', {});
      expect(refused.statusCode).toBe(409);
      expect(refused.json()).toMatchObject({ code: 'dunning_run_key_taken', status: 409 });
      const again = await http.call('POST', '/api/v1/dunning/runs', { runKey: 'manual:1' });
      expect(again.statusCode).toBe(201);
      expect(again.json()).toMatchObject({ run: { messages: 0, sends: 0 },
        delivered: { emailed: 0, faxed: 0, printed: 0, failed: 0 } });
    } finally {
      await http.close();
    }
    expect(inbox.length).toBe(before + 2);
  });
});

describe('arc jobs and /api/v1/jobs', () => {
  async function arc(...args: string[]) {
    let stdout = '';
    let stderr = '';
    const sink = (append: (t: string) => void) =>
      ({ write: (t: string) => { append(t); return true; } }) as unknown as NodeJS.WritableStream;
    const ctx: CliContext = { config, db: async () => db, actor: { ...actor, name: 'cli:ops' },
      today: '2026-11-20', stdout: sink((t) => { stdout += t; }),
      stderr: sink((t) => { stderr += t; }), close: async () => undefined };
    return { code: await main(['node', 'arc', ...args], ctx), stdout, stderr };
  }

  it('lists the runs and runs a job by hand, once per slot', async () => {
    const list = await arc('jobs', 'list', '--job', 'dunning', '--json');
    expect(list.code).toBe(0);
    expect(JSON.parse(list.stdout).items).toMatchObject([{ job: 'dunning', slot: '2026-11-20',
      status: 'succeeded', attempts: 1, startedBy: expect.stringMatching(/^(a|b)$/) }]);
    expect((await arc('jobs', 'list')).stdout).toMatch(
      /^sales_rep_digest\s+2026-W47\s+succeeded\s+attempt 1/m);
    const done = await arc('jobs', 'run', 'evaluate_promises');
    expect(done.code).toBe(0);
    expect(done.stdout).toContain('evaluate_promises 2026-11-20 did not run: it already ran');
    const again = await arc('jobs', 'run', 'evaluate_promises', '--slot', 'by-hand-1', '--json');
    expect(again.code).toBe(0);
    expect(JSON.parse(again.stdout)).toMatchObject({ ran: true, run: { slot: 'by-hand-1',
      status: 'succeeded', startedBy: 'cli:ops', result: { ran: false } } });
    const unknown = await arc('jobs', 'run', 'nightly_everything');
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('job_not_found');
    expect((await arc('jobs', 'list', '--status', 'sideways')).code).toBe(2);
  });

  it('shows managers the runs over HTTP and runs one now', async () => {
    const http = await serverWithSmtp();
    try {
      const runs = await http.call('GET', '/api/v1/jobs/runs?job=sales_rep_digest');
      expect(runs.statusCode).toBe(200);
      expect(runs.json().items).toMatchObject([{ job: 'sales_rep_digest', slot: '2026-W47',
        status: 'succeeded', result: { sent: 1, failed: 0 } }]);
      const now = await http.call('POST', '/api/v1/jobs/dunning/runs', {});
      expect(now.statusCode).toBe(200);
      expect(now.json()).toMatchObject({ ran: false, run: { slot: '2026-11-20',
        status: 'succeeded' } });
      const byHand = await http.call('POST', '/api/v1/jobs/dunning/runs', { slot: 'again-1' });
      expect(byHand.statusCode).toBe(201);
      // Today's dunning was run by the scheduler: this run leaves it to them and sends nothing.
      expect(byHand.json().run).toMatchObject({ status: 'succeeded', result: { run: null,
        ranBy: { startedBy: 'scheduler' }, delivered: { emailed: 0 } } });
    } finally {
      await http.close();
    }
  });
});

/** The HTTP server on this database with SMTP configured, called as an AR manager's token. */
async function serverWithSmtp(): Promise<{ close(): Promise<void>;
  call(method: string, url: string, body?: unknown): Promise<LightMyRequestResponse> }> {
  const app = await buildServer({ db, config, clock: at('2026-11-20T10:00:00Z') });
  const name = `mia-${Math.random().toString(36).slice(2, 8)}`;
  unwrap(await createUser(db, actor, { username: name, displayName: 'Mia', role: 'ar_manager',
    password: 'correct horse battery' }));
  const token = unwrap(await createApiToken(db, actor, { owner: name, name: 't' },
    new Date('2026-11-20T10:00:00Z'))).secret;
  return {
    close: () => app.close(),
    call: (method, url, body) => app.inject({ method: method as 'POST', url,
      payload: body as object, headers: { authorization: `Bearer ${token}` } }),
  };
}
