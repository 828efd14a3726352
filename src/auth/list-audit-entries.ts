import type { Queryable } from '../db/connection.ts';
import type { IsoDate } from '../domain/dates.ts';
import { isoInstant } from './users.ts';

// Reading the audit log (it is append-only: database triggers refuse updates and deletes).

export interface AuditQuery {
  /** The actor's name (a username, `cli:<os user>`, a job). */
  user?: string;
  /** A customer's account number, or its id. */
  customer?: string;
  /** An action ("customer.update") or a family of them ("customer"). */
  action?: string;
  /** Inclusive UTC calendar dates. */
  from?: IsoDate;
  to?: IsoDate;
  limit?: number;
  offset?: number;
}

export interface AuditEntry {
  id: number;
  at: string;
  actor: string;
  actorKind: string;
  action: string;
  entityType: string;
  entityId: string | null;
  customerId: number | null;
  /** The customer's account number (what people know it by), when there is a customer. */
  customerAccount: string | null;
  before: unknown;
  after: unknown;
  source: string | null;
}

interface AuditRow {
  id: number; at: unknown; actor: string; actor_kind: string; action: string;
  entity_type: string; entity_id: string | null; customer_id: number | null;
  customer_account: string | null; before: unknown;
  after: unknown; source: string | null;
}

/** Entries newest first, filtered, one page at a time, with the total that match. */
export async function listAuditEntries(
  db: Queryable, query: AuditQuery,
): Promise<{ items: AuditEntry[]; total: number }> {
  const where: string[] = [];
  const params: unknown[] = [];
  const add = (sql: string, ...values: unknown[]): void => {
    const first = params.length;
    params.push(...values);
    where.push(sql.replace(/\$(\d)/g, (_, n: string) => `$${first + Number(n)}`));
  };
  if (query.user) add('a.actor = $1', query.user);
  if (query.customer) {
    // The account number wins; a number that is no account is read as the customer's id.
    const id = /^\d{1,15}$/.test(query.customer) ? Number(query.customer) : null;
    add(`a.customer_id = coalesce(
      (SELECT c.id FROM customers c WHERE c.account_number = $1), $2::bigint)`,
    query.customer, id);
  }
  if (query.action) add(`(a.action = $1 OR a.action LIKE $2)`, query.action,
    `${query.action.replace(/[\\%_]/g, (ch) => `\\${ch}`)}.%`);
  if (query.from) add(`a.at >= ($1::date)::timestamp AT TIME ZONE 'UTC'`, query.from);
  if (query.to) add(`a.at < ($1::date + 1)::timestamp AT TIME ZONE 'UTC'`, query.to);
  const whereSql = where.length ? `WHERE ${where.join(' AND ')}` : '';
  const limit = Math.min(Math.max(query.limit ?? 50, 1), 500);
  const offset = Math.max(query.offset ?? 0, 0);
  const rows = await db.query<AuditRow>(
    `SELECT a.id, a.at, a.actor, a.actor_kind, a.action, a.entity_type, a.entity_id,
       a.customer_id, c.account_number AS customer_account, a.before, a.after, a.source
     FROM audit_log a LEFT JOIN customers c ON c.id = a.customer_id
     ${whereSql} ORDER BY a.id DESC LIMIT ${limit} OFFSET ${offset}`,
    params,
  );
  const count = await db.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM audit_log a ${whereSql}`, params);
  return {
    items: rows.rows.map((r) => ({
      id: r.id, at: isoInstant(r.at), actor: r.actor, actorKind: r.actor_kind, action: r.action,
      entityType: r.entity_type, entityId: r.entity_id, customerId: r.customer_id,
      customerAccount: r.customer_account, before: r.before, after: r.after, source: r.source,
    })),
    total: count.rows[0]?.n ?? 0,
  };
}
