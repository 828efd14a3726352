import { useRef, useState } from 'react';
import type { FormEvent } from 'react';
import * as api from '../api.ts';
import type { Attachment, AttachmentKind, Item, Role } from '../api.ts';
import { Amount, DateText, ErrorBanner, Notice } from '../components/ui.tsx';
import { formatTimestamp, itemTypeLabel } from '../format.ts';

// Documents on an item (a POD, a signed bill of lading, an invoice image) as the account's item
// list shows them: a count per row, and a dialog to see, download, upload and remove them and
// to download a copy of the invoice.

/** Items that carry documents and have a copy (the server's ATTACHABLE_TYPES). */
export const DOCUMENT_ITEM_TYPES = ['invoice', 'debit_memo', 'credit_memo'];

export const KIND_LABEL: Record<AttachmentKind, string> = {
  pod: 'Proof of delivery', invoice_copy: 'Invoice image', other: 'Other',
};

/** Who may remove a document (collections.supervise); the server checks again. */
export function canRemoveDocuments(role: Role): boolean {
  return role === 'admin' || role === 'ar_manager' || role === 'credit_manager';
}

/** An account's documents by item id. */
export function documentsByItem(items: readonly Attachment[]): Map<number, Attachment[]> {
  const byItem = new Map<number, Attachment[]>();
  for (const a of [...items].sort((x, y) => x.id - y.id)) {
    byItem.set(a.documentId, [...(byItem.get(a.documentId) ?? []), a]);
  }
  return byItem;
}

/** "84 KB", "1.2 MB". */
export function fileSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${Math.round(bytes / 1024)} KB`;
  return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
}

/** The row's cell: how many documents, opening the item's dialog. */
export function DocumentsCell(props: { item: Item; count: number; onOpen: () => void }) {
  if (!DOCUMENT_ITEM_TYPES.includes(props.item.type)) return <td />;
  return (
    <td className="docs-cell">
      <button type="button" className={props.count > 0 ? 'link-button' : 'link-button none'}
        aria-label={`Documents of ${props.item.number}`} title="Documents and invoice copy"
        onClick={(e) => { e.stopPropagation(); props.onOpen(); }}>
        {props.count > 0 ? `${props.count} ${props.count === 1 ? 'doc' : 'docs'}` : 'Docs'}
      </button>
    </td>
  );
}

function DocumentRow(props: { a: Attachment; canRemove: boolean; onRemoved: () => void }) {
  const { a } = props;
  const [error, setError] = useState<unknown>();
  const remove = async () => {
    if (!window.confirm(`Remove ${a.fileName} from ${a.documentNumber}?`)) return;
    try {
      await api.deleteAttachment(a.id);
      props.onRemoved();
    } catch (x) {
      setError(x);
    }
  };
  return (
    <tr>
      <td>{KIND_LABEL[a.kind]}</td>
      <td className="file-name" title={a.fileName}>{a.fileName}</td>
      <td className="num muted">{fileSize(a.sizeBytes)}</td>
      <td className="muted small">{a.uploadedBy} · {formatTimestamp(a.uploadedAt)}</td>
      <td className="actions">
        <a href={api.attachmentUrl(a, true)} target="_blank" rel="noreferrer">View</a>
        <a href={api.attachmentUrl(a)} download={a.fileName}>Download</a>
        {props.canRemove ? (
          <button type="button" className="link-button" onClick={() => void remove()}>
            Remove
          </button>
        ) : null}
        <ErrorBanner error={error} />
      </td>
    </tr>
  );
}

function UploadForm(props: { item: Item; onUploaded: () => void }) {
  const input = useRef<HTMLInputElement>(null);
  const [file, setFile] = useState<File | null>(null);
  const [kind, setKind] = useState<AttachmentKind>('pod');
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<unknown>();
  const [done, setDone] = useState<string>();
  const tooBig = file !== null && file.size > api.ATTACHMENT_MAX_BYTES;
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!file) return;
    setSaving(true);
    setError(undefined);
    setDone(undefined);
    try {
      const r = await api.uploadAttachment(props.item.id, file, kind, api.newIdempotencyKey());
      setDone(r.created ? `Kept ${r.attachment.fileName}.`
        : `${r.attachment.fileName} is already kept on ${props.item.number} (same file).`);
      setFile(null);
      if (input.current) input.current.value = '';
      props.onUploaded();
    } catch (x) {
      setError(x);
    } finally {
      setSaving(false);
    }
  };
  return (
    <form className="upload-form" onSubmit={(e) => void submit(e)}>
      <label>File (PDF, PNG, JPEG or TIFF, at most 10 MB)
        <input ref={input} type="file" accept={api.ATTACHMENT_ACCEPT} aria-label="File"
          onChange={(e) => setFile(e.target.files?.[0] ?? null)} />
      </label>
      <label>Kind
        <select value={kind} aria-label="Kind"
          onChange={(e) => setKind(e.target.value as AttachmentKind)}>
          {api.ATTACHMENT_KINDS.map((k) => <option key={k} value={k}>{KIND_LABEL[k]}</option>)}
        </select>
      </label>
      <button type="submit" className="primary" disabled={!file || tooBig || saving}>
        {saving ? 'Uploading…' : 'Upload'}
      </button>
      {tooBig ? <div className="error-text">This file is larger than 10 MB.</div> : null}
      {done && !error ? <Notice kind="ok">{done}</Notice> : null}
      <ErrorBanner error={error} />
    </form>
  );
}

/** The dialog's body for one item. */
export function ItemDocuments(props: {
  item: Item; docs: Attachment[]; canUpload: boolean; canRemove: boolean;
  onChanged: () => void;
}) {
  const { item, docs } = props;
  return (
    <div className="form-stack item-documents" data-testid="item-documents">
      <div className="item-documents-head">
        <span>
          {itemTypeLabel(item.type)} <span className="mono">{item.number}</span> · due{' '}
          <DateText value={item.dueDate} /> · open <Amount value={item.open} />
        </span>
        <span className="spacer" />
        <a className="button" href={api.invoiceCopyUrl(item.id)}
          download={`invoice-copy-${item.number}.pdf`}>Invoice copy (PDF)</a>
      </div>
      {docs.length === 0 ? <div className="muted">No documents kept on this item yet.</div> : (
        <table className="grid inner">
          <thead>
            <tr><th>Kind</th><th>File</th><th className="num">Size</th><th>Uploaded</th>
              <th /></tr>
          </thead>
          <tbody>
            {docs.map((a) => (
              <DocumentRow key={a.id} a={a} canRemove={props.canRemove}
                onRemoved={props.onChanged} />
            ))}
          </tbody>
        </table>
      )}
      {props.canUpload ? <UploadForm item={item} onUploaded={props.onChanged} /> : null}
    </div>
  );
}
