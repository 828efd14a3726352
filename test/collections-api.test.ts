import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Cents } from '../src/domain/money.ts';
import { postDocument } from '../src/ledger/post-document.ts';
import { createCustomer } from '../src/ledger/create-customer.ts';
import { problemOf, setup, testServer, type Browser, type TestServer } from './support/http.ts';

// The collections API as a collector, a manager and a sales rep use it; today is 2026-06-30.

let s: TestServer;
let ann: Browser;
let mia: Browser;
let rex: Browser;
let own: number;
let foreign: number;
let invoice: number;
let second: number;

beforeAll(async () => {
  s = await testServer();
  await s.addUser('ann', 'collector', 'Ann');
  await s.addUser('mia', 'ar_manager', 'Mia');
  await s.addUser('rex', 'sales_rep', 'Rex');
  [ann, mia, rex] = [await s.signIn('ann'), await s.signIn('mia'), await s.signIn('rex')];
  const customer = async (account: string, collector: string) => {
    const r = await createCustomer(s.db, setup, { accountNumber: account, name: `${account} Inc`,
      collector, salesRep: 'Rex' });
    if (!r.ok) throw new Error(r.error.code);
    return r.value.id;
  };
  own = await customer('API-1', 'Ann');
  foreign = await customer('API-2', 'Bob');
  const post = async (customerId: number, number: string, amount: number, due: string) => {
    const r = await postDocument(s.db, setup, { type: 'invoice', customerId, number,
      documentDate: '2026-03-01', dueDate: due, amountCents: amount as Cents });
    if (!r.ok) throw new Error(r.error.code);
    return r.value.document.id;
  };
  invoice = await post(own, 'API-INV-1', 4_218_000, '2026-04-20');
  second = await post(own, 'API-INV-2', 20_000, '2026-06-20');
  await post(foreign, 'API-INV-3', 50_000, '2026-04-20');
});
afterAll(async () => s.close());

