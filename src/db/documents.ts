import type { IsoDate } from '../domain/dates.ts';
import {
  applicationJournalLines, CREDIT_TYPES, documentJournalLines, isCreditType,
  type CreditType, type DebitType, type DocumentType, type JournalLine, type PaymentMethod,
} from '../domain/ledger.ts';
import type { Cents } from '../domain/money.ts';
import { assert, type Result } from '../domain/result.ts';
import type { Terms } from '../domain/terms.ts';
import type { Db, Queryable } from './connection.ts';
import { insertJournalEntry } from './journal.ts';

// Repository helpers for customers, documents (open items) and applications. Rows come back
// camelCased; amounts are signed cents as stored (debits positive, credits negative).

export const CUSTOMER_STATUSES = ['active', 'inactive', 'on_hold', 'closed'] as const;
export type CustomerStatus = (typeof CUSTOMER_STATUSES)[number];

export interface Customer {
  id: number;
  accountNumber: string;
  name: string;
  parentId: number | null;
  termsCode: string;
  creditLimitCents: Cents | null;
  currency: string;
  collector: string | null;
  salesRep: string | null;
  region: string | null;
  status: CustomerStatus;
  notes: string | null;
}

export interface LedgerDocument {
  id: number;
  customerId: number | null;
  type: DocumentType;
  number: string;
  documentDate: IsoDate;
  dueDate: IsoDate;
  amountCents: Cents;
  openCents: Cents;
  currency: string;
  termsCode: string | null;
  poNumber: string | null;
  orderNumber: string | null;
  method: PaymentMethod | null;
  payerName: string | null;
  memo: string | null;
  externalId: string | null;
  reversesId: number | null;
  createdBy: string;
}

export interface Application {
  id: number;
  creditId: number;
  debitId: number;
  amountCents: Cents;
  appliedOn: IsoDate;
  reversesId: number | null;
  method: string;
  confidence: number | null;
  reason: string | null;
  externalId: string | null;
  createdBy: string;
}

function customerColumns(a = ''): string {
  return `${a}id AS id, ${a}account_number AS "accountNumber", ${a}name AS name,
    ${a}parent_id AS "parentId", ${a}terms_code AS "termsCode",
    ${a}credit_limit_cents AS "creditLimitCents", ${a}currency AS currency,
    ${a}collector AS collector, ${a}sales_rep AS "salesRep", ${a}region AS region,
    ${a}status AS status, ${a}notes AS notes`;
}
const CUSTOMER_COLUMNS = customerColumns();

function documentColumns(a = ''): string {
  return `${a}id AS id, ${a}customer_id AS "customerId", ${a}type AS type, ${a}number AS number,
    ${a}document_date AS "documentDate", ${a}due_date AS "dueDate",
    ${a}amount_cents AS "amountCents", ${a}open_cents AS "openCents", ${a}currency AS currency,
    ${a}terms_code AS "termsCode", ${a}po_number AS "poNumber", ${a}order_number AS "orderNumber",
    ${a}method AS method, ${a}payer_name AS "payerName", ${a}memo AS memo,
    ${a}external_id AS "externalId", ${a}reverses_id AS "reversesId",
    ${a}created_by AS "createdBy"`;
}

const APPLICATION_COLUMNS = `id, credit_id AS "creditId", debit_id AS "debitId",
  amount_cents AS "amountCents", applied_on AS "appliedOn", reverses_id AS "reversesId", method,
  confidence, reason, external_id AS "externalId", created_by AS "createdBy"`;

// ---- customers and terms ----

export async function loadCustomer(
  tx: Queryable, id: number, lock = false,
): Promise<Customer | undefined> {
  const r = await tx.query<Customer>(
    `SELECT ${CUSTOMER_COLUMNS} FROM customers WHERE id = $1 ${lock ? 'FOR UPDATE' : ''}`, [id]);
  return r.rows[0];
}

export async function findCustomerByAccount(
  tx: Queryable, accountNumber: string,
): Promise<Customer | undefined> {
  const r = await tx.query<Customer>(
    `SELECT ${CUSTOMER_COLUMNS} FROM customers WHERE account_number = $1`, [accountNumber]);
  return r.rows[0];
}

/** The customer's writable fields, as stored. */
export type CustomerFields = Omit<Customer, 'id'>;

export async function insertCustomer(tx: Queryable, c: CustomerFields): Promise<Customer> {
  const r = await tx.query<Customer>(
    `INSERT INTO customers (account_number, name, parent_id, terms_code, credit_limit_cents,
       currency, collector, sales_rep, region, status, notes)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING ${CUSTOMER_COLUMNS}`,
    [c.accountNumber, c.name, c.parentId, c.termsCode, c.creditLimitCents, c.currency,
      c.collector, c.salesRep, c.region, c.status, c.notes],
  );
  return r.rows[0]!;
}

