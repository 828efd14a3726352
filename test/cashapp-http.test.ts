import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OWN, openOf, seedLedger, type Seeded } from './cashapp-support.ts';
import { problemOf, testServer, type TestServer } from './support/http.ts';

let s: TestServer;
let seeded: Seeded;
let token: string;
beforeAll(async () => {
  s = await testServer();
  seeded = await seedLedger(s.db);
  await s.addUser('cash', 'cash_application');
  await s.addUser('rep', 'sales_rep');
  token = await s.token('cash');
});
afterAll(async () => s.close());

const upload = (file: string, as = token) => s.inject({
  method: 'POST', url: `/api/v1/cashapp/bank-files?fileName=${encodeURIComponent(file)}`,
  payload: readFileSync(join(OWN, file)),
  headers: { authorization: `Bearer ${as}`, 'content-type': 'application/octet-stream' },
});

describe('cash application over HTTP', () => {
  it('uploads a bank file: 201, then 200 for the same file again', async () => {
    const r = await upload('lockbox-sample.csv');
    expect(r.statusCode).toBe(201);
    expect(r.json()).toMatchObject({ status: 'imported', autoApplied: 3, review: 2 });
    const again = await upload('lockbox-sample.csv');
    expect(again.statusCode).toBe(200);
    expect(again.json().status).toBe('already_imported');
  });

  it('a malformed file is a problem with the record and reason', async () => {
    const r = await s.inject({
      method: 'POST', url: '/api/v1/cashapp/bank-files?fileName=bad.bai2',
      payload: Buffer.from('00,bad\n'),
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/octet-stream' },
    });
    expect(r.statusCode).toBe(422);
    expect(problemOf(r)).toMatchObject({ code: 'bank_file_malformed', record: 1 });
  });

  it('lists the research queue with suggestions; accept, note, apply, mark', async () => {
    const q = await s.asToken(token, 'GET', '/api/v1/cashapp/research-queue');
    expect(q.statusCode).toBe(200);
    const items = q.json().items as { paymentId: number; reference: string;
      suggestion: { allocations: { documentNumber: string }[] } | null }[];
    expect(q.json().byAge[0]).toMatchObject({ label: '0-7' });
    const short = items.find((i) => i.reference === '1002')!;
    expect(short.suggestion!.allocations[0]!.documentNumber).toBe('INV-1006');
    const acc = await s.asToken(token, 'POST', `/api/v1/cashapp/payments/${short.paymentId}/accept`);
    expect(acc.statusCode).toBe(200);
    expect(await openOf(s.db, seeded.docs.get('INV-1006')!)).toBe(0);
    const smith = items.find((i) => i.reference === '1001')!;
    const url = `/api/v1/cashapp/payments/${smith.paymentId}`;
    expect((await s.asToken(token, 'POST', `${url}/notes`, { note: 'who?' })).statusCode)
      .toBe(201);
    const apply = await s.asToken(token, 'POST', `${url}/apply`, {
      account: 'C-3003', lines: [{ documentNumber: 'INV-9002', amount: '99.99' }] });
    expect(apply.statusCode).toBe(200);
    expect(await openOf(s.db, seeded.docs.get('INV-9002')!)).toBe(77700 - 9999);
    const mark = await s.asToken(token, 'POST', `${url}/state`, { state: 'unidentified' });
    expect(mark.statusCode).toBe(200);
    const none = await s.asToken(token, 'POST', '/api/v1/cashapp/payments/999999/accept');
    expect(problemOf(none).code).toBe('payment_not_found');
  });

  it('a sales rep may not upload', async () => {
    const rep = await s.token('rep');
    const r = await upload('lockbox-sample.csv', rep);
    expect(r.statusCode).toBe(403);
  });
});
