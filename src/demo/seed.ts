import { createHash } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import type { Actor } from '../db/audit.ts';
import type { Db } from '../db/connection.ts';
import type { IsoDate } from '../domain/dates.ts';
import {
  DEMO_KINDS, demoCompany, demoFingerprint, type DemoKind, type DemoParams, type DemoRow,
} from '../domain/demo.ts';
import { err, ok, type Result } from '../domain/result.ts';
import { runImport, type ImportSummary } from '../ledger/import.ts';
import { matchPayments, type MatchSummary } from '../cashapp/match-payments.ts';

/** The demo company `npm start` and `arc demo seed` create when not told otherwise. */
export const DEMO_DEFAULTS = { customers: 2000, invoices: 40_000 } as const;

export interface SeedDemoInput {
  customers: number;
  invoices: number;
  today: IsoDate;
  seed?: number;
  /** Called after each file is imported, for progress output. */
  onFile?: (file: DemoFileSummary) => void;
}

export interface DemoFileSummary {
  kind: DemoKind;
  /** Data rows in the file (as the importer counted them, also when already imported). */
  rows: number;
  /** What the importer reported for the file. */
  result: ImportSummary;
  ms: number;
}

export interface DemoSeedSummary {
  params: Required<DemoParams>;
  files: DemoFileSummary[];
  /** Cash application's matching of the receipts the files left unapplied. */
  matching: Omit<MatchSummary, 'outcomes'>;
  ms: number;
}

export type SeedDemoError =
  /** The demo company goes into an empty database (or one already holding this very demo). */
  | { code: 'demo_requires_empty_database'; customers: number }
  /** A file was refused, or (kind payments) matching its receipts failed. */
  | { code: 'demo_import_failed'; kind: DemoKind; error: unknown };

/** Numbers rows as lines of a CSV file with a header, lazily: nothing is held in memory. */
async function* asLines(
  rows: Iterable<DemoRow>,
): AsyncGenerator<{ line: number; values: Record<string, string> }> {
  let line = 1;
  for (const values of rows) {
    line += 1;
    yield { line, values };
  }
}

/** A file's fingerprint: SHA-256 of the generator's parameters, so a re-seed is recognized. */
export function demoFileSha256(params: DemoParams, kind: DemoKind): string {
  return createHash('sha256').update(demoFingerprint(params, kind)).digest('hex');
}

/**
 * Creates the demo company through the ordinary importer: customers, invoices (with memos),
 * payments, applications, in that order, each generated lazily. Seeding again with the same
 * parameters changes nothing (the importer knows the files by their fingerprints); seeding a
 * database that holds other customers is refused.
 */
export async function seedDemo(
  db: Db, actor: Actor, input: SeedDemoInput,
): Promise<Result<DemoSeedSummary, SeedDemoError>> {
  const started = performance.now();
  const demo = demoCompany({ customers: input.customers, invoices: input.invoices,
    today: input.today, seed: input.seed });
  const refusal = await checkEmpty(db, demo.params);
  if (refusal) return err(refusal);
  const files: DemoFileSummary[] = [];
  for (const kind of DEMO_KINDS) {
    const fileStarted = performance.now();
    const source = {
      fileName: `demo-${kind}.csv`,
      sha256: demoFileSha256(demo.params, kind),
      rows: asLines(demo.rows(kind)),
    };
    const r = await runImport(db, kind, source, actor);
    if (!r.ok) return err({ code: 'demo_import_failed', kind, error: r.error });
    const file = { kind, rows: r.value.rows, result: r.value, ms: performance.now() - fileStarted };
    files.push(file);
    input.onFile?.(file);
  }
  const matched = await matchImportedReceipts(db, actor, input.today);
  if (!matched.ok) {
    return err({ code: 'demo_import_failed', kind: 'payments', error: matched.error });
  }
  const { outcomes: _outcomes, ...matching } = matched.value;
  return ok({ params: demo.params, files, matching, ms: performance.now() - started });
}

/**
 * The demo's receipts come in through the payments import, which posts them without matching:
 * the unidentified ones (no account, a payer name the bank garbled) would wait in the research
 * queue with no suggestion at all. Cash application runs on them as on any bank file: the sure
 * ones apply themselves, the rest get their suggestion and reasons (overpayments and round
 * amounts on account are told "no open item fits"). Only receipts never matched, so seeding
 * again changes nothing.
 */
async function matchImportedReceipts(db: Db, actor: Actor, today: IsoDate) {
  const r = await db.query<{ id: number }>(
    `SELECT d.id FROM documents d WHERE d.type = 'payment' AND d.open_cents < 0
       AND NOT EXISTS (SELECT 1 FROM bank_payments b WHERE b.document_id = d.id)
     ORDER BY d.id`);
  return matchPayments(db, actor, r.rows.map((x) => x.id), today);
}

async function checkEmpty(db: Db, params: Required<DemoParams>): Promise<SeedDemoError | null> {
  const r = await db.query<{ customers: number; ours: boolean }>(
    `SELECT (SELECT count(*) FROM customers)::bigint AS customers,
            EXISTS (SELECT 1 FROM import_batches
                    WHERE kind = 'customers' AND file_sha256 = $1) AS ours`,
    [demoFileSha256(params, 'customers')],
  );
  const row = r.rows[0]!;
  return row.customers > 0 && !row.ours
    ? { code: 'demo_requires_empty_database', customers: row.customers }
    : null;
}

/**
 * Seeds the default demo company when the database has no customers yet (what `npm start` does
 * on first run). Returns null when there was nothing to do.
 */
export async function seedIfEmpty(
  db: Db, actor: Actor, today: IsoDate,
): Promise<Result<DemoSeedSummary | null, SeedDemoError>> {
  const r = await db.query<{ present: boolean }>(
    'SELECT EXISTS (SELECT 1 FROM customers) AS present',
  );
  if (r.rows[0]!.present) return ok(null);
  return seedDemo(db, actor, { ...DEMO_DEFAULTS, today });
}
