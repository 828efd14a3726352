import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDispute } from '../src/collections/open-dispute.ts';
import type { Cents } from '../src/domain/money.ts';
import { createCustomer } from '../src/ledger/create-customer.ts';
import { postDocument } from '../src/ledger/post-document.ts';
import { problemOf, setup, testServer, type Browser, type TestServer } from './support/http.ts';

// The cross-account collections queues over HTTP as a collector (Ann), an AR manager (Mia), a
// credit manager (Cal), a sales rep (Rex) and an auditor (Aud) use them; today is 2026-06-30.
// The credit memo approval amount is migration 020's 1,000.00.

let s: TestServer;
let ann: Browser;
let mia: Browser;
let cal: Browser;
let rex: Browser;
let aud: Browser;
let own: number;
let foreign: number;
const inv: Record<string, number> = {};

async function customer(account: string, collector: string, salesRep: string) {
  const r = await createCustomer(s.db, setup, { accountNumber: account, name: `${account} Inc`,
    collector, salesRep });
  if (!r.ok) throw new Error(r.error.code);
  return r.value.id;
}

async function invoice(customerId: number, number: string, amount: number, due: string) {
  const r = await postDocument(s.db, setup, { type: 'invoice', customerId, number,
    documentDate: '2026-03-01', dueDate: due, amountCents: amount as Cents });
  if (!r.ok) throw new Error(r.error.code);
  inv[number] = r.value.document.id;
  return r.value.document.id;
}

async function dispute(who: Browser, customerId: number, body: object) {
  const r = await who.request('POST', `/api/v1/customers/${customerId}/disputes`, body);
  expect(r.statusCode, r.body).toBe(201);
  return r.json().dispute.id as number;
}

beforeAll(async () => {
  s = await testServer();
  await s.addUser('ann', 'collector', 'Ann');
  await s.addUser('mia', 'ar_manager', 'Mia');
  await s.addUser('cal', 'credit_manager', 'Cal');
  await s.addUser('rex', 'sales_rep', 'Rex');
  await s.addUser('aud', 'auditor', 'Aud');
  [ann, mia, cal, rex, aud] = [await s.signIn('ann'), await s.signIn('mia'),
    await s.signIn('cal'), await s.signIn('rex'), await s.signIn('aud')];
  own = await customer('Q-1', 'Ann', 'Rex');
  foreign = await customer('Q-2', 'Bob', 'Sue');
  await invoice(own, 'Q-INV-1', 300_000, '2026-04-20');
  await invoice(own, 'Q-INV-2', 40_000, '2026-06-20');
  await invoice(own, 'Q-INV-3', 2_500_000, '2026-05-20');
  await invoice(foreign, 'Q-INV-4', 90_000, '2026-04-20');
  await invoice(foreign, 'Q-INV-5', 1_500_000, '2026-03-31');
});
afterAll(async () => s.close());

