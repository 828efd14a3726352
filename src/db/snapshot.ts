import type { Queryable } from './connection.ts';

/**
 * The database's state as PostgreSQL's MVCC names it: `pg_current_snapshot()` as text,
 * "xmin:xmax:xip_list". Two readings are equal exactly when no transaction has taken a
 * transaction id (begun writing) or ended in between, anywhere on the server: every table then
 * reads the same, so an answer computed between them is still the answer.
 *
 * Why an answer computed after reading S1 is still valid when a later reading equals S1: xmax
 * only grows, so it was the same all along, and a transaction in progress at both readings was in
 * progress in between (a transaction never restarts); every statement in between therefore saw
 * snapshot S1 exactly.
 *
 * Readings are shared: a caller must see a snapshot taken after it asked (a reading already on
 * its way may predate a commit the caller has seen), so callers arriving while a reading is in
 * flight wait for the next one, which is sent when that one returns. Under a burst of requests
 * this costs one round trip per round instead of one per request.
 */
export class Snapshots {
  readonly #db: Queryable;
  /** The reading on its way; too early for anyone asking now. */
  #sent: Promise<string> | undefined;
  /** The reading the callers since #sent share, sent when #sent returns. */
  #queued: Promise<string> | undefined;

  constructor(db: Queryable) {
    this.#db = db;
  }

  /** The database's snapshot, read after this call began. */
  current(): Promise<string> {
    if (this.#sent === undefined) return this.#send();
    if (this.#queued === undefined) {
      const queued = this.#sent.then(settled, settled).then(() => {
        this.#queued = undefined;
        return this.#send();
      });
      this.#queued = queued;
    }
    return this.#queued;
  }

  #send(): Promise<string> {
    const reading = this.#db.query<{ s: string }>(
      'SELECT pg_current_snapshot()::text AS s', [], { prepare: true },
    ).then((r) => {
      const s = r.rows[0]?.s;
      if (s === undefined) throw new Error('pg_current_snapshot() returned no row');
      return s;
    });
    this.#sent = reading;
    const done = (): void => {
      if (this.#sent === reading) this.#sent = undefined;
    };
    reading.then(done, done);
    return reading;
  }
}

const settled = (): void => undefined;
