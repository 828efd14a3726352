/**
 * Which deposit a remittance advice describes. An X12 820 often travels apart from its money:
 * the payer sends the advice (invoice lines, TRN trace number), the bank reports the ACH or wire
 * credit in a BAI2, camt or NACHA file, in either order. Pure rules, no I/O:
 *
 * 1. `trace`: the advice's TRN02 trace number is one of the deposit's references (bank
 *    reference, payer's reference, check number or payment number, compared as upper-case
 *    letters and digits), in the same currency and amount.
 * 2. `amount_payer`: no trace agrees, but the amount and currency are the same, the deposit came
 *    within `DAYS_MAX` days of the advice's payment date, and the payer is the same (payer id or
 *    bank account equal, or the names alike).
 * A rule links only when exactly one candidate fits it; two deposits that fit equally are left
 * for a clerk, with the reason.
 */
import { daysBetween, type IsoDate } from '../domain/dates.ts';
import { formatAmount } from '../domain/money.ts';
import { normalizePayerAccount } from '../domain/matching/normalize.ts';
import { nameForm, nameSimilarity } from '../domain/matching/similarity.ts';

/** How far apart the advice's payment date and the deposit's date may be for rule 2. */
export const DAYS_MAX = 5;
/** Payer names at least this alike (0..1) are the same payer. */
export const NAME_SIMILARITY_MIN = 0.8;

export type LinkRule = 'trace' | 'amount_payer';

export interface AdviceFacts {
  id: number;
  traceNumber: string | null;
  amountCents: number;
  currency: string;
  paymentDate: IsoDate | null;
  payerName: string | null;
  payerId: string | null;
  payerAccount: string | null;
}

export interface DepositFacts {
  id: number;
  /** Bank reference, payer's reference, check number, payment number (any may be null). */
  references: readonly (string | null)[];
  amountCents: number;
  currency: string;
  receivedOn: IsoDate;
  payerName: string | null;
  payerId: string | null;
  payerAccount: string | null;
}

export interface LinkEvidence {
  rule: LinkRule;
  reasons: string[];
}

/** A reference as compared: upper-case letters and digits (as document_key in migration 011). */
export function referenceKey(text: string | null | undefined): string {
  return (text ?? '').toUpperCase().replace(/[^A-Z0-9]/g, '');
}

function samePayer(a: AdviceFacts, d: DepositFacts): string | null {
  if (a.payerId && d.payerId && referenceKey(a.payerId) === referenceKey(d.payerId)) {
    return `payer id ${a.payerId}`;
  }
  const account = (s: string | null) => (s ? normalizePayerAccount(s) : '');
  if (account(a.payerAccount) !== '' && account(a.payerAccount) === account(d.payerAccount)) {
    return `payer account ${a.payerAccount}`;
  }
  if (!a.payerName || !d.payerName) return null;
  // A bank cuts names at its field's length (NACHA: 16 for a company, 22 for an individual).
  const truncated = d.payerName.trim().length >= 15;
  const s = nameSimilarity(nameForm(d.payerName), nameForm(a.payerName), () => 1, truncated);
  return s >= NAME_SIMILARITY_MIN ? `payer "${d.payerName}" is "${a.payerName}"` : null;
}

/** Why `deposit` is the money `advice` describes, by the first rule that holds; else null. */
export function linkEvidence(advice: AdviceFacts, deposit: DepositFacts): LinkEvidence | null {
  if (advice.currency !== deposit.currency || advice.amountCents !== deposit.amountCents) {
    return null;
  }
  const amount = `${advice.currency} ${formatAmount(advice.amountCents, 2, true)}`;
  const trace = referenceKey(advice.traceNumber);
  if (trace !== '' && deposit.references.some((r) => referenceKey(r) === trace)) {
    return { rule: 'trace', reasons: [`trace number ${advice.traceNumber} on the deposit`,
      `same amount ${amount}`] };
  }
  if (advice.paymentDate === null) return null;
  const days = Math.abs(daysBetween(advice.paymentDate, deposit.receivedOn));
  if (days > DAYS_MAX) return null;
  const payer = samePayer(advice, deposit);
  if (payer === null) return null;
  return { rule: 'amount_payer', reasons: [`same amount ${amount}`, payer,
    `${days} day(s) from the advice's payment date ${advice.paymentDate}`] };
}

export type LinkChoice<T> =
  | { kind: 'linked'; candidate: T; evidence: LinkEvidence }
  | { kind: 'ambiguous'; rule: LinkRule; count: number }
  | { kind: 'none' };

/**
 * The one candidate the strongest rule picks: a trace beats amount and payer; two candidates
 * that fit the same strongest rule are ambiguous.
 */
export function chooseLink<T>(
  candidates: readonly T[], evidenceOf: (candidate: T) => LinkEvidence | null,
): LinkChoice<T> {
  const fits = candidates.flatMap((candidate) => {
    const evidence = evidenceOf(candidate);
    return evidence ? [{ candidate, evidence }] : [];
  });
  for (const rule of ['trace', 'amount_payer'] as const) {
    const byRule = fits.filter((f) => f.evidence.rule === rule);
    if (byRule.length === 1) return { kind: 'linked', ...byRule[0]! };
    if (byRule.length > 1) return { kind: 'ambiguous', rule, count: byRule.length };
  }
  return { kind: 'none' };
}

interface RemittanceShape {
  lines: { documentNumber?: string; referenceType?: string }[];
  freeText: string[];
}

/**
 * The deposit's remittance with the advice's: the deposit's own lines are kept, the advice adds
 * the lines for documents the deposit does not name already, and its free text.
 */
export function mergeRemittance<R extends RemittanceShape>(deposit: R | null, advice: R): R {
  if (!deposit) return advice;
  const named = new Set(deposit.lines.flatMap((l) =>
    l.documentNumber ? [referenceKey(l.documentNumber)] : []));
  const added = advice.lines.filter((l) =>
    !l.documentNumber || !named.has(referenceKey(l.documentNumber)));
  return {
    ...deposit,
    lines: [...deposit.lines, ...(deposit.lines.length > 0
      ? added.filter((l) => l.documentNumber) : added)],
    freeText: [...deposit.freeText, ...advice.freeText],
  };
}
