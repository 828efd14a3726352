import type { FastifyReply, FastifyRequest } from 'fastify';
import { gzipSync } from 'node:zlib';
import type { Queryable } from '../db/connection.ts';
import { Snapshots } from '../db/snapshot.ts';

// The answers of the busiest reads (the customer list, the account header, its open items),
// kept in memory and reused only while the database is exactly as it was when they were
// computed: each request reads the database's snapshot (src/db/snapshot.ts; one shared round trip
// per burst) and an answer tagged with the same snapshot is sent as it is. Any commit anywhere
// (a payment, an import, another instance, the CLI) changes the snapshot, so nothing stale is
// ever served: no time-to-live, no invalidation to forget. What varies with the caller (a sales
// rep's portfolio) or the clock (today) is part of the key.

interface Entry {
  snapshot: string;
  body: Buffer;
}

export interface ReadCacheStats {
  hits: number;
  misses: number;
  entries: number;
  bytes: number;
}

export class ReadCache {
  readonly maxBytes: number;
  readonly #snapshots: Snapshots;
  readonly #entries = new Map<string, Entry>();
  #bytes = 0;
  #hits = 0;
  #misses = 0;

  /**
   * At most `maxBytes` of answers (config ARC_READ_CACHE_MB), the least recently used going
   * first; 0 turns the cache off: every answer is computed.
   */
  constructor(db: Queryable, maxBytes: number) {
    this.#snapshots = new Snapshots(db);
    this.maxBytes = Math.max(0, maxBytes);
  }

  /**
   * The JSON answer for `key`: the one computed at the database's current snapshot if kept,
   * else `compute()`'s, kept for the next caller. `compute` answers undefined for "no such
   * thing" (nothing is kept; the caller answers it).
   */
  json(key: string, compute: () => Promise<unknown>): Promise<Buffer | undefined> {
    return this.bytes(key, async () => {
      const value = await compute();
      return value === undefined ? undefined : Buffer.from(JSON.stringify(value));
    });
  }

  /** As json(), for an answer already in bytes (a CSV or XLSX download, JSON text). */
  async bytes(
    key: string, compute: () => Promise<Buffer | undefined>,
  ): Promise<Buffer | undefined> {
    if (this.maxBytes === 0) return compute();
    const snapshot = await this.#snapshots.current();
    const kept = this.#entries.get(key);
    if (kept && kept.snapshot === snapshot) {
      this.#hits++;
      // Most recently used last.
      this.#entries.delete(key);
      this.#entries.set(key, kept);
      return kept.body;
    }
    this.#misses++;
    const body = await compute();
    if (body === undefined) return undefined;
    // Tagged with the snapshot read before computing: if a later reading equals it, nothing
    // committed in between, so the statements of compute() saw exactly that state.
    this.#keep(key, { snapshot, body });
    return body;
  }

  stats(): ReadCacheStats {
    return { hits: this.#hits, misses: this.#misses, entries: this.#entries.size,
      bytes: this.#bytes };
  }

  #keep(key: string, entry: Entry): void {
    const old = this.#entries.get(key);
    if (old) {
      this.#bytes -= old.body.length;
      this.#entries.delete(key);
    }
    if (entry.body.length > this.maxBytes / 8) return;
    this.#entries.set(key, entry);
    this.#bytes += entry.body.length;
    for (const [k, e] of this.#entries) {
      if (this.#bytes <= this.maxBytes) break;
      this.#entries.delete(k);
      this.#bytes -= e.body.length;
    }
  }
}

/**
 * A cache key: the route and every value the answer depends on (query, caller's scope, today),
 * objects written with sorted keys so that the order of a query string's fields does not matter.
 */
export function readKey(route: string, ...parts: unknown[]): string {
  return `${route}|${parts.map((p) => JSON.stringify(p, sortedKeys)).join('|')}`;
}

function sortedKeys(_key: string, value: unknown): unknown {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return value;
  const o = value as Record<string, unknown>;
  return Object.fromEntries(Object.keys(o).sort().map((k) => [k, o[k]]));
}

/** Answers under this go out as they are: kept ones here, all others by @fastify/compress. */
export const GZIP_FROM_BYTES = 2048;
/** The gzipped form of a body the cache answered, made once per kept body (same Buffer). */
const gzipped = new WeakMap<Buffer, Buffer>();

/**
 * Sends a body the cache answered, gzipped once for every client that accepts it: a kept answer
 * is the same Buffer on every hit, so its compressed form is kept beside it (until the answer
 * is dropped) instead of streaming it through zlib again for each request.
 */
export function sendKept(
  request: FastifyRequest, reply: FastifyReply, body: Buffer,
  type = 'application/json; charset=utf-8',
): FastifyReply {
  reply.type(type).header('vary', 'accept-encoding');
  if (body.length < GZIP_FROM_BYTES || !acceptsGzip(request.headers['accept-encoding'])) {
    return reply.send(body);
  }
  let zipped = gzipped.get(body);
  if (!zipped) {
    zipped = gzipSync(body, { level: 1 });
    gzipped.set(body, zipped);
  }
  return reply.header('content-encoding', 'gzip').send(zipped);
}

/** Whether an Accept-Encoding header admits gzip (not refused with q=0). */
export function acceptsGzip(header: string | string[] | undefined): boolean {
  const text = Array.isArray(header) ? header.join(',') : header ?? '';
  return text.split(',').some((part) => {
    const [name, ...params] = part.trim().toLowerCase().split(';');
    if (name !== 'gzip' && name !== '*') return false;
    const q = params.map((p) => /^\s*q=([\d.]+)\s*$/.exec(p)).find((m) => m);
    return !q || Number(q[1]) > 0;
  });
}
