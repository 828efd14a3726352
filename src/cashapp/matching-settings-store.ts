/**
 * The matching-policy tables (migration 014): customer aliases, each customer's oldest-first
 * policy and the company default, and the stamp that changes with any of them. Repository
 * functions only; the use cases beside this file check and audit.
 */
import type { Queryable } from '../db/connection.ts';
import type { CustomerPolicy } from '../domain/matching/types.ts';

/**
 * How cash without usable remittance, that fits no open item, is applied for a customer:
 * `off` it waits for a clerk; `propose` the clerk is shown an oldest-first application;
 * `apply` it is applied oldest first automatically (a whole-dollar amount, at most the open
 * amounts; the rest stays on account).
 */
export const OLDEST_FIRST_POLICIES = ['off', 'propose', 'apply'] as const;
export type OldestFirstPolicy = (typeof OLDEST_FIRST_POLICIES)[number];

export function isOldestFirstPolicy(s: unknown): s is OldestFirstPolicy {
  return typeof s === 'string' && (OLDEST_FIRST_POLICIES as readonly string[]).includes(s);
}

/** The engine's view of a policy. */
export function customerPolicyOf(p: OldestFirstPolicy): CustomerPolicy {
  return p === 'off' ? { oldestFirst: false }
    : { oldestFirst: true, oldestFirstAutoApply: p === 'apply' };
}

export const ALIAS_KINDS = ['dba', 'parent', 'account_holder', 'former_name', 'other'] as const;
export type AliasKind = (typeof ALIAS_KINDS)[number];
export const ALIAS_LENGTH_MAX = 200;

export interface CustomerAlias {
  id: number;
  customerId: number;
  alias: string;
  kind: AliasKind;
  createdBy: string;
  createdAt: string;
}

const ALIAS_COLUMNS = `id, customer_id AS "customerId", alias, kind, created_by AS "createdBy",
  to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') AS "createdAt"`;

export async function listAliases(tx: Queryable, customerId: number): Promise<CustomerAlias[]> {
  const r = await tx.query<CustomerAlias>(
    `SELECT ${ALIAS_COLUMNS} FROM customer_aliases WHERE customer_id = $1 ORDER BY id`,
    [customerId]);
  return r.rows;
}

export async function loadAlias(tx: Queryable, id: number): Promise<CustomerAlias | undefined> {
  const r = await tx.query<CustomerAlias>(
    `SELECT ${ALIAS_COLUMNS} FROM customer_aliases WHERE id = $1`, [id]);
  return r.rows[0];
}

/** Inserts an alias; undefined when the customer already has it (any case). */
export async function insertAlias(
  tx: Queryable, customerId: number, alias: string, kind: AliasKind, by: string,
): Promise<CustomerAlias | undefined> {
  const r = await tx.query<CustomerAlias>(
    `INSERT INTO customer_aliases (customer_id, alias, kind, created_by) VALUES ($1, $2, $3, $4)
     ON CONFLICT (customer_id, lower(alias)) DO NOTHING RETURNING ${ALIAS_COLUMNS}`,
    [customerId, alias, kind, by]);
  return r.rows[0];
}

export async function deleteAlias(tx: Queryable, id: number): Promise<void> {
  await tx.query('DELETE FROM customer_aliases WHERE id = $1', [id]);
}

/** The customer's own policy; undefined when it follows the company default. */
export async function loadOwnPolicy(
  tx: Queryable, customerId: number,
): Promise<OldestFirstPolicy | undefined> {
  const r = await tx.query<{ p: OldestFirstPolicy }>(
    'SELECT oldest_first AS p FROM customer_matching_policies WHERE customer_id = $1',
    [customerId]);
  return r.rows[0]?.p;
}

/** Sets the customer's own policy, or with `undefined` returns it to the company default. */
export async function saveOwnPolicy(
  tx: Queryable, customerId: number, policy: OldestFirstPolicy | undefined, by: string,
): Promise<void> {
  if (policy === undefined) {
    await tx.query('DELETE FROM customer_matching_policies WHERE customer_id = $1', [customerId]);
    return;
  }
  await tx.query(
    `INSERT INTO customer_matching_policies (customer_id, oldest_first, updated_by)
     VALUES ($1, $2, $3)
     ON CONFLICT (customer_id) DO UPDATE SET oldest_first = EXCLUDED.oldest_first,
       updated_by = EXCLUDED.updated_by, updated_at = now()`,
    [customerId, policy, by]);
}

export const DEFAULT_POLICY_KEY = 'cashapp_oldest_first_default';

/** The company default (a setting); `off` when missing or unreadable. */
export async function loadDefaultPolicy(tx: Queryable): Promise<OldestFirstPolicy> {
  const r = await tx.query<{ value: unknown }>(
    'SELECT value FROM settings WHERE key = $1', [DEFAULT_POLICY_KEY]);
  const v = r.rows[0]?.value;
  return isOldestFirstPolicy(v) ? v : 'off';
}

export async function saveDefaultPolicy(tx: Queryable, policy: OldestFirstPolicy): Promise<void> {
  await tx.query(
    `INSERT INTO settings (key, value) VALUES ($1, $2)
     ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value`,
    [DEFAULT_POLICY_KEY, JSON.stringify(policy)]);
}

/**
 * The stamp of what the engine's customer index is built from (names, account numbers, aliases,
 * policies): equal stamps, equal index.
 */
export async function loadMatchingStamp(tx: Queryable): Promise<string> {
  const r = await tx.query<{ stamp: string }>(
    'SELECT stamp::text AS stamp FROM matching_customers_version');
  return r.rows[0]!.stamp;
}

export interface MatchingCustomerRow {
  id: number;
  accountNumber: string;
  name: string;
  aliases: string[] | null;
  policy: OldestFirstPolicy | null;
}

/** Every customer with its aliases and own policy, in id order. */
export async function loadMatchingCustomers(tx: Queryable): Promise<MatchingCustomerRow[]> {
  const r = await tx.query<MatchingCustomerRow>(
    `SELECT c.id, c.account_number AS "accountNumber", c.name, a.aliases, p.oldest_first AS policy
     FROM customers c
     LEFT JOIN (SELECT customer_id, array_agg(alias ORDER BY id) AS aliases
       FROM customer_aliases GROUP BY customer_id) a ON a.customer_id = c.id
     LEFT JOIN customer_matching_policies p ON p.customer_id = c.id
     ORDER BY c.id`);
  return r.rows;
}
