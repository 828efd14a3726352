import type { Queryable } from '../db/connection.ts';
import type { IsoDate } from '../domain/dates.ts';

export interface DunningRunEntry {
  id: number;
  runKey: string;
  asOf: IsoDate;
  status: 'running' | 'completed' | 'failed';
  messageCount: number;
  sendCount: number;
  startedBy: string;
  startedAt: string;
  finishedAt: string | null;
  /** The run's messages by delivery status (queued, sent, task, failed, no_recipient). */
  byStatus: Record<string, number>;
  /** The run's messages by channel (email, letter, fax, call_task). */
  byChannel: Record<string, number>;
}

/** Past dunning runs, newest first, with their messages counted by status and channel. */
export async function listDunningRuns(
  db: Queryable, limit: number,
): Promise<DunningRunEntry[]> {
  const r = await db.query<Omit<DunningRunEntry, 'byStatus' | 'byChannel'>>(
    `SELECT id, run_key AS "runKey", as_of AS "asOf", status, message_count AS "messageCount",
       send_count AS "sendCount", started_by AS "startedBy", started_at AS "startedAt",
       finished_at AS "finishedAt"
     FROM dunning_runs ORDER BY started_at DESC, id DESC LIMIT $1`, [limit]);
  if (r.rows.length === 0) return [];
  const counts = await db.query<{ runId: number; status: string; channel: string; n: number }>(
    `SELECT run_id AS "runId", status, channel, count(*)::int AS n FROM dunning_messages
     WHERE run_id = ANY($1::bigint[]) GROUP BY run_id, status, channel`,
    [r.rows.map((x) => x.id)]);
  return r.rows.map((run) => {
    const byStatus: Record<string, number> = {};
    const byChannel: Record<string, number> = {};
    for (const c of counts.rows.filter((x) => x.runId === run.id)) {
      byStatus[c.status] = (byStatus[c.status] ?? 0) + c.n;
      byChannel[c.channel] = (byChannel[c.channel] ?? 0) + c.n;
    }
    return { ...run, byStatus, byChannel };
  });
}
