import { writeAudit, type Actor } from '../db/audit.ts';
import type { Db } from '../db/connection.ts';
import { transactResult } from '../db/documents.ts';
import { err, ok, type Result } from '../domain/result.ts';
import { loadAttachment, type Attachment } from './attachments-store.ts';
import type { DocumentsError } from './document-errors.ts';

export interface DeleteAttachmentInput {
  attachmentId: number;
  reason?: string | null;
}

/**
 * Removes a document from its item (a manager's call: the route asks for collections.supervise):
 * a soft delete, so the bytes stay for the audit trail while lists, downloads and sends no longer
 * see it; the same file may be uploaded again afterwards. Errors: attachment_not_found (also when
 * already deleted).
 */
export async function deleteAttachment(
  db: Db, actor: Actor, input: DeleteAttachmentInput,
): Promise<Result<Attachment, DocumentsError>> {
  return transactResult(db, async (tx) => {
    const before = await loadAttachment(tx, input.attachmentId, true);
    if (!before || before.deletedAt !== null) {
      return err({ code: 'attachment_not_found', attachmentId: input.attachmentId });
    }
    await tx.query(`UPDATE attachments SET deleted_by = $2, deleted_at = now(),
      delete_reason = $3 WHERE id = $1`,
    [before.id, actor.name, input.reason?.trim() || null]);
    const after = (await loadAttachment(tx, before.id))!;
    await writeAudit(tx, actor, { action: 'attachment.delete', entityType: 'attachment',
      entityId: before.id, customerId: before.customerId, before,
      after: { ...after, reason: input.reason?.trim() || null } });
    return ok(after);
  });
}
