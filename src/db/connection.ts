import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { mkdirSync } from 'node:fs';

/** What every repository needs: run a statement, get rows. */
export interface Queryable {
  query<T = Record<string, unknown>>(
    sql: string, params?: unknown[], options?: QueryOptions,
  ): Promise<QueryResult<T>>;
  /**
   * Bulk-loads rows into `table` with COPY (CSV format). Rows are arrays of cell values; null is
   * NULL. Memory is bounded by the caller's chunk size.
   */
  copyRows(table: string, columns: readonly string[], rows: readonly CopyCell[][]): Promise<void>;
}

export interface QueryOptions {
  /**
   * Run as a named prepared statement (PostgreSQL; PGlite ignores it): each pooled connection
   * parses and plans it once and, once PostgreSQL finds its generic plan as good as the custom
   * ones, reuses that plan, instead of parsing and planning on every call, which for the short
   * statements behind every page view costs several times their execution. For statements whose
   * text repeats (parameters for the values) and whose plan does not hinge on those values.
   */
  prepare?: boolean;
}

export type CopyCell = string | number | bigint | boolean | null | undefined;

export interface QueryResult<T> {
  rows: T[];
  rowCount: number;
}

/** A database: PGlite (embedded) or PostgreSQL, same SQL dialect. */
export interface Db extends Queryable {
  readonly kind: 'pglite' | 'postgres';
  /** Runs `fn` in one transaction: committed when it resolves, rolled back when it throws. */
  transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

export interface DbConfig {
  /** PostgreSQL connection string; when absent, PGlite is used. */
  url?: string;
  /** PGlite data directory; `memory://` or undefined for an in-memory database. */
  dataDir?: string;
  /** Schema to use (created if missing); PostgreSQL `search_path`. */
  schema?: string;
  /** Pool size for PostgreSQL. */
  poolMax?: number;
}

const INT8 = 20;
const NUMERIC = 1700;
const DATE = 1082;

/** int8 comes back as a JS number, asserted safe: amounts are cents and ids stay far below 2^53. */
function parseInt8(value: string): number {
  const n = Number(value);
  if (!Number.isSafeInteger(n)) throw new Error(`int8 value outside the safe range: ${value}`);
  return n;
}

const identity = (value: string): string => value;

export async function openDb(config: DbConfig): Promise<Db> {
  const db = config.url ? openPostgres(config.url, config) : await openPglite(config);
  if (config.schema) {
    assertIdentifier(config.schema);
    await db.query(`CREATE SCHEMA IF NOT EXISTS ${config.schema}`);
    if (db.kind === 'pglite') await db.query(`SET search_path TO ${config.schema}`);
  }
  return db;
}

export function assertIdentifier(name: string): void {
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(name)) throw new Error(`not a safe SQL identifier: ${name}`);
}

const CSV_SPECIAL = /[",\r\n]/;

function csvCell(v: CopyCell): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'number') return String(v);
  const s = String(v);
  return s === '' || CSV_SPECIAL.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** Rows as COPY CSV text (a loop, not map and join: it runs for every cell of a bulk load). */
function toCsv(rows: readonly CopyCell[][]): string {
  let out = '';
  for (const row of rows) {
    for (let i = 0; i < row.length; i++) out += (i === 0 ? '' : ',') + csvCell(row[i]);
    out += '\n';
  }
  return out;
}

function copySql(table: string, columns: readonly string[], source: string): string {
  columns.forEach(assertIdentifier);
  return `COPY ${table} (${columns.join(', ')}) FROM ${source} WITH (FORMAT csv)`;
}

async function openPglite(config: DbConfig): Promise<Db> {
  const dir = config.dataDir && config.dataDir !== 'memory://' ? config.dataDir : undefined;
  if (dir) mkdirSync(dir, { recursive: true });
  // Always pass a data directory: `new PGlite(undefined, options)` silently ignores the options.
  const lite = new PGlite(dir ?? 'memory://', {
    parsers: { [INT8]: parseInt8, [NUMERIC]: identity, [DATE]: identity },
  });
  await lite.waitReady;
  const wrap = (q: Pick<PGlite, 'query'>): Queryable => ({
    async query<T>(sql: string, params?: unknown[]) {
      const r = await q.query<T>(sql, params as unknown[]);
      return { rows: r.rows, rowCount: r.affectedRows ?? r.rows.length };
    },
    async copyRows(table, columns, rows) {
      if (rows.length === 0) return;
      await q.query(copySql(table, columns, `'/dev/blob'`), [], {
        blob: new Blob([toCsv(rows)]),
      });
    },
  });
  const top = wrap(lite);
  return {
    kind: 'pglite',
    ...top,
    transaction: (fn) => lite.transaction((tx) => fn(wrap(tx))),
    close: () => lite.close(),
  };
}

/**
 * Session settings for every pooled connection. JIT compilation costs 100-200 ms on each large
 * report and never pays back for statements that run well under a second; the reports' sorts and
 * hash aggregates over ~50,000 customers need more than the default 4 MB to stay in memory.
 */
function sessionOptions(schema: string | undefined): string {
  const options = ['-c jit=off', '-c work_mem=32MB'];
  if (schema) options.push(`-c search_path=${schema}`);
  return options.join(' ');
}

/** Prepared statements' names by text; past the cap a new text runs unprepared. */
const statementNames = new Map<string, string>();
const MAX_PREPARED = 500;

function statementName(sql: string): string | undefined {
  let name = statementNames.get(sql);
  if (name === undefined && statementNames.size < MAX_PREPARED) {
    name = `arc_${statementNames.size + 1}`;
    statementNames.set(sql, name);
  }
  return name;
}

function openPostgres(url: string, config: DbConfig): Db {
  const types = {
    getTypeParser(oid: number, format?: string) {
      if (oid === INT8) return parseInt8;
      if (oid === NUMERIC || oid === DATE) return identity;
      return pg.types.getTypeParser(oid, format as 'text');
    },
  };
  const pool = new pg.Pool({
    connectionString: url,
    max: config.poolMax ?? 10,
    types: types as pg.CustomTypesConfig,
    options: sessionOptions(config.schema),
  });
  const wrap = (client: pg.Pool | pg.PoolClient): Queryable => ({
    async query<T>(sql: string, params?: unknown[], options?: QueryOptions) {
      const name = options?.prepare ? statementName(sql) : undefined;
      const r = name
        ? await client.query({ name, text: sql, values: params as unknown[] })
        : await client.query(sql, params as unknown[]);
      return { rows: r.rows as T[], rowCount: r.rowCount ?? r.rows.length };
    },
    async copyRows(table, columns, rows) {
      if (rows.length === 0) return;
      const c = 'release' in client ? client : await client.connect();
      try {
        const stream = c.query(copyFrom(copySql(table, columns, 'STDIN')));
        await pipeline(Readable.from([toCsv(rows)]), stream);
      } finally {
        if (c !== client) (c as pg.PoolClient).release();
      }
    },
  });
  return {
    kind: 'postgres',
    ...wrap(pool),
    async transaction(fn) {
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        const result = await fn(wrap(client));
        await client.query('COMMIT');
        return result;
      } catch (e) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw e;
      } finally {
        client.release();
      }
    },
    close: () => pool.end(),
  };
}
