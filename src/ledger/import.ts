import { writeAudit, type Actor } from '../db/audit.ts';
import type { CopyCell, Db, Queryable } from '../db/connection.ts';
import { loadSetting, transactResult } from '../db/documents.ts';
import { insertJournalEntry } from '../db/journal.ts';
import type { IsoDate } from '../domain/dates.ts';
import {
  AMOUNT_SCALE, checkHeader, REQUIRED_COLUMNS, ROW_READERS, type ImportKind, type ImportRows,
} from '../domain/import-rows.ts';
import { summarizeLines, type JournalLine } from '../domain/ledger.ts';
import { currencyExponent } from '../domain/money.ts';
import { assert, err, ok, type Result } from '../domain/result.ts';
import { applicationsImport } from './import-applications.ts';
import { writeDirect, type DirectResult, type DirectWrite } from './import-direct.ts';
import { customersImport } from './import-customers.ts';
import { invoicesImport } from './import-invoices.ts';
import { paymentsImport } from './import-payments.ts';

export type { ImportKind } from '../domain/import-rows.ts';
export { openTabularFile as openImportFile } from '../formats/tabular.ts';

/** One data row of a file: its line (header = 1 in CSV, the sheet row in XLSX) and cells. */
export interface ImportSourceRow {
  line: number;
  values: Record<string, string>;
  /** A problem the file reader found (an unreadable record, a value under no header). */
  problem?: { column: string; reason: string };
}

/**
 * What an import reads: rows from a file (`openImportFile`) or generated ones (the demo seeder).
 * `sha256` identifies the content: the same content again is recognized and changes nothing.
 */
export interface ImportSource {
  fileName: string;
  sha256: string;
  rows: AsyncIterable<ImportSourceRow>;
  sizeBytes?: number;
  /** The header's columns (lower-cased); when absent, the first row's keys are the header. */
  columns?: readonly string[];
  headerLine?: number;
  /** Bytes read so far; progress is reported in bytes when given, else in rows. */
  bytesRead?(): number;
  /** The rows again from the first (see ImportHandler.direct); bytesRead starts again. */
  restart?(): Promise<AsyncIterable<ImportSourceRow>>;
}

export interface ImportOptions {
  /** Called after each staged chunk and at the end, with bytes read (or rows when unknown). */
  onProgress?(bytesOrRows: number): void;
  /** Rows per COPY (default 10,000). */
  chunkRows?: number;
  /** false: always the staged path, never the direct one (see DirectWrite); for comparisons. */
  direct?: boolean;
  /** The least rows of a file for a bulk load (see BulkLoad); default 50,000. */
  bulkLoadRows?: number;
}

export interface ImportSummary {
  file: string;
  kind: ImportKind;
  status: 'imported' | 'already_imported';
  /** Data rows in the file. */
  rows: number;
  created: number;
  /** Rows identical to what the ledger already holds ("already present"). */
  skipped: number;
  batchId: number;
}

export interface ImportRowError {
  file: string;
  line: number;
  column: string;
  reason: string;
}

/** The file was refused, nothing written: the first `ERRORS_KEPT` errors and how many in all. */
export interface ImportFailure {
  code: 'import_rejected';
  file: string;
  kind: ImportKind;
  errors: ImportRowError[];
  errorCount: number;
}

/** At most this many errors are kept (in line order); all are counted. */
export const ERRORS_KEPT = 1000;
const CHUNK_ROWS = 10_000;
/** Any constant: imports take turns, so two files cannot race for the same numbers. */
const IMPORT_LOCK = 7_310_201;

/**
 * What an import of one kind does, in the transaction, around the generic streaming: the staging
 * columns, the checks across rows and against the ledger (set-based, on `import_stage`), and the
 * writes.
 */
export interface ImportHandler<K extends ImportKind> {
  /** Staging columns after `line`, with their SQL types. */
  stage: readonly (readonly [name: string, type: string])[];
  stageRow(row: ImportRows[K]): CopyCell[];
  check(ctx: ImportContext): Promise<void>;
  /** Called when the checks found nothing; may still report errors, which refuse the file. */
  write(ctx: ImportContext): Promise<ImportWrite>;
  /** A faster way for files of new, valid rows (see DirectWrite). */
  direct?: DirectWrite<K>;
}

