import { addDays, addMonths, endOfMonth, type IsoDate } from './dates.ts';
import type { Cents } from './money.ts';
import { err, ok, type Result } from './result.ts';

/** An early-payment discount: `percentBp` basis points (200 = 2%) if paid within `days`. */
export interface EarlyPayDiscount {
  percentBp: number;
  days: number;
}

/**
 * Payment terms.
 * - net: due `netDays` after the document date ("NET30"; "2/10 NET30" adds a discount).
 * - eom: end-of-month terms. With `netDays` the item is due that many days after the end of the
 *   invoice month ("NET10EOM"); with `netDays: null` it is due at the end of the following month
 *   ("EOM", the common proximo reading). A discount counts from the end of the invoice month.
 * - cod: cash on delivery, due on the document date.
 * - prepaid: payment before shipment, due on the document date.
 */
export type Terms =
  | { kind: 'net'; netDays: number; discount: EarlyPayDiscount | null }
  | { kind: 'eom'; netDays: number | null; discount: EarlyPayDiscount | null }
  | { kind: 'cod' }
  | { kind: 'prepaid' };

/** The due date an item gets from its terms when the source system gave none. */
export function dueDateFor(terms: Terms, documentDate: IsoDate): IsoDate {
  switch (terms.kind) {
    case 'net':
      return addDays(documentDate, terms.netDays);
    case 'eom':
      return terms.netDays === null
        ? endOfMonth(addMonths(`${documentDate.slice(0, 7)}-01`, 1))
        : addDays(endOfMonth(documentDate), terms.netDays);
    case 'cod':
    case 'prepaid':
      return documentDate;
  }
}

/** The last date on which the early-pay discount may be taken, or null when the terms have none. */
export function discountDeadline(terms: Terms, documentDate: IsoDate): IsoDate | null {
  if (terms.kind !== 'net' && terms.kind !== 'eom') return null;
  if (!terms.discount) return null;
  const start = terms.kind === 'eom' ? endOfMonth(documentDate) : documentDate;
  return addDays(start, terms.discount.days);
}

/**
 * The discount allowed on `amount` when paid on `paidOn`: zero after the deadline. Rounded half
 * up on the exact integer product (no floats).
 */
export function discountAllowed(
  terms: Terms,
  documentDate: IsoDate,
  amount: Cents,
  paidOn: IsoDate,
): Cents {
  const deadline = discountDeadline(terms, documentDate);
  if (deadline === null || paidOn > deadline || amount <= 0) return 0 as Cents;
  const bp = (terms as { discount: EarlyPayDiscount }).discount.percentBp;
  return Number((BigInt(amount) * BigInt(bp) + 5000n) / 10000n) as Cents;
}

export type ParseTermsError = { code: 'terms_not_recognized'; text: string };

/**
 * Reads a terms code as people write it: "NET30", "N30", "Net 30", "2/10 NET 30", "2%10N30",
 * "1.5/10 NET 45", "NET10EOM", "10 EOM", "2/10 EOM", "EOM", "COD", "CIA"/"PREPAID".
 */
export function parseTerms(text: string): Result<Terms, ParseTermsError> {
  const s = text.toUpperCase().replace(/\s+/g, '');
  if (s === 'COD' || s === 'CASHONDELIVERY') return ok({ kind: 'cod' });
  if (s === 'PREPAID' || s === 'CIA' || s === 'CASHINADVANCE') return ok({ kind: 'prepaid' });
  const m = /^(?:(\d+(?:\.\d{1,2})?)[%/](\d+))?(?:NET|N)?(\d+)?(EOM)?$/.exec(s.replace(/,/g, ''));
  if (!m || s === '') return err({ code: 'terms_not_recognized', text });
  const [, pct, days, net, eom] = m;
  const discount = pct !== undefined && days !== undefined
    ? { percentBp: percentToBp(pct), days: Number(days) }
    : null;
  if (discount && (discount.percentBp <= 0 || discount.percentBp >= 10000)) {
    return err({ code: 'terms_not_recognized', text });
  }
  if (eom) return ok({ kind: 'eom', netDays: net === undefined ? null : Number(net), discount });
  if (net === undefined) return err({ code: 'terms_not_recognized', text });
  const netDays = Number(net);
  if (netDays > 3650 || (discount && discount.days > netDays)) {
    return err({ code: 'terms_not_recognized', text });
  }
  return ok({ kind: 'net', netDays, discount });
}

function percentToBp(pct: string): number {
  const [whole, frac = ''] = pct.split('.');
  return Number(whole) * 100 + Number(frac.padEnd(2, '0'));
}

/** A canonical code for terms: "NET30", "2/10NET30", "NET10EOM", "EOM", "COD", "PREPAID". */
export function termsCode(terms: Terms): string {
  if (terms.kind === 'cod') return 'COD';
  if (terms.kind === 'prepaid') return 'PREPAID';
  const d = terms.discount;
  const pct = d ? `${formatBp(d.percentBp)}/${d.days}` : '';
  if (terms.kind === 'eom') return `${pct}${terms.netDays === null ? '' : `NET${terms.netDays}`}EOM`;
  return `${pct}NET${terms.netDays}`;
}

function formatBp(bp: number): string {
  const whole = Math.floor(bp / 100);
  const frac = bp % 100;
  return frac === 0 ? String(whole) : `${whole}.${String(frac).padStart(2, '0').replace(/0$/, '')}`;
}

/** A human description: "2% 10, net 30". */
export function describeTerms(terms: Terms): string {
  if (terms.kind === 'cod') return 'Cash on delivery';
  if (terms.kind === 'prepaid') return 'Prepaid';
  const d = terms.discount ? `${formatBp(terms.discount.percentBp)}% ${terms.discount.days}, ` : '';
  if (terms.kind === 'eom') {
    return terms.netDays === null ? `${d}due end of following month` : `${d}net ${terms.netDays} EOM`;
  }
  return `${d}net ${terms.netDays}`;
}
