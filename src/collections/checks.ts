import type { Queryable } from '../db/connection.ts';
import { loadCustomer, loadDocuments, loadSetting, type Customer, type LedgerDocument }
  from '../db/documents.ts';
import { isIsoDate } from '../domain/dates.ts';
import { isCreditType } from '../domain/ledger.ts';
import { err, ok, type Result } from '../domain/result.ts';
import type { CollectionsError } from './errors.ts';

// Checks and loads the collections use cases share. Each returns the first rule that fails.

export async function customerOrError(
  tx: Queryable, customerId: number, lock = false,
): Promise<Result<Customer, CollectionsError>> {
  const c = await loadCustomer(tx, customerId, lock);
  return c ? ok(c) : err({ code: 'customer_not_found', customerId });
}

export function dateError(field: string, date: string | null | undefined): CollectionsError | null {
  return date == null || isIsoDate(date) ? null : { code: 'date_invalid', field, date };
}

export function textError(field: string, text: string | null | undefined): CollectionsError | null {
  return text == null || text.trim() === '' ? { code: 'text_required', field } : null;
}

export function oneOf(field: string, value: string, allowed: readonly string[]) {
  return allowed.includes(value) ? null
    : { code: 'value_not_allowed' as const, field, value };
}

/**
 * The customer's open debit items with these ids (a parent account may name its children's);
 * with `anyItem`, any of its items. Errors: item_not_found, item_not_on_account,
 * item_not_open_debit.
 */
export async function openItemsOf(
  tx: Queryable, customer: Customer, ids: readonly number[],
  options: { lock?: boolean; anyItem?: boolean } = {},
): Promise<Result<LedgerDocument[], CollectionsError>> {
  const docs = await loadDocuments(tx, ids, options.lock);
  for (const id of ids) if (!docs.has(id)) return err({ code: 'item_not_found', documentId: id });
  const children = await tx.query<{ id: number }>(
    'SELECT id FROM customers WHERE parent_id = $1', [customer.id]);
  const accounts = new Set([customer.id, ...children.rows.map((r) => r.id)]);
  for (const id of ids) {
    const d = docs.get(id)!;
    if (d.customerId === null || !accounts.has(d.customerId)) {
      return err({ code: 'item_not_on_account', documentId: id });
    }
    if (!options.anyItem && (isCreditType(d.type) || d.openCents <= 0)) {
      return err({ code: 'item_not_open_debit', documentId: id });
    }
  }
  return ok(ids.map((id) => docs.get(id)!));
}

/** A numeric setting (cents, days), or `fallback` when unset. */
export async function numberSetting(tx: Queryable, key: string, fallback: number) {
  const v = await loadSetting(tx, key);
  return typeof v === 'number' && Number.isSafeInteger(v) ? v : fallback;
}
