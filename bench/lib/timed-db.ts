import type { Db, Queryable } from '../../src/db/connection.ts';

/** Wall time per statement (its first 90 characters, whitespace folded), for --profile. */
export class StatementTimes {
  private readonly times = new Map<string, { ms: number; calls: number }>();

  add(sql: string, ms: number): void {
    const key = sql.replace(/\s+/g, ' ').trim().slice(0, 90);
    const t = this.times.get(key) ?? { ms: 0, calls: 0 };
    t.ms += ms;
    t.calls += 1;
    this.times.set(key, t);
  }

  /** The statements taking at least `minMs` in all, slowest first. */
  lines(minMs = 100): string[] {
    return [...this.times].filter(([, t]) => t.ms >= minMs).sort((a, b) => b[1].ms - a[1].ms)
      .map(([sql, t]) => `${(t.ms / 1000).toFixed(1).padStart(7)} s ${String(t.calls)
        .padStart(6)}x  ${sql}`);
  }
}

function timedQueryable(q: Queryable, times: StatementTimes): Queryable {
  return {
    async query(sql, params, options) {
      const started = performance.now();
      try {
        return await q.query(sql, params, options);
      } finally {
        times.add(sql, performance.now() - started);
      }
    },
    async copyRows(table, columns, rows) {
      const started = performance.now();
      try {
        await q.copyRows(table, columns, rows);
      } finally {
        times.add(`COPY ${table}`, performance.now() - started);
      }
    },
  } as Queryable;
}

/** `db` with every statement's wall time added to `times` (in and out of transactions). */
export function timedDb(db: Db, times: StatementTimes): Db {
  return {
    ...timedQueryable(db, times),
    kind: db.kind,
    transaction: (fn) => db.transaction((tx) => fn(timedQueryable(tx, times))),
    close: () => db.close(),
  };
}
