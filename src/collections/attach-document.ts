import { createHash } from 'node:crypto';
import { writeAudit, type Actor } from '../db/audit.ts';
import type { Db, Queryable } from '../db/connection.ts';
import { loadDocuments, transactResult } from '../db/documents.ts';
import { assert, err, ok, type Result } from '../domain/result.ts';
import { cleanFileName, declaredTypeMatches, detectFileType } from '../formats/file-type.ts';
import {
  ATTACHABLE_TYPES, ATTACHMENT_KINDS, ATTACHMENT_MAX_BYTES, findAttachmentBySha,
  insertAttachment, loadAttachment, type Attachment, type AttachmentKind,
} from './attachments-store.ts';
import { oneOf } from './checks.ts';
import type { DocumentsError } from './document-errors.ts';

export interface AttachDocumentInput {
  documentId: number;
  kind: AttachmentKind;
  fileName: string;
  /** The Content-Type the uploader declared ('' or application/octet-stream: none). */
  declaredType: string;
  content: Buffer;
}

export interface AttachedDocument {
  attachment: Attachment;
  /** False when the item already held these bytes: nothing was stored again. */
  created: boolean;
}

/**
 * Keeps a file (a POD, a signed bill of lading, an invoice image, any PDF or image) on an
 * invoice, debit memo or credit memo. The type is read from the content's first bytes; the same
 * bytes on the same item again return the attachment already there. Errors, in order:
 * value_not_allowed (kind), file_name_invalid, file_empty, file_too_large,
 * file_type_not_allowed, content_type_mismatch, item_not_found, item_type_not_supported.
 */
export async function attachDocument(
  db: Db, actor: Actor, input: AttachDocumentInput,
): Promise<Result<AttachedDocument, DocumentsError>> {
  const checked = checkFile(input);
  if (!checked.ok) return checked;
  return transactResult(db, (tx) => store(tx, actor, input, checked.value));
}

interface CheckedFile {
  fileName: string;
  contentType: string;
  sha256: string;
}

function checkFile(input: AttachDocumentInput): Result<CheckedFile, DocumentsError> {
  const kind = oneOf('kind', input.kind, ATTACHMENT_KINDS);
  if (kind) return err(kind);
  const fileName = cleanFileName(input.fileName);
  if (fileName === null) return err({ code: 'file_name_invalid', fileName: input.fileName });
  if (input.content.length === 0) return err({ code: 'file_empty' });
  if (input.content.length > ATTACHMENT_MAX_BYTES) {
    return err({ code: 'file_too_large', sizeBytes: input.content.length,
      maxBytes: ATTACHMENT_MAX_BYTES });
  }
  const detected = detectFileType(input.content);
  if (detected === null) {
    return err({ code: 'file_type_not_allowed', declaredType: input.declaredType || 'none',
      allowed: 'PDF, PNG, JPEG, TIFF' });
  }
  if (!declaredTypeMatches(input.declaredType, detected)) {
    return err({ code: 'content_type_mismatch', declaredType: input.declaredType,
      detectedType: detected });
  }
  return ok({ fileName, contentType: detected,
    sha256: createHash('sha256').update(input.content).digest('hex') });
}

async function store(
  tx: Queryable, actor: Actor, input: AttachDocumentInput, file: CheckedFile,
): Promise<Result<AttachedDocument, DocumentsError>> {
  const doc = (await loadDocuments(tx, [input.documentId])).get(input.documentId);
  if (!doc || doc.customerId === null) {
    return err({ code: 'item_not_found', documentId: input.documentId });
  }
  if (!(ATTACHABLE_TYPES as readonly string[]).includes(doc.type)) {
    return err({ code: 'item_type_not_supported', documentId: doc.id, itemType: doc.type,
      allowed: ATTACHABLE_TYPES.join(', ') });
  }
  const id = await insertAttachment(tx, { documentId: doc.id, customerId: doc.customerId,
    kind: input.kind, fileName: file.fileName, contentType: file.contentType,
    sha256: file.sha256, content: input.content, uploadedBy: actor.name });
  if (id === null) {
    const existing = await findAttachmentBySha(tx, doc.id, file.sha256);
    assert(existing, 'a conflicting attachment is live');
    return ok({ attachment: existing, created: false });
  }
  const attachment = (await loadAttachment(tx, id))!;
  await writeAudit(tx, actor, { action: 'attachment.upload', entityType: 'attachment',
    entityId: id, customerId: doc.customerId, after: attachment });
  return ok({ attachment, created: true });
}
