// Dunning benchmark: `npx tsx bench/dunning.ts` (PostgreSQL: DATABASE_URL, or
// postgres://postgres@127.0.0.1:5432/test). Target: a run over 50,000 customers within 60 s.
//
// Uses the schema of bench/worklist.ts (50,000 customers, ~1,000,000 open invoices, promises,
// disputes). Clears earlier benchmark runs (their messages, sends, activities, tasks and credit
// holds), then times previewDunning, a first runDunning (everything due is sent: one message
// per customer, one row per (customer, step, item)) and a second run with another key, which
// must send nothing new.

import { previewDunning } from '../src/collections/preview-dunning.ts';
import { runDunning } from '../src/collections/run-dunning.ts';
import type { Actor } from '../src/db/audit.ts';
import { DEFAULT_TODAY } from './generate.ts';
import { log, openCollectionsBench } from './worklist.ts';

const actor: Actor = { name: 'bench-dunning', kind: 'system', source: 'bench' };

const db = await openCollectionsBench();
try {
  await db.transaction(async (tx) => {
    await tx.query(`UPDATE customers SET status = 'active' WHERE status = 'on_hold'`);
    await tx.query(`DELETE FROM tasks WHERE source_type = 'dunning_message'`);
    await tx.query('DELETE FROM dunning_sends');
    await tx.query('DELETE FROM dunning_messages');
    await tx.query('DELETE FROM dunning_runs');
    await tx.query(`DELETE FROM activities WHERE source = 'dunning'`);
  });
  for (const t of ['dunning_sends', 'dunning_messages', 'activities', 'tasks', 'customers',
    'documents']) await db.query(`VACUUM ANALYZE ${t}`);
  const customers = await db.query<{ n: number }>(
    `SELECT count(DISTINCT customer_id)::int AS n FROM documents WHERE open_cents > 0
       AND customer_id IS NOT NULL`);
  log(`customers with open items: ${customers.rows[0]!.n}`);

  let t = performance.now();
  const preview = await previewDunning(db, DEFAULT_TODAY);
  log(`previewDunning: ${preview.messages.length} messages, paused ${JSON.stringify(
    preview.paused)} in ${((performance.now() - t) / 1000).toFixed(1)} s`);

  t = performance.now();
  const first = await runDunning(db, actor, { runKey: `bench:${Date.now()}:1`,
    asOf: DEFAULT_TODAY });
  const firstS = (performance.now() - t) / 1000;
  if (!first.ok) throw new Error(first.error.code);
  log(`runDunning (first): ${first.value.messages} messages, ${first.value.sends} item steps, `
    + `${first.value.tasks} tasks, ${first.value.creditHolds} credit holds in `
    + `${firstS.toFixed(1)} s; target < 60 s: ${firstS < 60 ? 'PASS' : 'FAIL'}`);

  t = performance.now();
  const second = await runDunning(db, actor, { runKey: `bench:${Date.now()}:2`,
    asOf: DEFAULT_TODAY });
  const secondS = (performance.now() - t) / 1000;
  if (!second.ok) throw new Error(second.error.code);
  log(`runDunning (second, same day): ${second.value.messages} messages, `
    + `${second.value.sends} item steps in ${secondS.toFixed(1)} s`);
  if (firstS >= 60 || second.value.sends !== 0) process.exitCode = 1;
} finally {
  await db.close();
}