export async function updateCustomerRow(tx: Queryable, c: Customer): Promise<Customer> {
  const r = await tx.query<Customer>(
    `UPDATE customers SET name = $2, parent_id = $3, terms_code = $4, credit_limit_cents = $5,
       currency = $6, collector = $7, sales_rep = $8, region = $9, status = $10, notes = $11,
       updated_at = now()
     WHERE id = $1 RETURNING ${CUSTOMER_COLUMNS}`,
    [c.id, c.name, c.parentId, c.termsCode, c.creditLimitCents, c.currency, c.collector,
      c.salesRep, c.region, c.status, c.notes],
  );
  return r.rows[0]!;
}

/** Parent ids of the given customers (absent ids are missing from the map). */
export async function loadCustomerParents(
  tx: Queryable, ids: readonly number[],
): Promise<Map<number, number | null>> {
  const r = await tx.query<{ id: number; parentId: number | null }>(
    `SELECT id, parent_id AS "parentId" FROM customers WHERE id = ANY($1::bigint[])`, [ids]);
  return new Map(r.rows.map((row) => [row.id, row.parentId]));
}

interface TermsRow {
  kind: 'net' | 'eom' | 'cod' | 'prepaid';
  net_days: number | null;
  discount_bp: number | null;
  discount_days: number | null;
}

export async function loadTerms(tx: Queryable, code: string): Promise<Terms | undefined> {
  const r = await tx.query<TermsRow>(
    'SELECT kind, net_days, discount_bp, discount_days FROM terms WHERE code = $1', [code]);
  const row = r.rows[0];
  if (!row) return undefined;
  const discount = row.discount_bp === null || row.discount_days === null
    ? null
    : { percentBp: row.discount_bp, days: row.discount_days };
  if (row.kind === 'net') return { kind: 'net', netDays: row.net_days ?? 0, discount };
  if (row.kind === 'eom') return { kind: 'eom', netDays: row.net_days, discount };
  return { kind: row.kind };
}

export async function termsCodeExists(tx: Queryable, code: string): Promise<boolean> {
  const r = await tx.query('SELECT 1 FROM terms WHERE code = $1', [code]);
  return r.rows.length > 0;
}

/** Adds a terms row under its canonical code (no-op when it exists). */
export async function insertTerms(
  tx: Queryable, code: string, description: string, terms: Terms,
): Promise<void> {
  const net = terms.kind === 'net' || terms.kind === 'eom' ? terms.netDays : null;
  const d = terms.kind === 'net' || terms.kind === 'eom' ? terms.discount : null;
  await tx.query(
    `INSERT INTO terms (code, description, kind, net_days, discount_bp, discount_days)
     VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (code) DO NOTHING`,
    [code, description, terms.kind, net, d?.percentBp ?? null, d?.days ?? null],
  );
}

/** A `settings` value (jsonb) as JSON, or undefined when the key is absent. */
export async function loadSetting(tx: Queryable, key: string): Promise<unknown> {
  const r = await tx.query<{ value: unknown }>('SELECT value FROM settings WHERE key = $1', [key]);
  return r.rows[0]?.value;
}

// ---- documents ----

/**
 * Loads documents by id. With `lock`, takes row locks (SELECT ... FOR UPDATE) in id order, so
 * concurrent writers touching overlapping documents queue instead of deadlocking.
 */
export async function loadDocuments(
  tx: Queryable, ids: readonly number[], lock = false,
): Promise<Map<number, LedgerDocument>> {
  const unique = [...new Set(ids)].sort((a, b) => a - b);
  const r = await tx.query<LedgerDocument>(
    `SELECT ${documentColumns()} FROM documents WHERE id = ANY($1::bigint[])
     ORDER BY id ${lock ? 'FOR UPDATE' : ''}`,
    [unique],
  );
  return new Map(r.rows.map((d) => [d.id, d]));
}

export function lockDocuments(
  tx: Queryable, ids: readonly number[],
): Promise<Map<number, LedgerDocument>> {
  return loadDocuments(tx, ids, true);
}

export async function findDocumentsByExternalId(
  tx: Queryable, externalIds: readonly string[],
): Promise<LedgerDocument[]> {
  const r = await tx.query<LedgerDocument>(
    `SELECT ${documentColumns()} FROM documents WHERE external_id = ANY($1::text[]) ORDER BY id`,
    [externalIds],
  );
  return r.rows;
}

