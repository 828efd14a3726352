import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPromise } from '../src/collections/create-promise.ts';
import { evaluatePromises } from '../src/collections/evaluate-promises.ts';
import { logActivity } from '../src/collections/log-activity.ts';
import type { Cents } from '../src/domain/money.ts';
import { applyCredit } from '../src/ledger/apply-credit.ts';
import { freshDb } from './support/db.ts';
import { actor, customer, failure, post, unwrap } from './ledger-fixtures.ts';

let db: Awaited<ReturnType<typeof freshDb>>;
beforeAll(async () => {
  db = await freshDb();
});
afterAll(async () => db.dispose());

const c = (n: number) => n as Cents;

describe('log activity', () => {
  it('logs a call on items with a follow-up task, audited', async () => {
    const cu = await customer(db, { collector: 'Ann' });
    const inv = await post(db, 'invoice', cu.id, '2026-10-01', 50_000);
    const a = unwrap(await logActivity(db, actor, {
      customerId: cu.id, kind: 'call', outcome: 'left_message', contactName: 'Pat AP',
      documentIds: [inv.id], followUpOn: '2026-11-25', occurredOn: '2026-11-20',
    }));
    expect(a).toMatchObject({ kind: 'call', outcome: 'left_message', author: 'tester',
      documentIds: [inv.id], followUpOn: '2026-11-25' });
    const t = await db.query(`SELECT kind, due_on, assignee FROM tasks WHERE source_id = $1
      AND source_type = 'activity'`, [a.id]);
    expect(t.rows).toEqual([{ kind: 'follow_up', due_on: '2026-11-25', assignee: 'tester' }]);
    const audit = await db.query(`SELECT action FROM audit_log WHERE entity_type = 'activity'
      AND entity_id = $1`, [String(a.id)]);
    expect(audit.rows).toEqual([{ action: 'activity.log' }]);
  });

  it('refuses, in order: kind, dates, note body, customer, items of another account', async () => {
    const cu = await customer(db);
    const other = await customer(db);
    const inv = await post(db, 'invoice', other.id, '2026-10-01', 100);
    const base = { customerId: cu.id, kind: 'call' as const, occurredOn: '2026-11-20' };
    const rows: [object, string][] = [
      [{ kind: 'telegram' }, 'value_not_allowed'],
      [{ occurredOn: '2026-13-01' }, 'date_invalid'],
      [{ kind: 'note', body: ' ' }, 'text_required'],
      [{ customerId: 999_999 }, 'customer_not_found'],
      [{ documentIds: [inv.id] }, 'item_not_on_account'],
      [{ documentIds: [999_999] }, 'item_not_found'],
    ];
    for (const [change, code] of rows) {
      expect(failure(await logActivity(db, actor, { ...base, ...change } as never)).code)
        .toBe(code);
    }
  });
});

describe('promises and the nightly evaluation', () => {
  it('marks kept, partially kept and broken from applied payments; tasks for broken', async () => {
    const cu = await customer(db, { collector: 'Ann' });
    const [i1, i2, i3] = [
      await post(db, 'invoice', cu.id, '2026-09-01', 10_000),
      await post(db, 'invoice', cu.id, '2026-09-01', 10_000),
      await post(db, 'invoice', cu.id, '2026-09-01', 10_000),
    ];
    const promise = async (id: number, on: string) => unwrap(await createPromise(db, actor, {
      customerId: cu.id, amountCents: c(10_000), promisedOn: on, madeOn: '2026-11-01',
      documentIds: [id], contactName: 'Pat' }));
    const kept = await promise(i1!.id, '2026-11-10');
    const partial = await promise(i2!.id, '2026-11-10');
    const broken = await promise(i3!.id, '2026-11-10');
    const later = await promise(i3!.id, '2026-11-30');
    const pay = await post(db, 'payment', cu.id, '2026-11-09', 14_000);
    unwrap(await applyCredit(db, actor, { creditId: pay.id, appliedOn: '2026-11-09', lines: [
      { debitId: i1!.id, amountCents: c(10_000) }, { debitId: i2!.id, amountCents: c(4_000) }] }));

    const run = await evaluatePromises(db, actor, '2026-11-20');
    expect(run).toMatchObject({ ran: true, kept: 1, partiallyKept: 1, broken: 1,
      tasksCreated: 2 });
    const status = await db.query<{ id: number; status: string; paid: number }>(
      `SELECT id, status, paid_cents AS paid FROM promises WHERE customer_id = $1 ORDER BY id`,
      [cu.id]);
    expect(status.rows).toEqual([
      { id: kept.id, status: 'kept', paid: 10_000 },
      { id: partial.id, status: 'partially_kept', paid: 4_000 },
      { id: broken.id, status: 'broken', paid: 0 },
      { id: later.id, status: 'open', paid: 0 },
    ]);
    const tasks = await db.query(`SELECT source_id AS "promiseId", assignee, status FROM tasks
      WHERE kind = 'broken_promise' AND customer_id = $1 ORDER BY source_id`, [cu.id]);
    expect(tasks.rows).toEqual([
      { promiseId: partial.id, assignee: 'Ann', status: 'open' },
      { promiseId: broken.id, assignee: 'Ann', status: 'open' }]);

    // Another instance running the same night does nothing.
    expect((await evaluatePromises(db, actor, '2026-11-20')).ran).toBe(false);
    // A call to the customer completes the broken-promise tasks.
    unwrap(await logActivity(db, actor, { customerId: cu.id, kind: 'call',
      outcome: 'promise', occurredOn: '2026-11-21' }));
    const open = await db.query(`SELECT 1 FROM tasks WHERE kind = 'broken_promise'
      AND customer_id = $1 AND status = 'open'`, [cu.id]);
    expect(open.rows).toEqual([]);
  });

  it('refuses, in order: amount, dates, customer, items, amount over the items', async () => {
    const cu = await customer(db);
    const inv = await post(db, 'invoice', cu.id, '2026-09-01', 500);
    const base = { customerId: cu.id, amountCents: c(500), promisedOn: '2026-11-30',
      madeOn: '2026-11-20' };
    const rows: [object, string][] = [
      [{ amountCents: 0 }, 'amount_must_be_positive'],
      [{ promisedOn: '2026-02-30' }, 'date_invalid'],
      [{ promisedOn: '2026-11-19' }, 'promise_date_before_today'],
      [{ customerId: 999_999 }, 'customer_not_found'],
      [{ documentIds: [999_999] }, 'item_not_found'],
      [{ documentIds: [inv.id], amountCents: 501 }, 'amount_exceeds_open_items'],
    ];
    for (const [change, code] of rows) {
      expect(failure(await createPromise(db, actor, { ...base, ...change } as never)).code)
        .toBe(code);
    }
  });
});