describe('disputes queue', () => {
  it('lists every account\'s open disputes with filters, sorts, totals and a sales rep scope',
    async () => {
      const a = await dispute(ann, own, { reasonCode: 'pricing', note: 'price list 2026',
        items: [{ documentId: inv['Q-INV-1'], amount: '2000.00' }] });
      const b = await dispute(ann, own, { reasonCode: 'shortage', kind: 'deduction',
        items: [{ documentId: inv['Q-INV-2'] }] });
      const c = await dispute(mia, foreign, { reasonCode: 'damage', owner: 'logistics',
        items: [{ documentId: inv['Q-INV-4'] }] });
      // One opened in May: 60 days old today.
      const old = await openDispute(s.db, setup, { customerId: foreign, reasonCode: 'pricing',
        items: [{ documentId: inv['Q-INV-5']!, amountCents: 10_000 as Cents }],
        openedOn: '2026-05-01' });
      if (!old.ok) throw new Error(old.error.code);
      const ids = (r: { json(): { items: { id: number }[] } }) => r.json().items.map((x) => x.id);

      const all = await mia.request('GET', '/api/v1/disputes');
      expect(all.statusCode, all.body).toBe(200);
      // Oldest first by default.
      expect(ids(all)).toEqual([old.value.id, a, b, c]);
      expect(all.json()).toMatchObject({ total: 4, owners: ['Rex', 'logistics', 'Sue'].sort(),
        collectors: ['Ann', 'Bob'], totals: [{ currency: 'USD', count: 4, amount: '3400.00' }] });
      expect(all.json().items[1]).toMatchObject({ id: a, accountNumber: 'Q-1',
        customerName: 'Q-1 Inc', collector: 'Ann', salesRep: 'Rex', reasonCode: 'pricing',
        amount: '2000.00', status: 'open', owner: 'Rex', ageDays: 0, itemCount: 1,
        itemNumbers: ['Q-INV-1'], lastNote: 'price list 2026', approvalPending: false });
      expect(all.json().items[0]).toMatchObject({ ageDays: 60, owner: 'Sue' });

      const q = async (query: string) => ids(await mia.request('GET', `/api/v1/disputes?${query}`));
      expect(await q('sort=amount&dir=desc')).toEqual([a, c, b, old.value.id]);
      expect(await q('sort=amount&dir=asc')).toEqual([old.value.id, b, c, a]);
      expect(await q('reasonCode=pricing')).toEqual([old.value.id, a]);
      expect(await q('kind=deduction')).toEqual([b]);
      expect(await q('owner=logistics')).toEqual([c]);
      expect(await q('collector=Ann')).toEqual([a, b]);
      expect(await q(`customerId=${foreign}`)).toEqual([old.value.id, c]);
      expect(await q('ageDaysMin=30')).toEqual([old.value.id]);
      expect(await q('status=closed')).toEqual([]);
      const paged = await mia.request('GET', '/api/v1/disputes?limit=2&offset=2');
      expect(paged.json()).toMatchObject({ total: 4 });
      expect(ids(paged)).toEqual([b, c]);

      // Rex sees what is routed to him on his customers; the auditor and a collector read all.
      const mine = await rex.request('GET', '/api/v1/disputes');
      expect(ids(mine)).toEqual([a, b]);
      expect(mine.json()).toMatchObject({ routedTo: 'Rex', total: 2 });
      expect(ids(await rex.request('GET', '/api/v1/disputes?owner=logistics'))).toEqual([]);
      expect(ids(await aud.request('GET', '/api/v1/disputes'))).toHaveLength(4);
      expect(ids(await ann.request('GET', '/api/v1/disputes'))).toHaveLength(4);
      expect(problemOf(await mia.request('GET', '/api/v1/disputes?status=lost')).code)
        .toBe('request_invalid');
    });

  it('opens one dispute with items, notes, history and the moves allowed', async () => {
    const id = await dispute(ann, own, { reasonCode: 'tax', note: 'tax exempt certificate',
      items: [{ documentId: inv['Q-INV-2'], amount: '100.00' }] });
    const note = await ann.request('POST', `/api/v1/disputes/${id}/notes`,
      { body: 'Certificate received by email.' });
    expect(note.statusCode, note.body).toBe(201);
    expect(note.json().note).toMatchObject({ author: 'ann',
      body: 'Certificate received by email.' });
    const r = await ann.request('GET', `/api/v1/disputes/${id}`);
    expect(r.statusCode).toBe(200);
    const d = r.json().dispute;
    expect(d).toMatchObject({ id, status: 'open', amount: '100.00', mayChange: true,
      mayApprove: false, creditMemoApprovalAbove: '1000.00',
      customer: { id: own, accountNumber: 'Q-1', collector: 'Ann', salesRep: 'Rex' },
      items: [{ documentId: inv['Q-INV-2'], number: 'Q-INV-2', disputed: '100.00',
        open: '400.00', itemAmount: '400.00', dueDate: '2026-06-20' }],
      moves: [{ to: 'in_review', resolution: null, needsApproval: false }] });
    expect(d.notes.map((n: { body: string }) => n.body))
      .toEqual(['tax exempt certificate', 'Certificate received by email.']);
    expect(d.history.map((h: { action: string }) => h.action)).toEqual(['dispute.open',
      'dispute.note']);

    // A collector writes on their own portfolio only; sales reps and auditors read.
    const theirs = await dispute(mia, foreign, { reasonCode: 'other',
      items: [{ documentId: inv['Q-INV-4'], amount: '10.00' }] });
    expect((await ann.request('POST', `/api/v1/disputes/${theirs}/notes`, { body: 'x' }))
      .statusCode).toBe(403);
    expect((await ann.request('GET', `/api/v1/disputes/${theirs}`)).json().dispute.mayChange)
      .toBe(false);
    expect((await rex.request('POST', `/api/v1/disputes/${id}/notes`, { body: 'x' }))
      .statusCode).toBe(403);
    expect((await rex.request('GET', `/api/v1/disputes/${id}`)).statusCode).toBe(200);
    // Not Rex's customer: it does not exist for him.
    expect((await rex.request('GET', `/api/v1/disputes/${theirs}`)).statusCode).toBe(404);
    expect(problemOf(await mia.request('GET', '/api/v1/disputes/999999')).code)
      .toBe('dispute_not_found');
    expect(problemOf(await ann.request('POST', `/api/v1/disputes/${id}/notes`, { body: '' }))
      .code).toBe('request_invalid');
  });
});

