import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshDb } from './support/db.ts';
import { getCustomer, listCustomers } from '../src/reports/customers.ts';
import { listCustomerItems, listUnappliedPayments } from '../src/reports/customer-items.ts';
import { accountStatement } from '../src/reports/statement.ts';
import { ensureSummaryDate, forgetSummaryDate } from '../src/reports/customer-summary-date.ts';

let db: Awaited<ReturnType<typeof freshDb>>;
const TODAY = '2026-06-30';

beforeAll(async () => {
  db = await freshDb();
  await db.query(`INSERT INTO customers (account_number, name, collector, sales_rep, credit_limit_cents,
      terms_code) VALUES
    ('A100', 'Alpha Foods', 'Kim', 'Ray', 50000, '2/10NET30'),
    ('B200', 'Beta Supply', 'Kim', 'Sue', NULL, 'NET30'),
    ('C300', 'Gamma Markets', 'Lee', 'Ray', 10000, 'NET15')`);
  const ins = (cust: number, type: string, num: string, date: string, due: string, amt: number,
    open: number) => db.query(
    `INSERT INTO documents (customer_id, type, number, document_date, due_date, amount_cents,
       open_cents, currency, created_by, method)
     VALUES ($1, $2, $3, $4, $5, $6, $7, 'USD', 'test', $8)`,
    [cust, type, num, date, due, amt, open, type === 'payment' ? 'check' : null]);
  await ins(1, 'invoice', 'INV-1', '2026-04-01', '2026-05-01', 30000, 30000); // 60 days past due
  await ins(1, 'invoice', 'INV-2', '2026-06-10', '2026-07-10', 12000, 12000); // current
  await ins(1, 'payment', 'CHK-9', '2026-06-20', '2026-06-20', -5000, -5000); // unapplied
  await ins(2, 'invoice', 'INV-3', '2026-05-01', '2026-05-31', 80000, 20000); // 30 past due
  await ins(2, 'payment', 'CHK-1', '2026-06-01', '2026-06-01', -60000, 0);
  await ins(3, 'invoice', 'INV-4', '2026-06-25', '2026-07-10', 7000, 7000);
  forgetSummaryDate();
  await ensureSummaryDate(db, TODAY);
});
afterAll(async () => db.dispose());

describe('customer list', () => {
  it('sorts by past due, largest first, with balances from the summary', async () => {
    const r = await listCustomers(db, { sort: 'pastDue', dir: 'desc' }, {}, TODAY);
    expect(r.total).toBe(3);
    expect(r.items.map((c) => [c.accountNumber, c.pastDueCents, c.balanceCents])).toEqual([
      ['A100', 30000, 37000],
      ['B200', 20000, 20000],
      ['C300', 0, 7000],
    ]);
    expect(r.items[0]).toMatchObject({ unappliedCents: -5000, oldestDueDate: '2026-05-01',
      daysPastDueMax: 60 });
  });

  it('searches by account prefix or name, filters and paginates', async () => {
    expect((await listCustomers(db, { q: 'gamma' }, {}, TODAY)).items.map((c) => c.id)).toEqual([3]);
    expect((await listCustomers(db, { q: 'B2' }, {}, TODAY)).items.map((c) => c.id)).toEqual([2]);
    const kim = await listCustomers(db, { collector: 'Kim', limit: 1, offset: 1 }, {}, TODAY);
    expect(kim.total).toBe(2);
    expect(kim.items.map((c) => c.accountNumber)).toEqual(['B200']);
  });

  it('shows a sales rep only their own accounts', async () => {
    const r = await listCustomers(db, {}, { salesRep: 'Ray' }, TODAY);
    expect(r.items.map((c) => c.accountNumber)).toEqual(['A100', 'C300']);
    expect(await getCustomer(db, 2, { salesRep: 'Ray' }, TODAY)).toBeNull();
  });

  it('moves past due forward when the business date changes', async () => {
    await ensureSummaryDate(db, '2026-07-20');
    const r = await listCustomers(db, { sort: 'pastDue', dir: 'desc' }, {}, '2026-07-20');
    expect(r.items.find((c) => c.accountNumber === 'C300')?.pastDueCents).toBe(7000);
    expect(r.items.find((c) => c.accountNumber === 'A100')?.pastDueCents).toBe(42000);
    await ensureSummaryDate(db, TODAY);
  });
});

describe('customer account', () => {
  it('has terms, available credit and open items oldest first', async () => {
    const c = await getCustomer(db, 1, {}, TODAY);
    expect(c).toMatchObject({ termsDescription: '2% 10, net 30', availableCreditCents: 13000 });
    const items = await listCustomerItems(db, 1, { status: 'open' }, TODAY);
    expect(items.map((i) => [i.number, i.openCents, i.daysPastDue])).toEqual([
      ['INV-1', 30000, 60], ['CHK-9', -5000, 0], ['INV-2', 12000, 0],
    ]);
    const unapplied = await listUnappliedPayments(db, {}, TODAY);
    expect(unapplied.items.map((i) => i.number)).toEqual(['CHK-9']);
  });

  it('states account activity with a running balance', async () => {
    const s = await accountStatement(db, 1, '2026-06-01', '2026-06-30');
    expect(s.openingCents).toBe(30000);
    expect(s.lines.map((l) => [l.number, l.debitCents, l.creditCents, l.balanceCents])).toEqual([
      ['INV-2', 12000, 0, 42000],
      ['CHK-9', 0, 5000, 37000],
    ]);
    expect(s.closingCents).toBe(37000);
  });
});
