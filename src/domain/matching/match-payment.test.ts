import { describe, expect, it } from 'vitest';
import type { Cents } from '../money.ts';
import type { Terms } from '../terms.ts';
import { matchPayments } from './match-payment.ts';
import {
  DEFAULT_MATCH_CONFIG, type CustomerCandidate, type LearnedAccount, type MatchProposal,
  type OpenItemCandidate, type PaymentToMatch,
} from './types.ts';

// The engine end to end on a small ledger, one row per rule, in the order the engine tries them.
// Each row: a payment, and the proposal expected (rule, applied automatically or not, what it
// pays, what it leaves). Amounts in cents.

const NET30: Terms = { kind: 'net', netDays: 30, discount: null };
const TWO_TEN: Terms = { kind: 'net', netDays: 30, discount: { percentBp: 200, days: 10 } };
const c = (id: string, accountNumber: string, name: string,
  policy: CustomerCandidate['policy'] = { oldestFirst: false }): CustomerCandidate =>
  ({ id, accountNumber, name, aliases: [], policy });
const item = (id: string, customerId: string, number: string, openCents: number,
  documentDate = '2026-01-05', terms = NET30): OpenItemCandidate => ({
  id, customerId, number, type: openCents < 0 ? 'credit_memo' : 'invoice', documentDate,
  dueDate: '2026-02-04', openCents: openCents as Cents, amountCents: openCents as Cents,
  currency: 'USD', terms,
});

const customers = [
  c('acme', '10001', 'Acme Hardware Inc'),
  c('bolt', '20002', 'Bolt and Nut LLC'),
  c('cove', '30003', 'Cove Bakery', { oldestFirst: true, oldestFirstAutoApply: true }),
  c('dune', '40004', 'Dune Farms'),
  c('echo', '50005', 'Echo Dental'),
  c('fern', '60006', 'Fernwood Supply', { oldestFirst: false }),
];
const openItems = [
  item('a1', 'acme', 'INV-100123', 120000),
  item('a2', 'acme', 'INV-100124', 45050),
  item('a3', 'acme', 'INV-100125', 33333),
  item('a4', 'acme', 'INV-100126', 80000, '2026-02-25', TWO_TEN),
  item('a5', 'acme', 'INV-100127', 50000, '2026-01-02', TWO_TEN),
  item('b1', 'bolt', 'INV-200001', 70000),
  item('b2', 'bolt', 'INV-200002', 70000),
  item('b3', 'bolt', 'INV-200003', 12345),
  item('b4', 'bolt', 'INV-200004', 23456),
  item('c1', 'cove', 'INV-300001', 10000, '2025-12-01'),
  item('c2', 'cove', 'INV-300002', 25000, '2025-12-15'),
  item('d1', 'dune', 'INV-400001', 61234),
  item('e1', 'echo', 'INV-500001', 99999),
  // Two items make 500.01 and three others do too: the two are taken.
  item('f1', 'fern', 'INV-600001', 30017),
  item('f2', 'fern', 'INV-600002', 19984),
  item('f3', 'fern', 'INV-600003', 10001),
  item('f4', 'fern', 'INV-600004', 15000),
  item('f5', 'fern', 'INV-600005', 25000),
  // Paid after its discount date (2/10 from 2026-01-02) less the 2% anyway.
  item('f6', 'fern', 'INV-600006', 77777, '2026-01-02', TWO_TEN),
  item('f7', 'fern', 'INV-600007', 41000),
  item('f8', 'fern', 'INV-600008', 42000),
  item('f9', 'fern', 'INV-600009', 1000),
  item('f10', 'fern', 'INV-600010', 2000),
];
const learnedAccounts = new Map<string, LearnedAccount>([
  ['111', { payerAccount: '111', customerIds: ['acme'], confirmations: 3 }],
  ['222', { payerAccount: '222', customerIds: ['bolt'], confirmations: 3 }],
  ['333', { payerAccount: '333', customerIds: ['cove'], confirmations: 3 }],
  ['999', { payerAccount: '999', customerIds: ['dune', 'echo'], confirmations: 5 }],
  ['666', { payerAccount: '666', customerIds: ['fern'], confirmations: 2 }],
]);

