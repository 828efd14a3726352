import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { acceptsGzip } from '../src/http/read-cache.ts';
import { testServer, type Browser, type TestServer } from './support/http.ts';

// Answers over 2 KB go out gzipped to clients that accept it; the idempotency replay keeps the
// answer uncompressed, so a client that does not accept gzip gets plain JSON on a replay.

let s: TestServer;
let manager: Browser;
let acme: number;

beforeAll(async () => {
  s = await testServer();
  await s.addUser('mia', 'ar_manager', 'Mia Manager');
  manager = await s.signIn('mia');
  const r = await manager.request('POST', '/api/v1/customers', { account: 'A100', name: 'Acme' });
  acme = r.json().customer.id as number;
  for (let i = 0; i < 40; i++) {
    await manager.request('POST', '/api/v1/items', { customerId: acme, type: 'invoice',
      number: `INV-${i}`, date: '2026-05-01', amount: `${100 + i}.00` });
  }
});
afterAll(async () => s.close());

describe('compressed answers', () => {
  it('gzips a large answer for a client that accepts it, the same JSON inside', async () => {
    const url = `/api/v1/customers/${acme}/items?status=all`;
    const plain = await manager.request('GET', url);
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.body.length).toBeGreaterThan(2048);
    const zipped = await manager.request('GET', url, undefined, { 'accept-encoding': 'gzip' });
    expect(zipped.headers['content-encoding']).toBe('gzip');
    expect(zipped.rawPayload.length).toBeLessThan(plain.body.length / 3);
    expect(JSON.parse(gunzipSync(zipped.rawPayload).toString())).toEqual(plain.json());
  });

  it('leaves a small answer alone', async () => {
    const r = await manager.request('GET', `/api/v1/customers/${acme}`, undefined,
      { 'accept-encoding': 'gzip' });
    expect(r.body.length).toBeLessThan(2048);
    expect(r.headers['content-encoding']).toBeUndefined();
  });

  it('replays an idempotent answer uncompressed to a client without gzip', async () => {
    // A lockbox file of 300 checks: its answer lists every payment, well over 2 KB.
    const rows = Array.from({ length: 300 },
      (_, i) => `1,${i + 1},${5000 + i},12.34,Payer ${i},2026-06-30`);
    const file = ['batch,item,check_number,amount,payer_name,deposit_date', ...rows]
      .join('\n') + '\n';
    const upload = (headers: Record<string, string>) => s.inject({ method: 'POST',
      url: '/api/v1/cashapp/bank-files?fileName=lockbox.csv', payload: file,
      cookies: { arc_session: manager.cookie },
      headers: { 'content-type': 'application/octet-stream', 'x-csrf-token': manager.csrfToken,
        'idempotency-key': 'lockbox-gzip-1', ...headers } });
    const first = await upload({ 'accept-encoding': 'gzip' });
    expect(first.statusCode, first.body).toBeLessThan(300);
    expect(first.headers['content-encoding']).toBe('gzip');
    const firstJson = JSON.parse(gunzipSync(first.rawPayload).toString());
    expect(firstJson.paymentIds).toHaveLength(300);
    // Kept as sent, uncompressed: a replay answers it rather than running the request again.
    const kept = await s.db.query<{ body: string | null }>(
      `SELECT body FROM idempotency_keys WHERE key = 'lockbox-gzip-1'`);
    expect(JSON.parse(kept.rows[0]?.body ?? 'null')).toEqual(firstJson);
    const again = await upload({});
    expect(again.statusCode).toBe(first.statusCode);
    expect(again.headers['content-encoding']).toBeUndefined();
    expect(again.json()).toEqual(firstJson);
  });

  it('sends a kept answer gzipped, the same form on a repeat, and CSV too', async () => {
    const url = '/api/v1/aging?by=customer&detail=true';
    const plain = await manager.request('GET', url);
    expect(plain.headers.vary).toContain('accept-encoding');
    for (let i = 0; i < 2; i++) {
      const zipped = await manager.request('GET', url, undefined,
        { 'accept-encoding': 'br;q=1, gzip;q=0.8' });
      expect(zipped.headers['content-encoding']).toBe('gzip');
      expect(JSON.parse(gunzipSync(zipped.rawPayload).toString())).toEqual(plain.json());
    }
    const csv = await manager.request('GET', `${url}&format=csv`, undefined,
      { 'accept-encoding': 'gzip' });
    expect(csv.headers['content-type']).toContain('text/csv');
    expect(gunzipSync(csv.rawPayload).toString()).toContain('A100');
    const refused = await manager.request('GET', url, undefined,
      { 'accept-encoding': 'gzip;q=0, identity' });
    expect(refused.headers['content-encoding']).toBeUndefined();
    expect(refused.json()).toEqual(plain.json());
  });

  it('reads Accept-Encoding as HTTP does', () => {
    expect(acceptsGzip('gzip, deflate, br')).toBe(true);
    expect(acceptsGzip('br;q=1.0, GZIP;q=0.5')).toBe(true);
    expect(acceptsGzip('*')).toBe(true);
    expect(acceptsGzip('gzip;q=0')).toBe(false);
    expect(acceptsGzip('identity')).toBe(false);
    expect(acceptsGzip(undefined)).toBe(false);
    expect(acceptsGzip(['deflate', 'gzip'])).toBe(true);
  });
});
