import { createHash } from 'node:crypto';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { attachDocument } from '../../collections/attach-document.ts';
import {
  ATTACHMENT_KINDS, ATTACHMENT_MAX_BYTES, attachmentContent, listCustomerAttachments,
  listItemAttachments, loadAttachment, type Attachment,
} from '../../collections/attachments-store.ts';
import { deleteAttachment } from '../../collections/delete-attachment.ts';
import type { DocumentsError } from '../../collections/document-errors.ts';
import { invoiceCopyOf } from '../../collections/invoice-copy-data.ts';
import { smtpMailer } from '../../collections/mailer.ts';
import { sendCorrespondence } from '../../collections/send-correspondence.ts';
import { loadCustomer, loadDocuments, type Customer, type LedgerDocument }
  from '../../db/documents.ts';
import {
  CORRESPONDENCE_CHANNELS, CORRESPONDENCE_TEMPLATES,
} from '../../domain/collections/correspondence.ts';
import { isoDateOf, type IsoDate } from '../../domain/dates.ts';
import { maySeeCustomer } from '../../domain/permissions.ts';
import { ALLOWED_FILE_TYPES } from '../../formats/file-type.ts';
import { writeInvoiceCopyPdf } from '../../formats/pdf/invoice-copy.ts';
import { requestActor, viewerOf } from '../auth-plugin.ts';
import { allowChange, changeableCustomer, visibleCustomer } from '../customer-access.ts';
import { sendError, sendProblem } from '../problem.ts';
import { IdParamsSchema, InstantSchema } from '../schemas.ts';
import type { RouteModule } from '../server.ts';

// Documents on items (a POD, a signed bill of lading, an invoice image: uploaded as the raw
// file, stored in the database, listed per item and per account, downloaded, soft-deleted by a
// manager), invoice copies as PDF, and correspondence sent with them by email, fax or letter.
// Thin: validate, check the portfolio through the item's customer, call the use case.

/**
 * An uploaded file as the body parser hands it on. Only the hash and the size are enumerable:
 * they are what the Idempotency-Key check hashes (canonicalJson over the body), never the bytes.
 */
class Upload {
  readonly sha256: string;
  readonly sizeBytes: number;
  readonly #content: Buffer;

  constructor(content: Buffer) {
    this.#content = content;
    this.sha256 = createHash('sha256').update(content).digest('hex');
    this.sizeBytes = content.length;
  }

  get content(): Buffer {
    return this.#content;
  }
}

const AttachmentSchema = Type.Object({
  id: Type.Integer(), documentId: Type.Integer(), customerId: Type.Integer(),
  documentNumber: Type.String(), documentType: Type.String(), kind: Type.Enum(ATTACHMENT_KINDS),
  fileName: Type.String(), contentType: Type.String({ description: ALLOWED_FILE_TYPES.join(', ') }),
  sizeBytes: Type.Integer(), sha256: Type.String(), uploadedBy: Type.String(),
  uploadedAt: InstantSchema, deletedBy: Type.Union([Type.String(), Type.Null()]),
  deletedAt: Type.Union([InstantSchema, Type.Null()]),
  contentUrl: Type.String({ description: 'where to download it' }),
});
const Binary = (description: string, type: string) => ({
  description, content: { [type]: { schema: Type.Unsafe<Buffer>({ type: 'string',
    format: 'binary' }) } },
});
const Disposition = Type.Object({
  disposition: Type.Optional(Type.Enum(['attachment', 'inline'], { default: 'attachment',
    description: 'inline: for viewing in the browser' })),
});
const MB = ATTACHMENT_MAX_BYTES / (1024 * 1024);
const Ids = Type.Array(Type.Integer({ minimum: 1 }), { maxItems: 100 });

const attachmentJson = (a: Attachment) => ({ ...a,
  contentUrl: `/api/v1/attachments/${a.id}/content` });

