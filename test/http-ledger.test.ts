import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { problemOf, testServer, type Browser, type TestServer } from './support/http.ts';

// Posting, paying, applying and reversing over HTTP, and what the reports then say: the
// account's items and history, the statement, the aging (JSON and downloads), the home page.

let s: TestServer;
let clerk: Browser;
let manager: Browser;
let collector: Browser;
let acme: number;
let other: number;
let inv1: { id: number };
let inv2: { id: number };

async function ok(r: Awaited<ReturnType<Browser['request']>>, status = 201) {
  expect(r.statusCode, r.body).toBe(status);
  return r.json();
}

beforeAll(async () => {
  s = await testServer();
  await s.addUser('cash', 'cash_application', 'Cass Clerk');
  await s.addUser('mia', 'ar_manager', 'Mia Manager');
  await s.addUser('cole', 'collector', 'Cole Collector');
  [clerk, manager, collector] = [await s.signIn('cash'), await s.signIn('mia'),
    await s.signIn('cole')];
  acme = (await ok(await manager.request('POST', '/api/v1/customers',
    { account: 'A100', name: 'Acme', collector: 'Cole Collector' }))).customer.id;
  other = (await ok(await manager.request('POST', '/api/v1/customers',
    { account: 'B200', name: 'Bolt', collector: 'Someone Else' }))).customer.id;
  // Today (test clock) is 2026-06-30.
  inv1 = (await ok(await clerk.request('POST', '/api/v1/items', { customerId: acme,
    type: 'invoice', number: 'INV-1', date: '2026-04-01', amount: '1,000.00',
    poNumber: 'PO-9' }))).item;
  inv2 = (await ok(await clerk.request('POST', '/api/v1/items', { customerId: acme,
    type: 'invoice', number: 'INV-2', date: '2026-06-15', amount: '250.00' }))).item;
  await ok(await clerk.request('POST', '/api/v1/items', { customerId: other,
    type: 'invoice', number: 'INV-3', date: '2026-06-01', amount: '99.99' }));
});
afterAll(async () => s.close());

describe('items', () => {
  it('posts an invoice with its due date from the terms and days past due', async () => {
    const items = (await ok(await clerk.request('GET', `/api/v1/customers/${acme}/items`),
      200)).items;
    expect(items[0]).toMatchObject({
      id: inv1.id, type: 'invoice', number: 'INV-1', documentDate: '2026-04-01',
      dueDate: '2026-05-01', amount: '1000.00', open: '1000.00', daysPastDue: 60,
      poNumber: 'PO-9', currency: 'USD',
    });
  });

  it.each([
    { body: { amount: '-5' }, status: 422, code: 'amount_must_be_positive' },
    { body: { amount: 'ten' }, status: 422, code: 'amount_invalid' },
    { body: { number: 'INV-1' }, status: 409, code: 'document_number_taken' },
    { body: { type: 'payment' }, status: 400, code: 'request_invalid' },
    { body: { customerId: 999999 }, status: 404, code: 'customer_not_found' },
  ])('refuses $code', async ({ body, status, code }) => {
    const r = await clerk.request('POST', '/api/v1/items', { customerId: acme, type: 'invoice',
      number: 'INV-X', date: '2026-06-01', amount: '1.00', ...body });
    expect(r.statusCode, r.body).toBe(status);
    expect(problemOf(r).code).toBe(code);
  });
});

describe('payments and applications', () => {
  let paymentId: number;
  let firstApplication: number;

  it('enters a payment, unapplied, and lists it in the research queue', async () => {
    const key = { 'idempotency-key': 'pay-1' };
    const body = { customerId: acme, method: 'check', reference: '1234', receivedOn: '2026-06-29',
      amount: '600.00', payerName: 'Acme AP' };
    const payment = (await ok(await clerk.request('POST', '/api/v1/payments', body, key))).payment;
    expect(payment).toMatchObject({ type: 'payment', amount: '-600.00', open: '-600.00',
      method: 'check', reference: '1234', payerName: 'Acme AP', customerId: acme });
    paymentId = payment.id;
    const again = await clerk.request('POST', '/api/v1/payments', body, key);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.json().payment.id).toBe(paymentId);
    const reused = await clerk.request('POST', '/api/v1/payments', { ...body, amount: '1' }, key);
    expect(problemOf(reused).code).toBe('idempotency_key_reused');
    const queue = await ok(await clerk.request('GET', '/api/v1/payments?unapplied=true'), 200);
    expect(queue.total).toBe(1);
    expect(queue.items[0].id).toBe(paymentId);
  });

  it('applies it to two invoices, leaving the rest unapplied', async () => {
    const r = await ok(await clerk.request('POST', '/api/v1/applications', {
      creditId: paymentId, appliedOn: '2026-06-30',
      lines: [{ debitId: inv1.id, amount: '400.00' }, { debitId: inv2.id, amount: '150' }],
    }));
    expect(r.applications.map((a: { debitNumber: string; amount: string }) =>
      [a.debitNumber, a.amount])).toEqual([['INV-1', '400.00'], ['INV-2', '150.00']]);
    expect(r.applications[0]).toMatchObject({ creditNumber: '1234', creditType: 'payment',
      method: 'manual', createdBy: 'cash', reversesId: null });
    expect(r.credit.open).toBe('-50.00');
    firstApplication = r.applications[0].id;
    const detail = await ok(await clerk.request('GET', `/api/v1/payments/${paymentId}`), 200);
    expect(detail.applications).toHaveLength(2);
  });

  it('refuses to apply more than is open, with the open amount', async () => {
    const r = await clerk.request('POST', '/api/v1/applications', {
      creditId: paymentId, appliedOn: '2026-06-30', lines: [{ debitId: inv2.id, amount: '200' }],
    });
    expect(r.statusCode).toBe(409);
    expect(problemOf(r)).toMatchObject({ code: 'amount_exceeds_open_balance', openCents: 10000 });
  });

  it('reverses an application with a reason; a second reversal is refused', async () => {
    const r = await ok(await clerk.request('POST',
      `/api/v1/applications/${firstApplication}/reverse`,
      { reason: 'applied to the wrong invoice', effectiveDate: '2026-06-30' }));
    expect(r.reversal).toMatchObject({ reversesId: firstApplication, amount: '-400.00',
      reason: 'applied to the wrong invoice' });
    const twice = await clerk.request('POST', `/api/v1/applications/${firstApplication}/reverse`,
      { reason: 'again', effectiveDate: '2026-06-30' });
    expect(twice.statusCode).toBe(409);
    expect(problemOf(twice).code).toBe('application_already_reversed');
    const history = await ok(await clerk.request('GET',
      `/api/v1/customers/${acme}/applications`), 200);
    const original = history.items.find((a: { id: number }) => a.id === firstApplication);
    expect(original.reversedBy).toBe(r.reversal.id);
  });

  it('a collector posts cash for their portfolio only', async () => {
    const body = { method: 'cash', receivedOn: '2026-06-30', amount: '5.00' };
    const mine = await ok(await collector.request('POST', '/api/v1/payments',
      { ...body, customerId: acme }));
    expect(mine.payment.number).toMatch(/^CASH-2026-06-30-/);
    const theirs = await collector.request('POST', '/api/v1/payments',
      { ...body, customerId: other });
    expect(theirs.statusCode).toBe(403);
    const noReference = await clerk.request('POST', '/api/v1/payments',
      { ...body, method: 'wire', customerId: acme });
    expect(problemOf(noReference).code).toBe('reference_required');
  });
});

