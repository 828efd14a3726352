import type { Queryable } from '../db/connection.ts';
import { escalationStage, type EscalationStage } from '../domain/collections/escalations.ts';

export interface EscalationEntry {
  id: number;
  customerId: number;
  accountNumber: string;
  customerName: string;
  collector: string | null;
  currency: string;
  balanceCents: number;
  pastDueCents: number;
  note: string;
  escalatedTo: string | null;
  stage: EscalationStage;
  /** Usernames as the audit log has them, with the person's display name when known. */
  createdBy: string;
  createdByName: string | null;
  createdAt: string;
  acknowledgedBy: string | null;
  acknowledgedByName: string | null;
  acknowledgedAt: string | null;
  acknowledgeNote: string | null;
  resolvedBy: string | null;
  resolvedByName: string | null;
  resolvedAt: string | null;
  resolutionNote: string | null;
}

export const ESCALATION_FILTERS = ['open', 'new', 'acknowledged', 'resolved', 'all'] as const;
export type EscalationFilter = (typeof ESCALATION_FILTERS)[number];

const STAGE_SQL: Record<EscalationFilter, string> = {
  open: `e.status = 'open'`,
  new: `e.status = 'open' AND e.acknowledged_at IS NULL`,
  acknowledged: `e.status = 'open' AND e.acknowledged_at IS NOT NULL`,
  resolved: `e.status = 'closed'`,
  all: 'true',
};

export const ESCALATION_COLUMNS = `e.id, e.customer_id AS "customerId",
  c.account_number AS "accountNumber", c.name AS "customerName", c.collector, c.currency,
  coalesce(s.balance_cents, 0) AS "balanceCents", coalesce(s.past_due_cents, 0) AS "pastDueCents",
  e.note, e.escalated_to AS "escalatedTo", e.status, e.created_by AS "createdBy",
  u.display_name AS "createdByName", e.created_at AS "createdAt",
  e.acknowledged_by AS "acknowledgedBy", e.acknowledged_at AS "acknowledgedAt",
  e.acknowledge_note AS "acknowledgeNote", e.resolved_by AS "resolvedBy",
  ua.display_name AS "acknowledgedByName", ur.display_name AS "resolvedByName",
  e.resolved_at AS "resolvedAt", e.resolution_note AS "resolutionNote"`;

export const ESCALATION_FROM = `escalations e JOIN customers c ON c.id = e.customer_id
  LEFT JOIN customer_summary s ON s.customer_id = e.customer_id
  LEFT JOIN users u ON u.username = e.created_by
  LEFT JOIN users ua ON ua.username = e.acknowledged_by
  LEFT JOIN users ur ON ur.username = e.resolved_by`;

type Row = Omit<EscalationEntry, 'stage'> & { status: 'open' | 'closed' };

export function escalationOf({ status, ...row }: Row): EscalationEntry {
  return { ...row, stage: escalationStage({ status, acknowledgedAt: row.acknowledgedAt }) };
}

/**
 * Escalated accounts, oldest open first (resolved ones newest first), with the account's balance
 * and past due. `createdBy` narrows to the escalations one person raised (a collector's view).
 */
export async function listEscalations(db: Queryable, q: {
  filter: EscalationFilter; escalatedTo?: string; createdBy?: string; limit: number;
}): Promise<EscalationEntry[]> {
  const params: unknown[] = [q.limit];
  const parts = [STAGE_SQL[q.filter]];
  if (q.escalatedTo) parts.push(`e.escalated_to = $${params.push(q.escalatedTo)}`);
  if (q.createdBy) parts.push(`e.created_by = $${params.push(q.createdBy)}`);
  const order = q.filter === 'resolved' ? 'e.resolved_at DESC, e.id DESC'
    : `e.status DESC, e.created_at, e.id`;
  const r = await db.query<Row>(
    `SELECT ${ESCALATION_COLUMNS} FROM ${ESCALATION_FROM}
     WHERE ${parts.join(' AND ')} ORDER BY ${order} LIMIT $1`, params);
  return r.rows.map(escalationOf);
}
