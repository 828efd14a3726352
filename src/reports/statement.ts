import type { Queryable } from '../db/connection.ts';
import type { IsoDate } from '../domain/dates.ts';

export interface StatementLine {
  date: string;
  type: string;
  number: string;
  description: string;
  debitCents: number;
  creditCents: number;
  balanceCents: number;
}

export interface Statement {
  customerId: number;
  from: IsoDate;
  to: IsoDate;
  currency: string;
  openingCents: number;
  lines: StatementLine[];
  closingCents: number;
}

const METHOD_LABEL: Record<string, string> = {
  check: 'Check', ach: 'ACH', wire: 'Wire', cash: 'Cash', card: 'Card',
  online_bill_pay: 'Online bill pay', route_cash: 'Route-driver cash',
};

/**
 * Statement of account activity for [from, to]: the opening balance, every document posted in
 * the period in date order with a running balance, and the closing balance. Balances are the sum
 * of posted amounts (applications move amounts between a customer's items, not the balance).
 */
export async function accountStatement(
  db: Queryable,
  customerId: number,
  from: IsoDate,
  to: IsoDate,
): Promise<Statement> {
  const opening = await db.query<{ total: number; currency: string | null }>(
    `SELECT coalesce(sum(d.amount_cents), 0)::bigint AS total, min(c.currency) AS currency
     FROM customers c LEFT JOIN documents d ON d.customer_id = c.id AND d.document_date < $2
     WHERE c.id = $1 GROUP BY c.id`,
    [customerId, from],
  );
  const rows = await db.query<{
    document_date: string; type: string; number: string; amount_cents: number;
    po_number: string | null; method: string | null; memo: string | null;
  }>(
    `SELECT document_date, type, number, amount_cents, po_number, method, memo FROM documents
     WHERE customer_id = $1 AND document_date BETWEEN $2 AND $3
     ORDER BY document_date, CASE WHEN amount_cents > 0 THEN 0 ELSE 1 END, id`,
    [customerId, from, to],
  );
  const openingCents = opening.rows[0]?.total ?? 0;
  let balance = openingCents;
  const lines = rows.rows.map((r) => {
    balance += r.amount_cents;
    // The type has its own column: the description says what else identifies the line.
    const po = r.po_number && !/^po/i.test(r.po_number) ? `PO ${r.po_number}` : r.po_number;
    const details = [po ?? '', r.method ? METHOD_LABEL[r.method] ?? r.method : '', r.memo ?? '']
      .filter(Boolean);
    return {
      date: r.document_date, type: r.type, number: r.number,
      description: details.join(' · '),
      debitCents: r.amount_cents > 0 ? r.amount_cents : 0,
      creditCents: r.amount_cents < 0 ? -r.amount_cents : 0,
      balanceCents: balance,
    };
  });
  return {
    customerId, from, to, currency: opening.rows[0]?.currency ?? 'USD', openingCents, lines,
    closingCents: balance,
  };
}
