/**
 * The rows of import files: each kind's columns, which are required, and how one row's text is
 * read into typed values (amounts, dates, currencies, payment methods). Pure: a row in, a typed
 * row or every problem with it out. Rules that need other rows or the ledger (accounts exist,
 * numbers are new, open amounts suffice) are the importer's.
 */
import { isIsoDate, type IsoDate } from './dates.ts';
import { PAYMENT_METHODS, type PaymentMethod } from './ledger.ts';
import { isCurrencyCode, parseAmount } from './money.ts';
import { err, ok, type Result } from './result.ts';

export const IMPORT_KINDS = ['customers', 'invoices', 'payments', 'applications'] as const;
export type ImportKind = (typeof IMPORT_KINDS)[number];

export function isImportKind(s: string): s is ImportKind {
  return (IMPORT_KINDS as readonly string[]).includes(s);
}

/** Each kind's columns, as named in a file's header (case and surrounding blanks ignored). */
export const IMPORT_COLUMNS: Record<ImportKind, readonly string[]> = {
  customers: [
    'account_number', 'name', 'parent_account', 'terms', 'credit_limit', 'currency', 'collector',
    'sales_rep', 'region', 'contact_name', 'email', 'phone',
  ],
  invoices: [
    'account_number', 'number', 'type', 'date', 'due_date', 'amount', 'currency', 'po_number',
    'order_number',
  ],
  payments: [
    'account_number', 'method', 'reference', 'received_on', 'amount', 'currency', 'payer_name',
    'memo',
  ],
  applications: ['account_number', 'payment_reference', 'document_number', 'amount', 'applied_on'],
};

export const REQUIRED_COLUMNS: Record<ImportKind, readonly string[]> = {
  customers: ['account_number', 'name'],
  invoices: ['account_number', 'number', 'date', 'amount'],
  payments: ['received_on', 'amount'],
  applications: IMPORT_COLUMNS.applications,
};

/**
 * Amounts are read in thousandths of the currency unit ("milli"), the finest minor unit of any
 * currency: a row's currency (and so its minor unit) may only be known once its customer is
 * found. The importer turns milli into minor units and refuses amounts finer than the currency.
 */
export const AMOUNT_SCALE = 3;

/** One row's cells by column name, as text. */
export type RowValues = Readonly<Record<string, string>>;

/** What is wrong with one cell (or the header): the column and a sentence for people. */
export interface RowIssue {
  column: string;
  reason: string;
}

/** Problems with a header: columns repeated, unknown (named), or required and missing. */
export function checkHeader(kind: ImportKind, columns: readonly string[]): RowIssue[] {
  const known = IMPORT_COLUMNS[kind];
  const issues: RowIssue[] = [];
  const seen = new Set<string>();
  for (const c of columns) {
    if (seen.has(c)) issues.push({ column: c, reason: 'column appears more than once' });
    seen.add(c);
    if (!known.includes(c)) {
      const reason = `unknown column for ${kind} (columns: ${known.join(', ')})`;
      issues.push({ column: c, reason });
    }
  }
  for (const c of REQUIRED_COLUMNS[kind]) {
    if (!seen.has(c)) issues.push({ column: c, reason: 'required column missing' });
  }
  return issues;
}

export const BILLING_TYPES = ['invoice', 'credit_memo', 'debit_memo'] as const;
export type BillingType = (typeof BILLING_TYPES)[number];

export interface CustomerRow {
  accountNumber: string;
  name: string;
  parentAccount: string | null;
  /** As written; the importer stores a known code or the canonical code of parsed terms. */
  terms: string;
  creditLimitMilli: number | null;
  currency: string | null;
  collector: string | null;
  salesRep: string | null;
  region: string | null;
  contactName: string | null;
  email: string | null;
  phone: string | null;
}

export interface InvoiceRow {
  accountNumber: string;
  number: string;
  type: BillingType;
  date: IsoDate;
  dueDate: IsoDate | null;
  /** Positive, whatever the type. */
  amountMilli: number;
  currency: string | null;
  poNumber: string | null;
  orderNumber: string | null;
}

