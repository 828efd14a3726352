import { describe, expect, it } from 'vitest';
import {
  composeCorrespondence, correspondenceBody, type CorrespondenceFacts,
} from './correspondence.ts';

const facts: CorrespondenceFacts = {
  accountNumber: 'C001', contactName: 'Pat AP', asOf: '2026-11-20', currency: 'USD',
  balanceCents: 1_750_000, pastDueCents: 1_250_000,
  items: [
    { number: 'INV-1001', dueDate: '2026-10-01', openCents: 1_250_000, daysPastDue: 50 },
    { number: 'INV-1002', dueDate: '2026-12-01', openCents: 500_000, daysPastDue: 0 },
  ],
};

describe('composeCorrespondence', () => {
  it.each([
    ['statement_cover', facts, 'Statement of account C001 as of 2026-11-20',
      'The balance of your account is 17,500.00 USD, of which 12,500.00 USD is past due.'],
    ['statement_cover', { ...facts, pastDueCents: 0 }, 'Statement of account C001 as of 2026-11-20',
      'The balance of your account is 17,500.00 USD; nothing is past due.'],
    ['invoice_copies', facts, 'Invoice copies for account C001',
      'please find enclosed copies of the items listed below'],
    ['past_due_reminder', facts, 'Past due reminder: account C001',
      'Our records show 12,500.00 USD past due on your account as of 2026-11-20'],
  ] as const)('%s', (template, f, subject, phrase) => {
    const t = composeCorrespondence(template, f, {});
    expect(t.subject).toBe(subject);
    expect(t.paragraphs.join(' ')).toContain(phrase);
    expect(t.greeting).toBe('Dear Pat AP,');
  });

  it('lists the items with their due dates, open amounts and days past due', () => {
    expect(composeCorrespondence('past_due_reminder', facts, {}).itemLines).toEqual([
      'INV-1001         due 2026-10-01       12,500.00 USD  50 days past due',
      'INV-1002         due 2026-12-01        5,000.00 USD',
    ]);
  });

  it.each<[{ subject?: string; message?: string }, string, number]>([
    [{ subject: 'About your May invoices' }, 'About your May invoices', 2],
    [{ message: 'First part.\n\n  Second part.  \n\n\n' }, 'Invoice copies for account C001', 2],
    [{ subject: '  ', message: '   ' }, 'Invoice copies for account C001', 2],
    [{ message: 'One line only.' }, 'Invoice copies for account C001', 1],
  ])('takes the collector\'s own words: %j', (overrides, subject, paragraphs) => {
    const t = composeCorrespondence('invoice_copies', facts, overrides);
    expect(t.subject).toBe(subject);
    expect(t.paragraphs).toHaveLength(paragraphs);
    if (overrides.message?.trim()) expect(t.paragraphs[0]).not.toMatch(/^\s|\s$/);
  });

  it('greets accounts payable when there is no contact', () => {
    expect(composeCorrespondence('statement_cover', { ...facts, contactName: null }, {})
      .greeting).toBe('Dear accounts payable,');
  });

  it('writes the plain-text body: greeting, text, items, enclosures, signature', () => {
    const t = composeCorrespondence('invoice_copies', { ...facts, items: facts.items.slice(0, 1) },
      { message: 'Copies attached.' });
    expect(correspondenceBody(t, ['Copy of INV-1001', 'Proof of delivery for INV-1001 (pod.pdf)'],
      'Ann, Demo Company')).toBe([
      'Dear Pat AP,', 'Copies attached.',
      'INV-1001         due 2026-10-01       12,500.00 USD  50 days past due',
      'Enclosed:\n- Copy of INV-1001\n- Proof of delivery for INV-1001 (pod.pdf)',
      'Ann, Demo Company',
    ].join('\n\n'));
    expect(correspondenceBody({ ...t, itemLines: [] }, [], 'Ann'))
      .toBe('Dear Pat AP,\n\nCopies attached.\n\nAnn');
  });
});