let seq = 0;
function pay(amountCents: number, over: Partial<PaymentToMatch> = {}): PaymentToMatch {
  return {
    id: `p${++seq}`, amountCents: amountCents as Cents, currency: 'USD', valueDate: '2026-03-02',
    method: 'ach', payer: {}, remittance: { lines: [], freeText: [] }, ...over,
  };
}
const from = (account: string, name?: string) => ({ payer: { account, name } });
const text = (...freeText: string[]) => ({ remittance: { lines: [], freeText } });

interface Row {
  name: string;
  payment: PaymentToMatch;
  rule: MatchProposal['rule'];
  auto: boolean;
  customer?: string | null;
  /** itemId:applied[:discount[:writeOff]] */
  pays?: string[];
  deductions?: string[];
  /** Words one of the reasons must contain. */
  because?: string;
}

const rows: Row[] = [
  { name: 'remittance line with the exact number and amount', rule: 'remittance_lines',
    payment: pay(120000, { ...from('111'), remittance: { freeText: [], lines: [
      { referenceType: 'invoice', documentNumber: 'INV-100123', paidCents: 120000 as Cents }] } }),
    auto: true, customer: 'acme', pays: ['a1:120000'] },
  { name: 'invoice numbers in free text, prefix missing and leading zeros',
    payment: pay(165050, { ...from('111'), ...text('PAYMENT FOR INVOICES 100123, 0100124') }),
    rule: 'invoice_in_text', auto: true, customer: 'acme', pays: ['a1:120000', 'a2:45050'] },
  { name: 'exact amount of one open item, no remittance', rule: 'exact_amount',
    payment: pay(33333, from('111')), auto: true, customer: 'acme', pays: ['a3:33333'] },
  { name: 'two open items of the amount: not guessed', rule: 'none',
    payment: pay(70000, from('222')), auto: false, customer: 'bolt', pays: [] },
  { name: 'the only combination of open items that sums to the amount',
    payment: pay(35801, from('222')), rule: 'amount_combination', auto: true, customer: 'bolt',
    pays: ['b3:12345', 'b4:23456'] },
  { name: 'amount net of the discount the terms allow on the value date',
    payment: pay(78400, from('111')), rule: 'discounted_amount', auto: true, customer: 'acme',
    pays: ['a4:78400:1600'] },
  { name: 'short of an item within tolerance: written off, for review (no remittance)',
    payment: pay(61000, from('999', 'Dune Farms')), rule: 'exact_amount', auto: false,
    customer: 'dune', pays: ['d1:61000:0:234'] },
  { name: 'text names the items, short by an unearned discount: a deduction, not a write-off',
    payment: pay(169000, { ...from('111'), ...text('INV 100123 100127') }),
    rule: 'invoice_in_text', auto: true, customer: 'acme', pays: ['a1:120000', 'a5:49000'],
    deductions: ['a5:1000:unearned_discount'] },
  { name: 'text names a wrong number but the amount ties to another item: review',
    payment: pay(153333, { ...from('111'), ...text('INV 100123 100124') }),
    rule: 'invoice_in_text', auto: false, customer: 'acme',
    deductions: ['a1:11717:unexplained_short_pay'], because: 'a wrong invoice number?' },
  { name: 'shared payer account, only one of its customers has an item of the amount',
    payment: pay(99999, from('999')), rule: 'exact_amount', auto: true, customer: 'echo',
    pays: ['e1:99999'] },
  { name: 'oldest first by agreed policy, whole-dollar lump sum', rule: 'oldest_first',
    payment: pay(20000, from('333')), auto: true, customer: 'cove',
    pays: ['c1:10000', 'c2:10000'] },
  { name: 'oldest first with cents: more likely a short pay, for review', rule: 'oldest_first',
    payment: pay(20017, from('333')), auto: false, customer: 'cove' },
  { name: 'the combination of fewest items wins over a larger one that also fits',
    payment: pay(50001, from('666')), rule: 'amount_combination', auto: true, customer: 'fern',
    pays: ['f1:30017', 'f2:19984'], because: 'none of fewer items does' },
  { name: 'two combinations of the same size: not guessed', rule: 'none',
    payment: pay(43000, from('666')), auto: false, customer: 'fern', pays: [],
    because: 'fits more than one set' },
  { name: 'one item less the discount its terms allowed only until a past date: applied, the '
    + 'unearned discount a deduction', rule: 'discounted_amount', auto: true, customer: 'fern',
    payment: pay(76221, from('666')), pays: ['f6:76221'],
    deductions: ['f6:1556:unearned_discount'] },
  { name: 'nobody recognisable: unidentified', rule: 'none',
    payment: pay(5000, from('777', 'Someone Else')), auto: false, customer: null },
];