/** "attachment; filename=..." with an ASCII fallback and the UTF-8 name (RFC 6266). */
function contentDisposition(kind: string, fileName: string): string {
  const ascii = fileName.replace(/[^\x20-\x7e]/g, '_').replace(/["\\]/g, '_');
  const encoded = encodeURIComponent(fileName)
    .replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return `${kind}; filename="${ascii}"; filename*=UTF-8''${encoded}`;
}

function sendFile(
  reply: FastifyReply, type: string, fileName: string, content: Buffer, disposition?: string,
): FastifyReply {
  return reply.type(type).header('content-disposition',
    contentDisposition(disposition ?? 'attachment', fileName))
    .header('x-content-type-options', 'nosniff').header('cache-control', 'private, no-cache')
    .send(content);
}

export const attachmentRoutes: RouteModule = async (app, { deps }) => {
  const { db } = deps;
  const today = (): IsoDate => isoDateOf(deps.clock.now());

  // Uploads arrive as the file itself (Content-Type: its type, or application/octet-stream);
  // in this scope text too, so a text file is refused for what it is.
  app.removeContentTypeParser('text/plain');
  app.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: ATTACHMENT_MAX_BYTES },
    (_request, body, done) => done(null, new Upload(body as Buffer)));
  app.setErrorHandler((error: FastifyError, _request, reply) => {
    if (error.code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
      return sendProblem(reply, 'file_too_large', `the file is larger than the ${MB} MB limit `
        + `(${ATTACHMENT_MAX_BYTES} bytes)`, { maxBytes: ATTACHMENT_MAX_BYTES });
    }
    throw error;
  });

  /** The item and its customer if the caller may see them, else answers 404. */
  async function visibleItem(request: FastifyRequest, reply: FastifyReply, documentId: number):
    Promise<{ doc: LedgerDocument; customer: Customer } | null> {
    const doc = (await loadDocuments(db, [documentId])).get(documentId);
    const customer = doc?.customerId != null ? await loadCustomer(db, doc.customerId) : undefined;
    if (!doc || !customer || !maySeeCustomer(viewerOf(request), customer)) {
      const missing: DocumentsError = { code: 'item_not_found', documentId };
      sendError(reply, missing);
      return null;
    }
    return { doc, customer };
  }

  /** A live attachment whose customer the caller may see, else answers 404. */
  async function visibleAttachment(request: FastifyRequest, reply: FastifyReply, id: number) {
    const a = await loadAttachment(db, id);
    const customer = a ? await loadCustomer(db, a.customerId) : undefined;
    if (!a || a.deletedAt !== null || !customer
      || !maySeeCustomer(viewerOf(request), customer)) {
      const missing: DocumentsError = { code: 'attachment_not_found', attachmentId: id };
      sendError(reply, missing);
      return null;
    }
    return a;
  }

  app.post('/items/:id/attachments', {
    config: { permission: 'collections.write' },
    schema: {
      summary: 'Upload a document (POD, bill of lading, invoice image) to an item',
      description: `The request body is the file itself, at most ${MB} MB: a PDF, PNG, JPEG `
        + 'or TIFF, recognised by its content; Content-Type its type or '
        + 'application/octet-stream. Invoices, debit and credit memos only. The same bytes '
        + 'on the same item again answer 200 with the attachment already there.',
      tags: ['attachments'], params: IdParamsSchema,
      querystring: Type.Object({
        fileName: Type.String({ minLength: 1, maxLength: 255 }),
        kind: Type.Optional(Type.Enum(ATTACHMENT_KINDS, { default: 'other' })),
      }),
      consumes: [...ALLOWED_FILE_TYPES, 'application/octet-stream'],
      response: {
        200: Type.Object({ attachment: AttachmentSchema, created: Type.Literal(false) }),
        201: Type.Object({ attachment: AttachmentSchema, created: Type.Literal(true) }),
      },
    },
  }, async (request, reply) => {
    const item = await visibleItem(request, reply, request.params.id);
    if (!item || !allowChange(request, reply, 'collections.write', item.customer)) return reply;
    if (!(request.body instanceof Upload)) {
      return sendProblem(reply, 'media_type_unsupported', 'send the file itself as the body '
        + '(Content-Type: application/pdf, image/png, image/jpeg, image/tiff or '
        + 'application/octet-stream), not JSON or a form');
    }
    const r = await attachDocument(db, requestActor(request), {
      documentId: item.doc.id, kind: request.query.kind ?? 'other',
      fileName: request.query.fileName, content: request.body.content,
      declaredType: request.headers['content-type'] ?? '',
    });
    if (!r.ok) return sendError(reply, r.error);
    return reply.code(r.value.created ? 201 : 200).send({
      attachment: attachmentJson(r.value.attachment), created: r.value.created });
  });

  app.get('/items/:id/attachments', {
    config: { permission: 'collections.read' },
    schema: {
      summary: "An item's documents, oldest first", tags: ['attachments'], params: IdParamsSchema,
      response: { 200: Type.Object({ items: Type.Array(AttachmentSchema) }) },
    },
  }, async (request, reply) => {
    const item = await visibleItem(request, reply, request.params.id);
    if (!item) return reply;
    return { items: (await listItemAttachments(db, item.doc.id)).map(attachmentJson) };
  });

  app.get('/customers/:id/attachments', {
    config: { permission: 'collections.read' },
    schema: {
      summary: "The documents on an account's items (and its child accounts'), newest first",
      tags: ['attachments'], params: IdParamsSchema,
      response: { 200: Type.Object({ items: Type.Array(AttachmentSchema) }) },
    },
  }, async (request, reply) => {
    const c = await visibleCustomer(db, request, reply, request.params.id);
    if (!c) return reply;
    return { items: (await listCustomerAttachments(db, c.id)).map(attachmentJson) };
  });

  app.get('/attachments/:id/content', {
    config: { permission: 'collections.read' },
    schema: {
      summary: 'Download a document', tags: ['attachments'], params: IdParamsSchema,
      querystring: Disposition,
      response: { 200: Binary('the file as uploaded', 'application/octet-stream') },
    },
  }, async (request, reply) => {
    const a = await visibleAttachment(request, reply, request.params.id);
    if (!a) return reply;
    const content = (await attachmentContent(db, a.id))!;
    reply.header('etag', `"${a.sha256}"`);
    return sendFile(reply, a.contentType, a.fileName, content, request.query.disposition);
  });

  app.delete('/attachments/:id', {
    config: { permission: 'collections.supervise' },
    schema: {
      summary: 'Remove a document from its item (soft delete, audited)', tags: ['attachments'],
      params: IdParamsSchema,
      querystring: Type.Object({ reason: Type.Optional(Type.String({ minLength: 1,
        maxLength: 2000 })) }),
      response: { 200: Type.Object({ attachment: AttachmentSchema }) },
    },
  }, async (request, reply) => {
    if (!(await visibleAttachment(request, reply, request.params.id))) return reply;
    const r = await deleteAttachment(db, requestActor(request), {
      attachmentId: request.params.id, reason: request.query.reason ?? null });
    if (!r.ok) return sendError(reply, r.error);
    return { attachment: attachmentJson(r.value) };
  });

  app.get('/items/:id/invoice-copy', {
    config: { permission: 'items.read' },
    schema: {
      summary: 'A copy of an invoice, debit memo or credit memo as PDF, marked COPY',
      description: 'Open amount as of today.', tags: ['attachments'], params: IdParamsSchema,
      querystring: Disposition, response: { 200: Binary('the copy', 'application/pdf') },
    },
  }, async (request, reply) => {
    const item = await visibleItem(request, reply, request.params.id);
    if (!item) return reply;
    const copy = await invoiceCopyOf(db, item.doc.id, today(), deps.config.mail.companyName);
    if (!copy.ok) return sendError(reply, copy.error);
    return sendFile(reply, 'application/pdf', `invoice-copy-${copy.value.number}.pdf`,
      await writeInvoiceCopyPdf(copy.value), request.query.disposition);
  });

  app.post('/customers/:id/correspondence', {
    config: { permission: 'collections.write' },
    schema: {
      summary: 'Send an email, fax or letter from a template, with documents enclosed',
      description: 'email: to the contact (or `to`), the statement, invoice copies and stored '
        + 'documents attached. fax: one PDF (cover, letter, statement, copies, images) to the '
        + 'email-to-fax gateway (ARC_FAX_GATEWAY) with the contact\'s fax number; stored PDFs '
        + 'and TIFFs beside it. letter: answers the printable PDF itself (stored PDFs and TIFFs '
        + 'to print separately are listed in it). Every send is logged on the account and its '
        + 'items.',
      tags: ['attachments'], params: IdParamsSchema,
      body: Type.Object({
        channel: Type.Enum(CORRESPONDENCE_CHANNELS),
        template: Type.Enum(CORRESPONDENCE_TEMPLATES),
        contactId: Type.Optional(Type.Integer({ minimum: 1 })),
        to: Type.Optional(Type.String({ minLength: 1, maxLength: 320,
          description: 'an email address (email) or a fax number (fax)' })),
        subject: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
        message: Type.Optional(Type.String({ minLength: 1, maxLength: 10_000 })),
        includeStatement: Type.Optional(Type.Boolean()),
        invoiceCopyIds: Type.Optional(Ids),
        attachmentIds: Type.Optional(Ids),
      }, { additionalProperties: false }),
      response: {
        201: {
          description: 'email and fax: what was sent (JSON); letter: the PDF',
          content: {
            'application/json': { schema: Type.Object({ correspondence: Type.Object({
              channel: Type.String(), to: Type.String(),
              messageId: Type.Union([Type.String(), Type.Null()]), activityId: Type.Integer(),
              files: Type.Array(Type.Object({ fileName: Type.String(),
                contentType: Type.String(), sizeBytes: Type.Integer() })),
            }) }) },
            'application/pdf': { schema: Type.Unsafe<Buffer>({ type: 'string',
              format: 'binary' }) },
          },
        },
      },
    },
  }, async (request, reply) => {
    const c = await changeableCustomer(db, request, reply, request.params.id,
      'collections.write');
    if (!c) return reply;
    const mailer = smtpMailer(deps.config.mail);
    try {
      const r = await sendCorrespondence(db, requestActor(request), {
        mailer, companyName: deps.config.mail.companyName,
        faxGateway: deps.config.mail.faxGateway }, {
        ...request.body, customerId: c.id, asOf: today() });
      if (!r.ok) return sendError(reply, r.error);
      const sent = r.value;
      if (sent.channel === 'letter') {
        // The letter itself; what prints separately is named in it and in this header.
        reply.code(201).header('arc-activity-id', String(sent.activity.id))
          .header('arc-separate-attachments', sent.files.slice(1)
            .map((f) => f.attachmentId).join(','));
        return sendFile(reply, 'application/pdf', sent.files[0]!.fileName,
          sent.files[0]!.content);
      }
      return reply.code(201).send({ correspondence: { channel: sent.channel, to: sent.to,
        messageId: sent.messageId, activityId: sent.activity.id, files: sent.files.map((f) => ({
          fileName: f.fileName, contentType: f.contentType, sizeBytes: f.content.length })) } });
    } finally {
      mailer?.close();
    }
  });
}
