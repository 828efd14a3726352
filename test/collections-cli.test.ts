import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CliContext } from '../src/cli/context.ts';
import { main } from '../src/cli/main.ts';
import { loadConfig } from '../src/config.ts';
import { freshDb } from './support/db.ts';
import { actor, customer, post } from './ledger-fixtures.ts';

let db: Awaited<ReturnType<typeof freshDb>>;
beforeAll(async () => {
  db = await freshDb();
});
afterAll(async () => db.dispose());

/** Runs `arc ...args` as collector "Ann" on 2026-11-20 against the test database. */
async function arc(...args: string[]) {
  let stdout = '';
  let stderr = '';
  const sink = (append: (s: string) => void) =>
    ({ write: (s: string) => { append(s); return true; } }) as unknown as NodeJS.WritableStream;
  const ctx: CliContext = {
    config: loadConfig({}), db: async () => db, actor: { ...actor, name: 'Ann' },
    today: '2026-11-20', stdout: sink((s) => { stdout += s; }),
    stderr: sink((s) => { stderr += s; }), close: async () => undefined,
  };
  const code = await main(['node', 'arc', ...args], ctx);
  const json = (() => {
    try {
      return JSON.parse(stdout) as Record<string, any>;
    } catch {
      return undefined;
    }
  })();
  return { code, stdout, stderr, json };
}

describe('arc collections commands', () => {
  it('works a worklist: log a call with a promise, dispute, dunning twice', async () => {
    const cu = await customer(db, { collector: 'Ann', name: 'Acme Stores' });
    const inv = await post(db, 'invoice', cu.id, '2026-08-01', 4_218_000,
      { dueDate: '2026-09-10' });
    const other = await post(db, 'invoice', cu.id, '2026-10-01', 10_000,
      { dueDate: '2026-11-01' });

    const list = await arc('worklist', '--json');
    expect(list.code).toBe(0);
    expect(list.json!.items[0]).toMatchObject({ accountNumber: cu.accountNumber,
      reason: '$42,180 past 60+ ($42,280 past due), never contacted' });
    expect((await arc('worklist')).stdout).toContain('Acme Stores');

    const log = await arc('log', cu.accountNumber, '--outcome', 'promise', '--contact', 'Pat',
      '--items', inv.number, '--follow-up', '2026-11-25', '--json');
    expect(log.json!.activity).toMatchObject({ kind: 'call', outcome: 'promise',
      documentIds: [inv.id] });
    const promise = await arc('promise', cu.accountNumber, '42180.00', '2026-11-27', '--items',
      inv.number, '--json');
    expect(promise.json!.promise).toMatchObject({ amount: '42,180.00', status: 'open' });

    const dispute = await arc('dispute', 'open', cu.accountNumber, '--reason', 'pricing',
      '--items', `${other.number}:50.00`, '--json');
    expect(dispute.json!.dispute).toMatchObject({ amountCents: 5_000, status: 'open' });
    const review = await arc('dispute', 'status', String(dispute.json!.dispute.id), 'in_review');
    expect(review.stdout).toContain('is in_review');

    const preview = await arc('dunning', 'preview', '--json');
    expect(preview.json!.messages).toHaveLength(0); // promised + disputed: paused
    expect(preview.json!.paused.promise).toBe(1);

    const first = await arc('dunning', 'run', '--json');
    expect(first.code).toBe(0);
    const again = await arc('dunning', 'run');
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('dunning_run_key_taken');

    const evaluated = await arc('promises', 'evaluate', '--json');
    expect(evaluated.json).toMatchObject({ ran: true, evaluated: 1 });
  });

  it('exits 1 with the rule code on a refused change, 2 on bad usage', async () => {
    const cu = await customer(db);
    const r = await arc('promise', cu.accountNumber, '10.00', '2026-11-01');
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('promise_date_before_today');
    expect((await arc('promise', cu.accountNumber, 'ten', '2026-12-01')).code).toBe(2);
    expect((await arc('log', 'NO-SUCH')).stderr).toContain('customer_not_found');
  });
});