const config = { ...DEFAULT_MATCH_CONFIG, writeOffToleranceCents: 500 as Cents };

describe('matchPayments: one rule per row', () => {
  for (const row of rows) {
    it(row.name, () => {
      const [p] = matchPayments([row.payment], {
        customers, openItems, learnedAccounts, config, today: '2026-03-02',
      });
      expect({ rule: p!.rule, auto: p!.autoApply }).toEqual({ rule: row.rule, auto: row.auto });
      if (row.customer !== undefined) expect(p!.customerId).toBe(row.customer);
      if (row.pays) {
        expect(p!.allocations.map((a) => [a.itemId, a.appliedCents,
          ...(a.writeOffCents ? [a.discountCents, a.writeOffCents]
            : a.discountCents ? [a.discountCents] : [])].join(':')).sort())
          .toEqual([...row.pays].sort());
      }
      expect(p!.deductions.map((d) => `${d.itemId}:${d.amountCents}:${d.reasonCode}`))
        .toEqual(row.deductions ?? []);
      const applied = p!.allocations.reduce((s, a) => s + a.appliedCents, 0);
      expect(applied + p!.unappliedCents).toBe(row.payment.amountCents);
      expect(p!.reasons.length).toBeGreaterThan(0);
      if (row.because) expect(p!.reasons.join(' / ')).toContain(row.because);
    });
  }
});

describe('matchPayments over a batch', () => {
  it('never applies the same open amount twice', () => {
    const ps = matchPayments([pay(33333, from('111')), pay(33333, from('111'))], {
      customers, openItems, learnedAccounts, config, today: '2026-03-02',
    });
    expect(ps.map((p) => p.autoApply)).toEqual([true, false]);
  });
});

describe('matchPayments: names', () => {
  const twins = [
    c('t1', '71001', 'Torres Brewing Corp.'), c('t2', '71002', 'Torres Brewing'),
    { ...c('r1', '72001', 'Roadrunner Hardware Co'), aliases: ['Road Runner Outfitters LLC'] },
  ];
  const items = [item('t1a', 't1', 'INV-710001', 55512), item('t2a', 't2', 'INV-710002', 44412),
    item('t2b', 't2', 'INV-710003', 55512 + 10000), item('r1a', 'r1', 'INV-720001', 31000)];
  const run = (p: PaymentToMatch) => matchPayments([p], {
    customers: twins, openItems: items, learnedAccounts: new Map(), config, today: '2026-03-02',
  })[0]!;

  it('a name that fits two customers equally: the one with an item of the amount paid', () => {
    const p = run(pay(44412, { payer: { name: 'TORRES BREWING' } }));
    expect({ customer: p.customerId, auto: p.autoApply, rule: p.rule })
      .toEqual({ customer: 't2', auto: true, rule: 'exact_amount' });
    expect(p.customerReasons.join(' / ')).toContain('only this one has an open item of exactly');
  });

  it('an amount neither twin owes leaves the payment with a clerk', () => {
    const p = run(pay(12345, { payer: { name: 'TORRES BREWING' } }));
    expect(p.autoApply).toBe(false);
  });

  it('a payer name matches an alias; the reason names the alias', () => {
    const p = run(pay(31000, { payer: { name: 'ROAD RUNNER OUTFITTERS' } }));
    expect({ customer: p.customerId, auto: p.autoApply }).toEqual({ customer: 'r1', auto: true });
    expect(p.customerReasons[0]).toContain('"Road Runner Outfitters LLC", an alias of ' +
      'Roadrunner Hardware Co');
  });
});

describe('matchPayments: oldest first in a batch', () => {
  it('waits while another payment of the same customer waits for a clerk', () => {
    // 249.00 is a short pay of INV-300002 within tolerance (review): until a clerk says so,
    // the lump sum cannot know what that one pays.
    const ps = matchPayments([pay(24900, from('333')), pay(20000, from('333'))], {
      customers, openItems, learnedAccounts, config, today: '2026-03-02',
    });
    expect(ps.map((p) => [p.rule, p.autoApply])).toEqual([['exact_amount', false],
      ['oldest_first', false]]);
    expect(ps[1]!.reasons.join(' / ')).toContain('waits for a clerk');
  });
});