describe('credit memo approvals', () => {
  it('a collector asks, a manager approves: the dispute is resolved with a credit memo',
    async () => {
      const id = await dispute(ann, own, { reasonCode: 'pricing',
        items: [{ documentId: inv['Q-INV-3'], amount: '1500.00' }] });
      const early = await ann.request('POST', `/api/v1/disputes/${id}/credit-memo-approvals`, {});
      expect(problemOf(early)).toMatchObject({ code: 'dispute_not_in_review', status: 422 });
      expect((await ann.request('PATCH', `/api/v1/disputes/${id}`, { status: 'in_review' }))
        .statusCode).toBe(200);
      const detail = (await ann.request('GET', `/api/v1/disputes/${id}`)).json().dispute;
      expect(detail.moves).toContainEqual({ to: 'resolved', resolution: 'credit_memo_requested',
        needsApproval: true });
      const direct = await ann.request('PATCH', `/api/v1/disputes/${id}`,
        { status: 'resolved', resolution: 'credit_memo_requested' });
      expect(problemOf(direct).code).toBe('credit_memo_needs_manager_approval');

      const asked = await ann.request('POST', `/api/v1/disputes/${id}/credit-memo-approvals`,
        { note: 'price list error confirmed by Rex' });
      expect(asked.statusCode, asked.body).toBe(201);
      const approval = asked.json().approval;
      expect(approval).toMatchObject({ disputeId: id, amount: '1500.00', status: 'pending',
        requestedBy: 'ann', note: 'price list error confirmed by Rex' });
      const twice = await ann.request('POST', `/api/v1/disputes/${id}/credit-memo-approvals`, {});
      expect(problemOf(twice)).toMatchObject({ code: 'credit_memo_approval_pending_conflict',
        status: 409 });
      const listed = await mia.request('GET', '/api/v1/disputes?status=in_review');
      expect(listed.json().items.find((x: { id: number }) => x.id === id).approvalPending)
        .toBe(true);

      const queue = await mia.request('GET', '/api/v1/credit-memo-approvals');
      expect(queue.statusCode).toBe(200);
      expect(queue.json().items).toEqual([expect.objectContaining({ id: approval.id,
        disputeId: id, accountNumber: 'Q-1', amount: '1500.00', reasonCode: 'pricing',
        disputeStatus: 'in_review', requestedByName: 'Ann' })]);
      for (const who of [ann, rex, aud]) {
        expect((await who.request('GET', '/api/v1/credit-memo-approvals')).statusCode).toBe(403);
        expect((await who.request('POST', `/api/v1/credit-memo-approvals/${approval.id}/decision`,
          { approve: true })).statusCode).toBe(403);
      }

      const done = await mia.request('POST',
        `/api/v1/credit-memo-approvals/${approval.id}/decision`,
        { approve: true, note: 'agreed' });
      expect(done.statusCode, done.body).toBe(200);
      expect(done.json().approval).toMatchObject({ status: 'approved', decidedBy: 'mia',
        decidedOn: '2026-06-30', decisionNote: 'agreed' });
      const after = (await mia.request('GET', `/api/v1/disputes/${id}`)).json().dispute;
      expect(after).toMatchObject({ status: 'resolved', resolution: 'credit_memo_requested',
        resolvedOn: '2026-06-30', moves: [{ to: 'closed', resolution: null,
          needsApproval: false }] });
      expect(after.notes.at(-1)).toMatchObject({ body: 'Credit memo approved: agreed',
        author: 'mia' });
      expect(after.history.map((h: { action: string }) => h.action)).toEqual(['dispute.open',
        'dispute.in_review', 'credit_memo.request', 'dispute.resolved', 'credit_memo.approve']);
      expect((await mia.request('GET', '/api/v1/credit-memo-approvals')).json().items)
        .toEqual([]);
      const decided = await mia.request('GET', '/api/v1/credit-memo-approvals?status=decided');
      expect(decided.json().items.map((x: { id: number }) => x.id)).toEqual([approval.id]);
      const again = await cal.request('POST',
        `/api/v1/credit-memo-approvals/${approval.id}/decision`, { approve: false });
      expect(problemOf(again).code).toBe('credit_memo_approval_already_decided');
    });

  it('a rejection leaves the dispute in review; small credit memos need no approval',
    async () => {
      const id = await dispute(mia, foreign, { reasonCode: 'promo',
        items: [{ documentId: inv['Q-INV-5'], amount: '5000.00' }] });
      await mia.request('PATCH', `/api/v1/disputes/${id}`, { status: 'in_review' });
      const asked = await mia.request('POST', `/api/v1/disputes/${id}/credit-memo-approvals`, {});
      expect(asked.statusCode).toBe(201);
      const aid = asked.json().approval.id as number;
      expect(problemOf(await mia.request('POST', `/api/v1/credit-memo-approvals/${aid}/decision`,
        { approve: true })).code).toBe('approver_must_not_be_requester');
      const no = await cal.request('POST', `/api/v1/credit-memo-approvals/${aid}/decision`,
        { approve: false, note: 'promo expired in March' });
      expect(no.json().approval).toMatchObject({ status: 'rejected', decidedBy: 'cal' });
      const d = (await cal.request('GET', `/api/v1/disputes/${id}`)).json().dispute;
      expect(d.status).toBe('in_review');
      expect(d.notes.at(-1).body).toBe('Credit memo not approved: promo expired in March');

      const small = await dispute(ann, own, { reasonCode: 'pricing',
        items: [{ documentId: inv['Q-INV-3'], amount: '1000.00' }] });
      await ann.request('PATCH', `/api/v1/disputes/${small}`, { status: 'in_review' });
      expect(problemOf(await ann.request('POST',
        `/api/v1/disputes/${small}/credit-memo-approvals`, {})).code)
        .toBe('credit_memo_approval_not_needed');
      expect((await ann.request('PATCH', `/api/v1/disputes/${small}`,
        { status: 'resolved', resolution: 'credit_memo_requested' })).statusCode).toBe(200);
      expect(problemOf(await mia.request('POST', '/api/v1/credit-memo-approvals/999999/decision',
        { approve: true })).code).toBe('credit_memo_approval_not_found');
    });
});

