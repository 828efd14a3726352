import type { Queryable } from './connection.ts';

/** Who is acting: a signed-in user, an API token, the CLI operator, or the system (jobs). */
export interface Actor {
  name: string;
  kind: 'user' | 'token' | 'cli' | 'system';
  /** Where the request came from: an IP address, "cli", a job name. */
  source?: string;
}

export interface AuditRecord {
  action: string;
  entityType: string;
  entityId?: string | number | null;
  customerId?: number | null;
  before?: unknown;
  after?: unknown;
}

/** Appends to the audit log, in the caller's transaction so it commits with the change. */
export async function writeAudit(tx: Queryable, actor: Actor, record: AuditRecord): Promise<void> {
  await tx.query(
    `INSERT INTO audit_log
       (actor, actor_kind, action, entity_type, entity_id, customer_id, before, after, source)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
    [
      actor.name, actor.kind, record.action, record.entityType,
      record.entityId === undefined || record.entityId === null ? null : String(record.entityId),
      record.customerId ?? null,
      record.before === undefined ? null : JSON.stringify(record.before),
      record.after === undefined ? null : JSON.stringify(record.after),
      actor.source ?? null,
    ],
  );
}
