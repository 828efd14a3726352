import type { Queryable } from '../db/connection.ts';
import { listOpenDocuments, type Customer } from '../db/documents.ts';
import { daysBetween, type IsoDate } from '../domain/dates.ts';
import type { OpenItemStatement } from '../formats/pdf/statement-pdf.ts';

/** The open-item statement of a customer as of a date, for the PDF writer. */
export async function openItemStatement(
  tx: Queryable, customer: Customer, asOf: IsoDate, companyName: string,
): Promise<OpenItemStatement> {
  const docs = await listOpenDocuments(tx, customer.id);
  const aging: [number, number, number, number, number] = [0, 0, 0, 0, 0];
  const items = docs.map((d) => {
    const daysPastDue = Math.max(0, daysBetween(d.dueDate, asOf));
    const bucket = daysPastDue === 0 ? 0 : daysPastDue <= 30 ? 1 : daysPastDue <= 60 ? 2
      : daysPastDue <= 90 ? 3 : 4;
    aging[bucket] += d.openCents;
    return { type: d.type, number: d.number, documentDate: d.documentDate, dueDate: d.dueDate,
      openCents: d.openCents, daysPastDue };
  });
  return { companyName, customerName: customer.name, accountNumber: customer.accountNumber,
    asOf, currency: customer.currency, items, agingCents: aging };
}