describe('escalations', () => {
  it('a collector escalates, a supervisor acknowledges and resolves with a note', async () => {
    const made = await ann.request('POST', `/api/v1/customers/${own}/escalations`,
      { note: 'Customer refuses to pay the freight.', escalatedTo: 'Mia' });
    expect(made.statusCode).toBe(201);
    const id = made.json().escalation.id as number;
    const other = await mia.request('POST', `/api/v1/customers/${foreign}/escalations`,
      { note: 'Owner unreachable for 3 weeks.' });
    const otherId = other.json().escalation.id as number;

    const open = await mia.request('GET', '/api/v1/escalations');
    expect(open.statusCode).toBe(200);
    expect(open.json().items.map((e: { id: number }) => e.id)).toEqual([id, otherId]);
    expect(open.json().items[0]).toMatchObject({ accountNumber: 'Q-1', stage: 'new',
      note: 'Customer refuses to pay the freight.', escalatedTo: 'Mia', createdBy: 'ann',
      createdByName: 'Ann', balance: '28400.00' });
    expect((await mia.request('GET', '/api/v1/escalations?escalatedTo=Mia')).json().items)
      .toHaveLength(1);
    // Ann sees the ones she raised; sales reps and auditors have no escalations queue.
    expect((await ann.request('GET', '/api/v1/escalations')).json().items
      .map((e: { id: number }) => e.id)).toEqual([id]);
    for (const who of [rex, aud]) {
      expect((await who.request('GET', '/api/v1/escalations')).statusCode).toBe(403);
    }
    expect((await ann.request('POST', `/api/v1/escalations/${id}/acknowledge`, {})).statusCode)
      .toBe(403);

    const ack = await mia.request('POST', `/api/v1/escalations/${id}/acknowledge`,
      { note: 'Calling their CFO tomorrow.' });
    expect(ack.statusCode, ack.body).toBe(200);
    expect(ack.json().escalation).toMatchObject({ stage: 'acknowledged', acknowledgedBy: 'mia',
      acknowledgeNote: 'Calling their CFO tomorrow.' });
    expect(problemOf(await mia.request('POST', `/api/v1/escalations/${id}/acknowledge`, {}))
      .code).toBe('escalation_already_acknowledged');
    expect(problemOf(await mia.request('POST', `/api/v1/escalations/${id}/resolve`, {})).code)
      .toBe('request_invalid');
    const done = await mia.request('POST', `/api/v1/escalations/${id}/resolve`,
      { note: 'Freight credited; customer pays the rest Friday.' });
    expect(done.json().escalation).toMatchObject({ stage: 'resolved', resolvedBy: 'mia',
      resolutionNote: 'Freight credited; customer pays the rest Friday.' });
    const task = await s.db.query<{ status: string; doneBy: string }>(
      `SELECT status, done_by AS "doneBy" FROM tasks WHERE source_type = 'escalation'
       AND source_id = $1`, [id]);
    expect(task.rows).toEqual([{ status: 'done', doneBy: 'mia' }]);
    expect(problemOf(await cal.request('POST', `/api/v1/escalations/${id}/resolve`,
      { note: 'again' })).code).toBe('escalation_already_resolved');
    expect((await mia.request('GET', '/api/v1/escalations')).json().items
      .map((e: { id: number }) => e.id)).toEqual([otherId]);
    expect((await mia.request('GET', '/api/v1/escalations?status=resolved')).json().items
      .map((e: { id: number }) => e.id)).toEqual([id]);
    const audit = await s.db.query<{ action: string }>(
      `SELECT action FROM audit_log WHERE entity_type = 'escalation' AND entity_id = $1
       ORDER BY id`, [String(id)]);
    expect(audit.rows.map((a) => a.action)).toEqual(['account.escalate',
      'escalation.acknowledge', 'escalation.resolve']);
    expect(problemOf(await mia.request('POST', '/api/v1/escalations/999999/resolve',
      { note: 'x' })).code).toBe('escalation_not_found');
  });
});

