/**
 * BAI2 type codes (Cash Management Balance Reporting Specifications, version 2): which details
 * are customer receipts, which are returns, and what the rest are. Ranges: 001-099 status,
 * 100-399 credits, 400-699 debits, 900-919 custom status, 920-959 custom credits, 960-999 custom
 * debits; 700-899 are not assigned by BAI.
 */
import type { OtherCategory, PaymentMethod, ReturnKind } from './model.ts';

export type BaiDirection = 'credit' | 'debit' | 'unknown';

export function baiDirection(code: number): BaiDirection {
  if ((code >= 100 && code <= 399) || (code >= 920 && code <= 959)) return 'credit';
  if ((code >= 400 && code <= 699) || (code >= 960 && code <= 999)) return 'debit';
  return 'unknown';
}

/** Status (balance) codes, as opposed to activity summaries, in an 03 record. */
export function isBaiStatusCode(code: number): boolean {
  return (code >= 1 && code <= 99) || (code >= 900 && code <= 919);
}

/** Codes whose detail is a returned, reversed or rejected item. */
const RETURN_CODES: ReadonlyMap<number, ReturnKind> = new Map([
  // Credits: one of our outgoing items came back.
  [255, 'return'], // check posted and returned
  [256, 'return'], // total ACH return items
  [257, 'return'], // individual ACH return item
  [258, 'reversal'], // ACH reversal credit
  [260, 'reject'], // total rejected credits
  [261, 'reject'], // individual rejected credit
  [266, 'return'], // return item
  [268, 'return'], // return item adjustment
  // Debits: a receipt we had counted was taken back (NSF and other returns).
  [550, 'return'], // total deposited items returned
  [551, 'reversal'], // total credit reversals
  [552, 'reversal'], // credit reversal
  [555, 'return'], // deposited item returned
  [556, 'return'], // total ACH return items
  [557, 'return'], // individual ACH return item
  [558, 'reversal'], // ACH reversal debit
  [560, 'reject'], // total rejected debits
  [561, 'reject'], // individual rejected debit
  [566, 'return'], // return item
  [568, 'return'], // return item adjustment
]);

export function baiReturnKind(code: number): ReturnKind | undefined {
  return RETURN_CODES.get(code);
}

/** Credits that are not customer payments: interest, internal transfers, adjustments. */
const NON_RECEIPT_CREDITS: ReadonlyMap<number, OtherCategory> = new Map<number, OtherCategory>([
  ...range(130, 139, 'transfer'), // concentration credits
  [145, 'transfer'], // ACH concentration credit
  [201, 'transfer'], // automatic transfer credit
  ...range(270, 289, 'transfer'), // ZBA, controlled disbursing
  [305, 'transfer'], // fed funds sold
  [306, 'transfer'],
  [172, 'adjustment'], // deposit correction
  [187, 'adjustment'], // cash letter adjustment
  [196, 'adjustment'], // money transfer adjustment
  [254, 'adjustment'], // posting error correction credit
  [357, 'adjustment'], // credit adjustment
  [363, 'adjustment'],
  [372, 'adjustment'],
  ...range(230, 252, 'transfer'), // securities, investments
  ...range(320, 325, 'transfer'),
  [326, 'interest'],
  [327, 'interest'],
  [328, 'interest'],
  [329, 'interest'],
  [353, 'interest'],
  [354, 'interest'],
  [355, 'interest'],
  [358, 'adjustment'],
  [359, 'interest'],
]);

export function baiNonReceiptCategory(code: number): OtherCategory | undefined {
  return NON_RECEIPT_CREDITS.get(code);
}

const DEBIT_CATEGORIES: ReadonlyMap<number, OtherCategory> = new Map<number, OtherCategory>([
  [564, 'fee'],
  [567, 'fee'],
  [661, 'fee'],
  [698, 'fee'],
  [654, 'interest'],
  [659, 'interest'],
  [445, 'transfer'],
  [501, 'transfer'],
  [505, 'transfer'],
  [506, 'transfer'],
  ...range(570, 578, 'transfer'),
  [447, 'outgoing_payment'],
  [451, 'outgoing_payment'],
  [455, 'outgoing_payment'],
  [466, 'outgoing_payment'],
  [469, 'outgoing_payment'],
  [475, 'outgoing_payment'],
  [491, 'outgoing_payment'],
  [493, 'outgoing_payment'],
  [495, 'outgoing_payment'],
  [508, 'outgoing_payment'],
  [554, 'adjustment'],
  [630, 'adjustment'],
]);

export function baiDebitCategory(code: number): OtherCategory {
  return DEBIT_CATEGORIES.get(code) ?? 'other';
}

/** How a credit detail was paid, from its type code. */
export function baiMethod(code: number): PaymentMethod {
  if (code >= 115 && code <= 118) return 'lockbox';
  if (code === 146 || code === 147) return 'card';
  if (code >= 140 && code <= 169) return 'ach';
  if (code >= 255 && code <= 261) return code === 255 ? 'check' : 'ach';
  if (code >= 555 && code <= 561) return code === 555 ? 'check' : 'ach';
  if ((code >= 170 && code <= 179) || code === 184 || (code >= 186 && code <= 189)) return 'check';
  if (code === 301) return 'check';
  if (code === 191 || code === 201 || code === 206) return 'transfer';
  if ((code >= 190 && code <= 199) || (code >= 207 && code <= 229)) return 'wire';
  return 'other';
}

function range(from: number, to: number, c: OtherCategory): [number, OtherCategory][] {
  const out: [number, OtherCategory][] = [];
  for (let i = from; i <= to; i++) out.push([i, c]);
  return out;
}
