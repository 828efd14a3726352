/**
 * Choosing items from the documents a payment names: remittance lines with their own paid,
 * discount and adjustment amounts, or document numbers (in free text or lines without amounts)
 * whose open balances must add up to the payment. What the references leave over is matched by
 * amount; conflicts between what is named and what is paid lower the confidence.
 */
import {
  matchByAmount, money, type AmountContext, type AmountMatch,
} from './amount-rules.ts';
import { openItemsOf, openOf } from './match-index.ts';
import type { DocumentReference, PaymentReferences } from './references.ts';
import {
  allowedDiscount, discountTaken, settle, shortReason, termsDiscount, writeOffTolerance,
  type Settlement,
} from './residuals.ts';
import { resolveForCustomer, type Resolution } from './resolve.ts';
import { SCORE } from './scores.ts';
import { findSubsets } from './subset-sum.ts';
import type {
  CustomerCandidate, OpenItemCandidate, PaymentToMatch, RemittanceLineToMatch,
} from './types.ts';

export interface ReferenceOutcome {
  /** Null when no reference resolved to an open item of the customer. */
  choice: AmountMatch | null;
  /** Labelled references that name no open item of the customer. */
  notFound: string[];
}

/** The cash a remittance line says it pays, if it says. */
export function lineCash(line: RemittanceLineToMatch): number | undefined {
  if (line.paidCents !== undefined) return line.paidCents;
  if (line.grossCents === undefined) return undefined;
  return line.grossCents - (line.discountCents ?? 0) + (line.adjustmentCents ?? 0);
}

function describe(r: Resolution): string {
  return r.kind === 'exact' ? `${r.item.number} (exact)` : `${r.item.number} ` +
    `(written "${r.ref.text}": ${r.how})`;
}

function baseConfidence(resolved: Resolution[], exact: number, variant: number, typo: number) {
  let c = exact;
  for (const r of resolved) c = Math.min(c, r.kind === 'exact' ? exact : r.kind === 'variant'
    ? variant : typo);
  return c;
}

/** Resolves every document reference against the customer's open items. */
function resolveAll(payment: PaymentToMatch, refs: PaymentReferences, customer: CustomerCandidate,
  ctx: AmountContext) {
  const taken = new Set<string>();
  const resolved: Resolution[] = [];
  const unresolvedLines: DocumentReference[] = [];
  const notFound: string[] = [];
  for (const ref of refs.documents) {
    const r = resolveForCustomer(ref, customer.id, payment.currency, ctx.index, taken);
    if ('found' in r) {
      resolved.push(r.found);
      taken.add(r.found.item.id);
    } else if (ref.line) {
      unresolvedLines.push(ref);
      notFound.push(ref.text);
    } else if (ref.labelled) {
      notFound.push(ref.text);
    }
  }
  return { resolved, unresolvedLines, notFound, taken };
}

/**
 * Items from references, or null when none of them names an open item of `customer`.
 */
export function matchByReferences(
  payment: PaymentToMatch,
  refs: PaymentReferences,
  customer: CustomerCandidate,
  ctx: AmountContext,
): ReferenceOutcome {
  const { resolved, unresolvedLines, notFound, taken } = resolveAll(payment, refs, customer, ctx);
  if (resolved.length === 0) return { choice: null, notFound };
  const lineMode = resolved.every((r) => r.ref.line && lineCash(r.ref.line) !== undefined);
  const choice = lineMode
    ? byLines(payment, resolved, unresolvedLines, refs.unreferencedLines, customer, ctx, taken)
    : byTotals(payment, resolved, customer, ctx, taken);
  choice.resolvedRefs = resolved.map((r) => r.ref.text);
  const textNotFound = notFound.filter((t) => !unresolvedLines.some((u) => u.text === t));
  if (textNotFound.length > 0) {
    choice.confidence = Math.min(choice.confidence, SCORE.textShortBeyondTolerance);
    choice.reasons.push(`also names ${textNotFound.join(', ')}: not an open item of the customer`);
  }
  return { choice, notFound };
}

/**
 * An open item of the customer, not named, that `amount` pays exactly: its open balance, or its
 * open balance net of the discount its terms allow.
 */
function otherItemWithAmount(amount: number, customer: CustomerCandidate,
  payment: PaymentToMatch, ctx: AmountContext, taken: ReadonlySet<string>) {
  if (amount <= 0) return undefined;
  return openItemsOf(ctx.index, customer.id, payment.currency).find((i) => {
    if (taken.has(i.id)) return false;
    const open = openOf(ctx.index, i);
    if (open === amount) return true;
    const allowed = allowedDiscount(i, open, ctx.paidOn);
    return allowed > 0 && discountTaken(open - amount, allowed) > 0;
  });
}