describe('write-off approvals', () => {
  it('shows pending requests with what each approver may approve, then the posted ones',
    async () => {
      const small = await ann.request('POST', `/api/v1/customers/${own}/write-off-requests`,
        { reason: 'short-paid freight, not worth pursuing', documentIds: [inv['Q-INV-2']] });
      expect(small.statusCode, small.body).toBe(201);
      const big = await mia.request('POST', `/api/v1/customers/${foreign}/write-off-requests`,
        { reason: 'customer in bankruptcy', documentIds: [inv['Q-INV-5']] });
      expect(big.statusCode, big.body).toBe(201);
      const [smallId, bigId] = [small.json().writeOffRequest.id, big.json().writeOffRequest.id];

      const asMia = await mia.request('GET', '/api/v1/write-off-requests');
      expect(asMia.statusCode).toBe(200);
      expect(asMia.json()).toMatchObject({ yourLimit: '10000.00', currency: 'USD' });
      expect(asMia.json().limits).toContainEqual({ role: 'admin', limit: null });
      const byId = (r: typeof asMia) => new Map(r.json().items.map(
        (w: { id: number }) => [w.id, w]));
      expect(byId(asMia).get(smallId)).toMatchObject({ accountNumber: 'Q-1', amount: '400.00',
        requestedBy: 'ann', requestedByName: 'Ann',
        reason: 'short-paid freight, not worth pursuing',
        items: [{ documentId: inv['Q-INV-2'], number: 'Q-INV-2', amount: '400.00' }],
        approval: { allowed: true } });
      expect(byId(asMia).get(bigId)).toMatchObject({ amount: '15000.00',
        approval: { allowed: false, code: 'approver_must_not_be_requester' } });
      const asCal = await cal.request('GET', '/api/v1/write-off-requests');
      expect(asCal.json().yourLimit).toBe('25000.00');
      expect(byId(asCal).get(bigId)).toMatchObject({ approval: { allowed: true } });
      // Ann sees her own request only and cannot approve it; sales reps have no such queue.
      const asAnn = await ann.request('GET', '/api/v1/write-off-requests');
      expect(asAnn.json().items.map((w: { id: number }) => w.id)).toEqual([smallId]);
      expect(asAnn.json()).toMatchObject({ yourLimit: '0.00' });
      expect(asAnn.json().items[0].approval).toMatchObject({ allowed: false,
        code: 'approver_must_not_be_requester' });
      expect((await rex.request('GET', '/api/v1/write-off-requests')).statusCode).toBe(403);
      expect((await aud.request('GET', '/api/v1/write-off-requests')).statusCode).toBe(403);

      expect((await cal.request('POST', `/api/v1/write-off-requests/${bigId}/decision`,
        { approve: true })).statusCode).toBe(200);
      expect((await mia.request('POST', `/api/v1/write-off-requests/${smallId}/decision`,
        { approve: false })).statusCode).toBe(200);
      const posted = await mia.request('GET', '/api/v1/write-off-requests?status=approved');
      expect(posted.json().items).toEqual([expect.objectContaining({ id: bigId,
        status: 'approved', decidedBy: 'cal', decidedByName: 'Cal', writeOffNumber:
        `WO-REQ-${bigId}`, approval: null })]);
      const rejected = await mia.request('GET', '/api/v1/write-off-requests?status=rejected');
      expect(rejected.json().items.map((w: { id: number }) => w.id)).toEqual([smallId]);
      expect((await mia.request('GET', '/api/v1/write-off-requests')).json().items).toEqual([]);
    });
});

