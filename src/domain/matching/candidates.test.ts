import { describe, expect, it } from 'vitest';
import type { Cents } from '../money.ts';
import { candidateCustomers, referenceLookups } from './candidates.ts';
import { addOpenItems, buildMatchIndex, restartBatch } from './match-index.ts';
import { matchPayments, matchPaymentsIndexed } from './match-payment.ts';
import { documentDigits, documentKey } from './normalize.ts';
import {
  DEFAULT_MATCH_CONFIG, type CustomerCandidate, type LearnedAccount, type OpenItemCandidate,
  type PaymentToMatch,
} from './types.ts';

// Loading the items of the customers the engine tries (and of the others only when a payment
// turns out to try one of them) gives the proposals that every open item gives.

const customer = (id: string, name: string): CustomerCandidate =>
  ({ id, accountNumber: `A-${id}`, name, aliases: [], policy: { oldestFirst: false } });
const item = (id: string, customerId: string, number: string, openCents: number):
  OpenItemCandidate => ({
  id, customerId, number, type: 'invoice', documentDate: '2026-01-05', dueDate: '2026-02-04',
  openCents: openCents as Cents, amountCents: openCents as Cents, currency: 'USD',
  terms: { kind: 'net', netDays: 30, discount: null },
});
const payment = (id: string, amountCents: number, account: string, freeText: string,
  name?: string): PaymentToMatch => ({
  id, amountCents: amountCents as Cents, currency: 'USD', valueDate: '2026-03-02',
  method: 'ach', payer: { account, name }, remittance: { lines: [], freeText: [freeText] },
});

const customers = [
  customer('1', 'Xenon Plastics'), customer('2', 'Yarrow Mills'), customer('3', 'Zephyr Tools'),
];
// X's and Y's invoices share a number but for punctuation: a reference to it names both.
const openItems = [
  item('11', '1', 'INV-777001', 10000),
  item('21', '2', 'INV 777001', 10000),
  item('22', '2', 'INV-880002', 5000),
  item('31', '3', 'INV-990003', 7000),
];
const learnedAccounts = new Map<string, LearnedAccount>([
  ['111', { payerAccount: '111', customerIds: ['1'], confirmations: 3 }],
  ['333', { payerAccount: '333', customerIds: ['3'], confirmations: 3 }],
]);
// The first pays X's invoice, automatically; then the number names Y's invoice alone, which
// makes Y, named by the payer of the second but far behind Z's learned account before, a
// customer the second payment tries.
const payments = [
  payment('p1', 10000, '111', 'INV-777001'),
  payment('p2', 15000, '333', 'INV 777001', 'Yarrow Mills'),
];
const config = DEFAULT_MATCH_CONFIG;
const today = '2026-03-02';

/** As match-inputs.ts loads: referenced items, the tried customers', the others' when tried. */
function matchInSteps() {
  const lookups = referenceLookups(payments);
  const referenced = openItems.filter((i) => lookups.keys.includes(documentKey(i.number)) ||
    lookups.digits.includes(documentDigits(i.number)));
  const index = buildMatchIndex({ customers, openItems: referenced, learnedAccounts });
  const { tried, others } = candidateCustomers(payments, index, config);
  const itemsOf = (ids: string[]) => openItems.filter((i) => ids.includes(i.customerId));
  addOpenItems(index, itemsOf(tried), false);
  const first = matchPaymentsIndexed(payments, { index, config, today });
  const missing = others.filter((id) => index.tried.has(id));
  addOpenItems(index, itemsOf(missing), false);
  restartBatch(index);
  const again = matchPaymentsIndexed(payments, { index, config, today });
  return { tried, others, missing, first, again, triedAgain: [...index.tried].sort() };
}

describe('candidate customers: the tried ones first, the others when a payment tries them', () => {
  it('gives the proposals of every open item once the others tried are loaded', () => {
    const all = matchPayments(payments, { customers, openItems, learnedAccounts, config, today });
    const r = matchInSteps();
    expect(all[0]).toMatchObject({ customerId: '1', autoApply: true });
    expect(r.tried).toEqual(['1', '3']);
    expect(r.others).toEqual(['2']);
    expect(r.missing).toEqual(['2']);
    expect(r.again).toEqual(all);
    // Y's other invoice was not loaded the first time: the second payment's proposal differed.
    expect(r.first[1]).not.toEqual(all[1]);
    expect(r.triedAgain).toEqual(['1', '2', '3']);
  });
});
