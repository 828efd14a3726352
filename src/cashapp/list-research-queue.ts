/**
 * The research queue: every payment with unapplied cash (waiting for review, unidentified, or on
 * account), with its suggestion and the reasons, its notes, and its age; and counts and amounts
 * by age of the unapplied item.
 */
import type { Queryable } from '../db/connection.ts';
import { daysBetween, type IsoDate } from '../domain/dates.ts';
import { formatAmount } from '../domain/money.ts';
import type { StoredProposal } from './store.ts';

export interface QueueItem {
  paymentId: number;
  reference: string;
  bankReference: string | null;
  receivedOn: IsoDate;
  ageDays: number;
  amount: string;
  unapplied: string;
  unappliedCents: number;
  currency: string;
  payerName: string | null;
  customerAccount: string | null;
  customerName: string | null;
  state: string;
  /** The live split this payment is (part of): it can be undone from here. */
  splitId: number | null;
  /**
   * Why the payment waits, in a few words, when there is no suggestion to apply: left on
   * account, the rest of an overpayment, no customer found, no open item fits, not matched yet.
   */
  explanation: string | null;
  suggestion: (Omit<StoredProposal, 'allocations'> & {
    /** The customer the suggestion is for: account number and name. */
    customer: { accountNumber: string; name: string } | null;
    allocations: { documentId: number; documentNumber: string | null; applied: string }[];
  }) | null;
  notes: { note: string; by: string; at: string }[];
}

export interface AgeBucket {
  label: string;
  count: number;
  amount: string;
}

const BUCKETS: [string, number][] = [['0-7', 7], ['8-30', 30], ['31-60', 60], ['61+', Infinity]];

export async function listResearchQueue(
  tx: Queryable, asOf: IsoDate, filter: { limit?: number } = {},
): Promise<{ items: QueueItem[]; byAge: AgeBucket[] }> {
  const r = await tx.query<Omit<QueueItem, 'ageDays' | 'amount' | 'unapplied' | 'suggestion'
    | 'notes'> & { amountCents: number; proposal: StoredProposal | null;
      notes: QueueItem['notes'] | null }>(
    `SELECT d.id AS "paymentId", d.number AS reference, b.bank_reference AS "bankReference",
       d.document_date AS "receivedOn", -d.amount_cents AS "amountCents",
       -d.open_cents AS "unappliedCents", d.currency,
       coalesce(b.payer_name, d.payer_name) AS "payerName",
       cu.account_number AS "customerAccount", cu.name AS "customerName",
       coalesce(b.queue_state, 'review') AS state,
       (SELECT max(s.id) FROM payment_splits s WHERE s.status = 'split'
          AND (s.payment_id = d.id OR s.id = (b.source_record->>'splitId')::bigint))::bigint
         AS "splitId",
       (SELECT to_jsonb(p) FROM (SELECT id, payment_id AS "paymentId",
          customer_id AS "customerId", rule, confidence,
          customer_confidence AS "customerConfidence", reasons, allocations, deductions,
          unapplied_cents AS "unappliedCents", status
        FROM match_proposals m WHERE m.payment_id = d.id AND m.status = 'pending'
        ORDER BY m.id DESC LIMIT 1) p) AS proposal,
       (SELECT jsonb_agg(jsonb_build_object('note', n.note, 'by', n.created_by,
          'at', n.created_at) ORDER BY n.id) FROM payment_notes n WHERE n.payment_id = d.id)
         AS notes
     FROM documents d
     LEFT JOIN bank_payments b ON b.document_id = d.id
     LEFT JOIN customers cu ON cu.id = d.customer_id
     WHERE d.type = 'payment' AND d.open_cents < 0 AND d.reverses_id IS NULL
       AND coalesce(b.queue_state, 'review') <> 'returned'
     ORDER BY d.document_date, d.id LIMIT $1`,
    [filter.limit ?? 10_000]);
  const numbers = await documentNumbers(tx, r.rows.flatMap((row) =>
    row.proposal?.allocations.map((a) => a.documentId) ?? []));
  const customers = await customerNames(tx, r.rows.flatMap((row) =>
    row.proposal?.customerId ?? []));
  const items = r.rows.map(({ amountCents, proposal, notes, ...row }) => ({
    ...row,
    ageDays: Math.max(0, daysBetween(row.receivedOn, asOf)),
    amount: formatAmount(amountCents),
    unapplied: formatAmount(row.unappliedCents),
    explanation: queueExplanation({ ...row, amountCents, proposal }),
    suggestion: proposal ? {
      ...proposal,
      customer: proposal.customerId === null ? null : customers.get(proposal.customerId) ?? null,
      allocations: proposal.allocations.map((a) => ({
        documentId: a.documentId, documentNumber: numbers.get(a.documentId) ?? null,
        applied: formatAmount(a.appliedCents),
      })),
    } : null,
    notes: notes ?? [],
  }));
  const byAge = BUCKETS.map(([label, max], i) => {
    const min = i === 0 ? -Infinity : BUCKETS[i - 1]![1];
    const inBucket = items.filter((x) => x.ageDays > min && x.ageDays <= max);
    return { label, count: inBucket.length,
      amount: formatAmount(inBucket.reduce((s, x) => s + x.unappliedCents, 0)) };
  });
  return { items, byAge };
}

