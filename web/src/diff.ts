// Before/after comparison for audit entries: one row per field, marking what changed.

export interface DiffRow {
  field: string;
  before: string;
  after: string;
  kind: 'added' | 'removed' | 'changed' | 'same';
}

type Plain = Record<string, unknown>;

function isPlain(v: unknown): v is Plain {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** A value as one line of text: strings as they are, absent as "", the rest as JSON. */
export function showValue(v: unknown): string {
  if (v === undefined) return '';
  if (v === null) return 'null';
  if (typeof v === 'string') return v;
  return JSON.stringify(v);
}

/**
 * Field-by-field rows for two audit snapshots (either may be null for a create or delete).
 * Fields keep the order they have in `before`, then new fields in `after`'s order.
 * @example diffRecords({ role: 'collector' }, { role: 'admin' })
 *   // [{ field: 'role', before: 'collector', after: 'admin', kind: 'changed' }]
 */
export function diffRecords(before: unknown, after: unknown): DiffRow[] {
  const b = before ?? undefined;
  const a = after ?? undefined;
  if ((b === undefined || isPlain(b)) && (a === undefined || isPlain(a))) {
    const keys = [...new Set([...Object.keys(b ?? {}), ...Object.keys(a ?? {})])];
    return keys.map((field) => {
      const inBefore = b !== undefined && field in b;
      const inAfter = a !== undefined && field in a;
      const x = showValue(b?.[field]);
      const y = showValue(a?.[field]);
      const kind = !inBefore ? 'added' : !inAfter ? 'removed' : x === y ? 'same' : 'changed';
      return { field, before: x, after: y, kind };
    });
  }
  const x = showValue(b);
  const y = showValue(a);
  return [{ field: '(value)', before: x, after: y, kind: x === y ? 'same' : 'changed' }];
}
