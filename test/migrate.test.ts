import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshDb } from './support/db.ts';
import { migrate } from '../src/db/migrate.ts';

let db: Awaited<ReturnType<typeof freshDb>>;
beforeAll(async () => {
  db = await freshDb();
});
afterAll(async () => db.dispose());

describe('migrations', () => {
  it('apply once; a second run applies nothing', async () => {
    expect(await migrate(db)).toEqual([]);
    const r = await db.query<{ version: number }>('SELECT version FROM schema_migrations');
    expect(r.rows.map((x) => x.version)).toContain(1);
  });

  it('refuse an unbalanced journal entry', async () => {
    const e = await db.query<{ id: number }>(
      `INSERT INTO journal_entries (effective_date, kind, created_by)
       VALUES ('2026-01-01', 'test', 't') RETURNING id`,
    );
    const id = e.rows[0]!.id;
    await expect(
      db.query(
        `INSERT INTO journal_lines (entry_id, line_no, account, currency, amount_cents)
         VALUES ($1, 1, 'ar_control', 'USD', 100), ($1, 2, 'sales_clearing', 'USD', -99)`,
        [id],
      ),
    ).rejects.toThrow(/does not balance/);
  });

  it('keep applications and journal lines append-only', async () => {
    await expect(db.query('DELETE FROM journal_lines')).resolves.toBeDefined(); // no rows: no-op
    await db.query(
      `INSERT INTO journal_lines (entry_id, line_no, account, currency, amount_cents)
       SELECT id, 1, 'ar_control', 'USD', 5 FROM journal_entries LIMIT 0`,
    );
    const e = await db.query<{ id: number }>(
      `INSERT INTO journal_entries (effective_date, kind, created_by)
       VALUES ('2026-01-01', 'test', 't') RETURNING id`,
    );
    await db.query(
      `INSERT INTO journal_lines (entry_id, line_no, account, currency, amount_cents)
       VALUES ($1, 1, 'ar_control', 'USD', 100), ($1, 2, 'sales_clearing', 'USD', -100)`,
      [e.rows[0]!.id],
    );
    await expect(db.query('UPDATE journal_lines SET amount_cents = 1')).rejects.toThrow(
      /append-only/,
    );
    await expect(db.query('DELETE FROM journal_entries')).rejects.toThrow(/append-only/);
  });
});

describe('type mapping', () => {
  it('returns dates as ISO strings, int8 as numbers and numeric as strings on both drivers', async () => {
    const r = await db.query<{ d: unknown; i: unknown; n: unknown }>(
      `SELECT '2026-02-28'::date AS d, 9007199254740991::int8 AS i, sum(x)::numeric AS n
       FROM (VALUES (1::bigint), (2::bigint)) v(x)`,
    );
    expect(r.rows[0]).toEqual({ d: '2026-02-28', i: 9007199254740991, n: '3' });
    await expect(db.query(`SELECT 9007199254740993::int8 AS i`)).rejects.toThrow(/safe range/);
  });
});
