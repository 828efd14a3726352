import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Writable } from 'node:stream';
import { freshDb } from './support/db.ts';
import { seedDemo, seedIfEmpty } from '../src/demo/seed.ts';
import { demoCompany } from '../src/domain/demo.ts';
import { verifyLedger } from '../src/ledger/verify.ts';
import { main } from '../src/cli/main.ts';
import { loadConfig } from '../src/config.ts';
import type { CliContext } from '../src/cli/context.ts';
import type { Actor } from '../src/db/audit.ts';

const actor: Actor = { name: 'test', kind: 'system', source: 'test' };
const params = { customers: 200, invoices: 3000, today: '2026-03-15' };

let db: Awaited<ReturnType<typeof freshDb>>;
beforeAll(async () => {
  db = await freshDb();
});
afterAll(async () => db.dispose());

async function counts() {
  const r = await db.query<Record<string, number>>(
    `SELECT (SELECT count(*) FROM customers)::bigint AS customers,
            (SELECT count(*) FROM documents)::bigint AS documents,
            (SELECT count(*) FROM applications)::bigint AS applications,
            (SELECT count(*) FROM journal_entries)::bigint AS journal_entries,
            (SELECT count(*) FROM import_batches)::bigint AS batches`,
  );
  return r.rows[0]!;
}

describe('seeding the demo company', () => {
  it('imports every generated row, in a ledger that verifies', async () => {
    const r = await seedDemo(db, actor, params);
    expect(r.ok, JSON.stringify(!r.ok && r.error)).toBe(true);
    const demo = demoCompany(params);
    const expected = {
      customers: [...demo.rows('customers')].length,
      documents: [...demo.rows('invoices')].length + [...demo.rows('payments')].length,
      applications: [...demo.rows('applications')].length,
    };
    // What the files imported (batch_id set); cash application adds its own rows after them.
    const imported = await db.query<Record<string, number>>(
      `SELECT (SELECT count(*) FROM customers)::bigint AS customers,
         (SELECT count(*) FROM documents WHERE batch_id IS NOT NULL)::bigint AS documents,
         (SELECT count(*) FROM applications WHERE batch_id IS NOT NULL)::bigint AS applications`);
    expect(imported.rows[0]).toEqual(expected);
    expect(await verifyLedger(db)).toEqual([]);
  });

  it('runs matching on the receipts left unapplied: none waits without a suggestion', async () => {
    const r = await db.query<{ unapplied: number; unmatched: number }>(
      `SELECT (SELECT count(*) FROM documents WHERE type = 'payment' AND open_cents < 0)::int
           AS unapplied,
         (SELECT count(*) FROM documents d WHERE d.type = 'payment' AND d.open_cents < 0
            AND NOT EXISTS (SELECT 1 FROM match_proposals m WHERE m.payment_id = d.id))::int
           AS unmatched`);
    expect(r.rows[0]!.unapplied).toBeGreaterThan(0);
    expect(r.rows[0]!.unmatched).toBe(0);
  });

  it('keeps open amounts equal to documents minus applications', async () => {
    type Totals = { open: number; amount: number; applied: number; unidentified: number };
    const r = await db.query<Totals>(
      `SELECT (SELECT sum(open_cents) FROM documents)::bigint AS open,
              (SELECT sum(amount_cents) FROM documents)::bigint AS amount,
              (SELECT sum(amount_cents) FROM applications)::bigint AS applied,
              (SELECT count(*) FROM documents WHERE external_id LIKE 'pay:|%')::bigint
                AS unidentified`,
    );
    const row = r.rows[0]!;
    // Each application lowers its debit and raises its (negative) credit by the same amount.
    expect(row.open).toBe(row.amount);
    const debits = await db.query<{ open: number; amount: number; applied: number }>(
      `SELECT sum(d.open_cents)::bigint AS open, sum(d.amount_cents)::bigint AS amount,
              (SELECT sum(a.amount_cents) FROM applications a
                 JOIN documents x ON x.id = a.debit_id)::bigint AS applied
         FROM documents d WHERE d.amount_cents > 0`,
    );
    const d = debits.rows[0]!;
    expect(d.open).toBe(d.amount - d.applied);
    expect(row.unidentified).toBeGreaterThan(0);
  });

  it('has a realistic aging as of today', async () => {
    const r = await db.query<{ current: number; open: number; past_ninety: number }>(
      `SELECT sum(open_cents) FILTER (WHERE due_date >= $1)::bigint AS current,
              sum(open_cents)::bigint AS open,
              sum(open_cents) FILTER (WHERE due_date < $1::date - 90)::bigint AS past_ninety
         FROM documents WHERE open_cents > 0`,
      [params.today],
    );
    const { current, open, past_ninety: pastNinety } = r.rows[0]!;
    expect(current / open).toBeGreaterThan(0.4);
    expect(current / open).toBeLessThan(0.85);
    expect(pastNinety).toBeGreaterThan(0);
  });

  it('changes nothing when seeded again with the same parameters', async () => {
    const before = await counts();
    const r = await seedDemo(db, actor, params);
    expect(r.ok, JSON.stringify(!r.ok && r.error)).toBe(true);
    expect(await counts()).toEqual(before);
  });

  it('refuses another demo company in a database that has customers', async () => {
    const r = await seedDemo(db, actor, { ...params, customers: 201 });
    expect(r).toEqual({ ok: false,
      error: { code: 'demo_requires_empty_database', customers: params.customers } });
    expect(await seedIfEmpty(db, actor, params.today)).toEqual({ ok: true, value: null });
  });
});

function cliContext(target: typeof db): CliContext & { out(): string; err(): string } {
  let out = '';
  let err = '';
  const sink = (append: (s: string) => void) =>
    new Writable({ write(chunk, _enc, done) { append(String(chunk)); done(); } });
  return {
    config: loadConfig({}),
    db: async () => target,
    actor,
    today: params.today,
    stdout: sink((s) => (out += s)),
    stderr: sink((s) => (err += s)),
    close: async () => undefined,
    out: () => out,
    err: () => err,
  };
}

describe('arc demo seed', () => {
  let empty: Awaited<ReturnType<typeof freshDb>>;
  beforeAll(async () => {
    empty = await freshDb();
  });
  afterAll(async () => empty.dispose());

  it('seeds and reports what it created as JSON', async () => {
    const ctx = cliContext(empty);
    const code = await main(
      ['node', 'arc', 'demo', 'seed', '--customers', '30', '--invoices', '300', '--json'], ctx);
    expect(code, ctx.err()).toBe(0);
    const summary = JSON.parse(ctx.out());
    expect(summary.params).toMatchObject({ customers: 30, invoices: 300 });
    expect(summary.files.map((f: { kind: string }) => f.kind))
      .toEqual(['customers', 'invoices', 'payments', 'applications']);
    expect(summary.files[0].rows).toBe(30);
  });

  it('refuses a database with other customers (exit 1) and bad numbers (exit 2)', async () => {
    const ctx = cliContext(empty);
    expect(await main(['node', 'arc', 'demo', 'seed', '--customers', '31'], ctx)).toBe(1);
    expect(ctx.err()).toMatch(/demo_requires_empty_database/);
    const bad = cliContext(empty);
    expect(await main(['node', 'arc', 'demo', 'seed', '--customers', '0'], bad)).toBe(2);
    expect(await main(['node', 'arc', 'demo', 'seed', '--invoices', '1.5'], bad)).toBe(2);
  });
});