/** The facts queueExplanation reads. */
export interface ExplanationFacts {
  state: string;
  amountCents: number;
  unappliedCents: number;
  customerAccount: string | null;
  proposal: Pick<StoredProposal, 'customerId' | 'reasons' | 'allocations'> | null;
}

/**
 * Why a payment without a suggestion to apply waits in the queue, for the clerk: the clerk's
 * own decision first, then what the ledger shows (part applied, no customer), then the
 * engine's last reason, else that matching never ran on it (posted by hand or a CSV import).
 */
export function queueExplanation(f: ExplanationFacts): string | null {
  if (f.proposal && f.proposal.allocations.length > 0) return null;
  if (f.state === 'on_account') return 'left on account';
  if (f.state === 'unidentified') return 'marked unidentified: customer unknown';
  if (f.unappliedCents < f.amountCents) {
    return `overpayment: ${formatAmount(f.amountCents - f.unappliedCents, 2, true)} of `
      + `${formatAmount(f.amountCents, 2, true)} applied, the rest has no open item to pay`;
  }
  if (!f.proposal) {
    return f.customerAccount === null
      ? 'customer unknown, not matched yet (posted by hand or by import)'
      : 'not matched yet (posted by hand or by import)';
  }
  if (f.customerAccount === null && f.proposal.customerId === null) {
    return 'customer unknown: no account, payer account, invoice number or name matches';
  }
  // The engine says what failed ("no open item or combination fits 1,750.00"); cash
  // application may add that the payer looks like another customer than the payment's.
  const reasons = f.proposal.reasons;
  const fits = [...reasons].reverse().find((r) => r.startsWith('no open item'));
  const other = reasons.some((r) => r.startsWith('the payment is posted to another customer'));
  if (fits) return other ? `${fits}; the payer looks like another customer` : fits;
  return reasons.at(-1) ?? 'no open item matches';
}

async function documentNumbers(tx: Queryable, ids: number[]): Promise<Map<number, string>> {
  if (ids.length === 0) return new Map();
  const r = await tx.query<{ id: number; number: string }>(
    'SELECT id, number FROM documents WHERE id = ANY($1::bigint[])', [[...new Set(ids)]]);
  return new Map(r.rows.map((x) => [x.id, x.number]));
}

async function customerNames(
  tx: Queryable, ids: number[],
): Promise<Map<number, { accountNumber: string; name: string }>> {
  if (ids.length === 0) return new Map();
  const r = await tx.query<{ id: number; accountNumber: string; name: string }>(
    'SELECT id, account_number AS "accountNumber", name FROM customers WHERE id = ANY($1::bigint[])',
    [[...new Set(ids)]]);
  return new Map(r.rows.map(({ id, ...c }) => [id, c]));
}