interface LineState {
  confidence: number;
  reasons: string[];
  settlements: Settlement[];
  cashLeft: number;
}

function settleLine(r: Resolution, cashWanted: number, extraReason: string | undefined,
  state: LineState, ctx: AmountContext,
  conflict: (amount: number) => OpenItemCandidate | undefined): void {
  const line = r.ref.line!;
  const adjustmentReason = line.adjustmentReason?.trim() || extraReason;
  const item = r.item;
  const open = openOf(ctx.index, item);
  const cash = cashWanted > 0 ? Math.min(cashWanted, Math.max(0, state.cashLeft)) : cashWanted;
  const allowed = allowedDiscount(item, open, ctx.paidOn);
  const stated = line.discountCents ?? 0;
  // The part of the shortfall a stated adjustment explains is not a discount.
  const adjusted = Math.max(0, -(line.adjustmentCents ?? 0));
  const shortfall = open - cashWanted - adjusted;
  // A discount the line does not state is granted only when it explains the shortfall.
  const unstatedFits = shortfall - allowed <= writeOffTolerance(open, ctx.config);
  const granted = stated > 0 ? Math.min(stated, allowed, Math.max(0, open - cashWanted))
    : unstatedFits ? discountTaken(shortfall, allowed) : 0;
  const reason = shortReason(item, open, open - cashWanted - granted,
    adjustmentReason || (stated > allowed ? 'unearned_discount' : undefined));
  const s = settle(item, open, cash, granted, reason, ctx.config);
  state.settlements.push(s);
  state.cashLeft -= s.allocation.appliedCents;
  const base = r.kind === 'exact' ? SCORE.linesExact : r.kind === 'variant' ? SCORE.linesVariant
    : SCORE.typoConfirmed;
  let c = base;
  let note = `remittance line pays ${describe(r)} ${money(cashWanted)}`;
  if (granted > 0) note += `, discount ${money(granted)} allowed by terms`;
  if (s.note) note += `; ${s.note}`;
  const explained = reason !== 'unexplained_short_pay';
  if (s.deduction) {
    c = Math.min(c, explained ? SCORE.shortPayExplained : SCORE.shortPayUnexplainedLine);
  }
  if (s.excessCents !== 0 && open > 0) {
    c = Math.min(c, SCORE.lineOverpaid);
    note += `; ${money(s.excessCents)} more than the item needs`;
  }
  if (open < 0 && s.excessCents !== 0) c = Math.min(c, SCORE.typoUnconfirmed);
  const consistent = !s.deduction && s.excessCents === 0;
  if (r.kind === 'typo' && !consistent) c = Math.min(c, SCORE.typoUnconfirmed);
  if (open > 0) {
    // What the line itself says the item's balance is: its gross, or paid + discount - adjustment.
    const statesGross = line.grossCents !== undefined || line.discountCents !== undefined ||
      line.adjustmentCents !== undefined;
    const gross = line.grossCents ?? cashWanted + stated - (line.adjustmentCents ?? 0);
    const off = statesGross && Math.abs(gross - open) > writeOffTolerance(open, ctx.config) &&
      gross !== item.amountCents;
    if (off) {
      c = Math.min(c, SCORE.lineInconsistent);
      note += `; the line's gross ${money(gross)} differs from the open balance ${money(open)}`;
    }
    if (s.deduction && !explained && s.deduction.amountCents * 2 > open) {
      c = Math.min(c, SCORE.mostlyUnpaid);
      note += '; more than half unpaid: a partial payment or a wrong reference?';
    }
    const other = consistent ? undefined : conflict(cashWanted) ?? (off ? conflict(gross) : undefined);
    if (other) {
      c = Math.min(c, SCORE.conflictingAmount);
      note += `; but the amounts fit ${other.number}`;
    }
  }
  state.confidence = Math.min(state.confidence, c);
  state.reasons.push(note);
}

/** Folds amount lines that name no document (a deduction taken on the whole payment). */
function unattachedAdjustments(lines: readonly RemittanceLineToMatch[]) {
  let deducted = 0;
  let onAccount = 0;
  let reason: string | undefined;
  for (const l of lines) {
    const amount = lineCash(l) ?? l.adjustmentCents ?? 0;
    if (amount < 0) {
      deducted += -amount;
      reason ??= l.adjustmentReason;
    } else onAccount += amount;
  }
  return { deducted, onAccount, reason };
}

