import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPromise } from '../src/collections/create-promise.ts';
import { openDispute } from '../src/collections/open-dispute.ts';
import { placeWithAgency } from '../src/collections/place-with-agency.ts';
import { previewDunning } from '../src/collections/preview-dunning.ts';
import { runDunning } from '../src/collections/run-dunning.ts';
import type { Cents } from '../src/domain/money.ts';
import { addContact } from '../src/ledger/add-contact.ts';
import { freshDb } from './support/db.ts';
import { actor, customer, failure, post, unwrap } from './ledger-fixtures.ts';

let db: Awaited<ReturnType<typeof freshDb>>;
beforeAll(async () => {
  db = await freshDb();
});
afterAll(async () => db.dispose());

const TODAY = '2026-11-20';

describe('dunning preview and run (standard strategy)', () => {
  it('one message per customer, never the same step twice, paused where it must', async () => {
    const overdue = await customer(db, { collector: 'Ann' });
    unwrap(await addContact(db, actor, { customerId: overdue.id, name: 'Pat AP',
      email: 'ap@overdue.example', isPrimary: true }));
    const i1 = await post(db, 'invoice', overdue.id, '2026-10-01', 10_000,
      { dueDate: '2026-11-19' }); // 1 day: first notice
    const i2 = await post(db, 'invoice', overdue.id, '2026-09-01', 20_000,
      { dueDate: '2026-10-15' }); // 36 days: letter
    const late = await customer(db, { collector: 'Ann' });
    await post(db, 'invoice', late.id, '2026-07-01', 30_000, { dueDate: '2026-08-01' }); // 111
    const disputed = await customer(db);
    const d1 = await post(db, 'invoice', disputed.id, '2026-09-01', 5_000,
      { dueDate: '2026-10-01' });
    unwrap(await openDispute(db, actor, { customerId: disputed.id, reasonCode: 'shortage',
      items: [{ documentId: d1.id }], openedOn: TODAY }));
    const promised = await customer(db);
    await post(db, 'invoice', promised.id, '2026-09-01', 5_000, { dueDate: '2026-10-01' });
    unwrap(await createPromise(db, actor, { customerId: promised.id, amountCents: 5_000 as Cents,
      promisedOn: '2026-11-25', madeOn: TODAY }));
    const placed = await customer(db);
    await post(db, 'invoice', placed.id, '2026-09-01', 5_000, { dueDate: '2026-10-01' });
    unwrap(await placeWithAgency(db, actor, { customerId: placed.id, agency: 'Acme',
      placedOn: TODAY, commissionBp: 3000 }));

    const preview = await previewDunning(db, TODAY);
    expect(preview.paused).toEqual({ agency_placement: 1, promise: 1, dispute: 1 });
    expect(preview.messages.map((m) => ({ c: m.customerId, channel: m.channel, step: m.step,
      recipient: m.recipient, items: m.items.map((i) => `${i.number}:${i.step}`),
      actions: m.actions }))).toEqual([
      { c: overdue.id, channel: 'letter', step: 'letter', recipient: null,
        items: [`${i2.number}:letter`, `${i1.number}:first notice`], actions: [] },
      { c: late.id, channel: 'call_task', step: 'agency referral', recipient: 'Ann',
        items: [expect.stringMatching(/:agency referral$/)], actions: ['agency_referral'] },
    ]);
    const nothingWritten = await db.query('SELECT count(*)::int AS n FROM dunning_messages');
    expect(nothingWritten.rows).toEqual([{ n: 0 }]);

    const run = unwrap(await runDunning(db, actor, { runKey: `daily:${TODAY}`, asOf: TODAY }));
    expect(run).toMatchObject({ messages: 2, sends: 3, tasks: 2 });
    const messages = await db.query(`SELECT customer_id AS c, channel, status FROM
      dunning_messages WHERE run_id = $1 ORDER BY customer_id`, [run.runId]);
    expect(messages.rows).toEqual([
      { c: overdue.id, channel: 'letter', status: 'queued' },
      { c: late.id, channel: 'call_task', status: 'task' }]);
    const timeline = await db.query(`SELECT kind, source, subject FROM activities
      WHERE customer_id = $1`, [overdue.id]);
    expect(timeline.rows).toEqual(
      [{ kind: 'letter', source: 'dunning', subject: 'Dunning: letter' }]);

    // The same slot again (another instance): refused. A second run sends nothing new.
    expect(failure(await runDunning(db, actor, { runKey: `daily:${TODAY}`, asOf: TODAY })).code)
      .toBe('dunning_run_key_taken');
    const again = unwrap(await runDunning(db, actor, { runKey: 'manual:2', asOf: TODAY }));
    expect(again).toMatchObject({ messages: 0, sends: 0 });
    expect((await previewDunning(db, TODAY)).messages).toEqual([]);
  });

  it('runs once when several instances race for the same slot', async () => {
    const cu = await customer(db);
    await post(db, 'invoice', cu.id, '2026-10-01', 1_000, { dueDate: '2026-11-10' });
    const key = 'daily:2026-11-21';
    const results = await Promise.all([1, 2, 3].map(() =>
      runDunning(db, actor, { runKey: key, asOf: '2026-11-21' })));
    expect(results.filter((r) => r.ok)).toHaveLength(1);
    const sends = await db.query(`SELECT count(*)::int AS n FROM dunning_sends
      WHERE customer_id = $1`, [cu.id]);
    expect(sends.rows).toEqual([{ n: 1 }]);
  });
});