export interface ImportWrite {
  created: number;
  skipped: number;
  /** The lines of every posting, summarized into the batch's one journal entry. */
  journal: JournalLine[];
  /** The batch entry's effective date: the latest date among the postings. */
  effectiveDate: IsoDate | null;
}

/** What a kind's checks and writes get from the importer. */
export interface ImportContext {
  tx: Queryable;
  batchId: number;
  actor: Actor;
  baseCurrency: string;
  /** Whether any error was found so far (the file will be refused). */
  failed(): boolean;
  /** Records every failing row of a check query; returns how many failed. */
  reportChecks(from: string, checks: readonly RowCheck[], params?: unknown[]): Promise<number>;
  /** SQL for the minor units of a milli-unit amount in a currency; NULL when finer than it. */
  centsSql(milli: string, currency: string): string;
  /** A string as an SQL literal (for values used inside CREATE TABLE AS, which takes no $n). */
  literal(text: string): string;
  /** Runs a bulk INSERT, with row triggers off when `bypass` allows it (see BulkInsert). */
  bulkInsert(sql: string, params: unknown[], bypass: BulkInsert): Promise<number>;
  /** SQL for minor units as a decimal text in a currency: 12345 USD -> '123.45'. */
  amountSql(cents: string, currency: string): string;
}

/**
 * How a bulk INSERT may skip the table's row triggers: per-row foreign-key checks cost more than
 * the insert itself at a million rows. Allowed only when the role may set
 * session_replication_role and every trigger that fires on INSERT into `table` is a foreign-key
 * check on one of `foreignKeys` or one of `replayed`; otherwise the insert runs as is.
 */
export interface BulkInsert {
  table: string;
  /** Columns whose references `before` has checked set-based and locked FOR KEY SHARE. */
  foreignKeys: readonly string[];
  /** User triggers on INSERT whose work `after` does for the whole statement. */
  replayed: readonly string[];
  before?(): Promise<void>;
  after?(): Promise<void>;
}

/** One rule checked on every row of `from` (aliased `r`): SQL condition and SQL reason text. */
export interface RowCheck {
  column: string;
  when: string;
  reason: string;
}

const HANDLERS: { [K in ImportKind]: ImportHandler<K> } = {
  customers: customersImport,
  invoices: invoicesImport,
  payments: paymentsImport,
  applications: applicationsImport,
};

/**
 * Imports a whole file of one kind, all or nothing, in one transaction: rows are read one at a
 * time, checked, and COPYed in chunks into a staging table; then the rules across rows and
 * against the ledger run set-based in SQL, and the new rows are inserted with one summarized
 * journal entry, one audit record and the `import_batches` row. Any bad row refuses the file
 * with every error listed (the first ERRORS_KEPT kept). The same content again (by SHA-256)
 * changes nothing: `already_imported`. Rows identical to existing ones are skipped.
 * @example runImport(db, 'invoices', await openImportFile('inv.csv'), actor)
 */
export async function runImport(
  db: Db,
  kind: ImportKind,
  source: ImportSource,
  actor: Actor,
  opts: ImportOptions = {},
): Promise<Result<ImportSummary, ImportFailure>> {
  const done = await findBatch(db, kind, source.sha256);
  if (done) return ok(alreadyImported(kind, source, done));
  return transactResult(db, async (tx) => {
    await tx.query('SELECT pg_advisory_xact_lock($1)', [IMPORT_LOCK]);
    const again = await findBatch(tx, kind, source.sha256);
    if (again) return ok(alreadyImported(kind, source, again));
    return importInTx(tx, kind, source, actor, opts);
  });
}

interface BatchRow {
  id: number;
  rows: number;
}

async function findBatch(
  q: Queryable, kind: ImportKind, sha256: string,
): Promise<BatchRow | undefined> {
  const r = await q.query<BatchRow>(
    'SELECT id, row_count AS rows FROM import_batches WHERE kind = $1 AND file_sha256 = $2',
    [kind, sha256]);
  return r.rows[0];
}

