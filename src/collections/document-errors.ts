import type { CollectionsError } from './errors.ts';

/**
 * The expected failures of documents on items (upload, delete) and of correspondence sent with
 * them, beside the collections' own. Each use case's doc comment lists the ones it returns in
 * the order checked; HTTP statuses follow the codes' names (problem.ts).
 */
export type DocumentsError =
  | CollectionsError
  | { code: 'file_name_invalid'; fileName: string }
  | { code: 'file_empty' }
  | { code: 'file_too_large'; sizeBytes: number; maxBytes: number }
  | { code: 'file_type_not_allowed'; declaredType: string; allowed: string }
  | { code: 'content_type_mismatch'; declaredType: string; detectedType: string }
  | { code: 'item_type_not_supported'; documentId: number; itemType: string; allowed: string }
  | { code: 'attachment_not_found'; attachmentId: number }
  | { code: 'attachment_not_on_account'; attachmentId: number }
  | { code: 'attachments_too_large'; sizeBytes: number; maxBytes: number }
  | { code: 'fax_gateway_not_configured' }
  | { code: 'email_invalid'; email: string }
  | { code: 'fax_number_missing'; customerId: number }
  | { code: 'email_delivery_failed'; reason: string };

/** A sentence for people; the code stays the contract. */
export function describeDocumentsError(e: DocumentsError): string {
  const details = Object.entries(e)
    .filter(([k]) => k !== 'code')
    .map(([k, v]) => `${k} ${Array.isArray(v) ? v.join(',') : String(v)}`);
  const rule = e.code.replace(/_/g, ' ');
  return details.length === 0 ? rule : `${rule} (${details.join('; ')})`;
}