export interface PaymentRow {
  /** Null: unidentified cash. */
  accountNumber: string | null;
  method: PaymentMethod;
  /** Null: the importer gives the payment a generated number. */
  reference: string | null;
  receivedOn: IsoDate;
  amountMilli: number;
  currency: string | null;
  payerName: string | null;
  memo: string | null;
}

export interface ApplicationRow {
  accountNumber: string;
  paymentReference: string;
  documentNumber: string;
  amountMilli: number;
  appliedOn: IsoDate;
}

export interface ImportRows {
  customers: CustomerRow;
  invoices: InvoiceRow;
  payments: PaymentRow;
  applications: ApplicationRow;
}

/** Deliberately loose: one @, something on each side, a dot in the domain, no spaces. */
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** The words people use for each payment method, after lower-casing and `_` for blanks. */
const METHOD_WORDS: Record<string, PaymentMethod> = {
  chk: 'check', cheque: 'check', eft: 'ach', wire_transfer: 'wire', credit_card: 'card',
  bill_pay: 'online_bill_pay', obp: 'online_bill_pay',
};

function token(text: string): string {
  return text.trim().toLowerCase().replace(/[\s-]+/g, '_');
}

/** A payment method as written ("ACH", "EFT", "Wire", "cheque") in its stored form. */
export function normalizeMethod(text: string): PaymentMethod | null {
  const t = token(text);
  if ((PAYMENT_METHODS as readonly string[]).includes(t)) return t as PaymentMethod;
  return METHOD_WORDS[t] ?? null;
}

/** "Credit Memo", "credit-memo", "CREDIT_MEMO" -> credit_memo. */
export function normalizeBillingType(text: string): BillingType | null {
  const t = token(text);
  return (BILLING_TYPES as readonly string[]).includes(t) ? (t as BillingType) : null;
}

/** Reads cells of one row, collecting every issue instead of stopping at the first. */
class Cells {
  readonly issues: RowIssue[] = [];
  constructor(private readonly values: RowValues) {}

  text(column: string): string | null {
    const v = this.values[column];
    if (v === undefined) return null;
    const t = v.trim();
    return t === '' ? null : t;
  }

  required(column: string): string {
    const v = this.text(column);
    if (v === null) this.issues.push({ column, reason: 'required' });
    return v ?? '';
  }

  date(column: string, required: boolean): IsoDate | null {
    const v = required ? this.required(column) : this.text(column);
    if (v === null || v === '') return null;
    if (!isIsoDate(v)) this.issues.push({ column, reason: `not a date (YYYY-MM-DD): "${v}"` });
    return v;
  }

  /** An amount in milli-units, positive (or >= 0 when `zeroAllowed`). */
  amount(column: string, required: boolean, zeroAllowed = false): number | null {
    const v = required ? this.required(column) : this.text(column);
    if (v === null || v === '') return null;
    const r = parseAmount(v, AMOUNT_SCALE);
    if (!r.ok) {
      const why = r.error.code === 'amount_too_precise' ? 'too many decimal places'
        : r.error.code === 'amount_too_large' ? 'too large' : 'not a decimal amount';
      this.issues.push({ column, reason: `${why}: "${v}"` });
      return null;
    }
    if (r.value < 0 || (r.value === 0 && !zeroAllowed)) {
      const must = zeroAllowed ? 'must be zero or positive' : 'must be positive';
      this.issues.push({ column, reason: `${must}: "${v}"` });
    }
    return r.value;
  }

  currency(column: string): string | null {
    const v = this.text(column)?.toUpperCase() ?? null;
    if (v !== null && !isCurrencyCode(v)) {
      this.issues.push({ column, reason: `not an ISO currency code: "${v}"` });
    }
    return v;
  }

  done<T>(row: T): Result<T, RowIssue[]> {
    return this.issues.length === 0 ? ok(row) : err(this.issues);
  }
}

