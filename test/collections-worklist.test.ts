import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { changeDisputeStatus } from '../src/collections/change-dispute-status.ts';
import { createPromise } from '../src/collections/create-promise.ts';
import { escalate } from '../src/collections/escalate.ts';
import { evaluatePromises } from '../src/collections/evaluate-promises.ts';
import { getWorklist } from '../src/collections/get-worklist.ts';
import { logActivity } from '../src/collections/log-activity.ts';
import { openDispute } from '../src/collections/open-dispute.ts';
import { placeWithAgency } from '../src/collections/place-with-agency.ts';
import { recallFromAgency } from '../src/collections/recall-from-agency.ts';
import type { Cents } from '../src/domain/money.ts';
import { freshDb } from './support/db.ts';
import { actor, customer, failure, post, unwrap } from './ledger-fixtures.ts';

let db: Awaited<ReturnType<typeof freshDb>>;
beforeAll(async () => {
  db = await freshDb();
});
afterAll(async () => db.dispose());

const TODAY = '2026-11-20';
const c = (n: number) => n as Cents;

describe('worklist, disputes and agency placements', () => {
  it('ranks a portfolio with reasons; disputes and placements take accounts out', async () => {
    const collector = `Ann-${process.pid}`;
    const big = await customer(db, { collector });
    const small = await customer(db, { collector });
    const disputed = await customer(db, { collector });
    const placed = await customer(db, { collector });
    await customer(db, { collector: 'Someone else' });
    await post(db, 'invoice', big.id, '2026-08-11', 4_218_000, { dueDate: '2026-09-10' });
    const inv = await post(db, 'invoice', small.id, '2026-10-01', 50_000,
      { dueDate: '2026-11-01' });
    const dInv = await post(db, 'invoice', disputed.id, '2026-06-01', 9_000_000,
      { dueDate: '2026-07-01' });
    await post(db, 'invoice', placed.id, '2026-06-01', 9_000_000, { dueDate: '2026-07-01' });
    unwrap(await createPromise(db, actor, { customerId: big.id, amountCents: c(100_000),
      promisedOn: '2026-11-14', madeOn: '2026-11-07', documentIds: [] }));
    await evaluatePromises(db, actor, '2026-11-18');
    for (const cu of [big, small, disputed, placed]) {
      unwrap(await logActivity(db, actor, { customerId: cu.id, kind: 'email', outcome: 'sent',
        occurredOn: TODAY }));
    }
    const dispute = unwrap(await openDispute(db, actor, { customerId: disputed.id,
      reasonCode: 'pricing', items: [{ documentId: dInv.id }], openedOn: TODAY,
      note: 'price list not applied' }));
    expect(dispute).toMatchObject({ status: 'open', amountCents: 9_000_000,
      items: [{ documentId: dInv.id, amountCents: 9_000_000 }] });
    const placement = unwrap(await placeWithAgency(db, actor, { customerId: placed.id,
      agency: 'Acme Recovery', placedOn: TODAY, commissionBp: 2500 }));
    expect(placement).toMatchObject({ placedCents: 9_000_000, status: 'placed' });
    expect(failure(await placeWithAgency(db, actor, { customerId: placed.id,
      agency: 'Other', placedOn: TODAY, commissionBp: 2500 })).code)
      .toBe('agency_placement_conflict');

    const list = await getWorklist(db, { collector, asOf: TODAY });
    expect(list.map((e) => [e.customerId, e.reason])).toEqual([
      [big.id, '$42,180 past 60+, promise of 11/14 broken'],
      [disputed.id, '1 open dispute'],
      [small.id, '$500 past due'],
    ]);
    expect(list[0]).toMatchObject({ collectiblePastDueCents: 4_218_000, daysPastDueMax: 71 });
    expect(inv.id).toBeGreaterThan(0);

    // Found valid to collect: the amount counts again. Recalled: back on the list.
    for (const to of ['in_review', 'resolved'] as const) {
      unwrap(await changeDisputeStatus(db, actor, { disputeId: dispute.id, to, byManager: false,
        resolution: to === 'resolved' ? 'valid_to_collect' : null, on: TODAY }));
    }
    unwrap(await recallFromAgency(db, actor, { placementId: placement.id, recalledOn: TODAY,
      reason: 'customer asked to settle directly' }));
    const after = await getWorklist(db, { collector, asOf: TODAY });
    expect(after.map((e) => e.customerId).slice(0, 2).sort()).toEqual(
      [disputed.id, placed.id].sort());
    expect(after.find((e) => e.customerId === disputed.id)?.reason).toBe('$90,000 past 90+');
    // Supervisors see every collector's accounts.
    const all = await getWorklist(db, { collector: null, asOf: TODAY });
    expect(all.length).toBeGreaterThanOrEqual(after.length);
  });

  it('credit memo requests above the configured amount need a manager', async () => {
    const cu = await customer(db);
    const inv = await post(db, 'invoice', cu.id, '2026-10-01', 500_000);
    const d = unwrap(await openDispute(db, actor, { customerId: cu.id, reasonCode: 'damage',
      items: [{ documentId: inv.id, amountCents: c(200_000) }], openedOn: TODAY }));
    unwrap(await changeDisputeStatus(db, actor, { disputeId: d.id, to: 'in_review',
      byManager: false, on: TODAY }));
    const resolve = { disputeId: d.id, to: 'resolved' as const,
      resolution: 'credit_memo_requested' as const, on: TODAY };
    expect(failure(await changeDisputeStatus(db, actor, { ...resolve, byManager: false })))
      .toEqual({ code: 'credit_memo_needs_manager_approval', approvalAboveCents: 100_000 });
    const done = unwrap(await changeDisputeStatus(db, actor, { ...resolve, byManager: true,
      note: 'approved: carrier damage confirmed' }));
    expect(done).toMatchObject({ status: 'resolved', resolution: 'credit_memo_requested',
      resolvedOn: TODAY });
    const notes = await db.query('SELECT body FROM dispute_notes WHERE dispute_id = $1', [d.id]);
    expect(notes.rows).toEqual([{ body: 'approved: carrier damage confirmed' }]);
    expect(failure(await changeDisputeStatus(db, actor, { disputeId: d.id, to: 'open',
      byManager: true, on: TODAY })).code).toBe('dispute_transition_not_allowed');
    expect(failure(await openDispute(db, actor, { customerId: cu.id, reasonCode: 'pricing',
      items: [{ documentId: inv.id, amountCents: c(500_001) }], openedOn: TODAY })).code)
      .toBe('amount_exceeds_open_items');
  });

  it('escalates to a supervisor with a task', async () => {
    const cu = await customer(db);
    const e = unwrap(await escalate(db, actor, { customerId: cu.id, note: 'refuses to pay',
      escalatedTo: 'Sam Supervisor', on: TODAY }));
    const t = await db.query('SELECT kind, assignee FROM tasks WHERE id = $1', [e.taskId]);
    expect(t.rows).toEqual([{ kind: 'escalation', assignee: 'Sam Supervisor' }]);
    expect(failure(await escalate(db, actor, { customerId: cu.id, note: ' ',
      escalatedTo: null, on: TODAY })).code).toBe('text_required');
  });
});
