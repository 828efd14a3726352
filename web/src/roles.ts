import type { Role } from './api.ts';

// What each role sees in the interface. The server checks every request again; these only
// decide what to offer, so nobody is shown a button that will be refused.

/** Roles that see the whole book rather than one portfolio. */
export function seesWholeBook(role: Role): boolean {
  return role !== 'collector' && role !== 'sales_rep';
}

export function canAdminister(role: Role): boolean {
  return role === 'admin';
}

export function canReadAudit(role: Role): boolean {
  return role === 'admin' || role === 'auditor' || role === 'ar_manager';
}

/** Sales reps and auditors only read. */
export function canPostCash(role: Role): boolean {
  return role !== 'sales_rep' && role !== 'auditor';
}

export function canReverse(role: Role): boolean {
  return role === 'admin' || role === 'ar_manager' || role === 'cash_application'
    || role === 'credit_manager';
}
