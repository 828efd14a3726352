import type { Queryable } from '../db/connection.ts';
import { currencyExponent, formatAmount } from '../domain/money.ts';
import type { Letter } from '../formats/pdf/letter-pdf.ts';

// The words of each dunning template, and the letter of one dunning message.

const TEMPLATES: Record<string, { subject: string; text: string }> = {
  reminder: { subject: 'Payment reminder',
    text: 'This is a friendly reminder that the items below fall due shortly.' },
  overdue: { subject: 'Past due notice',
    text: 'Our records show the items below are past due. Please arrange payment.' },
  overdue_letter: { subject: 'Past due notice',
    text: 'The items below are more than 30 days past due. Please remit payment promptly or '
      + 'contact us if you believe this is in error.' },
  final_demand: { subject: 'Final demand',
    text: 'Despite earlier notices the items below remain unpaid. Unless payment is received '
      + 'within 10 days, your account will be placed on credit hold and may be referred for '
      + 'collection.' },
};

export function templateText(template: string): { subject: string; text: string } {
  return TEMPLATES[template]
    ?? { subject: 'Account notice', text: 'Please review the items below.' };
}

/** The letter for dunning message `messageId` (email body, fax and print share it). */
export async function dunningLetter(
  tx: Queryable, messageId: number, companyName: string,
): Promise<Letter & { text: string }> {
  const m = await tx.query<{ template: string; name: string; currency: string;
    createdOn: string; collector: string | null; contact: string | null }>(
    `SELECT m.template, c.name, m.currency, r.as_of AS "createdOn", c.collector,
       (SELECT k.name FROM contacts k WHERE k.customer_id = c.id
         ORDER BY k.is_primary DESC, k.id LIMIT 1) AS contact
     FROM dunning_messages m JOIN customers c ON c.id = m.customer_id
     JOIN dunning_runs r ON r.id = m.run_id WHERE m.id = $1`, [messageId]);
  const row = m.rows[0]!;
  const items = await tx.query<{ number: string; dueDate: string; openCents: number }>(
    `SELECT d.number, d.due_date AS "dueDate", d.open_cents AS "openCents"
     FROM dunning_sends s JOIN documents d ON d.id = s.document_id
     WHERE s.message_id = $1 ORDER BY d.due_date, d.id`, [messageId]);
  const money = (c: number) => formatAmount(c, currencyExponent(row.currency), true);
  const t = templateText(row.template);
  const itemLines = items.rows.map((i) =>
    `${i.number.padEnd(16)} due ${i.dueDate}  ${money(i.openCents).padStart(14)} ${row.currency}`);
  const letter = {
    companyName, date: row.createdOn, to: [row.name, ...(row.contact ? [`Attn: ${row.contact}`]
      : [])], subject: t.subject, paragraphs: [t.text], itemLines,
    signature: `${row.collector ?? 'Accounts receivable'}, ${companyName}`,
  };
  return { ...letter, text: [t.text, '', ...itemLines, '', letter.signature].join('\n') };
}