describe('agency placements', () => {
  it('places, records recoveries with commission, recalls', async () => {
    const url = `/api/v1/customers/${own}/agency-placements`;
    expect((await ann.request('POST', url, { agency: 'Acme Recovery', commissionBp: 2500 }))
      .statusCode).toBe(403);
    const placed = await mia.request('POST', url,
      { agency: 'Acme Recovery', amount: '1000.00', commissionBp: 2500 });
    expect(placed.statusCode, placed.body).toBe(201);
    const id = placed.json().placement.id as number;
    expect(problemOf(await mia.request('POST', url, { agency: 'Other', commissionBp: 1000 })))
      .toMatchObject({ code: 'agency_placement_conflict', status: 409 });

    const rec = await mia.request('POST', `/api/v1/agency-placements/${id}/recoveries`,
      { amount: '400.01', note: 'first remittance' });
    expect(rec.statusCode, rec.body).toBe(201);
    expect(rec.json().placement).toMatchObject({ recovered: '400.01', placed: '1000.00' });
    expect(problemOf(await mia.request('POST', `/api/v1/agency-placements/${id}/recoveries`,
      { amount: '600.00' }))).toMatchObject({ code: 'recovery_exceeds_placed_amount',
      remainingCents: 59_999 });
    expect(problemOf(await mia.request('POST', `/api/v1/agency-placements/${id}/recoveries`,
      { amount: '1.234' })).code).toBe('amount_invalid');
    expect((await ann.request('POST', `/api/v1/agency-placements/${id}/recoveries`,
      { amount: '1.00' })).statusCode).toBe(403);

    const list = await mia.request('GET', '/api/v1/agency-placements');
    expect(list.statusCode).toBe(200);
    expect(list.json().items).toEqual([expect.objectContaining({ id, accountNumber: 'Q-1',
      agency: 'Acme Recovery', placedOn: '2026-06-30', placed: '1000.00', recovered: '400.01',
      commission: '100.00', netRecovered: '300.01', outstanding: '599.99',
      commissionPercent: '25.00', status: 'placed',
      recoveries: [expect.objectContaining({ amount: '400.01', recoveredOn: '2026-06-30',
        note: 'first remittance', createdBy: 'mia' })] })]);
    for (const who of [ann, rex, aud]) {
      expect((await who.request('GET', '/api/v1/agency-placements')).statusCode).toBe(403);
    }

    const back = await mia.request('POST', `/api/v1/agency-placements/${id}/recall`,
      { reason: 'customer paid the rest directly' });
    expect(back.json().placement).toMatchObject({ status: 'recalled', recalledOn: '2026-06-30' });
    expect(problemOf(await mia.request('POST', `/api/v1/agency-placements/${id}/recoveries`,
      { amount: '1.00' })).code).toBe('placement_already_recalled');
    expect((await mia.request('GET', '/api/v1/agency-placements')).json().items).toEqual([]);
    expect((await mia.request('GET', '/api/v1/agency-placements?status=recalled')).json()
      .items.map((p: { id: number }) => p.id)).toEqual([id]);
    const audit = await s.db.query<{ action: string }>(
      `SELECT action FROM audit_log WHERE entity_type = 'agency_placement' AND entity_id = $1
       ORDER BY id`, [String(id)]);
    expect(audit.rows.map((a) => a.action)).toEqual(['agency.place', 'agency.recovery',
      'agency.recall']);
  });
});

