import { describe, expect, it } from 'vitest';
import { diffRecords, showValue } from './diff.ts';

describe('diffRecords', () => {
  it('marks changed, same, added and removed fields in a stable order', () => {
    const rows = diffRecords(
      { role: 'collector', name: 'Ann', phone: '555' },
      { role: 'admin', name: 'Ann', email: 'ann@example.com' },
    );
    expect(rows.map((r) => [r.field, r.kind])).toEqual([
      ['role', 'changed'], ['name', 'same'], ['phone', 'removed'], ['email', 'added'],
    ]);
  });
  it('treats a create (no before) as all added', () => {
    expect(diffRecords(null, { amount: '10.00' })).toEqual([
      { field: 'amount', before: '', after: '10.00', kind: 'added' },
    ]);
  });
  it('compares non-object values as a whole', () => {
    expect(diffRecords([1], [1, 2])).toEqual([
      { field: '(value)', before: '[1]', after: '[1,2]', kind: 'changed' },
    ]);
  });
});

describe('showValue', () => {
  it.each([
    [undefined, ''], [null, 'null'], ['x', 'x'], [12, '12'], [true, 'true'], [{ a: 1 }, '{"a":1}'],
  ])('%j -> %s', (v, s) => expect(showValue(v)).toBe(s));
});