function byLines(payment: PaymentToMatch, resolved: Resolution[],
  unresolvedLines: DocumentReference[], unreferenced: readonly RemittanceLineToMatch[],
  customer: CustomerCandidate, ctx: AmountContext, taken: Set<string>): AmountMatch {
  const state: LineState = {
    confidence: SCORE.linesExact, reasons: [], settlements: [], cashLeft: payment.amountCents,
  };
  const wanted = new Map(resolved.map((r) => [r, lineCash(r.ref.line!)!]));
  const extra = unattachedAdjustments(unreferenced);
  const debitLines = resolved.filter((r) => openOf(ctx.index, r.item) > 0);
  let carrier: Resolution | undefined;
  if (extra.deducted > 0 && debitLines.length > 0) {
    carrier = [...debitLines].sort((a, b) => wanted.get(b)! - wanted.get(a)!)[0]!;
    wanted.set(carrier, wanted.get(carrier)! - extra.deducted);
    state.reasons.push(`a deduction of ${money(extra.deducted)} on the remittance is taken ` +
      `against ${carrier.item.number}`);
  }
  const stated = [...wanted.values()].reduce((s, v) => s + v, 0) + extra.onAccount +
    unresolvedLines.reduce((s, r) => s + (lineCash(r.line!) ?? 0), 0);
  const conflict = (amount: number) => otherItemWithAmount(amount, customer, payment, ctx, taken);
  // Credits first: they add to the cash the debit lines can use.
  const ordered = [...resolved].sort((a, b) =>
    Number(openOf(ctx.index, a.item) > 0) - Number(openOf(ctx.index, b.item) > 0));
  for (const r of ordered) {
    settleLine(r, wanted.get(r)!, r === carrier ? extra.reason : undefined, state, ctx, conflict);
  }
  if (stated > payment.amountCents) {
    state.confidence = Math.min(state.confidence, SCORE.remittanceOverstates);
    state.reasons.push(`remittance totals ${money(stated)} but the payment is ` +
      `${money(payment.amountCents)}`);
  }
  const match: AmountMatch = {
    rule: 'remittance_lines', settlements: state.settlements, confidence: state.confidence,
    reasons: state.reasons, confirmed: state.confidence >= SCORE.shortPayUnexplainedLine,
  };
  if (unresolvedLines.length > 0) {
    match.reasons.push(`remittance names ${unresolvedLines.map((u) => u.text).join(', ')}: ` +
      'not an open item of the customer');
  }
  return remainder(match, state.cashLeft, unresolvedLines.length > 0, payment, customer, ctx,
    taken);
}

/**
 * Cash the references leave over: matched by amount among the customer's other open items, else
 * unapplied on account. An unexplained remainder beyond tolerance sends the payment to review.
 */
function remainder(match: AmountMatch, left: number, namedMissing: boolean,
  payment: PaymentToMatch, customer: CustomerCandidate, ctx: AmountContext,
  taken: ReadonlySet<string>): AmountMatch {
  if (left <= 0) return match;
  const others = openItemsOf(ctx.index, customer.id, payment.currency)
    .filter((i) => !taken.has(i.id));
  const found = matchByAmount(left, others, ctx, { oldestFirst: false });
  if (found && found.settlements.length > 0) {
    match.settlements.push(...found.settlements);
    match.confirmed &&= found.confirmed && found.confidence >= SCORE.combinationFair;
    // A rest that is an item net of a discount no longer allowed: the remittance's own items
    // may hold the one that lost it, so a clerk decides.
    const unearned = found.rule === 'discounted_amount' && !found.confirmed;
    match.confidence = Math.min(match.confidence, found.confidence,
      namedMissing ? SCORE.referenceNotFound : SCORE.exactAmount,
      unearned ? SCORE.unearnedDiscountRemainder : 100);
    match.reasons.push(`the remaining ${money(left)}: ${found.reasons.join('; ')}`);
    return match;
  }
  if (namedMissing) {
    match.confidence = Math.min(match.confidence, SCORE.referenceNotFoundUnmatched);
  } else if (left > writeOffTolerance(payment.amountCents, ctx.config)) {
    match.confidence = Math.min(match.confidence, SCORE.unexplainedRemainder);
    match.confirmed = false;
  }
  match.reasons.push(`${money(left)} not explained by the remittance stays unapplied on account`);
  return match;
}