describe('collections API', () => {
  it('a collector works their list: worklist, call with a promise, dispute', async () => {
    const list = await ann.request('GET', '/api/v1/worklist');
    expect(list.statusCode).toBe(200);
    expect(list.json().items.map((e: { accountNumber: string }) => e.accountNumber))
      .toEqual(['API-1']);
    expect(list.json().items[0]).toMatchObject({ collectiblePastDue: '42380.00',
      reason: '$42,180 past 60+ ($42,380 past due), never contacted' });

    const call = await ann.request('POST', `/api/v1/customers/${own}/activities`, {
      kind: 'call', outcome: 'promise', contactName: 'Pat AP', documentIds: [invoice],
      followUpOn: '2026-07-03' });
    expect(call.statusCode).toBe(201);
    const promise = await ann.request('POST', `/api/v1/customers/${own}/promises`, {
      amount: '42180.00', promisedOn: '2026-07-02', documentIds: [invoice],
      activityId: call.json().activity.id });
    expect(promise.statusCode).toBe(201);
    expect(promise.json().promise).toMatchObject({ amount: '42180.00', status: 'open' });
    const dispute = await ann.request('POST', `/api/v1/customers/${own}/disputes`, {
      reasonCode: 'pricing', items: [{ documentId: second, amount: '50.00' }],
      note: 'wrong price' });
    expect(dispute.statusCode).toBe(201);
    const id = dispute.json().dispute.id as number;
    expect((await ann.request('PATCH', `/api/v1/disputes/${id}`, { status: 'in_review' }))
      .statusCode).toBe(200);
    const skip = await ann.request('PATCH', `/api/v1/disputes/${id}`, { status: 'closed' });
    expect(problemOf(skip).code).toBe('dispute_transition_not_allowed');

    const timeline = await rex.request('GET', `/api/v1/customers/${own}/activities`);
    expect(timeline.statusCode).toBe(200);
    expect(timeline.json().items[0]).toMatchObject({ kind: 'call', contactName: 'Pat AP',
      documentIds: [invoice] });
    const after = await ann.request('GET', '/api/v1/worklist');
    expect(after.json().items[0].reason).toBe('$150 past due, 1 open dispute');
    expect(after.json().items[0]).toMatchObject({ openPromise: true, openDisputes: 1,
      brokenPromise: false, promiseDueToday: false, lastContactOn: '2026-06-30' });

    const promises = await rex.request('GET', `/api/v1/customers/${own}/promises`);
    expect(promises.statusCode).toBe(200);
    expect(promises.json().items).toEqual([expect.objectContaining({ amount: '42180.00',
      paid: '0.00', status: 'open', promisedOn: '2026-07-02', documentIds: [invoice],
      activityId: call.json().activity.id })]);
    const disputes = await rex.request('GET', `/api/v1/customers/${own}/disputes`);
    expect(disputes.json().items).toEqual([expect.objectContaining({ id, status: 'in_review',
      reasonCode: 'pricing', amount: '50.00', items: [{ documentId: second, amount: '50.00' }] })]);
    // Reading is book-wide for a collector; there is nothing disputed on the other account.
    expect((await ann.request('GET', `/api/v1/customers/${foreign}/disputes`)).json().items)
      .toEqual([]);
  });

  it('keeps collectors to their portfolio and sales reps read-only', async () => {
    const r = await ann.request('POST', `/api/v1/customers/${foreign}/activities`,
      { kind: 'note', body: 'not mine' });
    expect(r.statusCode).toBe(403);
    expect(problemOf(await ann.request('GET', '/api/v1/worklist?all=true')).code)
      .toBe('forbidden');
    expect((await rex.request('POST', `/api/v1/customers/${own}/activities`,
      { kind: 'note', body: 'x' })).statusCode).toBe(403);
    const all = await mia.request('GET', '/api/v1/worklist?all=true');
    expect(all.json().items.map((e: { accountNumber: string }) => e.accountNumber).sort())
      .toEqual(['API-1', 'API-2']);
  });

  it('a manager runs dunning twice: the second run sends nothing new', async () => {
    const preview = await mia.request('GET', '/api/v1/dunning/preview');
    expect(preview.statusCode).toBe(200);
    const first = await mia.request('POST', '/api/v1/dunning/runs', { runKey: 'api-1' });
    expect(first.statusCode).toBe(201);
    expect(first.json().run.messages).toBe(preview.json().messages.length);
    expect(first.json().run.messages).toBeGreaterThan(0);
    const second = await mia.request('POST', '/api/v1/dunning/runs', { runKey: 'api-2' });
    expect(second.json().run).toMatchObject({ messages: 0, sends: 0 });
    expect(problemOf(await mia.request('POST', '/api/v1/dunning/runs', { runKey: 'api-1' }))
      .code).toBe('dunning_run_key_taken');
    expect((await ann.request('POST', '/api/v1/dunning/runs', {})).statusCode).toBe(403);
  });

  it('write-off: a collector asks, a manager approves within the limit', async () => {
    const req = await ann.request('POST', `/api/v1/customers/${foreign}/write-off-requests`,
      { reason: 'x', documentIds: [1] });
    expect(req.statusCode).toBe(403);
    const asked = await mia.request('POST', `/api/v1/customers/${foreign}/write-off-requests`, {
      reason: 'bankrupt', documentIds: [(await s.db.query<{ id: number }>(
        `SELECT id FROM documents WHERE number = 'API-INV-3'`)).rows[0]!.id] });
    expect(asked.statusCode).toBe(201);
    const rid = asked.json().writeOffRequest.id as number;
    expect(problemOf(await mia.request('POST', `/api/v1/write-off-requests/${rid}/decision`,
      { approve: true })).code).toBe('approver_must_not_be_requester');
    await s.addUser('cal', 'credit_manager', 'Cal');
    const cal = await s.signIn('cal');
    const done = await cal.request('POST', `/api/v1/write-off-requests/${rid}/decision`,
      { approve: true });
    expect(done.statusCode).toBe(200);
    expect(done.json().writeOffRequest).toMatchObject({ status: 'approved', amount: '500.00' });
    expect((await ann.request('POST', `/api/v1/write-off-requests/${rid}/decision`,
      { approve: true })).statusCode).toBe(403);
  });

  it('answers problem+json for email without SMTP and unknown disputes', async () => {
    const r = await ann.request('POST', `/api/v1/customers/${own}/statement-emails`, {});
    expect(problemOf(r).code).toBe('email_not_configured');
    const d = await ann.request('PATCH', '/api/v1/disputes/999999', { status: 'in_review' });
    expect(d.statusCode).toBe(404);
  });
});