function alreadyImported(kind: ImportKind, source: ImportSource, b: BatchRow): ImportSummary {
  return {
    file: source.fileName, kind, status: 'already_imported', rows: b.rows, created: 0,
    skipped: 0, batchId: b.id,
  };
}

async function importInTx<K extends ImportKind>(
  tx: Queryable, kind: K, source: ImportSource, actor: Actor, opts: ImportOptions,
): Promise<Result<ImportSummary, ImportFailure>> {
  const handler = HANDLERS[kind] as ImportHandler<K>;
  // Hash joins and sorts over a million staged rows stay in memory.
  await tx.query(`SET LOCAL work_mem = '64MB'`);
  const batch = await tx.query<{ id: number }>(
    `INSERT INTO import_batches (kind, file_name, file_sha256, row_count, created_count, actor)
     VALUES ($1, $2, $3, 0, 0, $4) RETURNING id`,
    [kind, source.fileName, source.sha256, actor.name]);
  const batchId = batch.rows[0]!.id;
  const errors = new ErrorList(source.fileName);
  const ctx = context(tx, batchId, actor, errors,
    String(await loadSetting(tx, 'base_currency') ?? 'USD'));
  let written: DirectResult | null = null;
  if (handler.direct && source.restart && opts.direct !== false
    && await mayBypassTriggers(tx, handler.direct.bypass)) {
    written = await writeDirect(ctx, kind, handler.direct, source, opts,
      opts.chunkRows ?? CHUNK_ROWS);
    if (!written) source = { ...source, rows: await source.restart() };
  }
  written ??= await writeStaged(ctx, kind, handler, source, errors, opts);
  if (errors.count > 0) {
    return err({ code: 'import_rejected', file: source.fileName, kind, ...errors.list() });
  }
  return ok(await finish(ctx, kind, source, written));
}

/**
 * The staged path: every row COPYed into import_stage, checked set-based, then written. Errors
 * go to `errors` (the caller refuses the file when there are any).
 */
async function writeStaged<K extends ImportKind>(
  ctx: ImportContext, kind: K, handler: ImportHandler<K>, source: ImportSource,
  errors: ErrorList, opts: ImportOptions,
): Promise<DirectResult> {
  const { tx } = ctx;
  const columns = handler.stage.map(([name, type]) => `${name} ${type}`);
  await tx.query(`CREATE TEMP TABLE import_stage (line integer NOT NULL, ${columns.join(', ')})
    ON COMMIT DROP`);
  const rows = await stageRows(tx, kind, handler, source, errors, opts);
  await handler.check(ctx);
  if (errors.count > 0) return { rows, write: NOTHING_WRITTEN };
  // Some rules are found while writing (a number repeated in the file, by a unique index).
  return { rows, write: await handler.write(ctx) };
}

const NOTHING_WRITTEN: ImportWrite = { created: 0, skipped: 0, journal: [], effectiveDate: null };

/** The batch's one journal entry, its row counts and its audit record. */
async function finish(
  ctx: ImportContext, kind: ImportKind, source: ImportSource, { rows, write: w }: DirectResult,
): Promise<ImportSummary> {
  const { tx, batchId, actor } = ctx;
  const lines = summarizeLines(w.journal);
  if (lines.length > 0) {
    assert(w.effectiveDate !== null, 'a batch with postings has an effective date');
    await insertJournalEntry(tx, {
      effectiveDate: w.effectiveDate, kind: `import_${kind}`, batchId, memo: source.fileName,
      createdBy: actor.name,
    }, lines);
  }
  await tx.query('UPDATE import_batches SET row_count = $2, created_count = $3 WHERE id = $1',
    [batchId, rows, w.created]);
  const summary: ImportSummary = {
    file: source.fileName, kind, status: 'imported', rows, created: w.created,
    skipped: w.skipped, batchId,
  };
  await writeAudit(tx, actor, {
    action: `import.${kind}`, entityType: 'import_batch', entityId: batchId,
    after: { ...summary, sha256: source.sha256, journal: lines },
  });
  return summary;
}

/** Errors in file order, at most ERRORS_KEPT of them kept; every one counted. */
class ErrorList {
  private readonly kept: ImportRowError[] = [];
  count = 0;
  constructor(private readonly file: string) {}

