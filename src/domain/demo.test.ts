import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { DEMO_COLUMNS, DEMO_KINDS, demoCompany, demoFingerprint, type DemoKind, type DemoRow }
  from './demo.ts';
import type { DemoParams } from './demo.ts';
import { addDays, daysBetween, isIsoDate } from './dates.ts';
import { parseAmount } from './money.ts';

function cents(text: string): number {
  const r = parseAmount(text);
  if (!r.ok) throw new Error(`not an amount: ${text}`);
  return r.value;
}

interface Item {
  account: string;
  date: string;
  dueDate: string;
  amountCents: number;
  openCents: number;
}

/** Replays the four row sets as an importer would and collects every rule they break. */
function replay(params: DemoParams) {
  const demo = demoCompany(params);
  const rows = Object.fromEntries(DEMO_KINDS.map((k) => [k, [...demo.rows(k)]])) as
    Record<DemoKind, DemoRow[]>;
  const problems: string[] = [];
  const customers = new Set<string>();
  for (const c of rows.customers) {
    if (c.parent_account && !customers.has(c.parent_account)) {
      problems.push(`parent of ${c.account_number} comes later`);
    }
    if (customers.has(c.account_number!)) problems.push(`duplicate account ${c.account_number}`);
    customers.add(c.account_number!);
  }
  const documents = new Map<string, Item & { type: string }>();
  for (const d of rows.invoices) {
    if (!customers.has(d.account_number!)) problems.push(`unknown account on ${d.number}`);
    if (documents.has(d.number!)) problems.push(`duplicate document ${d.number}`);
    const dueDate = d.due_date || d.date!;
    if (!isIsoDate(d.date!) || d.date! > params.today || dueDate < d.date!) {
      problems.push(`dates of ${d.number}`);
    }
    documents.set(d.number!, { account: d.account_number!, type: d.type!, date: d.date!, dueDate,
      amountCents: cents(d.amount!), openCents: cents(d.amount!) });
  }
  const payments = new Map<string, Item>();
  for (const p of rows.payments) {
    if (p.account_number && !customers.has(p.account_number)) problems.push('payment account');
    if (p.received_on! > params.today || !isIsoDate(p.received_on!)) problems.push('receipt date');
    const key = `${p.account_number}|${p.reference}`;
    if (p.account_number && payments.has(key)) problems.push(`duplicate reference ${key}`);
    payments.set(key, { account: p.account_number!, date: p.received_on!, dueDate: p.received_on!,
      amountCents: cents(p.amount!), openCents: cents(p.amount!) });
  }
  for (const a of rows.applications) {
    const debit = documents.get(a.document_number!);
    const credit = payments.get(`${a.account_number}|${a.payment_reference}`)
      ?? documents.get(a.payment_reference!);
    const sameAccount = debit?.account === a.account_number && credit?.account === debit?.account;
    if (!debit || !credit || !sameAccount) {
      problems.push(`unresolved application ${JSON.stringify(a)}`);
      continue;
    }
    const amount = cents(a.amount!);
    debit.openCents -= amount;
    credit.openCents -= amount;
    if (amount <= 0 || debit.openCents < 0 || credit.openCents < 0) {
      problems.push(`application exceeds open ${JSON.stringify(a)}`);
    }
    if (a.applied_on! < debit.date || a.applied_on! < credit.date || a.applied_on! > params.today) {
      problems.push(`application date ${JSON.stringify(a)}`);
    }
  }
  return { rows, problems, documents, payments };
}

/** Share (percent) of the open debit balance that is not yet due on `today`. */
function currentShare(documents: Map<string, Item & { type: string }>, today: string): number {
  let open = 0;
  let current = 0;
  for (const d of documents.values()) {
    if (d.type === 'credit_memo') continue;
    open += d.openCents;
    if (d.dueDate >= today) current += d.openCents;
  }
  return (100 * current) / open;
}

const count = <T>(items: Iterable<T>, key: (t: T) => string) => {
  const out = new Map<string, number>();
  for (const t of items) out.set(key(t), (out.get(key(t)) ?? 0) + 1);
  return out;
};

