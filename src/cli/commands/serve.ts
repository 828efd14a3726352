import { CliError, output, type CliContext, type RegisterCommands } from '../context.ts';
import { createDemoUsers, DEMO_PASSWORD, type DemoLogin } from '../../auth/create-demo-users.ts';
import { seedIfEmpty } from '../../demo/seed.ts';
import { ensureWebBuilt } from '../../http/build-web.ts';
import { buildServer } from '../../http/server.ts';
import type { JobsConfig } from '../../jobs/config.ts';
import { createScheduler } from '../../jobs/scheduler.ts';

// `arc serve`: the HTTP server on the configured database (migrated first).
// `arc start` (what `npm start` runs): the same, after filling an empty database with the demo
// company and one demo login per role, whose usernames and password it prints.

export const registerServeCommands: RegisterCommands = (program, ctx) => {
  program.command('serve').description('run the HTTP server (REST API under /api/v1)')
    .action(async (o: { json?: boolean }) => serve(ctx, { demo: false, json: o.json }));
  program.command('start')
    .description('run the server; an empty database first gets the demo company and logins')
    .action(async (o: { json?: boolean }) => serve(ctx, { demo: true, json: o.json }));
};

async function prepareDemo(ctx: CliContext, json?: boolean): Promise<DemoLogin[]> {
  const db = await ctx.db();
  const progress = !json;
  if (progress) ctx.stderr.write('Checking for demo data...\n');
  const seeded = await seedIfEmpty(db, ctx.actor, ctx.today);
  if (!seeded.ok) {
    throw new CliError(seeded.error.code, `seeding the demo company failed: ${seeded.error.code}`,
      1, seeded.error);
  }
  if (seeded.value && progress) {
    const { params, ms } = seeded.value;
    ctx.stderr.write(`Created the demo company: ${params.customers} customers, ` +
      `${params.invoices} invoices (${(ms / 1000).toFixed(1)} s).\n`);
  }
  return createDemoUsers(db, ctx.actor);
}

/** One line per login, "role  user=name  (Display Name)", which people and scripts both read. */
function loginsText(logins: DemoLogin[]): string {
  if (logins.length === 0) return '';
  const roleWidth = Math.max(...logins.map((l) => l.role.length));
  const userWidth = Math.max(...logins.map((l) => l.username.length));
  return ['Demo logins (password: ' + DEMO_PASSWORD + '):',
    ...logins.map((l) => `  ${l.role.padEnd(roleWidth)}  user=${l.username.padEnd(userWidth)}  ` +
      `(${l.displayName})`),
  ].join('\n');
}

/** Runs until SIGINT or SIGTERM, then closes the server (the database closes after). */
async function serve(ctx: CliContext, o: { demo: boolean; json?: boolean }): Promise<void> {
  // web/dist is not in git: a fresh clone (or changed sources) builds it before listening.
  await ensureWebBuilt((line) => ctx.stderr.write(line + '\n'));
  const db = await ctx.db();
  const logins = o.demo ? await prepareDemo(ctx, o.json) : [];
  const app = await buildServer({
    db, config: ctx.config, clock: { now: () => new Date() }, logger: true,
  });
  await app.listen({ port: ctx.config.port, host: ctx.config.host });
  // Scheduled jobs (src/jobs/): each slot runs once across every instance on this database.
  const scheduler = createScheduler({ db, mail: ctx.config.mail, jobs: ctx.config.jobs,
    clock: { now: () => new Date() }, log: (message, fields) => app.log.error(fields, message) });
  scheduler.start();
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : ctx.config.port;
  const url = `http://${ctx.config.host.includes(':') ? `[${ctx.config.host}]`
    : ctx.config.host}:${port}`;
  const users = await db.query('SELECT 1 FROM users LIMIT 1');
  output(ctx, o.json, { url, docs: `${url}/api/docs`, database: db.kind, demoLogins: logins,
    demoPassword: logins.length ? DEMO_PASSWORD : undefined }, () => [
    `ARC is running at ${url} (${db.kind}); API reference at ${url}/api/docs`,
    loginsText(logins),
    users.rows.length === 0 ? 'No users yet: add one with `arc user add NAME --role admin`.' : '',
    jobsText(ctx.config.jobs),
  ].filter(Boolean).join('\n'));
  await new Promise<void>((resolve) => {
    const stop = (): void => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
  await scheduler.stop();
  await app.close();
}

function jobsText(jobs: JobsConfig): string {
  if (!jobs.enabled) return 'Scheduled jobs are off here (ARC_JOBS=off).';
  const two = (n: number) => String(n).padStart(2, '0');
  const digest = jobs.digest === 'weekly' ? 'weekly (Mondays)' : jobs.digest;
  return `Scheduled jobs: promise evaluation, dunning and the aging's month ends daily at`
    + ` ${two(jobs.at.hour)}:${two(jobs.at.minute)} UTC, the sales-rep digest ${digest};`
    + ' `arc jobs list` shows runs.';
}
