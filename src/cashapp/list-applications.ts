/**
 * Every application of a payment or credit to an item, with how it was made: by hand
 * ('manual', 'import', 'redeposit') or by a matching rule with its confidence. Reversed ones are
 * listed with `reversed: true`; the reversing rows themselves are not.
 */
import type { Queryable } from '../db/connection.ts';
import type { IsoDate } from '../domain/dates.ts';
import { formatAmount } from '../domain/money.ts';

const HAND_METHODS = ['manual', 'import', 'redeposit', 'deduction'];

export interface ApplicationRow {
  applicationId: number;
  paymentId: number;
  paymentReference: string;
  paymentType: string;
  bankReference: string | null;
  customerAccount: string | null;
  customerName: string | null;
  documentNumber: string;
  documentType: string;
  amount: string;
  currency: string;
  appliedOn: IsoDate;
  how: 'manual' | 'rule';
  method: string;
  rule: string | null;
  confidence: number | null;
  reversed: boolean;
}

export async function listApplications(
  tx: Queryable, filter: { since?: IsoDate; limit?: number } = {},
): Promise<ApplicationRow[]> {
  const r = await tx.query<Omit<ApplicationRow, 'amount' | 'how' | 'rule'> & {
    amountCents: number }>(
    `SELECT a.id AS "applicationId", c.id AS "paymentId", c.number AS "paymentReference",
       c.type AS "paymentType", b.bank_reference AS "bankReference",
       cu.account_number AS "customerAccount", cu.name AS "customerName",
       d.number AS "documentNumber", d.type AS "documentType", a.amount_cents AS "amountCents",
       c.currency, a.applied_on AS "appliedOn", a.method, a.confidence,
       EXISTS (SELECT 1 FROM applications x WHERE x.reverses_id = a.id) AS reversed
     FROM applications a
     JOIN documents c ON c.id = a.credit_id
     JOIN documents d ON d.id = a.debit_id
     LEFT JOIN bank_payments b ON b.document_id = c.id
     LEFT JOIN customers cu ON cu.id = coalesce(d.customer_id, c.customer_id)
     WHERE a.reverses_id IS NULL AND c.type IN ('payment', 'credit_memo')
       AND c.reverses_id IS NULL AND d.reverses_id IS NULL
       AND ($1::date IS NULL OR a.applied_on >= $1::date)
     ORDER BY a.applied_on, a.id LIMIT $2`,
    [filter.since ?? null, filter.limit ?? 100_000]);
  return r.rows.map(({ amountCents, ...row }) => {
    const byRule = !HAND_METHODS.includes(row.method);
    return {
      ...row, amount: formatAmount(amountCents), how: byRule ? 'rule' : 'manual',
      rule: byRule ? row.method : null,
    };
  });
}
