import type { Queryable } from '../db/connection.ts';

// Reads and writes of documents on items (migration 023). Lists never select the bytes.

export const ATTACHMENT_KINDS = ['pod', 'invoice_copy', 'other'] as const;
export type AttachmentKind = (typeof ATTACHMENT_KINDS)[number];

/** The largest file kept on an item: 10 MB. */
export const ATTACHMENT_MAX_BYTES = 10 * 1024 * 1024;

/** Item types that carry documents: what a customer is billed or credited. */
export const ATTACHABLE_TYPES = ['invoice', 'debit_memo', 'credit_memo'] as const;

export interface Attachment {
  id: number;
  documentId: number;
  customerId: number;
  /** The item's number, for lists across an account. */
  documentNumber: string;
  documentType: string;
  kind: AttachmentKind;
  fileName: string;
  contentType: string;
  sizeBytes: number;
  sha256: string;
  uploadedBy: string;
  uploadedAt: string;
  deletedBy: string | null;
  deletedAt: string | null;
}

export const ATTACHMENT_COLUMNS = `a.id, a.document_id AS "documentId",
  a.customer_id AS "customerId", d.number AS "documentNumber", d.type AS "documentType", a.kind,
  a.file_name AS "fileName", a.content_type AS "contentType", a.size_bytes AS "sizeBytes",
  a.sha256, a.uploaded_by AS "uploadedBy", a.uploaded_at AS "uploadedAt",
  a.deleted_by AS "deletedBy", a.deleted_at AS "deletedAt"`;

const FROM = 'FROM attachments a JOIN documents d ON d.id = a.document_id';

/** Instants as ISO strings whichever driver read them. */
function shaped(row: Attachment): Attachment {
  const iso = (v: unknown) => (v instanceof Date ? v.toISOString() : v === null ? null
    : new Date(String(v)).toISOString());
  return { ...row, uploadedAt: iso(row.uploadedAt)!, deletedAt: iso(row.deletedAt) };
}

export async function loadAttachment(
  tx: Queryable, id: number, lock = false,
): Promise<Attachment | undefined> {
  const r = await tx.query<Attachment>(
    `SELECT ${ATTACHMENT_COLUMNS} ${FROM} WHERE a.id = $1 ${lock ? 'FOR UPDATE OF a' : ''}`,
    [id]);
  return r.rows[0] ? shaped(r.rows[0]) : undefined;
}

/** The attachments with these ids (deleted ones too), in id order. */
export async function loadAttachments(
  tx: Queryable, ids: readonly number[],
): Promise<Attachment[]> {
  const r = await tx.query<Attachment>(
    `SELECT ${ATTACHMENT_COLUMNS} ${FROM} WHERE a.id = ANY($1::bigint[]) ORDER BY a.id`,
    [[...new Set(ids)]]);
  return r.rows.map(shaped);
}

// The bytes travel as base64 text (encode/decode in SQL): PGlite takes ~3 s to pass an 8 MB
// bytea parameter and ~1.5 s to return one, against ~0.3 s and ~0.1 s as base64; PostgreSQL is
// fast either way.

/** The bytes of an attachment. */
export async function attachmentContent(tx: Queryable, id: number): Promise<Buffer | undefined> {
  const r = await tx.query<{ content: string }>(
    `SELECT encode(content, 'base64') AS content FROM attachments WHERE id = $1`, [id]);
  const c = r.rows[0]?.content;
  // PostgreSQL breaks base64 into lines; Buffer.from skips the line breaks.
  return c === undefined ? undefined : Buffer.from(c, 'base64');
}

/** An item's live attachments, oldest first. */
export async function listItemAttachments(
  tx: Queryable, documentId: number,
): Promise<Attachment[]> {
  const r = await tx.query<Attachment>(
    `SELECT ${ATTACHMENT_COLUMNS} ${FROM} WHERE a.document_id = $1 AND a.deleted_at IS NULL
     ORDER BY a.id`, [documentId]);
  return r.rows.map(shaped);
}

/** The live attachments of an account's items (and of its child accounts'), newest first. */
export async function listCustomerAttachments(
  tx: Queryable, customerId: number, limit = 1000,
): Promise<Attachment[]> {
  const r = await tx.query<Attachment>(
    `SELECT ${ATTACHMENT_COLUMNS} ${FROM}
     WHERE a.customer_id IN (SELECT $1::bigint UNION ALL
       SELECT id FROM customers WHERE parent_id = $1)
       AND a.deleted_at IS NULL
     ORDER BY a.id DESC LIMIT $2`, [customerId, limit]);
  return r.rows.map(shaped);
}

export interface NewAttachment {
  documentId: number;
  customerId: number;
  kind: AttachmentKind;
  fileName: string;
  contentType: string;
  sha256: string;
  content: Buffer;
  uploadedBy: string;
}

/**
 * Inserts the attachment unless the item already holds the same bytes; returns the new id, or
 * null when it was there (the unique index decides, so concurrent retries store one).
 */
export async function insertAttachment(tx: Queryable, a: NewAttachment): Promise<number | null> {
  const r = await tx.query<{ id: number }>(
    `INSERT INTO attachments (document_id, customer_id, kind, file_name, content_type,
       size_bytes, sha256, content, uploaded_by)
     VALUES ($1, $2, $3, $4, $5, $6, $7, decode($8, 'base64'), $9)
     ON CONFLICT (document_id, sha256) WHERE deleted_at IS NULL DO NOTHING RETURNING id`,
    [a.documentId, a.customerId, a.kind, a.fileName, a.contentType, a.content.length, a.sha256,
      a.content.toString('base64'), a.uploadedBy]);
  return r.rows[0]?.id ?? null;
}

/** The live attachment of this item with these bytes. */
export async function findAttachmentBySha(
  tx: Queryable, documentId: number, sha256: string,
): Promise<Attachment | undefined> {
  const r = await tx.query<Attachment>(
    `SELECT ${ATTACHMENT_COLUMNS} ${FROM}
     WHERE a.document_id = $1 AND a.sha256 = $2 AND a.deleted_at IS NULL`, [documentId, sha256]);
  return r.rows[0] ? shaped(r.rows[0]) : undefined;
}
