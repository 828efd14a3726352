import type { CopyCell, Queryable } from '../db/connection.ts';
import { isUniqueViolation } from '../db/documents.ts';
import { termsFromRow, type TermsRow } from '../db/terms.ts';
import type { IsoDate } from '../domain/dates.ts';
import { AMOUNT_SCALE, type InvoiceRow } from '../domain/import-rows.ts';
import { documentJournalLines, type DocumentType } from '../domain/ledger.ts';
import { currencyExponent, type Cents } from '../domain/money.ts';
import { OpenDatesByDay, type OpenDatesRow } from '../domain/open-dates.ts';
import { assert } from '../domain/result.ts';
import { dueDateFor, type Terms } from '../domain/terms.ts';
import {
  BulkLoad, CopyPipe, NeedsChecks, type DirectFile, type DirectWrite,
} from './import-direct.ts';
import type { ImportContext, ImportWrite } from './import.ts';

// Invoices and memos COPYed straight into documents (the direct path, see import-direct.ts):
// each chunk's customers are looked up (once per account) and locked as the foreign keys would
// lock them, amounts, due dates (dueDateFor, once per terms and date) and the journal totals
// are computed here, as the staged path computes them in SQL. A number the ledger already has,
// or one repeated in the file, stops the COPY by the unique indexes on (type, number) and
// external_id: such a file may have rows to skip or errors to list, which is the staged path's
// work.

/** The unique indexes that stop a number already present (see above). */
export const NUMBER_INDEXES = ['documents_billing_number', 'documents_external_id_key'];

const COLUMNS = [
  'customer_id', 'type', 'number', 'document_date', 'due_date', 'amount_cents', 'open_cents',
  'currency', 'terms_code', 'po_number', 'order_number', 'external_id', 'batch_id', 'created_by',
];

interface CustomerRef {
  id: number;
  currency: string;
  termsCode: string;
  /** Whether a row was written for it. */
  touched: boolean;
  /** Its slot in a bulk load's open dates (OpenDatesByDay.slotOf), -1 until it has one. */
  openDatesSlot: number;
  /** The due dates of its terms by document date, once needed (see DocumentRows.dueDate). */
  dueDates: Map<IsoDate, IsoDate> | null;
}

export const invoicesDirect: DirectWrite<'invoices'> = {
  bypass: {
    table: 'documents',
    foreignKeys: ['customer_id', 'terms_code', 'batch_id', 'reverses_id'],
    replayed: ['customer_summary_documents_inserted', 'aging_periods_documents_inserted'],
  },
  write,
};

async function write(
  ctx: ImportContext, chunks: AsyncIterable<InvoiceRow[]>, file: DirectFile,
): Promise<ImportWrite> {
  const { tx } = ctx;
  const rows = new DocumentRows(ctx, await lockTerms(tx));
  const pipe = new CopyPipe(tx);
  // Row triggers off: the foreign keys are checked and locked here, and the customer summaries
  // (the insert trigger's work) refreshed once below.
  await tx.query('SET LOCAL session_replication_role = replica');
  let bulk: BulkLoad | null = null;
  let firstChunk = true;
  try {
    for await (const chunk of chunks) {
      // Decided at the first chunk, whose bytes tell the file's rows (see BulkLoad).
      if (firstChunk) {
        bulk = await BulkLoad.begin(tx, 'documents', file);
        if (bulk) rows.openDates = new OpenDatesByDay();
      }
      firstChunk = false;
      const { found, missing } = rows.customersOf(chunk);
      if (missing.length > 0) {
        await pipe.done();
        rows.addCustomers(await lockCustomers(tx, missing));
      }
      await pipe.start('documents', COLUMNS, chunk.map((r, i) => rows.cells(r, found[i])));
    }
    await pipe.done();
    if (bulk) await finishBulkLoad(tx, rows.openDates!, bulk);
  } catch (e) {
    await pipe.settle();
    if (NUMBER_INDEXES.some((c) => isUniqueViolation(e, c))) {
      throw new NeedsChecks('a number the ledger or the file already has');
    }
    throw e;
  }
  await tx.query('SET LOCAL session_replication_role = origin');
  if (!bulk) {
    await tx.query('SELECT refresh_customer_summaries($1::bigint[])', [rows.customerIds()]);
  }
  const first = rows.earliest();
  if (first) {
    await tx.query('SELECT refresh_aging_periods($1::bigint[], $2::date)',
      [rows.customerIds(), first]);
  }
  return rows.written();
}