export async function billingNumberTaken(
  tx: Queryable, type: DocumentType, number: string,
): Promise<boolean> {
  const r = await tx.query('SELECT 1 FROM documents WHERE type = $1 AND number = $2', [
    type, number,
  ]);
  return r.rows.length > 0;
}

/** A document as inserted; open_cents is given (new adjustments are born applied). */
export type NewDocument = Pick<
  LedgerDocument,
  'customerId' | 'type' | 'number' | 'documentDate' | 'dueDate' | 'amountCents' | 'openCents'
  | 'currency' | 'createdBy'
> & Partial<Pick<
  LedgerDocument,
  'termsCode' | 'poNumber' | 'orderNumber' | 'method' | 'payerName' | 'memo' | 'externalId'
  | 'reversesId'
>>;

export async function insertDocuments(
  tx: Queryable, docs: readonly NewDocument[],
): Promise<LedgerDocument[]> {
  if (docs.length === 0) return [];
  const params: unknown[] = [];
  const values = docs.map((d) => {
    const row = [d.customerId, d.type, d.number, d.documentDate, d.dueDate, d.amountCents,
      d.openCents, d.currency, d.termsCode ?? null, d.poNumber ?? null, d.orderNumber ?? null,
      d.method ?? null, d.payerName ?? null, d.memo ?? null, d.externalId ?? null,
      d.reversesId ?? null, d.createdBy];
    const first = params.length + 1;
    params.push(...row);
    return `(${row.map((_, i) => `$${first + i}`).join(', ')})`;
  });
  const r = await tx.query<LedgerDocument>(
    `INSERT INTO documents (customer_id, type, number, document_date, due_date, amount_cents,
       open_cents, currency, terms_code, po_number, order_number, method, payer_name, memo,
       external_id, reverses_id, created_by)
     VALUES ${values.join(', ')} RETURNING ${documentColumns()}`,
    params,
  );
  return r.rows;
}

/** Adds `delta` to each document's open amount in one statement; returns the updated rows. */
export async function addToOpenCents(
  tx: Queryable, deltas: ReadonlyMap<number, number>,
): Promise<Map<number, LedgerDocument>> {
  const ids = [...deltas.keys()];
  const r = await tx.query<LedgerDocument>(
    `UPDATE documents d SET open_cents = d.open_cents + v.delta
     FROM unnest($1::bigint[], $2::bigint[]) AS v(id, delta)
     WHERE d.id = v.id RETURNING ${documentColumns('d.')}`,
    [ids, ids.map((id) => deltas.get(id))],
  );
  assert(r.rows.length === ids.length, 'every document to update exists');
  return new Map(r.rows.map((d) => [d.id, d]));
}

/** The document that reverses (voids) `documentId`, if any. */
export async function findDocumentReversal(
  tx: Queryable, documentId: number,
): Promise<number | undefined> {
  const r = await tx.query<{ id: number }>(
    'SELECT id FROM documents WHERE reverses_id = $1', [documentId]);
  return r.rows[0]?.id;
}

// ---- applications ----

export type NewApplication = Pick<
  Application, 'creditId' | 'debitId' | 'amountCents' | 'appliedOn' | 'createdBy'
> & Partial<Pick<Application, 'reversesId' | 'method' | 'confidence' | 'reason' | 'externalId'>>;

export async function insertApplications(
  tx: Queryable, apps: readonly NewApplication[],
): Promise<Application[]> {
  if (apps.length === 0) return [];
  const params: unknown[] = [];
  const values = apps.map((a) => {
    const row = [a.creditId, a.debitId, a.amountCents, a.appliedOn, a.reversesId ?? null,
      a.method ?? 'manual', a.confidence ?? null, a.reason ?? null, a.externalId ?? null,
      a.createdBy];
    const first = params.length + 1;
    params.push(...row);
    return `(${row.map((_, i) => `$${first + i}`).join(', ')})`;
  });
  const r = await tx.query<Application>(
    `INSERT INTO applications (credit_id, debit_id, amount_cents, applied_on, reverses_id, method,
       confidence, reason, external_id, created_by)
     VALUES ${values.join(', ')} RETURNING ${APPLICATION_COLUMNS}`,
    params,
  );
  return r.rows;
}

export async function loadApplication(
  tx: Queryable, id: number,
): Promise<Application | undefined> {
  const r = await tx.query<Application>(
    `SELECT ${APPLICATION_COLUMNS} FROM applications WHERE id = $1`, [id]);
  return r.rows[0];
}