describe('demo company generator', () => {
  const small = { customers: 120, invoices: 1500, today: '2026-03-15' };

  it('gives identical rows for the same parameters, different ones for another seed', () => {
    for (const kind of DEMO_KINDS) {
      const a = [...demoCompany(small).rows(kind)];
      expect([...demoCompany(small).rows(kind)]).toEqual(a);
      expect([...demoCompany({ ...small, seed: 2 }).rows(kind)]).not.toEqual(a);
    }
  });

  it('writes exactly the import columns, in order, as text', () => {
    const demo = demoCompany(small);
    for (const kind of DEMO_KINDS) {
      for (const row of demo.rows(kind)) {
        expect(Object.keys(row)).toEqual(DEMO_COLUMNS[kind]);
        for (const v of Object.values(row)) expect(typeof v).toBe('string');
      }
    }
  });

  it('fingerprints the generator parameters per file', () => {
    expect(demoFingerprint(small, 'invoices'))
      .toBe(demoFingerprint({ ...small, seed: 1 }, 'invoices'));
    expect(demoFingerprint(small, 'invoices')).not.toBe(demoFingerprint(small, 'payments'));
    expect(demoFingerprint(small, 'invoices'))
      .not.toBe(demoFingerprint({ ...small, invoices: 1501 }, 'invoices'));
  });

  it('keeps every application within both open amounts, dated within both documents and today',
    () => {
      fc.assert(
        fc.property(
          fc.integer({ min: 1, max: 60 }), fc.integer({ min: 0, max: 800 }),
          fc.integer({ min: 0, max: 3000 }), fc.integer({ min: 1, max: 1000 }),
          (customers, invoices, day, seed) => {
            const today = addDays('2024-01-01', day);
            const { problems, rows } = replay({ customers, invoices, today, seed });
            expect(problems).toEqual([]);
            expect(rows.customers).toHaveLength(customers);
            expect(rows.invoices.filter((r) => r.type === 'invoice')).toHaveLength(invoices);
          },
        ),
        { numRuns: 25 },
      );
    });
});

describe('a 3,000-customer demo company', () => {
  const today = '2026-03-15';
  const params = { customers: 3000, invoices: 36000, today };
  const { rows, problems, documents, payments } = replay(params);

  it('is internally consistent: references resolve, amounts and dates fit', () => {
    expect(problems).toEqual([]);
  });

  it('has unique names, portfolios of about 1,000 accounts and ~1 sales rep per 150', () => {
    expect(new Set(rows.customers.map((c) => c.name)).size).toBe(3000);
    const portfolios = count(rows.customers, (c) => c.collector!);
    expect(portfolios.size).toBe(3);
    for (const n of portfolios.values()) {
      expect(n).toBeGreaterThan(900);
      expect(n).toBeLessThan(1100);
    }
    expect(count(rows.customers, (c) => c.sales_rep!).size).toBe(20);
    expect(count(rows.customers, (c) => c.region!).size).toBe(6);
    expect(rows.customers.filter((c) => c.parent_account).length).toBeGreaterThan(100);
  });

  it('has a terms mix with NET30 the majority and a few COD accounts', () => {
    const terms = count(rows.customers, (c) => c.terms!);
    expect(terms.get('NET30')!).toBeGreaterThan(1300);
    for (const t of ['NET15', 'NET45', 'NET60', '2/10NET30', '1/10NET30', 'NET10EOM', 'COD']) {
      expect(terms.get(t), t).toBeGreaterThan(30);
    }
  });

  it('bills seasonally and a few big accounts carry much of the volume', () => {
    const invoices = rows.invoices.filter((r) => r.type === 'invoice');
    const byMonth = count(invoices, (r) => r.date!.slice(0, 7));
    expect(byMonth.size).toBe(15);
    expect(byMonth.get('2025-12')!).toBeGreaterThan(byMonth.get('2025-02')! * 1.3);
    expect(byMonth.get('2025-07')!).toBeGreaterThan(byMonth.get('2025-04')!);
    const perAccount = [...count(invoices, (r) => r.account_number!).values()]
      .sort((a, b) => b - a);
    const top = perAccount.slice(0, 300).reduce((a, b) => a + b, 0);
    expect(top / invoices.length).toBeGreaterThan(0.4);
  });

  it('has credit memos, multi-invoice payments, unapplied and unidentified cash', () => {
    const types = count(rows.invoices, (r) => r.type!);
    expect(types.get('credit_memo')!).toBeGreaterThan(36000 * 0.02);
    expect(types.get('debit_memo')!).toBeGreaterThan(50);
    const paymentOf = (a: DemoRow) => `${a.account_number}|${a.payment_reference}`;
    const perPayment = count(rows.applications, paymentOf);
    expect([...perPayment.values()].filter((n) => n > 1).length).toBeGreaterThan(1000);
    const unidentified = rows.payments.filter((p) => p.account_number === '');
    expect(unidentified.length).toBeGreaterThan(10);
    const unapplied = [...payments.values()].filter((p) => p.account && p.openCents > 0);
    expect(unapplied.length).toBeGreaterThan(10);
    expect(count(rows.payments, (p) => p.method!).size).toBe(7);
  });

  it('has a realistic aging: mostly current, a tail past 90 days', () => {
    const share = currentShare(documents, today);
    expect(share).toBeGreaterThan(40);
    expect(share).toBeLessThan(85);
    const pastNinety = [...documents.values()].filter((d) =>
      d.type !== 'credit_memo' && d.openCents > 0 && daysBetween(d.dueDate, today) > 90);
    expect(pastNinety.length).toBeGreaterThan(100);
    const recent = [...documents.values()].filter((d) =>
      d.type === 'invoice' && daysBetween(d.date, today) <= 10);
    const recentOpen = recent.filter((d) => d.openCents === d.amountCents);
    expect(recentOpen.length / recent.length).toBeGreaterThan(0.75);
  });
});
