import { readFileSync } from 'node:fs';
import type { Db, Queryable } from '../../src/db/connection.ts';

/**
 * Wall time per statement (its first 90 characters, whitespace folded), for --profile, and on
 * PostgreSQL the CPU time of the backend that ran it: on a shared machine a steadier measure
 * than wall time, which waits for every other process on the same cores.
 */
export class StatementTimes {
  private readonly times = new Map<string, { ms: number; cpu: number; calls: number }>();
  /** CPU seconds of the PostgreSQL backends in timed transactions (see timedDb). */
  backendCpuSeconds?: number;

  add(sql: string, ms: number, cpuSeconds = 0): void {
    const key = sql.replace(/\s+/g, ' ').trim().slice(0, 90);
    const t = this.times.get(key) ?? { ms: 0, cpu: 0, calls: 0 };
    t.ms += ms;
    t.cpu += cpuSeconds;
    t.calls += 1;
    this.times.set(key, t);
  }

  /** The statements taking at least `minMs` in all, slowest first. */
  lines(minMs = 100): string[] {
    return [...this.times].filter(([, t]) => t.ms >= minMs).sort((a, b) => b[1].ms - a[1].ms)
      .map(([sql, t]) => `${(t.ms / 1000).toFixed(1).padStart(7)} s `
        + `${this.backendCpuSeconds === undefined ? '' : `cpu ${t.cpu.toFixed(1).padStart(5)} s `}`
        + `${String(t.calls).padStart(6)}x  ${sql}`);
  }
}

/**
 * CPU seconds (user + system) a process has used so far, from /proc: for a PostgreSQL backend
 * on this machine; undefined where /proc does not show it (another host, PGlite).
 */
export function processCpuSeconds(pid: number): number | undefined {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    // utime and stime are fields 14 and 15 of stat, 12 and 13 after the command name.
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return undefined;
  }
}

function timedQueryable(q: Queryable, times: StatementTimes, pid?: number): Queryable {
  const timed = async <T>(key: string, run: () => Promise<T>): Promise<T> => {
    const started = performance.now();
    const cpu = pid === undefined ? undefined : processCpuSeconds(pid);
    try {
      return await run();
    } finally {
      const after = pid === undefined ? undefined : processCpuSeconds(pid);
      times.add(key, performance.now() - started,
        cpu !== undefined && after !== undefined ? after - cpu : 0);
    }
  };
  return {
    query: (sql, params, options) => timed(sql, () => q.query(sql, params, options)),
    copyRows: (table, columns, rows) => timed(`COPY ${table}`,
      () => q.copyRows(table, columns, rows)),
  } as Queryable;
}

/**
 * `db` with every statement's wall time added to `times` (in and out of transactions), and on
 * PostgreSQL the CPU time of each transaction's backend, by statement and in all (while the
 * transaction's work ran) to `times.backendCpuSeconds`.
 */
export function timedDb(db: Db, times: StatementTimes): Db {
  return {
    ...timedQueryable(db, times),
    kind: db.kind,
    transaction: (fn) => db.transaction(async (tx) => {
      const pid = db.kind === 'postgres'
        ? (await tx.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]!.pid
        : undefined;
      const before = pid === undefined ? undefined : processCpuSeconds(pid);
      try {
        return await fn(timedQueryable(tx, times, before === undefined ? undefined : pid));
      } finally {
        const after = pid === undefined ? undefined : processCpuSeconds(pid);
        if (before !== undefined && after !== undefined) {
          times.backendCpuSeconds = (times.backendCpuSeconds ?? 0) + after - before;
        }
      }
    }),
    close: () => db.close(),
  };
}
