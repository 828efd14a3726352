/**
 * Normal forms used for matching: company names, document numbers and payer bank accounts.
 * Small pure string functions; the variants a bank file shows (case, punctuation, legal suffixes,
 * "&" for "and", missing prefixes, leading zeros) collapse to one key.
 */

/** Legal-form words that say nothing about who the company is. */
const LEGAL_SUFFIXES = new Set([
  'inc', 'incorporated', 'llc', 'llp', 'lp', 'pllc', 'plc', 'pc', 'co', 'corp', 'corporation',
  'company', 'ltd', 'limited', 'gmbh', 'ag', 'sa', 'sarl', 'bv', 'nv', 'pty', 'srl', 'spa',
]);

/** Words banks and payers add around a name (payables departments, payment labels). */
const NOISE_WORDS = new Set([
  'and', 'the', 'of', 'ap', 'accounts', 'payable', 'payables', 'dept', 'department', 'pmt',
  'pymt', 'payment', 'payments', 'ach', 'vendor', 'remit', 'attn', 'dba',
]);

/** Common abbreviations in company names, to their long form. */
const ABBREVIATIONS: Record<string, string> = {
  intl: 'international', mfg: 'manufacturing', mfrs: 'manufacturers',
  svc: 'services', svcs: 'services', serv: 'services', dist: 'distribution',
  distr: 'distribution', distrib: 'distribution', bros: 'brothers', natl: 'national',
  assoc: 'associates', assn: 'association', grp: 'group', hldgs: 'holdings', hldg: 'holdings',
  mgmt: 'management', ctr: 'center', centre: 'center', amer: 'america', equip: 'equipment',
  ind: 'industry', inds: 'industry', indus: 'industry', tech: 'technologies',
  sys: 'systems', elec: 'electric', constr: 'construction', prod: 'products', prods: 'products',
  st: 'saint', mtn: 'mountain', labs: 'laboratories', lab: 'laboratories',
};

/** Lower case, diacritics removed, `&` as a word, apostrophes dropped, other punctuation a space. */
function simplify(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/&/g, ' and ')
    .replace(/['\u2019`]/g, '')
    .replace(/[^a-z0-9]+/g, ' ')
    .trim();
}

/** Joins runs of single letters ("l l c" from "L.L.C.", "u s a") into one word. */
function joinInitials(words: string[]): string[] {
  const out: string[] = [];
  let run = '';
  for (const w of words) {
    if (w.length === 1 && /[a-z]/.test(w)) {
      run += w;
      continue;
    }
    if (run) out.push(run);
    run = '';
    out.push(w);
  }
  if (run) out.push(run);
  return out;
}

/** Folds a plural or long form so that "Foods" and "Food" compare equal. */
function foldWord(word: string): string {
  const long = ABBREVIATIONS[word] ?? word;
  // "Industrial" and "Industries" are one word to a payer abbreviating them as "Ind".
  if (long.startsWith('industr')) return 'industry';
  if (long.length > 4 && long.endsWith('ies')) return long.slice(0, -3) + 'y';
  if (long.length > 3 && long.endsWith('s') && !long.endsWith('ss')) return long.slice(0, -1);
  return long;
}

/**
 * The words of a company name that identify it: lower case, punctuation and legal suffixes
 * (Inc, LLC, Co, Corp, Ltd, ...) removed, `&`/"and" dropped, abbreviations expanded, plurals
 * folded. Never empty for a name with letters: if only legal words remain, they are kept.
 * @example nameTokens('ACME Foods, Inc.') // ['acme', 'food']
 */
export function nameTokens(name: string): string[] {
  const words = joinInitials(simplify(name).split(' ').filter((w) => w !== ''));
  const kept = words.filter((w) => !LEGAL_SUFFIXES.has(w) && !NOISE_WORDS.has(w));
  const chosen = kept.length > 0 ? kept : words.filter((w) => w !== 'and' && w !== 'the');
  return chosen.map(foldWord);
}

/** One key per name: its tokens joined without spaces ("Blue Ridge" = "BlueRidge"). */
export function nameKey(name: string): string {
  return nameTokens(name).join('');
}

/** Upper case letters and digits only: "inv-0010234" -> "INV0010234". */
export function documentKey(number: string): string {
  return number.toUpperCase().replace(/[^A-Z0-9]/g, '');
}

/** The digits of a document number without leading zeros: "INV-0010234" -> "10234". */
export function documentDigits(number: string): string {
  return number.replace(/\D/g, '').replace(/^0+(?=\d)/, '');
}

/** The letters before the first digit: "INV-10234" -> "INV"; "" when none. */
export function documentPrefix(number: string): string {
  const key = documentKey(number);
  const m = /^[A-Z]*/.exec(key);
  return m ? m[0] : '';
}

/** A payer bank account without spaces, dashes or case: "DE89 3704-0044" -> "DE8937040044". */
export function normalizePayerAccount(account: string): string {
  return account.toUpperCase().replace(/[^A-Z0-9]/g, '');
}

/** An account number as typed on a remittance: letters and digits, leading zeros dropped. */
export function accountKey(accountNumber: string): string {
  return documentKey(accountNumber).replace(/^0+(?=\d)/, '');
}
