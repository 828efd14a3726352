import { writeAudit, type Actor } from '../db/audit.ts';
import type { Db, Queryable } from '../db/connection.ts';
import {
  CONTACT_COLUMNS, loadCustomer, transactResult, type Contact,
} from '../db/documents.ts';
import { err, ok, type Result } from '../domain/result.ts';
import type { ContactError } from './errors.ts';

export type { Contact };

export type AddContactInput = Omit<Contact, 'id' | 'role' | 'email' | 'phone' | 'fax' | 'isPrimary'>
  & Partial<Pick<Contact, 'role' | 'email' | 'phone' | 'fax' | 'isPrimary'>>;

/** Deliberately loose: one @, something on each side, a dot in the domain, no spaces. */
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/**
 * Adds a contact to a customer. A new primary contact takes over from the previous one (one
 * primary per customer). Errors, in order: customer_not_found, contact_name_required,
 * email_invalid.
 */
export async function addContact(
  db: Db, actor: Actor, input: AddContactInput,
): Promise<Result<Contact, ContactError>> {
  return transactResult(db, (tx) => addContactInTx(tx, actor, input));
}

async function addContactInTx(
  tx: Queryable, actor: Actor, input: AddContactInput,
): Promise<Result<Contact, ContactError>> {
  // The customer row lock serializes primary-contact changes for this customer.
  if (!(await loadCustomer(tx, input.customerId, true))) {
    return err({ code: 'customer_not_found', customerId: input.customerId });
  }
  if (input.name.trim() === '') return err({ code: 'contact_name_required' });
  const email = input.email?.trim() || null;
  if (email !== null && !EMAIL.test(email)) return err({ code: 'email_invalid', email });
  let demoted: number[] = [];
  if (input.isPrimary) {
    const r = await tx.query<{ id: number }>(
      `UPDATE contacts SET is_primary = false WHERE customer_id = $1 AND is_primary
       RETURNING id`,
      [input.customerId],
    );
    demoted = r.rows.map((row) => row.id);
  }
  const r = await tx.query<Contact>(
    `INSERT INTO contacts (customer_id, name, role, email, phone, fax, is_primary)
     VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING ${CONTACT_COLUMNS}`,
    [input.customerId, input.name.trim(), input.role ?? null, email, input.phone ?? null,
      input.fax ?? null, input.isPrimary ?? false],
  );
  const contact = r.rows[0]!;
  await writeAudit(tx, actor, {
    action: 'contact.add', entityType: 'contact', entityId: contact.id,
    customerId: input.customerId,
    before: demoted.length > 0 ? { primaryContactIds: demoted } : undefined,
    after: contact,
  });
  return ok(contact);
}
