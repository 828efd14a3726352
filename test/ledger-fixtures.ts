import type { Actor } from '../src/db/audit.ts';
import type { Db, Queryable } from '../src/db/connection.ts';
import type { Customer, LedgerDocument } from '../src/db/documents.ts';
import type { Cents } from '../src/domain/money.ts';
import type { Result } from '../src/domain/result.ts';
import { createCustomer, type CreateCustomerInput } from '../src/ledger/create-customer.ts';
import { postDocument, type PostDocumentInput } from '../src/ledger/post-document.ts';

// Shared set-up for the test/ledger-*.test.ts files.

export const actor: Actor = { name: 'tester', kind: 'system', source: 'test' };

/** The value of an ok result; a failed one throws with its error (a broken test set-up). */
export function unwrap<T, E>(r: Result<T, E>): T {
  if (!r.ok) throw new Error(`expected ok, got ${JSON.stringify(r.error)}`);
  return r.value;
}

/** The error of a failed result; an ok one throws. */
export function failure<T, E>(r: Result<T, E>): E {
  if (r.ok) throw new Error('expected an error, got ok');
  return r.error;
}

let accounts = 0;

/** A new customer with a unique account number. */
export async function customer(
  db: Db, extra: Partial<CreateCustomerInput> = {},
): Promise<Customer> {
  accounts += 1;
  return unwrap(await createCustomer(db, actor, {
    accountNumber: `C${process.pid}-${accounts}`, name: `Customer ${accounts}`, ...extra,
  }));
}

let numbers = 0;

/** Posts a document of `amountCents` (positive) dated `date`, numbered uniquely. */
export async function post(
  db: Db, type: PostDocumentInput['type'], customerId: number | null, date: string,
  amountCents: number, extra: Partial<PostDocumentInput> = {},
): Promise<LedgerDocument> {
  numbers += 1;
  return unwrap(await postDocument(db, actor, {
    type, customerId, number: `${type.slice(0, 3).toUpperCase()}-${numbers}`,
    documentDate: date, amountCents: amountCents as Cents,
    method: type === 'payment' ? 'check' : null, ...extra,
  })).document;
}

export async function openCents(db: Queryable, id: number): Promise<number> {
  const r = await db.query<{ open: number }>(
    'SELECT open_cents AS open FROM documents WHERE id = $1', [id]);
  return r.rows[0]!.open;
}

/** Balance of a GL account in a currency, over the whole journal. */
export async function glBalance(db: Queryable, account: string, currency = 'USD'): Promise<number> {
  const r = await db.query<{ b: number }>(
    `SELECT coalesce(sum(amount_cents), 0)::bigint AS b FROM journal_lines
     WHERE account = $1 AND currency = $2`, [account, currency]);
  return r.rows[0]!.b;
}

/** Sum of open amounts of non-payment (AR control) or payment (unapplied cash) documents. */
export async function openTotal(
  db: Queryable, payments: boolean, currency = 'USD',
): Promise<number> {
  const r = await db.query<{ s: number }>(
    `SELECT coalesce(sum(open_cents), 0)::bigint AS s FROM documents
     WHERE (type = 'payment') = $1 AND currency = $2`, [payments, currency]);
  return r.rows[0]!.s;
}

/** The lines of the journal entries written for a document or an application. */
export async function entryLines(
  db: Queryable, column: 'document_id' | 'application_id', id: number,
): Promise<{ account: string; amountCents: number }[]> {
  const r = await db.query<{ account: string; amountCents: number }>(
    `SELECT l.account, l.amount_cents AS "amountCents" FROM journal_entries e
     JOIN journal_lines l ON l.entry_id = e.id WHERE e.${column} = $1
     ORDER BY e.id, l.line_no`, [id]);
  return r.rows;
}