  add(line: number, column: string, reason: string): void {
    this.count += 1;
    if (this.kept.length < ERRORS_KEPT) this.kept.push({ file: this.file, line, column, reason });
  }

  /** Counts errors beyond those kept. */
  countMore(n: number): void {
    this.count += n;
  }

  /** Room left for kept errors. */
  room(): number {
    return ERRORS_KEPT - this.kept.length;
  }

  list(): { errors: ImportRowError[]; errorCount: number } {
    const errors = [...this.kept].sort((a, b) => a.line - b.line
      || a.column.localeCompare(b.column) || a.reason.localeCompare(b.reason));
    return { errors, errorCount: this.count };
  }
}

/**
 * Reads every row, checks it alone (src/domain/import-rows.ts) and COPYs the good ones into
 * import_stage in chunks. Each chunk's COPY runs while the next chunk is read. Returns the count
 * of data rows.
 */
async function stageRows<K extends ImportKind>(
  tx: Queryable, kind: K, handler: ImportHandler<K>, source: ImportSource, errors: ErrorList,
  opts: ImportOptions,
): Promise<number> {
  const read = ROW_READERS[kind];
  const columns = ['line', ...handler.stage.map(([name]) => name)];
  const chunkRows = opts.chunkRows ?? CHUNK_ROWS;
  let chunk: CopyCell[][] = [];
  let pending: Promise<void> = Promise.resolve();
  let copyError: unknown;
  let rows = 0;
  const flush = async (): Promise<void> => {
    await pending;
    if (copyError) throw copyError;
    const full = chunk;
    chunk = [];
    pending = tx.copyRows('import_stage', columns, full).catch((e: unknown) => {
      copyError = e;
    });
    opts.onProgress?.(source.bytesRead?.() ?? rows);
  };
  let headerChecked = source.columns !== undefined;
  if (source.columns && !checkColumns(kind, source.columns, source.headerLine ?? 1, errors)) {
    return 0;
  }
  for await (const row of source.rows) {
    if (!headerChecked) {
      headerChecked = true;
      if (!checkColumns(kind, Object.keys(row.values), 1, errors)) return 0;
    }
    rows += 1;
    if (row.problem) {
      errors.add(row.line, row.problem.column, row.problem.reason);
      continue;
    }
    const r = read(row.values);
    if (!r.ok) {
      for (const issue of r.error) errors.add(row.line, issue.column, issue.reason);
      continue;
    }
    const cells = handler.stageRow(r.value as ImportRows[K]);
    cells.unshift(row.line);
    chunk.push(cells);
    if (chunk.length >= chunkRows) await flush();
  }
  await flush();
  await pending;
  if (copyError) throw copyError;
  return rows;
}

/** Reports header problems; false when a required column is missing (rows are not read). */
function checkColumns(
  kind: ImportKind, columns: readonly string[], line: number, errors: ErrorList,
): boolean {
  const names = columns.map((c) => c.trim().toLowerCase());
  for (const i of checkHeader(kind, names)) errors.add(line, i.column, i.reason);
  return REQUIRED_COLUMNS[kind].every((c) => names.includes(c));
}

function context(
  tx: Queryable, batchId: number, actor: Actor, errors: ErrorList, baseCurrency: string,
): ImportContext {
  return {
    tx, batchId, actor, baseCurrency, centsSql, amountSql, literal: sqlText,
    bulkInsert: (sql, params, bypass) => bulkInsert(tx, sql, params, bypass),
    failed: () => errors.count > 0,
    async reportChecks(from, checks, params = []) {
      const values = checks.map((c) => `(CASE WHEN ${c.when} THEN ${sqlText(c.column)} END,
        CASE WHEN ${c.when} THEN ${c.reason} END)`);
      // Only rows that fail some rule reach the (costlier) per-rule expansion.
      const any = checks.map((c) => `(${c.when})`).join(' OR ');
      const failing = `SELECT r.line, e.col, e.reason
        FROM (SELECT * FROM ${from} r WHERE ${any}) r
        CROSS JOIN LATERAL (VALUES ${values.join(', ')}) AS e(col, reason)
        WHERE e.col IS NOT NULL`;
      const room = errors.room();
      const r = await tx.query<{ line: number; col: string; reason: string; total: number }>(
        room > 0
          ? `SELECT line, col, reason, count(*) OVER ()::bigint AS total FROM (${failing}) f
             ORDER BY line, col, reason LIMIT ${room}`
          : `SELECT 0 AS line, '' AS col, '' AS reason, count(*)::bigint AS total
             FROM (${failing}) f`,
        params);
      const total = r.rows[0]?.total ?? 0;
      const kept = room > 0 ? r.rows : [];
      for (const e of kept) errors.add(e.line, e.col, e.reason ?? 'invalid');
      errors.countMore(total - kept.length);
      return total;
    },
  };
}