describe('reports', () => {
  it('the statement runs the balance through the period', async () => {
    const st = await ok(await clerk.request('GET',
      `/api/v1/customers/${acme}/statement?from=2026-06-01&to=2026-06-30`), 200);
    expect(st.opening).toBe('1000.00');
    expect(st.lines.map((l: { number: string; balance: string }) => [l.number, l.balance]))
      .toEqual([['INV-2', '1250.00'], ['1234', '650.00'], [expect.stringMatching(/^CASH/),
        '645.00']]);
    expect(st.closing).toBe('645.00');
    const bad = await clerk.request('GET',
      `/api/v1/customers/${acme}/statement?from=2026-07-01&to=2026-06-01`);
    expect(problemOf(bad).code).toBe('period_invalid');
  });

  it('the aging JSON has the CLI shape; its total is the open balance', async () => {
    const r = await ok(await clerk.request('GET', '/api/v1/aging?by=customer&detail=true'), 200);
    expect(Object.keys(r).sort()).toEqual(
      ['asOf', 'basis', 'buckets', 'by', 'currency', 'rows', 'totals']);
    expect(r.asOf).toBe('2026-06-30');
    // Acme: INV-1 open 1000 again after the reversal, INV-2 100; 450 + 5 unapplied. Bolt 99.99.
    expect(r.rows.map((x: { key: string; total: string; unapplied: string }) =>
      [x.key, x.total, x.unapplied])).toEqual([['A100', '645.00', '-455.00'],
      ['B200', '99.99', '0.00']]);
    expect(r.rows[0].items.map((i: { number: string }) => i.number))
      .toEqual(['INV-1', '1234', expect.stringMatching(/^CASH-/), 'INV-2']);
    expect(r.totals.total).toBe('744.99');
    const bad = await clerk.request('GET', '/api/v1/aging?buckets=60,30');
    expect(problemOf(bad).code).toBe('buckets_invalid');
  });

  it('downloads the aging as CSV and as a real workbook', async () => {
    const csv = await clerk.request('GET', '/api/v1/aging?format=csv');
    expect(csv.headers['content-type']).toMatch(/^text\/csv/);
    expect(csv.headers['content-disposition']).toContain('aging-2026-06-30-customer.csv');
    expect(csv.body.split('\r\n').at(-2)).toBe('TOTAL,,199.99,0.00,0.00,1000.00,0.00,0.00,0.00,' +
      '-455.00,744.99');
    const xlsx = await clerk.request('GET', '/api/v1/aging?format=xlsx&by=none');
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(xlsx.rawPayload as unknown as ArrayBuffer);
    const sheet = book.getWorksheet('Aging')!;
    expect(sheet.getRow(sheet.rowCount).values).toEqual([undefined, 'TOTAL', 199.99, 0, 0, 1000,
      0, 0, 0, -455, 744.99]);
  });

  it('the home page covers the book for a manager, the portfolio for a collector', async () => {
    const book = await ok(await manager.request('GET', '/api/v1/dashboard'), 200);
    expect(book).toMatchObject({ scope: 'book', customers: 2, pastDue: '1000.00',
      aging: { total: '744.99', unapplied: '-455.00' } });
    // Bolt's invoice is not due yet: it is no past-due account.
    expect(book.topPastDue.map((c: { accountNumber: string }) => c.accountNumber))
      .toEqual(['A100']);
    expect(book.byCollector.map((c: { key: string }) => c.key))
      .toEqual(['Cole Collector', 'Someone Else']);
    const mine = await ok(await collector.request('GET', '/api/v1/dashboard'), 200);
    expect(mine).toMatchObject({ scope: 'collector:Cole Collector', customers: 1,
      pastDue: '1000.00', aging: { total: '645.00' }, byCollector: [] });
  });
});
