import type { IsoDate } from '../dates.ts';
import { currencyExponent, formatAmount } from '../money.ts';

/** Whole currency units for people, grouped: 4218000 USD -> "$42,180", EUR -> "EUR 42,180". */
export function wholeMoney(amountCents: number, currency: string): string {
  const whole = formatAmount(amountCents, currencyExponent(currency), true).split('.')[0]!;
  return currency === 'USD' ? `$${whole}` : `${currency} ${whole}`;
}

/** A short month/day for reasons and notes: "2026-11-14" -> "11/14". */
export function monthDay(date: IsoDate): string {
  const [, m, d] = date.split('-');
  return `${Number(m)}/${Number(d)}`;
}