/**
 * After a bulk load, with the row triggers still off (the customers are locked already, as the
 * foreign keys would lock them): the summaries and the indexes, and the open dates (migration
 * 028) of the customers the load wrote to. PostgreSQL refreshes every customer's summary in one
 * statement (cheaper than refreshing each one the load touched with index probes, ~11 s of
 * backend CPU at 50,000 customers and a million invoices), then builds the indexes again, while
 * node computes the open dates: the rows they replace read back to amounts by day, the load's
 * items added (as they were written). Sorting every open item of the ledger in SQL for them took
 * 5 s of backend CPU at a million invoices (refresh_all_customer_open_dates); `arc verify`
 * re-derives them from customer_open_dates_of. Safe as the load's lock on documents keeps every
 * other writer out until the import commits.
 */
async function finishBulkLoad(
  tx: Queryable, openDates: OpenDatesByDay, bulk: BulkLoad,
): Promise<void> {
  type Totals = 'dueCents' | 'debitCents' | 'creditCents';
  // Read as text: bigint arrays are not parsed to numbers by the drivers.
  type Kept = Omit<OpenDatesRow, Totals> & { [K in Totals]: string[] | null };
  const kept = await tx.query<Kept>(
    `DELETE FROM customer_open_dates WHERE customer_id = ANY($1::bigint[])
     RETURNING customer_id AS "customerId", currency,
       due_on::text[] AS "dueOn", due_cents::text[] AS "dueCents",
       debit_on::text[] AS "debitOn", debit_cents::text[] AS "debitCents",
       credit_on::text[] AS "creditOn", credit_cents::text[] AS "creditCents"`,
    [openDates.customerIds()]);
  const cents = (xs: string[] | null) => xs?.map(Number) ?? null;
  for (const r of kept.rows) {
    openDates.addRow({ ...r, dueCents: cents(r.dueCents), debitCents: cents(r.debitCents),
      creditCents: cents(r.creditCents) });
  }
  const database = (async () => {
    await tx.query('SELECT refresh_all_customer_summaries(summary_date())');
    await bulk.finish();
  })();
  let rows: OpenDatesRow[];
  try {
    rows = await openDatesRows(openDates);
  } finally {
    await database;
  }
  // In chunks, each formatted while the database writes the one before: the rows' text for
  // 50,000 customers, and the COPY text made of it, were ~250 MB at once.
  const array = (xs: readonly (string | number)[] | null) => (xs ? `{${xs.join(',')}}` : null);
  const pipe = new CopyPipe(tx);
  for (let i = 0; i < rows.length; i += 5_000) {
    await pipe.start('customer_open_dates', ['customer_id', 'currency', 'due_on', 'due_cents',
      'debit_on', 'debit_cents', 'credit_on', 'credit_cents'], rows.slice(i, i + 5_000).map((r) =>
      [r.customerId, r.currency, array(r.dueOn), array(r.dueCents), array(r.debitOn),
        array(r.debitCents), array(r.creditOn), array(r.creditCents)]));
  }
  await pipe.done();
}

/**
 * The open dates' rows, giving the event loop a turn every few thousand: the statements that
 * run meanwhile are sent one after the other from it.
 */
async function openDatesRows(openDates: OpenDatesByDay): Promise<OpenDatesRow[]> {
  const rows: OpenDatesRow[] = [];
  for (const r of openDates.rowsOf()) {
    rows.push(r);
    if (rows.length % 2_000 === 0) await new Promise((resolve) => setImmediate(resolve));
  }
  return rows;
}

/** Every terms row, locked FOR KEY SHARE as the terms_code foreign key would lock it. */
async function lockTerms(tx: Queryable): Promise<Map<string, Terms>> {
  const r = await tx.query<TermsRow>(
    'SELECT code, kind, net_days, discount_bp, discount_days FROM terms FOR KEY SHARE');
  return new Map(r.rows.map((t) => [t.code, termsFromRow(t)]));
}

/** The customers with these account numbers, locked FOR KEY SHARE (see lockTerms). */
async function lockCustomers(
  tx: Queryable, accounts: readonly string[],
): Promise<Map<string, CustomerRef>> {
  const r = await tx.query<Pick<CustomerRef, 'id' | 'currency' | 'termsCode'> & {
    account: string;
  }>(`SELECT account_number AS account, id, currency, terms_code AS "termsCode" FROM customers
     WHERE account_number = ANY($1::text[]) FOR KEY SHARE`, [accounts]);
  // Every field set here: one shape for every customer, as cells() reads them for each row.
  return new Map(r.rows.map(({ account, id, currency, termsCode }) => [account,
    { id, currency, termsCode, touched: false, openDatesSlot: -1, dueDates: null }]));
}

/** The sum of one type's amounts (positive) in one currency. */
interface Total {
  type: DocumentType;
  currency: string;
  cents: number;
}