describe('dunning runs', () => {
  it('lists past runs with their messages counted by status and channel', async () => {
    const run = await mia.request('POST', '/api/v1/dunning/runs', { runKey: 'queues-1' });
    expect(run.statusCode, run.body).toBe(201);
    const again = await mia.request('POST', '/api/v1/dunning/runs', { runKey: 'queues-2' });
    expect(again.json().run).toMatchObject({ messages: 0 });
    const list = await mia.request('GET', '/api/v1/dunning/runs');
    expect(list.statusCode).toBe(200);
    const [second, first] = list.json().items;
    expect(second).toMatchObject({ runKey: 'queues-2', status: 'completed', messageCount: 0,
      byStatus: {}, asOf: '2026-06-30', startedBy: 'mia' });
    expect(first).toMatchObject({ runKey: 'queues-1', status: 'completed',
      messageCount: run.json().run.messages, sendCount: run.json().run.sends });
    const counted = Object.values(first.byChannel as Record<string, number>)
      .reduce((a, b) => a + b, 0);
    expect(counted).toBe(run.json().run.messages);
    expect(counted).toBeGreaterThan(0);
    for (const who of [ann, rex, aud]) {
      expect((await who.request('GET', '/api/v1/dunning/runs')).statusCode).toBe(403);
    }
  });
});
