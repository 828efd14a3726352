import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { approveWriteOff } from '../src/collections/approve-write-off.ts';
import { requestWriteOff } from '../src/collections/request-write-off.ts';
import type { Actor } from '../src/db/audit.ts';
import type { Cents } from '../src/domain/money.ts';
import { applyCredit } from '../src/ledger/apply-credit.ts';
import { verifyLedger } from '../src/ledger/verify.ts';
import { freshDb } from './support/db.ts';
import {
  actor, customer, entryLines, failure, openCents, post, unwrap,
} from './ledger-fixtures.ts';

let db: Awaited<ReturnType<typeof freshDb>>;
beforeAll(async () => {
  db = await freshDb();
});
afterAll(async () => db.dispose());

const manager: Actor = { name: 'mia-manager', kind: 'user', source: 'test' };
const TODAY = '2026-11-20';

describe('write-off requests', () => {
  it('approval within the role limit posts a write_off applied to the items', async () => {
    const cu = await customer(db);
    const a = await post(db, 'invoice', cu.id, '2026-01-10', 300_000);
    const b = await post(db, 'invoice', cu.id, '2026-02-10', 200_000);
    const request = unwrap(await requestWriteOff(db, actor, { customerId: cu.id,
      reason: 'customer bankrupt', requestedOn: TODAY,
      items: [{ documentId: a.id }, { documentId: b.id, amountCents: 50_000 as Cents }] }));
    expect(request).toMatchObject({ status: 'pending', amountCents: 350_000 });

    const decide = { requestId: request.id, approve: true, on: TODAY };
    expect(failure(await approveWriteOff(db, actor, { ...decide, role: 'admin' })).code)
      .toBe('approver_must_not_be_requester');
    expect(failure(await approveWriteOff(db, manager, { ...decide, role: 'collector' })).code)
      .toBe('role_may_not_approve_write_offs');
    const done = unwrap(await approveWriteOff(db, manager, { ...decide, role: 'ar_manager' }));
    expect(done).toMatchObject({ status: 'approved', decidedBy: 'mia-manager' });
    expect([await openCents(db, a.id), await openCents(db, b.id)]).toEqual([0, 150_000]);
    expect(await openCents(db, done.writeOffDocumentId!)).toBe(0);
    expect(await entryLines(db, 'document_id', done.writeOffDocumentId!)).toEqual(
      expect.arrayContaining([{ account: 'ar_control', amountCents: -350_000 },
        { account: 'bad_debt', amountCents: 350_000 }]));
    expect(await verifyLedger(db)).toEqual([]);
    expect(failure(await approveWriteOff(db, manager, { ...decide, role: 'admin' })).code)
      .toBe('write_off_request_already_decided');
  });

  it('refuses above the role limit; rejecting posts nothing', async () => {
    const cu = await customer(db);
    const a = await post(db, 'invoice', cu.id, '2026-01-10', 2_000_000);
    const request = unwrap(await requestWriteOff(db, actor, { customerId: cu.id,
      reason: 'uncollectible', requestedOn: TODAY, items: [{ documentId: a.id }] }));
    const decide = { requestId: request.id, approve: true, on: TODAY };
    expect(failure(await approveWriteOff(db, manager, { ...decide, role: 'ar_manager' })))
      .toEqual({ code: 'write_off_exceeds_approval_limit', limitCents: 1_000_000 });
    const rejected = unwrap(await approveWriteOff(db, manager,
      { ...decide, approve: false, role: 'ar_manager' }));
    expect(rejected).toMatchObject({ status: 'rejected', writeOffDocumentId: null });
    expect(await openCents(db, a.id)).toBe(2_000_000);
  });

  it('refuses when an item was paid in the meantime', async () => {
    const cu = await customer(db);
    const a = await post(db, 'invoice', cu.id, '2026-01-10', 10_000);
    const request = unwrap(await requestWriteOff(db, actor, { customerId: cu.id,
      reason: 'small balance', requestedOn: TODAY, items: [{ documentId: a.id }] }));
    const credit = await post(db, 'credit_memo', cu.id, '2026-11-01', 4_000);
    unwrap(await applyCredit(db, actor, { creditId: credit.id, appliedOn: TODAY,
      lines: [{ debitId: a.id, amountCents: 4_000 as Cents }] }));
    expect(failure(await approveWriteOff(db, manager, { requestId: request.id, approve: true,
      role: 'admin', on: TODAY }))).toEqual({ code: 'write_off_items_changed',
      documentId: a.id, openCents: 6_000 });
    expect(await verifyLedger(db)).toEqual([]);
  });
});
