import type { CopyCell, Queryable } from '../db/connection.ts';
import {
  checkHeader, ROW_READERS, type ImportKind, type ImportRows,
} from '../domain/import-rows.ts';
import type {
  BulkInsert, ImportContext, ImportOptions, ImportSource, ImportWrite,
} from './import.ts';

// The direct path of an import: rows written straight to their table as they are read, for a
// file whose every row is valid and new (the usual large import). It skips the staging table,
// the set-based checks and the INSERT ... SELECT of the staged path, which at a million rows
// cost more than the rows' own COPY. Whatever it cannot decide alone (a problem in a row, an
// account not found, a number the ledger already has) sends the file down the staged path.

/**
 * How a kind writes its rows directly, with the table's row triggers off; used only where
 * `bypass` allows that (see BulkInsert), as there the foreign-key checks and the statement
 * triggers are done once for the file. `write` gets the rows in chunks, each row read without
 * a problem, and throws NeedsChecks as soon as a row needs what the staged path does (the
 * chunk source throws it too, at the first row with a problem). The importer then undoes what
 * was written and reads the file again the staged way, which lists every error.
 */
export interface DirectWrite<K extends ImportKind> {
  bypass: Omit<BulkInsert, 'before' | 'after'>;
  write(
    ctx: ImportContext, chunks: AsyncIterable<ImportRows[K][]>, file: DirectFile,
  ): Promise<ImportWrite>;
}

/** What a direct write knows of the whole file while it reads the rows (see BulkLoad). */
export interface DirectFile {
  /**
   * The file's rows, estimated from those read so far and the bytes read: low by what the
   * reader holds ahead (at the first chunk of 10,000 rows, up to a tenth).
   */
  estimatedRows(): number;
  /** The least rows for a bulk load (ImportOptions.bulkLoadRows). */
  bulkLoadRows: number;
}

/** Default of ImportOptions.bulkLoadRows: the floor below which no lock is worth taking. */
export const BULK_LOAD_ROWS = 50_000;

/**
 * A load larger than the table it writes to (an initial load from an old system): its
 * secondary indexes are dropped before the first COPY and built again after the last one, in
 * the import's transaction. Building an index sorts the rows once, far cheaper than a B-tree
 * insert per row into each index (at a million invoices into an empty ledger: PostgreSQL
 * backend CPU ~37 s with the indexes kept, see bench/import.ts). The unique indexes stay, as
 * they stop a number already present (NUMBER_INDEXES), and so do those of constraints; the
 * others come back from their catalog definitions (pg_get_indexdef), so an index a later
 * migration adds is rebuilt too. All of it is transactional: a failure, or the staged path
 * taking over (ROLLBACK TO SAVEPOINT), brings the indexes back as they were.
 *
 * The price is an ACCESS EXCLUSIVE lock on the table until the import commits: nothing else
 * reads or writes it meanwhile. Hence only when the file has at least `bulkLoadRows` rows and at
 * least as many as the table holds already.
 */
export class BulkLoad {
  private constructor(
    private readonly tx: Queryable,
    private readonly rebuild: readonly string[],
  ) {}

  /** Starts a bulk load when `file` qualifies (see above), else null. */
  static async begin(tx: Queryable, table: string, file: DirectFile): Promise<BulkLoad | null> {
    const rows = file.estimatedRows();
    if (rows < file.bulkLoadRows) return null;
    // Counts no further than the file's rows: a large table is not scanned to the end.
    const present = await tx.query<{ n: number }>(
      `SELECT count(*)::bigint AS n FROM (SELECT FROM ${table} LIMIT $1) t`, [rows + 1]);
    if (present.rows[0]!.n > rows) return null;
    // Taken before reading the catalog: no index can be added or dropped in between.
    await tx.query(`LOCK TABLE ${table} IN ACCESS EXCLUSIVE MODE`);
    const indexes = await tx.query<{ name: string; definition: string; comment: string | null }>(
      `SELECT i.indexrelid::regclass::text AS name, pg_get_indexdef(i.indexrelid) AS definition,
         CASE WHEN obj_description(i.indexrelid, 'pg_class') IS NOT NULL
           THEN format('COMMENT ON INDEX %s IS %L', i.indexrelid::regclass,
             obj_description(i.indexrelid, 'pg_class')) END AS comment
       FROM pg_index i
       WHERE i.indrelid = $1::regclass AND NOT i.indisunique AND i.indisvalid
         AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)
       ORDER BY i.indexrelid`, [table]);
    if (indexes.rows.length > 0) {
      await tx.query(`DROP INDEX ${indexes.rows.map((i) => i.name).join(', ')}`);
    }
    return new BulkLoad(tx, indexes.rows.flatMap((i) =>
      i.comment === null ? [i.definition] : [i.definition, i.comment]));
  }