export async function findApplicationReversal(
  tx: Queryable, applicationId: number,
): Promise<number | undefined> {
  const r = await tx.query<{ id: number }>(
    'SELECT id FROM applications WHERE reverses_id = $1', [applicationId]);
  return r.rows[0]?.id;
}

/** Applications from or to a document that are not reversed, oldest first. */
export async function liveApplications(
  tx: Queryable, documentId: number,
): Promise<Application[]> {
  const r = await tx.query<Application>(
    `SELECT ${APPLICATION_COLUMNS} FROM applications a
     WHERE (a.credit_id = $1 OR a.debit_id = $1) AND a.reverses_id IS NULL
       AND NOT EXISTS (SELECT 1 FROM applications r WHERE r.reverses_id = a.id)
     ORDER BY a.id`,
    [documentId],
  );
  return r.rows;
}

// ---- reads for the account pages and the CLI ----

export interface CustomerWithBalance extends Customer {
  balanceCents: Cents;
}

/** Customers by account number with their open balance, optionally one collector's portfolio. */
export async function listCustomers(
  tx: Queryable, filter: { collector?: string } = {},
): Promise<CustomerWithBalance[]> {
  const r = await tx.query<CustomerWithBalance>(
    `SELECT ${customerColumns('c.')},
       coalesce(b.balance, 0)::bigint AS "balanceCents"
     FROM customers c
     LEFT JOIN (SELECT customer_id, sum(open_cents) AS balance FROM documents
                WHERE open_cents <> 0 AND customer_id IS NOT NULL GROUP BY customer_id) b
       ON b.customer_id = c.id
     WHERE $1::text IS NULL OR c.collector = $1
     ORDER BY c.account_number`,
    [filter.collector ?? null],
  );
  return r.rows;
}

export interface Contact {
  id: number;
  customerId: number;
  name: string;
  role: string | null;
  email: string | null;
  phone: string | null;
  fax: string | null;
  isPrimary: boolean;
}

export const CONTACT_COLUMNS = `id, customer_id AS "customerId", name, role, email, phone, fax,
  is_primary AS "isPrimary"`;

/** A customer's contacts, the primary first. */
export async function listContacts(tx: Queryable, customerId: number): Promise<Contact[]> {
  const r = await tx.query<Contact>(
    `SELECT ${CONTACT_COLUMNS} FROM contacts WHERE customer_id = $1
     ORDER BY is_primary DESC, id`,
    [customerId],
  );
  return r.rows;
}

/** A customer's open items, oldest due first. */
export async function listOpenDocuments(
  tx: Queryable, customerId: number,
): Promise<LedgerDocument[]> {
  const r = await tx.query<LedgerDocument>(
    `SELECT ${documentColumns()} FROM documents WHERE customer_id = $1 AND open_cents <> 0
     ORDER BY due_date, id`,
    [customerId],
  );
  return r.rows;
}

/** Debit items with this number (invoice and memo numbers are unique per type). */
export async function findDebitsByNumber(
  tx: Queryable, number: string,
): Promise<LedgerDocument[]> {
  const r = await tx.query<LedgerDocument>(
    `SELECT ${documentColumns()} FROM documents
     WHERE number = $1 AND NOT (type = ANY($2::text[])) ORDER BY id`,
    [number, CREDIT_TYPES],
  );
  return r.rows;
}

// ---- reversals (persistence only: the use cases check the rules first) ----

/** The entry that posted a document or an application (not a later one that mentions it). */
async function firstEntryId(
  tx: Queryable, column: 'document_id' | 'application_id', id: number,
): Promise<number | null> {
  const kinds = column === 'document_id' ? ['document', 'discount', 'write_off'] : ['application'];
  const r = await tx.query<{ id: number }>(
    `SELECT id FROM journal_entries
     WHERE ${column} = $1 AND kind = ANY($2::text[]) AND reverses_id IS NULL
     ORDER BY id LIMIT 1`,
    [id, kinds]);
  return r.rows[0]?.id ?? null;
}

export interface WrittenReversal {
  reason: string;
  effectiveDate: IsoDate;
  createdBy: string;
}

/**
 * Un-applies `app`: a reversing row (negative amount, reverses_id), both open amounts restored,
 * and the application's journal movement negated. `credit` and `debit` are locked by the caller.
 */
