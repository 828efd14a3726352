import { describe, expect, it } from 'vitest';
import { digestSinceOn, digestSubject, thresholdCrossed } from './digest.ts';

describe('digestSinceOn', () => {
  it.each([
    // previous digest's as-of, as of, period days, expected
    [null, '2026-11-20', 7, '2026-11-13'],
    [null, '2026-11-20', 1, '2026-11-19'],
    ['2026-11-16', '2026-11-20', 7, '2026-11-16'],
    ['2026-11-20', '2026-11-20', 7, '2026-11-20'],
    // A previous digest dated after this one (a back-dated run) does not narrow the window.
    ['2026-11-27', '2026-11-20', 7, '2026-11-13'],
  ])('previous %s, as of %s, period %i: %s', (previous, asOf, period, expected) => {
    expect(digestSinceOn(previous, asOf, period)).toBe(expected);
  });
});

describe('thresholdCrossed', () => {
  const T = [60, 90];
  it.each([
    // oldest due date, since, as of, expected: the highest threshold crossed in the window
    ['2026-09-21', '2026-11-13', '2026-11-20', 60], // 53 -> 60 days
    ['2026-09-14', '2026-11-13', '2026-11-20', null], // 60 already at since
    ['2026-09-15', '2026-11-13', '2026-11-20', 60], // 59 -> 66
    ['2026-09-22', '2026-11-13', '2026-11-20', null], // 52 -> 59: not yet
    ['2026-08-22', '2026-11-13', '2026-11-20', 90], // 83 -> 90
    ['2026-08-15', '2026-11-13', '2026-11-20', null], // 90 already at since
    ['2026-08-22', '2026-09-01', '2026-11-20', 90], // a long window crosses both: 90 wins
    ['2026-11-25', '2026-11-13', '2026-11-20', null], // not due yet
  ])('oldest due %s, since %s, as of %s: %s', (oldest, since, asOf, expected) => {
    expect(thresholdCrossed(oldest, since, asOf, T)).toBe(expected);
  });
});

describe('digestSubject', () => {
  it.each([
    [{ newHolds: 0, brokenPromises: 0, disputes: 0, past60: 0, past90: 0 },
      'Your accounts on 2026-11-20: nothing new'],
    [{ newHolds: 1, brokenPromises: 2, disputes: 0, past60: 0, past90: 1 },
      'Your accounts on 2026-11-20: 1 new hold, 2 broken promises, 1 past 90 days'],
    [{ newHolds: 0, brokenPromises: 1, disputes: 3, past60: 2, past90: 0 },
      'Your accounts on 2026-11-20: 1 broken promise, 3 disputes waiting on you, 2 past 60 days'],
  ])('%o', (counts, subject) => expect(digestSubject(counts, '2026-11-20')).toBe(subject));
});