/** Whether the INSERT's row triggers may be skipped (see BulkInsert). */
async function mayBypassTriggers(
  tx: Queryable, b: Omit<BulkInsert, 'before' | 'after'>,
): Promise<boolean> {
  const role = await tx.query<{ superuser: boolean }>(
    `SELECT current_setting('is_superuser') = 'on' AS superuser`);
  if (!role.rows[0]?.superuser) return false;
  const triggers = await tx.query<{
    name: string; internal: boolean; enabled: string; foreignKey: string[] | null;
  }>(
    `SELECT t.tgname AS name, t.tgisinternal AS internal, t.tgenabled::text AS enabled,
       CASE WHEN c.contype = 'f' AND c.conrelid = t.tgrelid THEN
         ARRAY(SELECT a.attname::text FROM pg_attribute a
               WHERE a.attrelid = t.tgrelid AND a.attnum = ANY (c.conkey)) END AS "foreignKey"
     FROM pg_trigger t LEFT JOIN pg_constraint c ON c.oid = t.tgconstraint
     WHERE t.tgrelid = $1::regclass AND (t.tgtype & 4) <> 0 AND t.tgenabled <> 'D'`,
    [b.table]);
  return triggers.rows.every((t) => (t.internal
    ? t.foreignKey !== null && t.foreignKey.every((col) => b.foreignKeys.includes(col))
    : b.replayed.includes(t.name) && t.enabled === 'O'));
}

async function bulkInsert(
  tx: Queryable, sql: string, params: unknown[], b: BulkInsert,
): Promise<number> {
  if (!(await mayBypassTriggers(tx, b))) return (await tx.query(sql, params)).rowCount;
  await b.before?.();
  await tx.query(`SET LOCAL session_replication_role = replica`);
  const r = await tx.query(sql, params);
  await tx.query(`SET LOCAL session_replication_role = origin`);
  await b.after?.();
  return r.rowCount;
}

/** A string as an SQL literal. */
function sqlText(s: string): string {
  return `'${s.replace(/'/g, "''")}'`;
}

let nonCent: [string, number][] | undefined;

/**
 * The currencies whose minor unit is not the cent, with their exponents. money.ts keeps its
 * table private, so it is asked about every possible code once.
 */
function nonCentExponents(): [string, number][] {
  if (!nonCent) {
    nonCent = [];
    const letters = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';
    for (const a of letters) for (const b of letters) for (const c of letters) {
      const exponent = currencyExponent(a + b + c);
      assert(exponent <= AMOUNT_SCALE, `amounts are read to ${AMOUNT_SCALE} decimals`);
      if (exponent !== 2) nonCent.push([a + b + c, exponent]);
    }
  }
  return nonCent;
}

/** SQL: a function of a currency's exponent, by currency expression. */
function byExponentSql(currency: string, f: (exponent: number) => number): string {
  const cases = nonCentExponents().map(([code, e]) => `WHEN '${code}' THEN ${f(e)}`).join(' ');
  return `(CASE ${currency} ${cases} ELSE ${f(2)} END)`;
}

function centsSql(milli: string, currency: string): string {
  const divisor = byExponentSql(currency, (e) => 10 ** (AMOUNT_SCALE - e));
  return `(CASE WHEN (${milli}) % ${divisor} = 0 THEN (${milli}) / ${divisor} END)`;
}

function amountSql(cents: string, currency: string): string {
  const exponent = byExponentSql(currency, (e) => e);
  return `(round((${cents})::numeric / power(10::numeric, ${exponent}), ${exponent})::text)`;
}

