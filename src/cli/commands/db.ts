import type { RegisterCommands } from '../context.ts';
import { output } from '../context.ts';

export const registerDbCommands: RegisterCommands = (program, ctx) => {
  program
    .command('migrate')
    .description('apply database migrations (also done automatically by every command)')
    .option('--json', 'machine-readable output')
    .action(async (opts: { json?: boolean }) => {
      const db = await ctx.db();
      const r = await db.query<{ version: number; name: string }>(
        'SELECT version, name FROM schema_migrations ORDER BY version',
      );
      output(ctx, opts.json, { migrations: r.rows, database: db.kind }, () =>
        `${db.kind}: ${r.rows.length} migrations applied (latest ${r.rows.at(-1)?.name ?? 'none'})`,
      );
    });
};