/** Rows of documents from rows of the file, and what the batch's summary needs of them. */
class DocumentRows {
  private readonly customers = new Map<string, CustomerRef>();
  /** Due dates by terms code, then by document date (see CustomerRef.dueDates). */
  private readonly dueDates = new Map<string, Map<IsoDate, IsoDate>>();
  /** Sum of the amounts (positive) by type and currency. */
  private readonly totals = new Map<DocumentType, Map<string, Total>>();
  /** A bulk load's items by day, for the open dates (see writeOpenDates). */
  openDates: OpenDatesByDay | null = null;
  private created = 0;
  private first: IsoDate | null = null;
  private last: IsoDate | null = null;

  constructor(private readonly ctx: ImportContext, private readonly terms: Map<string, Terms>) {}

  /**
   * The customer of each row of `chunk` as looked up so far (a row's is undefined until its
   * account is: cells() looks again), and the account numbers not looked up yet.
   */
  customersOf(chunk: readonly InvoiceRow[]): {
    found: (CustomerRef | undefined)[]; missing: string[];
  } {
    const missing = new Set<string>();
    const found = chunk.map((r) => {
      const c = this.customers.get(r.accountNumber);
      if (c === undefined) missing.add(r.accountNumber);
      return c;
    });
    return { found, missing: [...missing] };
  }

  /** Adds looked-up customers; an account not found needs the staged path (it is an error). */
  addCustomers(found: Map<string, CustomerRef>): void {
    for (const [account, c] of found) this.customers.set(account, c);
  }

  cells(r: InvoiceRow, known: CustomerRef | undefined): CopyCell[] {
    const c = known ?? this.customers.get(r.accountNumber);
    if (!c) throw new NeedsChecks(`no customer ${r.accountNumber}`);
    if (r.currency !== null && r.currency !== c.currency) throw new NeedsChecks('a currency');
    const cents = centsOf(r.amountMilli, c.currency);
    if (cents === null) throw new NeedsChecks('an amount finer than its currency');
    const termsCode = r.type === 'credit_memo' ? null : c.termsCode;
    const dueDate = r.dueDate ?? (termsCode === null ? r.date : this.dueDate(c, r.date));
    const signed = r.type === 'credit_memo' ? -cents : cents;
    this.count(r, c, cents);
    if (this.openDates) {
      if (c.openDatesSlot < 0) c.openDatesSlot = this.openDates.slotOf(c.id, c.currency);
      this.openDates.addAt(c.openDatesSlot, r.date, dueDate, signed);
    }
    return [c.id, r.type, r.number, r.date, dueDate, signed, signed, c.currency, termsCode,
      r.poNumber, r.orderNumber, `${r.type}:${r.number}`, this.ctx.batchId, this.ctx.actor.name];
  }

  customerIds(): number[] {
    return [...this.customers.values()].flatMap((c) => (c.touched ? [c.id] : []));
  }

  /** The earliest document date written (the aging periods from it on are refreshed). */
  earliest(): IsoDate | null {
    return this.first;
  }

  written(): ImportWrite {
    const totals = [...this.totals.values()].flatMap((byCurrency) => [...byCurrency.values()]);
    for (const t of totals) assert(Number.isSafeInteger(t.cents), 'totals are exact');
    return {
      created: this.created, skipped: 0, effectiveDate: this.last,
      journal: totals.flatMap((t) => documentJournalLines(t.type,
        (t.type === 'credit_memo' ? -t.cents : t.cents) as Cents, t.currency)),
    };
  }

  private count(r: InvoiceRow, c: CustomerRef, cents: number): void {
    let byCurrency = this.totals.get(r.type);
    if (byCurrency === undefined) {
      byCurrency = new Map();
      this.totals.set(r.type, byCurrency);
    }
    const total = byCurrency.get(c.currency);
    if (total) total.cents += cents;
    else byCurrency.set(c.currency, { type: r.type, currency: c.currency, cents });
    c.touched = true;
    this.created += 1;
    if (this.last === null || r.date > this.last) this.last = r.date;
    if (this.first === null || r.date < this.first) this.first = r.date;
  }

  /** The due date of a document of `c` (which has terms) dated `date`. */
  private dueDate(c: CustomerRef, date: IsoDate): IsoDate {
    if (c.dueDates === null) {
      let byDate = this.dueDates.get(c.termsCode);
      if (byDate === undefined) {
        byDate = new Map();
        this.dueDates.set(c.termsCode, byDate);
      }
      c.dueDates = byDate;
    }
    let due = c.dueDates.get(date);
    if (due === undefined) {
      const terms = this.terms.get(c.termsCode);
      assert(terms !== undefined, `customers reference known terms (${c.termsCode})`);
      due = dueDateFor(terms, date);
      c.dueDates.set(date, due);
    }
    return due;
  }
}

/** Minor units of a milli-unit amount in `currency`; null when finer than the currency. */
function centsOf(milli: number, currency: string): number | null {
  const divisor = 10 ** (AMOUNT_SCALE - currencyExponent(currency));
  return milli % divisor === 0 ? milli / divisor : null;
}
