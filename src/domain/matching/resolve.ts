/**
 * Resolving a document number the payer wrote to an open item: exactly, then by its digits
 * (missing prefix, leading zeros, other punctuation), then, within one customer only, by one
 * keying error in a long number.
 */
import { documentDigits, documentPrefix } from './normalize.ts';
import { openItemsOf, openOf, type MatchIndex } from './match-index.ts';
import type { DocumentReference } from './references.ts';
import { withinOneEdit } from './similarity.ts';
import type { OpenItemCandidate, ReferenceType } from './types.ts';

export type ResolutionKind = 'exact' | 'variant' | 'typo';

export interface Resolution {
  ref: DocumentReference;
  item: OpenItemCandidate;
  kind: ResolutionKind;
  /** "exact", "missing prefix", "leading zeros", "one digit off", ... */
  how: string;
}

/** Digits shorter than this are never matched with a typo: too many near neighbours. */
const TYPO_DIGITS_MIN = 5;

function preferType(items: OpenItemCandidate[], type: ReferenceType | undefined) {
  if (items.length < 2 || type === undefined) return items;
  const wanted = type === 'credit_note' ? ['credit_memo'] : type === 'debit_note'
    ? ['debit_memo'] : type === 'invoice' ? ['invoice'] : [];
  const preferred = items.filter((i) => wanted.includes(i.type));
  return preferred.length > 0 ? preferred : items;
}

/** Same letters before the number, or none written. */
function prefixFits(ref: DocumentReference, item: OpenItemCandidate): boolean {
  return ref.prefix === '' || ref.prefix === documentPrefix(item.number);
}

function variantHow(ref: DocumentReference, item: OpenItemCandidate): string {
  const notes: string[] = [];
  if (ref.prefix === '' && documentPrefix(item.number) !== '') notes.push('missing prefix');
  else if (ref.prefix !== documentPrefix(item.number)) notes.push('different prefix');
  const written = ref.text.replace(/\D/g, '');
  if (/^0/.test(written) && !/^0/.test(item.number.replace(/\D/g, ''))) {
    notes.push('leading zeros');
  }
  return notes.length > 0 ? notes.join(', ') : 'same number, other punctuation';
}

export type ResolveOutcome =
  | { found: Resolution }
  | { ambiguous: OpenItemCandidate[] }
  | { notFound: true };

/**
 * Resolves `ref` among one customer's open items in `currency`, skipping `taken` item ids.
 * Typo matching needs a number of at least 5 digits and exactly one candidate.
 */
export function resolveForCustomer(
  ref: DocumentReference,
  customerId: string,
  currency: string,
  index: MatchIndex,
  taken: ReadonlySet<string>,
): ResolveOutcome {
  const usable = (i: OpenItemCandidate) =>
    i.customerId === customerId && i.currency === currency && openOf(index, i) !== 0 &&
    !taken.has(i.id);
  const type = ref.line?.referenceType;
  const exact = preferType((index.itemsByKey.get(ref.key) ?? []).filter(usable), type);
  if (exact.length === 1) return { found: { ref, item: exact[0]!, kind: 'exact', how: 'exact' } };
  if (exact.length > 1) return { ambiguous: exact };
  if (ref.digits === '') return { notFound: true };
  const byDigits = (index.itemsByDigits.get(ref.digits) ?? []).filter(usable);
  const variants = preferType(byDigits.filter((i) => prefixFits(ref, i)), type);
  const pool = variants.length > 0 ? variants : preferType(byDigits, type);
  if (pool.length === 1) {
    const item = pool[0]!;
    return { found: { ref, item, kind: 'variant', how: variantHow(ref, item) } };
  }
  if (pool.length > 1) return { ambiguous: pool };
  if (ref.digits.length < TYPO_DIGITS_MIN) return { notFound: true };
  const near = openItemsOf(index, customerId, currency).filter((i) => {
    if (taken.has(i.id) || !prefixFits(ref, i)) return false;
    const digits = documentDigits(i.number);
    return digits.length >= TYPO_DIGITS_MIN && withinOneEdit(ref.digits, digits);
  });
  if (near.length === 1) {
    return { found: { ref, item: near[0]!, kind: 'typo', how: 'one keying error' } };
  }
  return near.length > 1 ? { ambiguous: near } : { notFound: true };
}

/**
 * The customers whose open items `ref` names exactly or by its digits (never by a typo: across
 * all customers a one-digit slip nearly always lands on somebody's invoice).
 */
export function customersNamedBy(
  ref: DocumentReference,
  currency: string,
  index: MatchIndex,
): { customerIds: Set<string>; kind: 'exact' | 'variant' } {
  const fits = (i: OpenItemCandidate) => i.currency === currency && openOf(index, i) !== 0;
  const exact = (index.itemsByKey.get(ref.key) ?? []).filter(fits);
  if (exact.length > 0) {
    return { customerIds: new Set(exact.map((i) => i.customerId)), kind: 'exact' };
  }
  const byDigits = ref.digits === '' ? [] : (index.itemsByDigits.get(ref.digits) ?? []).filter(
    (i) => fits(i) && prefixFits(ref, i),
  );
  return { customerIds: new Set(byDigits.map((i) => i.customerId)), kind: 'variant' };
}
