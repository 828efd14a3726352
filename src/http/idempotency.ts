import type { FastifyInstance, FastifyRequest } from 'fastify';
import { sha256Hex } from '../auth/secrets.ts';
import type { Queryable } from '../db/connection.ts';
import { isUnsafeMethod } from './auth-plugin.ts';
import { sendProblem } from './problem.ts';

// Every write accepts an `Idempotency-Key` header. The first request with a key runs and its
// answer is stored with a hash of the request (method, URL and body); a retry with the same key
// and the same request gets that answer again (`Idempotent-Replayed: true`), with another request
// it is refused with 409. Keys belong to a principal (a user's sessions, or one API token), and
// live in the database, so any app instance can answer the retry. Server errors (5xx) are not
// stored: the retry runs again.

export const IDEMPOTENCY_HEADER = 'idempotency-key';
const KEY_PATTERN = /^[\x21-\x7e]{1,200}$/;

declare module 'fastify' {
  interface FastifyRequest {
    /** The key this request holds while it runs. */
    idempotencySlot: { principal: string; key: string } | null;
  }
}

/** JSON with object keys sorted, so `{a,b}` and `{b,a}` hash the same. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

function requestHash(request: FastifyRequest): string {
  return sha256Hex(`${request.method} ${request.url}\n${canonicalJson(request.body ?? null)}`);
}

type Claim =
  | { kind: 'claimed' }
  | { kind: 'replay'; status: number; contentType: string | null; body: string | null }
  | { kind: 'reused' }
  | { kind: 'in_progress' };

async function claimKey(
  db: Queryable, principal: string, key: string, hash: string, now: Date, attempt = 1,
): Promise<Claim> {
  const inserted = await db.query(
    `INSERT INTO idempotency_keys (principal, key, request_hash, created_at)
     VALUES ($1, $2, $3, $4) ON CONFLICT (principal, key) DO NOTHING`,
    [principal, key, hash, now],
  );
  if (inserted.rowCount === 1) return { kind: 'claimed' };
  const r = await db.query<{
    request_hash: string; status_code: number | null; content_type: string | null;
    body: string | null;
  }>(
    `SELECT request_hash, status_code, content_type, body FROM idempotency_keys
     WHERE principal = $1 AND key = $2`,
    [principal, key],
  );
  const row = r.rows[0];
  // Released between the insert and the select (the first request failed): try again.
  if (!row) {
    return attempt < 3 ? claimKey(db, principal, key, hash, now, attempt + 1)
      : { kind: 'in_progress' };
  }
  if (row.request_hash !== hash) return { kind: 'reused' };
  if (row.status_code === null) return { kind: 'in_progress' };
  return { kind: 'replay', status: row.status_code, contentType: row.content_type, body: row.body };
}

export function registerIdempotency(
  app: FastifyInstance, deps: { db: Queryable; clock: { now(): Date } },
): void {
  const { db } = deps;
  app.decorateRequest('idempotencySlot', null);
  app.addHook('preHandler', async (request, reply) => {
    const key = request.headers[IDEMPOTENCY_HEADER];
    if (key === undefined || !request.principal || !isUnsafeMethod(request.method)) return;
    if (typeof key !== 'string' || !KEY_PATTERN.test(key)) {
      return sendProblem(reply, 'idempotency_key_invalid',
        'Idempotency-Key: 1 to 200 visible ASCII characters, e.g. a UUID');
    }
    const principal = `${request.principal.kind}:${request.principal.tokenId
      ?? request.principal.userId}`;
    const claim = await claimKey(db, principal, key, requestHash(request), deps.clock.now());
    if (claim.kind === 'claimed') {
      request.idempotencySlot = { principal, key };
    } else if (claim.kind === 'replay') {
      if (claim.contentType) reply.header('content-type', claim.contentType);
      return reply.code(claim.status).header('idempotent-replayed', 'true').send(claim.body);
    } else if (claim.kind === 'reused') {
      return sendProblem(reply, 'idempotency_key_reused',
        'this Idempotency-Key was used for a different request; use a new key');
    } else {
      return sendProblem(reply, 'idempotency_request_in_progress',
        'the first request with this Idempotency-Key is still running; retry shortly');
    }
  });
  app.addHook('onSend', async (request, reply, payload) => {
    const slot = request.idempotencySlot;
    if (!slot) return payload;
    request.idempotencySlot = null;
    const storable = payload === undefined || payload === null || typeof payload === 'string';
    if (reply.statusCode >= 500 || !storable) {
      await release(db, slot);
    } else {
      await db.query(
        `UPDATE idempotency_keys SET status_code = $3, content_type = $4, body = $5
         WHERE principal = $1 AND key = $2`,
        [slot.principal, slot.key, reply.statusCode,
          String(reply.getHeader('content-type') ?? '') || null, payload ?? null],
      );
    }
    return payload;
  });
  // A request that never answered (client gone, crash in a hook) gives its key back.
  app.addHook('onResponse', async (request) => {
    if (request.idempotencySlot) await release(db, request.idempotencySlot);
  });
}

async function release(db: Queryable, slot: { principal: string; key: string }): Promise<void> {
  await db.query(
    'DELETE FROM idempotency_keys WHERE principal = $1 AND key = $2 AND status_code IS NULL',
    [slot.principal, slot.key],
  );
}
