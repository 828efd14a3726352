import { describe, expect, it } from 'vitest';
import { describeTerms, discountAllowed, discountDeadline, dueDateFor, parseTerms, termsCode } from './terms.ts';
import type { Cents } from './money.ts';

describe('parseTerms', () => {
  it.each([
    ['NET30', 'NET30'],
    ['n30', 'NET30'],
    ['Net 45', 'NET45'],
    ['2/10 NET 30', '2/10NET30'],
    ['2%10N30', '2/10NET30'],
    ['1.5/10 net 45', '1.5/10NET45'],
    ['NET10EOM', 'NET10EOM'],
    ['10 EOM', 'NET10EOM'],
    ['2/10 EOM', '2/10EOM'],
    ['EOM', 'EOM'],
    ['COD', 'COD'],
    ['cia', 'PREPAID'],
    ['Prepaid', 'PREPAID'],
  ])('%s reads as %s', (text, code) => {
    const r = parseTerms(text);
    expect(r.ok).toBe(true);
    if (r.ok) expect(termsCode(r.value)).toBe(code);
  });

  it.each(['', 'NET', 'soon', '2/40 NET 30', '0/10 NET30', '100/10 NET 30', 'NET99999'])(
    '%j is not recognized',
    (text) => expect(parseTerms(text).ok).toBe(false),
  );
});

describe('due dates and discounts', () => {
  const t = (code: string) => {
    const r = parseTerms(code);
    if (!r.ok) throw new Error(code);
    return r.value;
  };

  it.each([
    ['NET30', '2026-01-15', '2026-02-14'],
    ['NET10EOM', '2026-01-15', '2026-02-10'],
    ['EOM', '2026-01-15', '2026-02-28'],
    ['EOM', '2026-12-31', '2027-01-31'],
    ['COD', '2026-01-15', '2026-01-15'],
    ['PREPAID', '2026-01-15', '2026-01-15'],
  ])('%s on %s is due %s', (code, date, due) => expect(dueDateFor(t(code), date)).toBe(due));

  it('allows 2% within 10 days, rounded half up, nothing after', () => {
    const terms = t('2/10NET30');
    expect(discountDeadline(terms, '2026-03-01')).toBe('2026-03-11');
    expect(discountAllowed(terms, '2026-03-01', 100025 as Cents, '2026-03-11')).toBe(2001);
    expect(discountAllowed(terms, '2026-03-01', 100024 as Cents, '2026-03-11')).toBe(2000);
    expect(discountAllowed(terms, '2026-03-01', 100000 as Cents, '2026-03-12')).toBe(0);
    expect(discountAllowed(t('NET30'), '2026-03-01', 100000 as Cents, '2026-03-02')).toBe(0);
    expect(discountDeadline(t('2/10EOM'), '2026-03-05')).toBe('2026-04-10');
  });

  it('describes terms for people', () => {
    expect(describeTerms(t('2/10NET30'))).toBe('2% 10, net 30');
    expect(describeTerms(t('EOM'))).toBe('due end of following month');
  });
});
