/**
 * NACHA code tables: return reasons (R codes), notification-of-change codes (C codes) and what a
 * transaction code means. Descriptions follow the NACHA Operating Rules' short titles.
 */
import type { ReturnKind } from './model.ts';

export const RETURN_REASONS: Readonly<Record<string, string>> = {
  R01: 'Insufficient funds',
  R02: 'Account closed',
  R03: 'No account / unable to locate account',
  R04: 'Invalid account number structure',
  R05: 'Unauthorized debit to consumer account using corporate SEC code',
  R06: "Returned per ODFI's request",
  R07: 'Authorization revoked by customer',
  R08: 'Payment stopped',
  R09: 'Uncollected funds',
  R10: 'Customer advises originator is not known or not authorized',
  R11: 'Customer advises entry not in accordance with the terms of the authorization',
  R12: 'Account sold to another DFI',
  R13: 'Invalid ACH routing number',
  R14: 'Representative payee deceased or unable to continue in that capacity',
  R15: 'Beneficiary or account holder deceased',
  R16: 'Account frozen / entry returned per OFAC instruction',
  R17: 'File record edit criteria / questionable circumstances',
  R18: 'Improper effective entry date',
  R19: 'Amount field error',
  R20: 'Non-transaction account',
  R21: 'Invalid company identification',
  R22: 'Invalid individual ID number',
  R23: 'Credit entry refused by receiver',
  R24: 'Duplicate entry',
  R25: 'Addenda error',
  R26: 'Mandatory field error',
  R27: 'Trace number error',
  R28: 'Routing number check digit error',
  R29: 'Corporate customer advises not authorized',
  R30: 'RDFI not participant in check truncation program',
  R31: 'Permissible return entry (CCD and CTX only)',
  R32: 'RDFI non-settlement',
  R33: 'Return of XCK entry',
  R34: 'Limited participation DFI',
  R35: 'Return of improper debit entry',
  R36: 'Return of improper credit entry',
  R37: 'Source document presented for payment',
  R38: 'Stop payment on source document',
  R39: 'Improper source document / source document presented for payment',
  R40: 'Return of ENR entry by federal government agency',
  R41: 'Invalid transaction code',
  R42: 'Routing number / check digit error',
  R43: 'Invalid DFI account number',
  R44: 'Invalid individual ID number / identification number',
  R45: 'Invalid individual name / company name',
  R46: 'Invalid representative payee indicator',
  R47: 'Duplicate enrollment',
  R50: 'State law affecting RCK acceptance',
  R51: 'Item related to RCK entry is ineligible or RCK entry is improper',
  R52: 'Stop payment on item related to RCK entry',
  R53: 'Item and RCK entry presented for payment',
  R61: 'Misrouted return',
  R62: 'Return of erroneous or reversing debit',
  R67: 'Duplicate return',
  R68: 'Untimely return',
  R69: 'Field error(s)',
  R70: 'Permissible return entry not accepted / return not requested by ODFI',
  R71: 'Misrouted dishonored return',
  R72: 'Untimely dishonored return',
  R73: 'Timely original return',
  R74: 'Corrected return',
  R75: 'Return not a duplicate',
  R76: 'No errors found',
  R77: 'Non-acceptance of R62 dishonored return',
  R80: 'IAT entry coding error',
  R81: 'Non-participant in IAT program',
  R82: 'Invalid foreign receiving DFI identification',
  R83: 'Foreign receiving DFI unable to settle',
  R84: 'Entry not processed by gateway',
  R85: 'Incorrectly coded outbound international payment',
};

export const CHANGE_REASONS: Readonly<Record<string, string>> = {
  C01: 'Incorrect DFI account number',
  C02: 'Incorrect routing number',
  C03: 'Incorrect routing number and DFI account number',
  C04: 'Incorrect individual name / receiving company name',
  C05: 'Incorrect transaction code',
  C06: 'Incorrect DFI account number and transaction code',
  C07: 'Incorrect routing number, DFI account number and transaction code',
  C08: 'Incorrect receiving DFI identification (IAT)',
  C09: 'Incorrect individual identification number',
  C10: 'Incorrect company name',
  C11: 'Incorrect company identification',
  C12: 'Incorrect company name and company identification',
  C13: 'Addenda format error',
  C14: 'Incorrect SEC code for outbound international payment',
};

/** The layout a 99 addenda uses, from its reason code. */
export function returnKindOf(reasonCode: string): ReturnKind {
  if (/^R(6[1-9]|70)$/.test(reasonCode)) return 'dishonored_return';
  if (/^R7[1-7]$/.test(reasonCode)) return 'contested_dishonored_return';
  return 'return';
}

export interface TransactionCodeInfo {
  /** Money into (credit) or out of (debit) the receiver's account. */
  direction: 'credit' | 'debit';
  /** 21/26-style automated return or notification of change. */
  isReturnOrNoc: boolean;
  isPrenote: boolean;
  /** 24/29-style zero-dollar entry carrying remittance only. */
  isZeroDollar: boolean;
  account: 'checking' | 'savings' | 'general_ledger' | 'loan';
}

/**
 * Transaction codes: tens digit is the account type (2 checking, 3 savings, 4 general ledger,
 * 5 loan), units digit the kind (1-4 credits: return/NOC, live, prenote, zero-dollar;
 * 5-9 debits: 5 loan reversal, 6 return/NOC, 7 live, 8 prenote, 9 zero-dollar).
 */
export function transactionCodeInfo(code: string): TransactionCodeInfo | undefined {
  const m = /^([2-5])([1-9])$/.exec(code);
  if (!m) return undefined;
  const unit = Number(m[2]);
  const account = (['checking', 'savings', 'general_ledger', 'loan'] as const)[Number(m[1]) - 2];
  if (!account) return undefined;
  return {
    direction: unit <= 4 ? 'credit' : 'debit',
    isReturnOrNoc: unit === 1 || unit === 6,
    isPrenote: unit === 3 || unit === 8,
    isZeroDollar: unit === 4 || unit === 9,
    account,
  };
}