export async function insertApplicationReversal(
  tx: Queryable, app: Application, credit: LedgerDocument, debit: LedgerDocument,
  w: WrittenReversal,
): Promise<{ reversal: Application; credit: LedgerDocument; debit: LedgerDocument }> {
  const [reversal] = await insertApplications(tx, [{
    creditId: app.creditId, debitId: app.debitId, amountCents: -app.amountCents as Cents,
    appliedOn: w.effectiveDate, reversesId: app.id, method: app.method, reason: w.reason,
    createdBy: w.createdBy,
  }]);
  const lines = applicationJournalLines(
    credit.type as CreditType, debit.type as DebitType, -app.amountCents as Cents, credit.currency);
  await insertJournalEntry(tx, {
    effectiveDate: w.effectiveDate, kind: 'application_reversal', applicationId: reversal!.id,
    reversesId: await firstEntryId(tx, 'application_id', app.id), memo: w.reason,
    createdBy: w.createdBy,
  }, lines);
  const docs = await addToOpenCents(tx, new Map([
    [debit.id, app.amountCents], [credit.id, -app.amountCents],
  ]));
  return { reversal: reversal!, credit: docs.get(credit.id)!, debit: docs.get(debit.id)! };
}

/** The lines that posted `doc`: its own entry when it has one, else the standard posting. */
async function postingLines(tx: Queryable, doc: LedgerDocument): Promise<{
  entryId: number | null; lines: JournalLine[];
}> {
  const entryId = await firstEntryId(tx, 'document_id', doc.id);
  if (entryId === null) {
    return { entryId, lines: documentJournalLines(doc.type, doc.amountCents, doc.currency) };
  }
  const r = await tx.query<JournalLine>(
    `SELECT account, currency, amount_cents AS "amountCents" FROM journal_lines
     WHERE entry_id = $1 ORDER BY line_no`, [entryId]);
  return { entryId, lines: r.rows };
}

/**
 * Voids `original` (locked, with no live applications): a reversing document of the opposite sign
 * (a debit memo for a credit item, a credit memo for a debit item) whose journal entry is the exact
 * negation of the original's posting, then the pair applied to each other so both are closed.
 * The pair's application moves nothing in the GL: both halves sit in the original's account.
 */
export async function insertVoidingDocument(
  tx: Queryable, original: LedgerDocument, w: WrittenReversal,
): Promise<{ original: LedgerDocument; reversal: LedgerDocument; application: Application }> {
  assert(original.openCents === original.amountCents, 'a voided document has no applications');
  const credit = isCreditType(original.type);
  const [reversal] = await insertDocuments(tx, [{
    customerId: original.customerId, type: credit ? 'debit_memo' : 'credit_memo',
    number: `VOID-${original.number}-${original.id}`, documentDate: w.effectiveDate,
    dueDate: w.effectiveDate, amountCents: -original.amountCents as Cents, openCents: 0 as Cents,
    currency: original.currency, memo: w.reason, externalId: `void:${original.id}`,
    reversesId: original.id, createdBy: w.createdBy,
  }]);
  const posted = await postingLines(tx, original);
  await insertJournalEntry(tx, {
    effectiveDate: w.effectiveDate, kind: 'document', documentId: reversal!.id,
    reversesId: posted.entryId, memo: w.reason, createdBy: w.createdBy,
  }, posted.lines.map((l) => ({ ...l, amountCents: -l.amountCents as Cents })));
  const [application] = await insertApplications(tx, [{
    creditId: credit ? original.id : reversal!.id, debitId: credit ? reversal!.id : original.id,
    amountCents: Math.abs(original.amountCents) as Cents, appliedOn: w.effectiveDate,
    reason: w.reason, createdBy: w.createdBy,
  }]);
  const docs = await addToOpenCents(tx, new Map([[original.id, -original.openCents]]));
  return { original: docs.get(original.id)!, reversal: reversal!, application: application! };
}

// ---- transactions and constraint errors ----

class RollbackWith<E> {
  constructor(readonly result: { ok: false; error: E }) {}
}

/**
 * Runs a use case in one transaction that commits only when it returns ok: an error result rolls
 * back whatever the use case wrote before finding it.
 */
export async function transactResult<T, E>(
  db: Db, fn: (tx: Queryable) => Promise<Result<T, E>>,
): Promise<Result<T, E>> {
  try {
    return await db.transaction(async (tx) => {
      const r = await fn(tx);
      if (!r.ok) throw new RollbackWith(r);
      return r;
    });
  } catch (e) {
    if (e instanceof RollbackWith) return (e as RollbackWith<E>).result;
    throw e;
  }
}

/** True when `e` is the database refusing a duplicate on `constraint`. */
export function isUniqueViolation(e: unknown, constraint: string): boolean {
  const x = e as { code?: unknown; constraint?: unknown } | null;
  return typeof x === 'object' && x !== null && x.code === '23505' && x.constraint === constraint;
}
