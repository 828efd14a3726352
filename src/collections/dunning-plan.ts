import type { Queryable } from '../db/connection.ts';
import type { IsoDate } from '../domain/dates.ts';
import {
  selectDunning, sentKey, type DunningAccount, type DunningItem, type DunningMessage,
  type DunningSelection, type DunningStep,
} from '../domain/collections/dunning.ts';

// Loads what dunning needs for a range of customers, set-based, and asks the domain what each
// account gets. Shared by previewDunning and runDunning.

export interface PlannedAccount {
  customerId: number;
  accountNumber: string;
  name: string;
  currency: string;
  collector: string | null;
  email: string | null;
  fax: string | null;
  selection: DunningSelection;
}

export interface PlannedMessage extends PlannedAccount {
  selection: { kind: 'message'; message: DunningMessage };
}

interface AccountRow {
  customerId: number;
  accountNumber: string;
  name: string;
  currency: string;
  collector: string | null;
  segment: string | null;
  riskClass: number | null;
  strategyId: number | null;
  placed: boolean;
  promisedAccount: boolean;
  email: string | null;
  fax: string | null;
}

/** Every active strategy's steps by strategy id, and the default strategy's id. */
export async function loadStrategies(tx: Queryable) {
  const r = await tx.query<DunningStep & { strategyId: number; isDefault: boolean }>(
    `SELECT t.id, t.strategy_id AS "strategyId", s.is_default AS "isDefault", t.name,
       t.offset_days AS "offsetDays", t.channel, t.template, t.action, t.segments,
       t.risk_class_min AS "riskClassMin", t.min_amount_cents AS "minAmountCents",
       t.skip_disputed AS "skipDisputed"
     FROM dunning_steps t JOIN dunning_strategies s ON s.id = t.strategy_id AND s.active
     ORDER BY t.strategy_id, t.offset_days, t.id`);
  const steps = new Map<number, DunningStep[]>();
  let defaultId: number | null = null;
  for (const { strategyId, isDefault, ...step } of r.rows) {
    if (isDefault) defaultId = strategyId;
    steps.set(strategyId, [...(steps.get(strategyId) ?? []), step]);
  }
  return { steps, defaultId };
}

/** The customer ids to dun, in ascending order, for chunking. */
export async function dunnableCustomerIds(tx: Queryable): Promise<number[]> {
  const r = await tx.query<{ id: number }>(
    `SELECT DISTINCT customer_id AS id FROM documents
     WHERE open_cents > 0 AND customer_id IS NOT NULL ORDER BY customer_id`);
  return r.rows.map((x) => x.id);
}

/** What each customer in `ids` gets today; `strategies` from loadStrategies. */
export async function planDunning(
  tx: Queryable, ids: readonly number[], asOf: IsoDate,
  strategies: Awaited<ReturnType<typeof loadStrategies>>,
): Promise<PlannedAccount[]> {
  // One after the other: `tx` may be a single connection (a transaction).
  const accounts = await tx.query<AccountRow>(
      `SELECT c.id AS "customerId", c.account_number AS "accountNumber", c.name, c.currency,
         c.collector, p.segment, p.risk_class AS "riskClass",
         p.dunning_strategy_id AS "strategyId",
         EXISTS (SELECT 1 FROM agency_placements a WHERE a.customer_id = c.id
           AND a.status = 'placed') AS placed,
         EXISTS (SELECT 1 FROM promises q WHERE q.customer_id = c.id AND q.status = 'open'
           AND NOT EXISTS (SELECT 1 FROM promise_items i WHERE i.promise_id = q.id))
           AS "promisedAccount",
         k.email, k.fax
       FROM customers c
       LEFT JOIN collection_profiles p ON p.customer_id = c.id
       LEFT JOIN LATERAL (SELECT email, fax FROM contacts k WHERE k.customer_id = c.id
         ORDER BY is_primary DESC, id LIMIT 1) k ON true
       WHERE c.id = ANY($1::bigint[]) AND c.status <> 'closed' ORDER BY c.id`, [ids]);
  const items = await tx.query<DunningItem & { customerId: number }>(
      `SELECT d.customer_id AS "customerId", d.id AS "documentId", d.number,
         d.due_date AS "dueDate", d.open_cents AS "openCents",
         EXISTS (SELECT 1 FROM dispute_items i JOIN disputes s ON s.id = i.dispute_id
           WHERE i.document_id = d.id AND s.status IN ('open', 'in_review')) AS disputed,
         EXISTS (SELECT 1 FROM promise_items i JOIN promises q ON q.id = i.promise_id
           WHERE i.document_id = d.id AND q.status = 'open') AS promised
       FROM documents d
       WHERE d.customer_id = ANY($1::bigint[]) AND d.open_cents > 0`, [ids]);
  const sent = await tx.query<{ stepId: number; documentId: number }>(
      `SELECT s.step_id AS "stepId", s.document_id AS "documentId" FROM dunning_sends s
       WHERE s.customer_id = ANY($1::bigint[])`, [ids]);
  const itemsBy = new Map<number, DunningItem[]>();
  for (const { customerId, ...item } of items.rows) {
    const list = itemsBy.get(customerId);
    if (list) list.push(item);
    else itemsBy.set(customerId, [item]);
  }
  const sentKeys = new Set(sent.rows.map((s) => sentKey(s.stepId, s.documentId)));
  return accounts.rows.map((a) => {
    const steps = strategies.steps.get(a.strategyId ?? strategies.defaultId ?? -1) ?? [];
    const account: DunningAccount = {
      customerId: a.customerId, segment: a.segment, riskClass: a.riskClass,
      pause: a.placed ? 'agency_placement' : a.promisedAccount ? 'promise' : null,
      items: itemsBy.get(a.customerId) ?? [],
    };
    return {
      customerId: a.customerId, accountNumber: a.accountNumber, name: a.name,
      currency: a.currency, collector: a.collector, email: a.email, fax: a.fax,
      selection: selectDunning(steps, account, sentKeys, asOf),
    };
  });
}

export function isMessage(p: PlannedAccount): p is PlannedMessage {
  return p.selection.kind === 'message';
}
