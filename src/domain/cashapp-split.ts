/**
 * Splitting a payment across customers: one check pays the items of several customers (a parent
 * paying for its subsidiaries, a third-party payer, a factor). The clerk divides the payment's
 * unapplied cash into parts, one per customer, each applied to that customer's items or left on
 * its account. This file checks the parts and plans what the use case writes; it does no I/O.
 *
 * A part for the payment's own customer stays on the payment itself. Every other part moves to a
 * new payment of its customer by a transfer (see src/cashapp/split-payment.ts for the ledger
 * entries), so the original payment keeps its whole history.
 */
import type { Cents } from './money.ts';
import { err, ok, type Result } from './result.ts';

/** An item of the part's customer the part pays, by document number. */
export interface SplitLine {
  documentNumber: string;
  amountCents: Cents;
}

export interface SplitPartInput {
  customerId: number;
  /** The customer's account number, for messages. */
  account: string;
  amountCents: Cents;
  /** The items this part pays now; what the lines leave stays on the customer's account. */
  lines: readonly SplitLine[];
}

/** The payment being split, as the rules need it. */
export interface SplitPayment {
  /** Null for unidentified cash: then every part moves to a new payment. */
  customerId: number | null;
  /** What is still unapplied, positive. */
  unappliedCents: Cents;
}

/**
 * Why a split is refused, in the order checked. `part` is the 1-based position of the part as
 * the clerk gave it.
 */
export type SplitError =
  | { code: 'payment_fully_applied' }
  | { code: 'parts_required' }
  | { code: 'part_amount_must_be_positive'; part: number }
  | { code: 'customer_listed_twice'; part: number; account: string }
  | { code: 'part_exceeds_unapplied'; part: number; amountCents: Cents; unappliedCents: Cents }
  | { code: 'parts_must_sum_to_unapplied'; partsCents: Cents; unappliedCents: Cents }
  | { code: 'split_needs_another_customer' }
  | { code: 'line_amount_must_be_positive'; part: number; documentNumber: string }
  | { code: 'document_listed_twice'; part: number; documentNumber: string }
  | { code: 'lines_exceed_part'; part: number; linesCents: Cents; amountCents: Cents };

export type SplitErrorCode = SplitError['code'];

export interface PlannedPart extends SplitPartInput {
  partNo: number;
  /** True for the part of the payment's own customer: it stays on the payment. */
  staysOnPayment: boolean;
  /** What the part leaves on the customer's account (amount less its lines). */
  onAccountCents: Cents;
}

export interface SplitPlan {
  parts: PlannedPart[];
  /** Cash moving to other customers' new payments. */
  transferCents: Cents;
}

const total = (xs: readonly { amountCents: number }[]): Cents =>
  xs.reduce((s, x) => s + x.amountCents, 0) as Cents;

/** What is left to allocate: the unapplied cash less the parts so far (negative: too much). */
export function splitRemainder(unappliedCents: Cents, partCents: readonly Cents[]): Cents {
  return (unappliedCents - partCents.reduce((s, x) => s + x, 0)) as Cents;
}

function checkParts(
  payment: SplitPayment, parts: readonly SplitPartInput[],
): SplitError | null {
  if (payment.unappliedCents <= 0) return { code: 'payment_fully_applied' };
  if (parts.length === 0) return { code: 'parts_required' };
  const at = parts.findIndex((p) => p.amountCents <= 0);
  if (at >= 0) return { code: 'part_amount_must_be_positive', part: at + 1 };
  const seen = new Set<number>();
  for (const [i, p] of parts.entries()) {
    if (seen.has(p.customerId)) {
      return { code: 'customer_listed_twice', part: i + 1, account: p.account };
    }
    seen.add(p.customerId);
  }
  const big = parts.findIndex((p) => p.amountCents > payment.unappliedCents);
  if (big >= 0) {
    return { code: 'part_exceeds_unapplied', part: big + 1, amountCents: parts[big]!.amountCents,
      unappliedCents: payment.unappliedCents };
  }
  const partsCents = total(parts);
  if (partsCents !== payment.unappliedCents) {
    return { code: 'parts_must_sum_to_unapplied', partsCents,
      unappliedCents: payment.unappliedCents };
  }
  if (parts.every((p) => p.customerId === payment.customerId)) {
    return { code: 'split_needs_another_customer' };
  }
  return null;
}

function checkLines(parts: readonly SplitPartInput[]): SplitError | null {
  for (const [i, p] of parts.entries()) {
    const numbers = new Set<string>();
    for (const l of p.lines) {
      if (l.amountCents <= 0) {
        return { code: 'line_amount_must_be_positive', part: i + 1,
          documentNumber: l.documentNumber };
      }
      if (numbers.has(l.documentNumber)) {
        return { code: 'document_listed_twice', part: i + 1, documentNumber: l.documentNumber };
      }
      numbers.add(l.documentNumber);
    }
    const linesCents = total(p.lines);
    if (linesCents > p.amountCents) {
      return { code: 'lines_exceed_part', part: i + 1, linesCents, amountCents: p.amountCents };
    }
  }
  return null;
}

/**
 * Checks the clerk's parts against the payment and plans the split. The parts must divide the
 * unapplied cash exactly (every cent goes to a customer; a part may be left wholly on account)
 * and at least one must be for a customer other than the payment's own.
 * @example planSplit({ customerId: 7, unappliedCents: 100000 }, [
 *   { customerId: 7, account: 'P-1', amountCents: 60000, lines: [] },
 *   { customerId: 9, account: 'S-2', amountCents: 40000,
 *     lines: [{ documentNumber: 'INV-9', amountCents: 40000 }] }])
 */
export function planSplit(
  payment: SplitPayment, parts: readonly SplitPartInput[],
): Result<SplitPlan, SplitError> {
  const invalid = checkParts(payment, parts) ?? checkLines(parts);
  if (invalid) return err(invalid);
  const planned = parts.map((p, i): PlannedPart => ({
    ...p, partNo: i + 1, staysOnPayment: p.customerId === payment.customerId,
    onAccountCents: (p.amountCents - total(p.lines)) as Cents,
  }));
  return ok({
    parts: planned,
    transferCents: total(planned.filter((p) => !p.staysOnPayment)),
  });
}