export function readCustomerRow(values: RowValues): Result<CustomerRow, RowIssue[]> {
  const c = new Cells(values);
  const accountNumber = c.required('account_number');
  const name = c.required('name');
  const parentAccount = c.text('parent_account');
  if (parentAccount !== null && parentAccount === accountNumber) {
    c.issues.push({ column: 'parent_account', reason: 'a customer cannot be its own parent' });
  }
  const creditLimitMilli = c.amount('credit_limit', false, true);
  const currency = c.currency('currency');
  const contactName = c.text('contact_name');
  const email = c.text('email');
  const phone = c.text('phone');
  if (email !== null && !EMAIL.test(email)) {
    c.issues.push({ column: 'email', reason: `not an email address: "${email}"` });
  }
  if (contactName === null && (email !== null || phone !== null)) {
    c.issues.push({ column: 'contact_name', reason: 'required when email or phone is given' });
  }
  return c.done({
    accountNumber, name, parentAccount, terms: c.text('terms') ?? 'NET30', creditLimitMilli,
    currency, collector: c.text('collector'), salesRep: c.text('sales_rep'),
    region: c.text('region'), contactName, email, phone,
  });
}

export function readInvoiceRow(values: RowValues): Result<InvoiceRow, RowIssue[]> {
  const c = new Cells(values);
  const accountNumber = c.required('account_number');
  const number = c.required('number');
  const typeText = c.text('type');
  const type = typeText === null ? 'invoice' : normalizeBillingType(typeText);
  if (type === null) {
    const reason = `not invoice, credit_memo or debit_memo: "${typeText}"`;
    c.issues.push({ column: 'type', reason });
  }
  const date = c.date('date', true);
  const dueDate = c.date('due_date', false);
  if (date && dueDate && isIsoDate(date) && isIsoDate(dueDate) && dueDate < date) {
    c.issues.push({ column: 'due_date', reason: `before the document date ${date}` });
  }
  const amountMilli = c.amount('amount', true);
  return c.done({
    accountNumber, number, type: type ?? 'invoice', date: date ?? '', dueDate,
    amountMilli: amountMilli ?? 0, currency: c.currency('currency'),
    poNumber: c.text('po_number'), orderNumber: c.text('order_number'),
  });
}

export function readPaymentRow(values: RowValues): Result<PaymentRow, RowIssue[]> {
  const c = new Cells(values);
  const methodText = c.text('method');
  const method = methodText === null ? 'check' : normalizeMethod(methodText);
  if (method === null) {
    c.issues.push({ column: 'method', reason: `not a payment method (${PAYMENT_METHODS.join(', ')},`
      + ` or ACH/EFT): "${methodText}"` });
  }
  const receivedOn = c.date('received_on', true);
  const amountMilli = c.amount('amount', true);
  return c.done({
    accountNumber: c.text('account_number'), method: method ?? 'check',
    reference: c.text('reference'), receivedOn: receivedOn ?? '', amountMilli: amountMilli ?? 0,
    currency: c.currency('currency'), payerName: c.text('payer_name'), memo: c.text('memo'),
  });
}

export function readApplicationRow(values: RowValues): Result<ApplicationRow, RowIssue[]> {
  const c = new Cells(values);
  const accountNumber = c.required('account_number');
  const paymentReference = c.required('payment_reference');
  const documentNumber = c.required('document_number');
  const amountMilli = c.amount('amount', true);
  const appliedOn = c.date('applied_on', true);
  return c.done({
    accountNumber, paymentReference, documentNumber, amountMilli: amountMilli ?? 0,
    appliedOn: appliedOn ?? '',
  });
}

/** Each kind's row reader. */
export const ROW_READERS: {
  [K in ImportKind]: (values: RowValues) => Result<ImportRows[K], RowIssue[]>
} = {
  customers: readCustomerRow,
  invoices: readInvoiceRow,
  payments: readPaymentRow,
  applications: readApplicationRow,
};