  /** Builds the dropped indexes again, with the rows written since. */
  async finish(): Promise<void> {
    // Each build sorts in memory: the largest (documents_open, a million rows) needs ~100 MB.
    await this.tx.query(`SET LOCAL maintenance_work_mem = '256MB'`);
    for (const sql of this.rebuild) await this.tx.query(sql);
  }
}

/** Thrown by a direct write when a row needs the staged path's checks (see DirectWrite). */
export class NeedsChecks extends Error {
  constructor(why: string) {
    super(`the file needs the staged import: ${why}`);
  }
}

/**
 * COPYs run one at a time, each while the caller prepares the next: `start` waits for the one
 * before (rethrowing its error) and starts this one without waiting for it; `done` waits for
 * the last. Node reads and converts chunk n+1 while the database writes chunk n.
 */
export class CopyPipe {
  private pending: Promise<void> = Promise.resolve();
  private failure: { error: unknown } | undefined;

  constructor(private readonly tx: Queryable) {}

  async start(table: string, columns: readonly string[], rows: CopyCell[][]): Promise<void> {
    await this.done();
    this.pending = this.tx.copyRows(table, columns, rows).catch((error: unknown) => {
      this.failure = { error };
    });
  }

  async done(): Promise<void> {
    await this.pending;
    if (this.failure) throw this.failure.error;
  }

  /** Waits for the last COPY, its error left to whoever failed first. */
  async settle(): Promise<void> {
    await this.pending;
  }
}

export interface DirectResult {
  rows: number;
  write: ImportWrite;
}

/**
 * Tries the direct path (see DirectWrite) inside a savepoint; null when the file needs the
 * staged path (everything written is undone, and the source must be read again).
 */
export async function writeDirect<K extends ImportKind>(
  ctx: ImportContext, kind: K, direct: DirectWrite<K>, source: ImportSource,
  opts: ImportOptions, chunkRows: number,
): Promise<DirectResult | null> {
  const counted = { rows: 0 };
  const file: DirectFile = {
    bulkLoadRows: opts.bulkLoadRows ?? BULK_LOAD_ROWS,
    estimatedRows() {
      const read = source.bytesRead?.() ?? 0;
      return source.sizeBytes && read > 0
        ? Math.max(counted.rows, Math.round(counted.rows * source.sizeBytes / read))
        : counted.rows;
    },
  };
  await ctx.tx.query('SAVEPOINT import_direct');
  try {
    const write = await direct.write(ctx, validChunks(kind, source, opts, chunkRows, counted),
      file);
    await ctx.tx.query('RELEASE SAVEPOINT import_direct');
    return { rows: counted.rows, write };
  } catch (e) {
    if (!(e instanceof NeedsChecks)) throw e;
    await ctx.tx.query('ROLLBACK TO SAVEPOINT import_direct');
    return null;
  }
}

/** The source's rows read into typed rows, in chunks; NeedsChecks at the first problem. */
async function* validChunks<K extends ImportKind>(
  kind: K, source: ImportSource, opts: ImportOptions, chunkRows: number,
  counted: { rows: number },
): AsyncGenerator<ImportRows[K][]> {
  const read = ROW_READERS[kind];
  let headerChecked = false;
  if (source.columns) {
    headerChecked = true;
    if (checkHeader(kind, source.columns).length > 0) throw new NeedsChecks('the header');
  }
  let chunk: ImportRows[K][] = [];
  for await (const row of source.rows) {
    if (!headerChecked) {
      headerChecked = true;
      if (checkHeader(kind, Object.keys(row.values).map((c) => c.trim().toLowerCase()))
        .length > 0) throw new NeedsChecks('the header');
    }
    counted.rows += 1;
    if (row.problem) throw new NeedsChecks(`line ${row.line}`);
    const r = read(row.values);
    if (!r.ok) throw new NeedsChecks(`line ${row.line}`);
    chunk.push(r.value as ImportRows[K]);
    if (chunk.length >= chunkRows) {
      yield chunk;
      chunk = [];
      opts.onProgress?.(source.bytesRead?.() ?? counted.rows);
    }
  }
  if (chunk.length > 0) yield chunk;
  if (!headerChecked) throw new NeedsChecks('no header');
}