function byTotals(payment: PaymentToMatch, resolved: Resolution[], customer: CustomerCandidate,
  ctx: AmountContext, taken: Set<string>): AmountMatch {
  const target = payment.amountCents as number;
  const items = resolved.map((r) => r.item);
  const opens = items.map((i) => openOf(ctx.index, i) as number);
  const allowed = items.map((i, k) => allowedDiscount(i, opens[k]!, ctx.paidOn) as number);
  const gross = opens.reduce((s, o) => s + o, 0);
  const net = gross - allowed.reduce((s, d) => s + d, 0);
  const named = `names ${resolved.map(describe).join(', ')}`;
  const base = baseConfidence(resolved, SCORE.textTies, SCORE.textVariantTies,
    SCORE.typoConfirmed);
  const full = (discounts: number[]) =>
    items.map((item, k) => settle(item, opens[k]!, opens[k]! - discounts[k]!, discounts[k]!,
      'unexplained_short_pay', ctx.config));
  const rule = resolved.some((r) => r.ref.line) ? 'remittance_lines' : 'invoice_in_text';
  const result = (settlements: Settlement[], confidence: number, reasons: string[],
    confirmed: boolean): AmountMatch => ({ rule, settlements, confidence, reasons, confirmed });
  if (target === gross) {
    return result(full(opens.map(() => 0)), base, [`remittance ${named}; amount ` +
      `${money(target)} equals their open balance`], true);
  }
  const discount = discountTaken(gross - target, gross - net);
  if (net < gross && discount > 0 && target === gross - discount) {
    return result(full(spreadDiscount(allowed, discount)), Math.min(base, SCORE.textDiscountTies),
      [`remittance ${named}; amount ${money(target)} equals their open balance net of ` +
        `${money(discount)} early-payment discount allowed on ${ctx.paidOn}`], true);
  }
  if (target > gross) {
    const match = result(full(opens.map(() => 0)), base, [`remittance ${named} ` +
      `(open ${money(gross)})`], true);
    return remainder(match, target - gross, false, payment, customer, ctx, taken);
  }
  return shortOfTotals(target, items, opens, allowed, named, resolved, customer, payment, ctx,
    taken, result);
}

/** The one proper subset of the named items whose open (or net) amounts make the payment. */
function namedSubset(target: number, opens: number[], allowed: number[], ctx: AmountContext) {
  if (opens.length < 2 || opens.length > 12) return undefined;
  const limits = { sizeMin: 1, sizeMax: opens.length - 1, nodesMax: 4096, solutionsMax: 2 };
  const gross = findSubsets(opens, target, limits);
  const net = findSubsets(opens.map((o, k) => o - allowed[k]!), target, limits);
  const all = [
    ...gross.solutions.map((indexes) => ({ indexes, discounted: false })),
    ...net.solutions.filter((s) => s.some((k) => allowed[k]! > 0))
      .map((indexes) => ({ indexes, discounted: true })),
  ];
  return all.length === 1 ? all[0] : undefined;
}

/** Item discounts that add up to `taken` (at most the allowed ones): the largest gives way. */
function spreadDiscount(allowed: number[], taken: number): number[] {
  const out = [...allowed];
  let excess = allowed.reduce((s, d) => s + d, 0) - taken;
  const order = out.map((_, k) => k).sort((a, b) => out[b]! - out[a]! || a - b);
  for (const k of order) {
    const cut = Math.min(excess, out[k]!);
    out[k]! -= cut;
    excess -= cut;
  }
  return out;
}

