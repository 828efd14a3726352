import { describe, expect, it } from 'vitest';
import {
  checkHeader, normalizeBillingType, normalizeMethod, readApplicationRow, readCustomerRow,
  readInvoiceRow, readPaymentRow, type RowIssue,
} from './import-rows.ts';

const invoice = {
  account_number: 'C1', number: 'INV-1', type: '', date: '2026-03-01', due_date: '',
  amount: '1,234.5', currency: '', po_number: ' PO-9 ', order_number: '',
};

function issues(r: { ok: boolean; error?: RowIssue[] }): RowIssue[] {
  return r.ok ? [] : r.error!;
}

describe('header', () => {
  it.each<[string, string[], RowIssue[]]>([
    ['all known', ['account_number', 'number', 'date', 'amount', 'type'], []],
    ['extra columns are named', ['account_number', 'number', 'date', 'amount', 'discount', 'notes'], [
      { column: 'discount', reason: expect.stringMatching(/^unknown column for invoices/) },
      { column: 'notes', reason: expect.stringMatching(/^unknown column for invoices/) },
    ]],
    ['a repeated column', ['account_number', 'number', 'date', 'amount', 'number'],
      [{ column: 'number', reason: 'column appears more than once' }]],
    ['required ones missing', ['account_number', 'type'], [
      { column: 'number', reason: 'required column missing' },
      { column: 'date', reason: 'required column missing' },
      { column: 'amount', reason: 'required column missing' },
    ]],
  ])('invoices: %s', (_, columns, expected) => {
    expect(checkHeader('invoices', columns)).toEqual(expected);
  });

  it('needs only received_on and amount for payments', () => {
    expect(checkHeader('payments', ['received_on', 'amount'])).toEqual([]);
  });
});

describe('invoice rows', () => {
  it('reads amounts in milli-units, trims text, defaults the type', () => {
    expect(readInvoiceRow(invoice)).toEqual({ ok: true, value: {
      accountNumber: 'C1', number: 'INV-1', type: 'invoice', date: '2026-03-01', dueDate: null,
      amountMilli: 1_234_500, currency: null, poNumber: 'PO-9', orderNumber: null,
    } });
    expect(readInvoiceRow({ ...invoice, type: 'Credit Memo', currency: 'eur' })).toMatchObject({
      ok: true, value: { type: 'credit_memo', currency: 'EUR' } });
  });

  it.each<[string, Record<string, string>, RowIssue[]]>([
    ['required cells', { account_number: ' ', number: '', date: '', amount: '' }, [
      { column: 'account_number', reason: 'required' }, { column: 'number', reason: 'required' },
      { column: 'date', reason: 'required' }, { column: 'amount', reason: 'required' },
    ]],
    ['a bad date and type', { type: 'refund', date: '2026-02-30' }, [
      { column: 'type', reason: 'not invoice, credit_memo or debit_memo: "refund"' },
      { column: 'date', reason: 'not a date (YYYY-MM-DD): "2026-02-30"' },
    ]],
    ['due before the date', { due_date: '2026-02-28' },
      [{ column: 'due_date', reason: 'before the document date 2026-03-01' }]],
    ['negative amount', { amount: '-5' }, [{ column: 'amount', reason: 'must be positive: "-5"' }]],
    ['zero amount', { amount: '0.00' }, [{ column: 'amount', reason: 'must be positive: "0.00"' }]],
    ['not a number', { amount: '12,34' },
      [{ column: 'amount', reason: 'not a decimal amount: "12,34"' }]],
    ['finer than any currency', { amount: '1.0001' },
      [{ column: 'amount', reason: 'too many decimal places: "1.0001"' }]],
    ['a bad currency', { currency: 'dollars' },
      [{ column: 'currency', reason: 'not an ISO currency code: "DOLLARS"' }]],
  ])('lists every issue: %s', (_, change, expected) => {
    expect(issues(readInvoiceRow({ ...invoice, ...change }))).toEqual(expected);
  });
});

describe('payment rows', () => {
  it.each<[string, string | null]>([
    ['', null], ['Check', 'check'], ['cheque', 'check'], ['ACH', 'ach'], ['EFT', 'ach'],
    ['Wire Transfer', 'wire'], ['credit-card', 'card'], ['Online Bill Pay', 'online_bill_pay'],
    ['route cash', 'route_cash'], ['CASH', 'cash'], ['bitcoin', null],
  ])('method %j is %s', (text, method) => expect(normalizeMethod(text)).toBe(method));

  it('defaults the method to check; account and reference may be empty', () => {
    expect(readPaymentRow({ received_on: '2026-03-02', amount: '10' })).toEqual({ ok: true,
      value: { accountNumber: null, method: 'check', reference: null, receivedOn: '2026-03-02',
        amountMilli: 10_000, currency: null, payerName: null, memo: null } });
    expect(issues(readPaymentRow({ method: 'barter', received_on: '', amount: '1' }))).toEqual([
      { column: 'method', reason: expect.stringMatching(/^not a payment method/) },
      { column: 'received_on', reason: 'required' },
    ]);
  });
});

describe('customer rows', () => {
  const row = { account_number: 'C1', name: 'One', credit_limit: '0', terms: '' };

  it('defaults terms to NET30 and allows a zero credit limit', () => {
    expect(readCustomerRow(row)).toMatchObject({ ok: true,
      value: { terms: 'NET30', creditLimitMilli: 0, parentAccount: null, contactName: null } });
  });

  it.each<[string, Record<string, string>, RowIssue[]]>([
    ['own parent', { parent_account: 'C1' },
      [{ column: 'parent_account', reason: 'a customer cannot be its own parent' }]],
    ['negative limit', { credit_limit: '-1' },
      [{ column: 'credit_limit', reason: 'must be zero or positive: "-1"' }]],
    ['bad email, no contact name', { email: 'nobody' }, [
      { column: 'email', reason: 'not an email address: "nobody"' },
      { column: 'contact_name', reason: 'required when email or phone is given' },
    ]],
  ])('%s', (_, change, expected) => {
    expect(issues(readCustomerRow({ ...row, ...change }))).toEqual(expected);
  });
});

describe('application rows', () => {
  it('needs every column', () => {
    expect(issues(readApplicationRow({ account_number: 'C1', amount: '5', applied_on: 'x' })))
      .toEqual([
        { column: 'payment_reference', reason: 'required' },
        { column: 'document_number', reason: 'required' },
        { column: 'applied_on', reason: 'not a date (YYYY-MM-DD): "x"' },
      ]);
  });

  it('normalizes billing types', () => {
    expect(normalizeBillingType(' DEBIT-MEMO ')).toBe('debit_memo');
    expect(normalizeBillingType('memo')).toBeNull();
  });
});
