import { existsSync, readFileSync, statSync } from 'node:fs';
import { basename } from 'node:path';
import type { Command } from 'commander';
import { CliError, output, type CliContext, type RegisterCommands } from '../context.ts';
import { attachDocument } from '../../collections/attach-document.ts';
import {
  ATTACHABLE_TYPES, ATTACHMENT_KINDS, ATTACHMENT_MAX_BYTES, type AttachmentKind,
} from '../../collections/attachments-store.ts';
import { describeDocumentsError } from '../../collections/document-errors.ts';
import type { Db } from '../../db/connection.ts';

// `arc attach ITEM FILE [--kind pod|invoice_copy|other] [--account ACCOUNT] [--name NAME]`:
// keeps a POD, a signed bill of lading or an invoice image on an invoice, debit or credit memo.
// Thin: find the item, read the file, call the use case, print.

/** The invoice, debit memo or credit memo numbered `number` (on `account` when given). */
async function itemArg(db: Db, number: string, account: string | undefined): Promise<number> {
  const r = await db.query<{ id: number; accountNumber: string }>(
    `SELECT d.id, c.account_number AS "accountNumber" FROM documents d
     JOIN customers c ON c.id = d.customer_id
     WHERE d.number = $1 AND d.type = ANY($2::text[]) AND ($3::text IS NULL
       OR c.account_number = $3) ORDER BY d.id`, [number, ATTACHABLE_TYPES, account ?? null]);
  if (r.rows.length === 0) {
    throw new CliError('item_not_found', `ITEM: no invoice, debit or credit memo ${number}`
      + (account ? ` on account ${account}` : ''));
  }
  if (r.rows.length > 1) {
    throw new CliError('item_ambiguous', `ITEM: ${number} is on accounts `
      + `${r.rows.map((x) => x.accountNumber).join(', ')}; name one with --account`, 2);
  }
  return r.rows[0]!.id;
}

function fileArg(file: string): Buffer {
  if (!existsSync(file)) throw new CliError('file_not_found', `${file}: no such file`);
  if (!statSync(file).isFile()) throw new CliError('file_not_found', `${file}: not a file`);
  // Refused before reading it whole: the use case would refuse it too.
  const size = statSync(file).size;
  if (size > ATTACHMENT_MAX_BYTES) {
    throw new CliError('file_too_large', `${file}: ${size} bytes, more than the `
      + `${ATTACHMENT_MAX_BYTES} bytes allowed`);
  }
  return readFileSync(file);
}

export const registerAttachmentCommands: RegisterCommands = (program: Command,
  ctx: CliContext) => {
  program.command('attach <item> <file>')
    .description('keep a document (POD, bill of lading, invoice image; PDF, PNG, JPEG or TIFF, '
      + 'at most 10 MB) on an invoice, debit or credit memo')
    .option('--kind <kind>', ATTACHMENT_KINDS.join(', '), 'other')
    .option('--account <account>', 'the account the item is on, when its number is not unique')
    .option('--name <fileName>', 'the file name to keep (default: the file\'s own)')
    .action(async (item: string, file: string,
      o: { kind: string; account?: string; name?: string }, cmd: Command) => {
      const db = await ctx.db();
      const documentId = await itemArg(db, item, o.account);
      const content = fileArg(file);
      const r = await attachDocument(db, ctx.actor, { documentId,
        kind: o.kind as AttachmentKind, fileName: o.name ?? basename(file), declaredType: '',
        content });
      if (!r.ok) {
        throw new CliError(r.error.code, `${file}: ${describeDocumentsError(r.error)}`, 1,
          r.error);
      }
      const a = r.value.attachment;
      output(ctx, Boolean(cmd.optsWithGlobals<{ json?: boolean }>().json), r.value, () =>
        `${r.value.created ? 'attached' : 'already attached'}: ${a.fileName} (${a.kind}, `
        + `${a.contentType}, ${a.sizeBytes} bytes) to ${a.documentNumber} as attachment ${a.id}`);
    });
};
