/**
 * Finding the customer names (and aliases) a payer name resembles, without comparing it with
 * every name. Built once per customer index.
 *
 * `nameSimilarity` is a weighted match of words: each payer word pairs with a customer word at
 * least 0.92 similar (or equal), adding similarity x (both words' weights), over the weights of
 * all the words of both names. So a name can only reach a score through the words it shares
 * (equal or similar) with the payer name: summing, over the payer's words, what each of its
 * similar vocabulary words could add, gives an upper bound of the score of every name holding
 * them. Only names whose bound reaches the weak-name threshold are compared exactly: the answer
 * is the one comparing every name would give, at the cost of a few list walks.
 */
import { jaroWinkler, nameForm, nameSimilarity, type NameForm } from './similarity.ts';

/** A customer name or alias prepared for fuzzy comparison. */
export interface IndexedName {
  customerId: string;
  form: NameForm;
  alias: boolean;
  /** The name as written (for the reasons). */
  text: string;
}

/** Words in more names than this say too little to find candidates by (their bound is added). */
const COMMON_WORD_NAMES = 2000;
/** Word similarity below this counts as no match (as in similarity.ts). */
const WORD_SIMILARITY_MIN = 0.92;

export interface NameSearch {
  names: IndexedName[];
  namesByKey: Map<string, number[]>;
  /** Distinct word -> the names holding it. */
  namesByToken: Map<string, number[]>;
  /** Inverse document frequency of a name word over all customer names. */
  tokenWeight: (token: string) => number;
  /** Per name: the sum of its words' weights (the customer side of the denominator). */
  nameWeights: Float64Array;
  /** Names by their letters, sorted: the names a truncated payer name is the start of. */
  byLetters: number[];
  /** Payer word -> the vocabulary words similar to it, with the similarity. A memo. */
  similarWords: Map<string, [string, number][]>;
  /** Scratch space for the bounds, one slot per name; all zero between calls. */
  bounds: Float64Array;
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

/** Indexes `entries` (customer names and aliases). */
export function buildNameSearch(
  entries: readonly { customerId: string; name: string; alias: boolean }[],
): NameSearch {
  const names: IndexedName[] = [];
  const namesByKey = new Map<string, number[]>();
  const namesByToken = new Map<string, number[]>();
  for (const e of entries) {
    const form = nameForm(e.name);
    if (form.key === '') continue;
    const at = names.push({ customerId: e.customerId, form, alias: e.alias, text: e.name }) - 1;
    push(namesByKey, form.key, at);
    for (const t of new Set(form.tokens)) push(namesByToken, t, at);
  }
  const total = Math.max(1, names.length);
  const tokenWeight = (t: string) => Math.log(1 + total / ((namesByToken.get(t)?.length ?? 0) + 1));
  const nameWeights = new Float64Array(names.length);
  names.forEach((n, at) => {
    nameWeights[at] = n.form.tokens.reduce((s, t) => s + tokenWeight(t), 0);
  });
  const byLetters = names.map((_, at) => at)
    .sort((a, b) => compare(names[a]!.form.letters, names[b]!.form.letters) || a - b);
  return {
    names, namesByKey, namesByToken, tokenWeight, nameWeights, byLetters,
    similarWords: new Map(), bounds: new Float64Array(names.length),
  };
}

const compare = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** Vocabulary words that `word` matches in `nameSimilarity` (equal, or long and similar). */
function similarWords(search: NameSearch, word: string): [string, number][] {
  let found = search.similarWords.get(word);
  if (found) return found;
  found = search.namesByToken.has(word) ? [[word, 1]] : [];
  if (word.length >= 4) {
    for (const other of search.namesByToken.keys()) {
      // Jaro-Winkler >= 0.92 needs the shorter word at least 0.6 of the longer.
      if (other === word || other.length < 4 || Math.min(other.length, word.length) <
        0.6 * Math.max(other.length, word.length)) continue;
      const s = jaroWinkler(word, other);
      if (s >= WORD_SIMILARITY_MIN) found.push([other, s]);
    }
  }
  search.similarWords.set(word, found);
  return found;
}

/** The names whose letters start with `prefix` (a payer name cut at a bank field's length). */
function namesStartingWith(search: NameSearch, prefix: string): number[] {
  const { byLetters, names } = search;
  let [lo, hi] = [0, byLetters.length];
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (names[byLetters[mid]!]!.form.letters < prefix) lo = mid + 1;
    else hi = mid;
  }
  const out: number[] = [];
  for (let i = lo; i < byLetters.length; i++) {
    const at = byLetters[i]!;
    if (!names[at]!.form.letters.startsWith(prefix)) break;
    out.push(at);
  }
  return out;
}

/**
 * The names scoring at least `scoreMin` against `payer`, with their scores, in index order.
 * `truncated`: the payer name was cut at a bank field's length (see `nameSimilarity`).
 */
export function searchNames(
  search: NameSearch, payer: NameForm, truncated: boolean, scoreMin: number,
): { at: number; score: number }[] {
  const { bounds, namesByToken, tokenWeight, nameWeights } = search;
  const touched: number[] = [];
  let payerWeight = 0;
  let common = 0;
  for (const t of payer.tokens) {
    const wt = tokenWeight(t);
    payerWeight += wt;
    for (const [word, s] of similarWords(search, t)) {
      const list = namesByToken.get(word)!;
      const most = s * (wt + tokenWeight(word));
      if (list.length > COMMON_WORD_NAMES) {
        common += most;
        continue;
      }
      for (const at of list) {
        if (bounds[at] === 0) touched.push(at);
        bounds[at]! += most;
      }
    }
  }
  const candidates = new Set<number>(search.namesByKey.get(payer.key) ?? []);
  for (const at of touched) {
    if ((bounds[at]! + common) / (payerWeight + nameWeights[at]!) >= scoreMin - 1e-9) {
      candidates.add(at);
    }
    bounds[at] = 0;
  }
  if (truncated && payer.letters.length >= 10) {
    for (const at of namesStartingWith(search, payer.letters)) candidates.add(at);
  }
  const out: { at: number; score: number }[] = [];
  for (const at of [...candidates].sort((a, b) => a - b)) {
    const score = nameSimilarity(payer, search.names[at]!.form, tokenWeight, truncated);
    if (score >= scoreMin) out.push({ at, score });
  }
  return out;
}
