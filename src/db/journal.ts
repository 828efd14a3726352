import type { JournalLine } from '../domain/ledger.ts';
import { isBalanced } from '../domain/ledger.ts';
import { assert } from '../domain/result.ts';
import type { Queryable } from './connection.ts';

export interface JournalEntryInput {
  effectiveDate: string;
  kind: string;
  documentId?: number | null;
  applicationId?: number | null;
  batchId?: number | null;
  reversesId?: number | null;
  memo?: string | null;
  createdBy: string;
}

/**
 * Writes one balanced journal entry with its lines (one statement for the lines, which the
 * database's balance trigger checks). Entries with no lines are not written; returns the id or null.
 */
export async function insertJournalEntry(
  tx: Queryable,
  entry: JournalEntryInput,
  lines: readonly JournalLine[],
): Promise<number | null> {
  if (lines.length === 0) return null;
  assert(isBalanced(lines), `journal entry ${entry.kind} does not balance`);
  const r = await tx.query<{ id: number }>(
    `INSERT INTO journal_entries
       (effective_date, kind, document_id, application_id, batch_id, reverses_id, memo, created_by)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`,
    [
      entry.effectiveDate, entry.kind, entry.documentId ?? null, entry.applicationId ?? null,
      entry.batchId ?? null, entry.reversesId ?? null, entry.memo ?? null, entry.createdBy,
    ],
  );
  const id = r.rows[0]!.id;
  const values: string[] = [];
  const params: unknown[] = [id];
  lines.forEach((l, i) => {
    params.push(i + 1, l.account, l.currency, l.amountCents);
    const p = params.length;
    values.push(`($1, $${p - 3}, $${p - 2}, $${p - 1}, $${p})`);
  });
  await tx.query(
    `INSERT INTO journal_lines (entry_id, line_no, account, currency, amount_cents)
     VALUES ${values.join(', ')}`,
    params,
  );
  return id;
}
