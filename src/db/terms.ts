import type { Terms } from '../domain/terms.ts';

/** A row of the `terms` table. */
export interface TermsRow {
  code: string;
  kind: string;
  net_days: number | null;
  discount_bp: number | null;
  discount_days: number | null;
}

/** Maps a `terms` row to the domain's Terms. */
export function termsFromRow(row: TermsRow): Terms {
  const discount = row.discount_bp !== null && row.discount_days !== null
    ? { percentBp: row.discount_bp, days: row.discount_days }
    : null;
  switch (row.kind) {
    case 'net':
      return { kind: 'net', netDays: row.net_days ?? 0, discount };
    case 'eom':
      return { kind: 'eom', netDays: row.net_days, discount };
    case 'cod':
      return { kind: 'cod' };
    case 'prepaid':
      return { kind: 'prepaid' };
    default:
      throw new Error(`unknown terms kind ${row.kind} for ${row.code}`);
  }
}