function shortOfTotals(target: number, items: OpenItemCandidate[], opens: number[],
  allowed: number[], named: string, resolved: Resolution[], customer: CustomerCandidate,
  payment: PaymentToMatch, ctx: AmountContext, taken: Set<string>,
  result: (s: Settlement[], c: number, r: string[], confirmed: boolean) => AmountMatch) {
  const subset = namedSubset(target, opens, allowed, ctx);
  if (subset) {
    const settlements = subset.indexes.map((k) => {
      const discount = subset.discounted ? allowed[k]! : 0;
      return settle(items[k]!, opens[k]!, opens[k]! - discount, discount,
        'unexplained_short_pay', ctx.config);
    });
    const paid = subset.indexes.map((k) => items[k]!.number).join(', ');
    return result(settlements, SCORE.textPaysSubset, [`remittance ${named}; amount ` +
      `${money(target)} equals ${paid} alone`], false);
  }
  const net = opens.reduce((s, o, k) => s + o - allowed[k]!, 0);
  const discounts = target <= net ? allowed : opens.map(() => 0);
  const needed = opens.map((o, k) => o - discounts[k]!);
  const late = lateDiscount(target, items, opens, discounts, needed, named, resolved, result, ctx);
  if (late) return late;
  // The residual lands on the largest item; the others are paid in full.
  const order = items.map((_, k) => k).sort((a, b) => needed[b]! - needed[a]! || a - b);
  const largest = order[0]!;
  const othersNeed = needed.reduce((s, n, k) => (k === largest ? s : s + n), 0);
  const settlements = items.map((item, k) => {
    const cash = k === largest ? target - othersNeed : needed[k]!;
    const reason = shortReason(item, opens[k]!, needed[k]! - cash, undefined);
    return settle(item, opens[k]!, Math.max(0, cash), discounts[k]!, reason, ctx.config);
  });
  const residual = settlements[largest]!;
  const reasons = [`remittance ${named}; amount ${money(target)} is short of their open ` +
    `balance${discounts.some((d) => d > 0) ? ' net of allowed discounts' : ''}`];
  if (residual.note) reasons.push(`${items[largest]!.number}: ${residual.note}`);
  let confidence = residual.deduction ? SCORE.textShortBeyondTolerance
    : SCORE.textShortWithinTolerance;
  confidence = Math.min(confidence, baseConfidence(resolved, SCORE.textTies,
    SCORE.textVariantTies, SCORE.typoConfirmed));
  if (target - othersNeed <= 0) {
    confidence = SCORE.conflictingAmount;
    reasons.push('the payment does not cover the other named items in full');
  }
  if (residual.deduction && resolved.some((r) => r.kind === 'typo')) {
    confidence = Math.min(confidence, SCORE.typoUnconfirmed);
  }
  const other = otherItemWithAmount(target, customer, payment, ctx, taken);
  if (other && residual.deduction) {
    confidence = SCORE.conflictingAmount;
    reasons.push(`but ${money(target)} is exactly the open balance of ${other.number}`);
  }
  const swapped = residual.deduction ? wrongNumber(target, items, needed, customer, payment, ctx,
    taken) : undefined;
  if (swapped) {
    confidence = Math.min(confidence, SCORE.conflictingAmount);
    reasons.push(`but with ${swapped.other.number} instead of ${swapped.named.number} the ` +
      'amount ties exactly: a wrong invoice number?');
  }
  return result(settlements, confidence, reasons, !residual.deduction);
}

/**
 * A named item whose number is probably wrong: paying every other named item in full leaves
 * exactly the open amount (or net of its allowed discount) of an unnamed open item.
 */
function wrongNumber(target: number, items: OpenItemCandidate[], needed: number[],
  customer: CustomerCandidate, payment: PaymentToMatch, ctx: AmountContext,
  taken: ReadonlySet<string>) {
  const total = needed.reduce((s, n) => s + n, 0);
  for (const [k, named] of items.entries()) {
    const rest = target - (total - needed[k]!);
    const other = otherItemWithAmount(rest, customer, payment, ctx, taken);
    if (other) return { named, other };
  }
  return undefined;
}

/**
 * The payment is short of the named items by exactly the early-payment discount one of them
 * would have allowed had it been paid in time: that item carries an `unearned_discount`
 * deduction for the collector (never a write-off). Two items that fit make it a clerk's call.
 */
function lateDiscount(target: number, items: OpenItemCandidate[], opens: number[],
  discounts: number[], needed: number[], named: string, resolved: Resolution[],
  result: (s: Settlement[], c: number, r: string[], confirmed: boolean) => AmountMatch,
  ctx: AmountContext): AmountMatch | undefined {
  const shortBy = needed.reduce((s, n) => s + n, 0) - target;
  const fits = items.map((item, k) => k).filter((k) => {
    if (discounts[k]! > 0) return false;
    const late = termsDiscount(items[k]!, opens[k]!);
    return late > 0 && discountTaken(shortBy, late) === shortBy && shortBy <= late;
  });
  if (fits.length === 0 || shortBy <= 0) return undefined;
  const k = fits[0]!;
  const settlements = items.map((item, j) => settle(item, opens[j]!,
    j === k ? needed[j]! - shortBy : needed[j]!, discounts[j]!, 'unearned_discount', ctx.config));
  const reasons = [`remittance ${named}; amount ${money(target)} is short by ${money(shortBy)}, ` +
    `the discount ${items[k]!.number}'s terms allowed only until its discount date: a deduction ` +
    'for the collector'];
  if (fits.length > 1) {
    reasons.push(`${fits.map((j) => items[j]!.number).join(' and ')} both fit: not guessed`);
    return result(settlements, SCORE.lineInconsistent, reasons, false);
  }
  const confidence = Math.min(SCORE.shortPayExplained, baseConfidence(resolved, SCORE.textTies,
    SCORE.textVariantTies, SCORE.typoConfirmed));
  return result(settlements, confidence, reasons, true);
}
