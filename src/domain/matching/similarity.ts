/**
 * String similarity for matching: Jaro-Winkler for words, a one-edit test for document numbers,
 * and a weighted token-set similarity for company names. All scores are 0..1 (not money).
 */
import { nameTokens } from './normalize.ts';

/**
 * Jaro-Winkler similarity: 1 for equal strings, near 1 for small typos, with a bonus for a common
 * prefix of up to 4 characters (scale 0.1).
 * @example jaroWinkler('martha', 'marhta') // ~0.961
 */
export function jaroWinkler(a: string, b: string): number {
  if (a === b) return 1;
  if (a.length === 0 || b.length === 0) return 0;
  const window = Math.max(0, Math.floor(Math.max(a.length, b.length) / 2) - 1);
  const aMatched = new Array<boolean>(a.length).fill(false);
  const bMatched = new Array<boolean>(b.length).fill(false);
  let matches = 0;
  for (let i = 0; i < a.length; i++) {
    const lo = Math.max(0, i - window);
    const hi = Math.min(b.length - 1, i + window);
    for (let j = lo; j <= hi; j++) {
      if (bMatched[j] || a[i] !== b[j]) continue;
      aMatched[i] = true;
      bMatched[j] = true;
      matches++;
      break;
    }
  }
  if (matches === 0) return 0;
  let transposed = 0;
  let k = 0;
  for (let i = 0; i < a.length; i++) {
    if (!aMatched[i]) continue;
    while (!bMatched[k]) k++;
    if (a[i] !== b[k]) transposed++;
    k++;
  }
  const m = matches;
  const jaro = (m / a.length + m / b.length + (m - transposed / 2) / m) / 3;
  let prefix = 0;
  while (prefix < 4 && prefix < a.length && prefix < b.length && a[prefix] === b[prefix]) prefix++;
  return jaro + prefix * 0.1 * (1 - jaro);
}

/**
 * True when `a` and `b` are equal or one edit apart: one character substituted, inserted or
 * deleted, or two adjacent characters swapped (the common keying errors in a number).
 */
export function withinOneEdit(a: string, b: string): boolean {
  if (a === b) return true;
  const la = a.length;
  const lb = b.length;
  if (Math.abs(la - lb) > 1) return false;
  let i = 0;
  while (i < la && i < lb && a[i] === b[i]) i++;
  if (la === lb) {
    if (a.slice(i + 1) === b.slice(i + 1)) return true;
    return a[i] === b[i + 1] && a[i + 1] === b[i] && a.slice(i + 2) === b.slice(i + 2);
  }
  return la > lb ? a.slice(i + 1) === b.slice(i) : a.slice(i) === b.slice(i + 1);
}

/** A company name prepared once for comparison. */
export interface NameForm {
  /** `nameTokens` of the name. */
  tokens: string[];
  /** The tokens joined: equal keys are the same name. */
  key: string;
  /** Letters and digits of the raw name, lower case, for the truncation test. */
  letters: string;
}

export function nameForm(name: string): NameForm {
  const tokens = nameTokens(name);
  const letters = name.toLowerCase().replace(/[^a-z0-9]/g, '');
  return { tokens, key: tokens.join(''), letters };
}

/**
 * Memo of word similarities. Names are made of few distinct words, compared again and again
 * across a batch (Jaro-Winkler was most of the engine's time). A pure function's cache: it never
 * changes an answer; it is emptied when it grows past `WORD_MEMO_MAX` entries.
 */
const wordMemo = new Map<string, number>();
const WORD_MEMO_MAX = 500_000;

/** Similarity of two name words: 1 equal, Jaro-Winkler >= 0.92 for longer words, else 0. */
function wordSimilarity(a: string, b: string): number {
  if (a === b) return 1;
  if (a.length < 4 || b.length < 4) return 0;
  const key = `${a} ${b}`;
  let s = wordMemo.get(key);
  if (s === undefined) {
    if (wordMemo.size >= WORD_MEMO_MAX) wordMemo.clear();
    const jw = jaroWinkler(a, b);
    s = jw >= 0.92 ? jw : 0;
    wordMemo.set(key, s);
  }
  return s;
}

/**
 * Weighted token-set (Dice) similarity of a payer name to a customer name, 0..1. Each payer word
 * pairs with its most similar unused customer word; rare words weigh more (`weight`, e.g. an
 * inverse document frequency), so "Acme Foods" vs "Acme Fuels" scores low while "ACME FOODS
 * INCORPORATED" vs "Acme Foods Inc." scores 1. With `truncated` (the payer name was cut at a
 * bank field's length) a customer name that starts with the payer's letters scores 0.92.
 */
export function nameSimilarity(
  payer: NameForm,
  customer: NameForm,
  weight: (token: string) => number,
  truncated = false,
): number {
  if (payer.key !== '' && payer.key === customer.key) return 1;
  const used = new Array<boolean>(customer.tokens.length).fill(false);
  let matched = 0;
  let payerWeight = 0;
  for (const t of payer.tokens) {
    const w = weight(t);
    payerWeight += w;
    let best = 0;
    let bestJ = -1;
    customer.tokens.forEach((c, j) => {
      if (used[j]) return;
      const s = wordSimilarity(t, c);
      if (s > best) [best, bestJ] = [s, j];
    });
    if (bestJ < 0) continue;
    used[bestJ] = true;
    matched += best * (w + weight(customer.tokens[bestJ]!));
  }
  const customerWeight = customer.tokens.reduce((s, t) => s + weight(t), 0);
  const total = payerWeight + customerWeight;
  let score = total > 0 ? matched / total : 0;
  if (truncated && payer.letters.length >= 10 && customer.letters.startsWith(payer.letters)) {
    score = Math.max(score, 0.92);
  }
  return Math.min(1, score);
}
