import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildNameSearch, searchNames } from './name-search.ts';
import { nameForm, nameSimilarity } from './similarity.ts';

// A vocabulary where a few words are in many names (as "Supply" or "Services" are) and most in
// few, with misspellings, so that names share words, similar words and nothing.
const WORDS = ['summit', 'builders', 'supply', 'services', 'harbor', 'freight', 'lines',
  'acme', 'hardware', 'corner', 'store', 'torres', 'brewing', 'group', 'holdings', 'north',
  'valley', 'tools', 'foods', 'metals', 'summitt', 'buildres', 'suply', 'hardwear', 'inc',
  'llc', 'corp'];
const word = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom('supply', 'services', 'group', 'inc', 'llc') },
  { weight: 4, arbitrary: fc.constantFrom(...WORDS) },
);
const name = fc.array(word, { minLength: 1, maxLength: 4 }).map((w) => w.join(' '));

describe('searchNames: every name as close as the threshold, and no other', () => {
  it('answers as comparing the payer name with every name does', () => {
    fc.assert(fc.property(
      fc.array(name, { minLength: 1, maxLength: 120 }), fc.array(name, { maxLength: 8 }),
      fc.constantFrom(0.5, 0.7, 0.8, 0.9), fc.boolean(),
      (names, payers, scoreMin, truncated) => {
        const search = buildNameSearch(names.map((n, i) => ({ customerId: String(i), name: n,
          alias: false })));
        for (const p of payers) {
          const payer = nameForm(p);
          const every = search.names.flatMap((n, at) => {
            const score = nameSimilarity(payer, n.form, search.tokenWeight, truncated);
            return score >= scoreMin ? [{ at, score }] : [];
          });
          expect(searchNames(search, payer, truncated, scoreMin)).toEqual(every);
        }
      }), { numRuns: 300, seed: 20261207 });
  });
});
