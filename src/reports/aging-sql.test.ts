import { describe, expect, it } from 'vitest';
import { parseAmounts } from './aging-sql.ts';

describe('parseAmounts', () => {
  // [amounts text, bucket count, cents or the assertion's message]
  const cases: [string, number, number[] | RegExp][] = [
    ['700,-300,1000,0', 2, [700, -300, 1000, 0]],
    ['0,0,0,0,0,0,0,0,0', 7, [0, 0, 0, 0, 0, 0, 0, 0, 0]],
    ['9007199254740991,0,9007199254740991,0', 2, [9007199254740991, 0, 9007199254740991, 0]],
    ['9007199254740993,0,9007199254740993,0', 2, /safe integer/],
    ['700,-300,1000', 2, /not 2 buckets/],
    ['700,,1000,0', 2, /an empty amount/],
    ['1.5,0,1.5,0', 2, /not whole cents/],
    ['-,0,0,0', 2, /an empty amount/],
    ['1-2,0,0,0', 2, /not whole cents/],
    ['--2,0,-2,0', 2, /not whole cents/],
    ['-0,0,0,0', 2, [0, 0, 0, 0]],
  ];
  it.each(cases)('%s (%i buckets)', (text, bucketCount, expected) => {
    if (expected instanceof RegExp) expect(() => parseAmounts(text, bucketCount)).toThrow(expected);
    else expect(parseAmounts(text, bucketCount)).toEqual(expected);
  });
});
