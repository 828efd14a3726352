import { useMemo, useState } from 'react';
import type { FormEvent } from 'react';
import * as api from '../api.ts';
import type {
  Attachment, CorrespondenceChannel, CorrespondenceTemplate, CustomerDetail, Item,
  SentCorrespondence,
} from '../api.ts';
import { Amount, DateText, ErrorBanner, Loading, Notice } from '../components/ui.tsx';
import { useLoad } from '../hooks.ts';
import {
  DOCUMENT_ITEM_TYPES, documentsByItem, fileSize, KIND_LABEL,
} from './account-documents.tsx';

// "Send email / fax / letter": a template, a contact, and what to enclose: the statement of
// account, copies of chosen items, documents kept on them. An email or fax goes out at once
// (and lands on the timeline); a letter comes back as a PDF to print.

const TEMPLATE_LABEL: Record<CorrespondenceTemplate, string> = {
  statement_cover: 'Statement cover letter', invoice_copies: 'Invoice copies (as requested)',
  past_due_reminder: 'Past-due reminder',
};
const CHANNEL_LABEL: Record<CorrespondenceChannel, string> = {
  email: 'Email', fax: 'Fax', letter: 'Letter',
};
const SEND_LABEL: Record<CorrespondenceChannel, string> = {
  email: 'Send email', fax: 'Send fax', letter: 'Write letter (PDF)',
};

interface Draft {
  channel: CorrespondenceChannel;
  template: CorrespondenceTemplate;
  contactId: string;
  to: string;
  subject: string;
  message: string;
  includeStatement: boolean;
  copies: Set<number>;
  attachments: Set<number>;
}

/** Contacts who can receive on this channel (a letter goes to anyone). */
function reachable(c: CustomerDetail, channel: CorrespondenceChannel) {
  return c.contacts.filter((p) => (channel === 'email' ? p.email : channel === 'fax' ? p.fax
    : true));
}

function firstContact(c: CustomerDetail, channel: CorrespondenceChannel): string {
  return String(reachable(c, channel)[0]?.id ?? '');
}

function toggled(set: Set<number>, id: number): Set<number> {
  const next = new Set(set);
  if (next.has(id)) next.delete(id);
  else next.add(id);
  return next;
}

/** Saves a letter the browser got back. */
function saveBlob(blob: Blob, fileName: string): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = fileName;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

function Enclosures(props: { items: Item[]; docs: Map<number, Attachment[]>; d: Draft;
  set: (patch: Partial<Draft>) => void }) {
  const { d, set } = props;
  const rows = props.items.filter((i) => DOCUMENT_ITEM_TYPES.includes(i.type));
  return (
    <fieldset className="enclosures">
      <legend>Enclose</legend>
      <label className="check-line">
        <input type="checkbox" checked={d.includeStatement}
          onChange={(e) => set({ includeStatement: e.target.checked })} />
        Statement of account (PDF)
      </label>
      {rows.length === 0 ? <div className="muted small">No open invoices or memos.</div> : (
        <div className="enclosure-items">
          <table className="grid inner">
            <thead>
              <tr><th>Item</th><th>Due</th><th className="num">Open</th><th>Copy</th>
                <th>Documents kept on it</th></tr>
            </thead>
            <tbody>
              {rows.map((i) => (
                <tr key={i.id} className={d.copies.has(i.id) ? 'checked' : undefined}>
                  <td className="mono">{i.number}</td>
                  <td><DateText value={i.dueDate} /></td>
                  <td className="num"><Amount value={i.open} /></td>
                  <td className="check">
                    <input type="checkbox" aria-label={`Copy of ${i.number}`}
                      checked={d.copies.has(i.id)}
                      onChange={() => set({ copies: toggled(d.copies, i.id) })} />
                  </td>
                  <td className="doc-picks">
                    {(props.docs.get(i.id) ?? []).map((a) => (
                      <label key={a.id} className="check-line" title={KIND_LABEL[a.kind]}>
                        <input type="checkbox" checked={d.attachments.has(a.id)}
                          aria-label={`${a.fileName} (${i.number})`}
                          onChange={() => set({ attachments: toggled(d.attachments, a.id) })} />
                        {a.fileName} <span className="muted small">{fileSize(a.sizeBytes)}</span>
                      </label>
                    ))}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </fieldset>
  );
}

function sentText(r: SentCorrespondence): string {
  if (r.channel === 'letter') return `Letter ${r.fileName} downloaded, ready to print.`;
  const files = r.files.length === 0 ? 'no attachments'
    : `${r.files.length} ${r.files.length === 1 ? 'attachment' : 'attachments'}: `
      + r.files.map((f) => f.fileName).join(', ');
  return `${r.channel === 'fax' ? 'Fax' : 'Email'} sent to ${r.to} with ${files}.`;
}

export function SendCorrespondenceForm(props: { c: CustomerDetail; items: Item[];
  onSent: () => void }) {
  const { c } = props;
  const documents = useLoad((s) => api.customerAttachments(c.id, s), [c.id]);
  const docs = useMemo(() => documentsByItem(documents.data?.items ?? []), [documents.data]);
  const [d, setD] = useState<Draft>(() => ({ channel: 'email', template: 'statement_cover',
    contactId: firstContact(c, 'email'), to: '', subject: '', message: '',
    includeStatement: true, copies: new Set(), attachments: new Set() }));
  const [sending, setSending] = useState(false);
  const [error, setError] = useState<unknown>();
  const [sent, setSent] = useState<SentCorrespondence>();
  const set = (patch: Partial<Draft>) => setD((x) => ({ ...x, ...patch }));
  const contacts = reachable(c, d.channel);
  const noRecipient = d.channel !== 'letter' && !d.contactId && !d.to.trim();
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setSending(true);
    setError(undefined);
    setSent(undefined);
    try {
      const r = await api.sendCorrespondence(c.id, {
        channel: d.channel, template: d.template,
        contactId: !d.to.trim() && d.contactId ? Number(d.contactId) : undefined,
        to: d.to.trim() || undefined, subject: d.subject.trim() || undefined,
        message: d.message.trim() || undefined, includeStatement: d.includeStatement,
        invoiceCopyIds: [...d.copies], attachmentIds: [...d.attachments],
      }, api.newIdempotencyKey());
      if (r.channel === 'letter') saveBlob(r.letter, r.fileName);
      setSent(r);
      props.onSent();
    } catch (x) {
      setError(x);
    } finally {
      setSending(false);
    }
  };
  const separate = sent?.channel === 'letter'
    ? (documents.data?.items ?? []).filter((a) => sent.separateAttachmentIds.includes(a.id)) : [];
  return (
    <form className="form-stack correspondence-form" onSubmit={(e) => void submit(e)}>
      <div className="correspondence-row">
        <div className="segmented" role="group" aria-label="Channel">
          {api.CORRESPONDENCE_CHANNELS.map((ch) => (
            <button key={ch} type="button" aria-pressed={d.channel === ch}
              onClick={() => set({ channel: ch, contactId: firstContact(c, ch), to: '' })}>
              {CHANNEL_LABEL[ch]}
            </button>
          ))}
        </div>
        <label>Template
          <select value={d.template} aria-label="Template"
            onChange={(e) => set({ template: e.target.value as CorrespondenceTemplate })}>
            {api.CORRESPONDENCE_TEMPLATES.map((t) => (
              <option key={t} value={t}>{TEMPLATE_LABEL[t]}</option>
            ))}
          </select>
        </label>
      </div>
      <div className="correspondence-row recipients">
        <label>{d.channel === 'letter' ? 'Attention of' : 'To'}
          <select value={d.contactId} aria-label="Contact"
            onChange={(e) => set({ contactId: e.target.value })}>
            {contacts.length === 0 ? (
              <option value="">{d.channel === 'letter' ? 'Accounts payable'
                : `No contact with ${d.channel === 'fax' ? 'a fax number' : 'an email address'}`}
              </option>
            ) : null}
            {contacts.map((p) => (
              <option key={p.id} value={p.id}>
                {p.name}{d.channel === 'email' ? ` <${p.email}>` : d.channel === 'fax'
                  ? ` (fax ${p.fax})` : ''}
              </option>
            ))}
          </select>
        </label>
        {d.channel !== 'letter' ? (
          <label>{d.channel === 'email' ? 'Or another address' : 'Or another fax number'}
            <input value={d.to} aria-label={d.channel === 'email' ? 'Other address'
              : 'Other fax number'} onChange={(e) => set({ to: e.target.value })}
            inputMode={d.channel === 'fax' ? 'tel' : 'email'} />
          </label>
        ) : null}
      </div>
      <label>Subject
        <input value={d.subject} aria-label="Subject" placeholder="The template's subject"
          onChange={(e) => set({ subject: e.target.value })} />
      </label>
      <label>Message
        <textarea rows={3} value={d.message} aria-label="Message"
          placeholder="Leave empty for the template's words; blank lines separate paragraphs"
          onChange={(e) => set({ message: e.target.value })} />
      </label>
      {documents.data ? <Enclosures items={props.items} docs={docs} d={d} set={set} />
        : <Loading />}
      <ErrorBanner error={error ?? documents.error} />
      {sent ? (
        <Notice kind="ok">
          {sentText(sent)}
          {separate.length > 0 ? <> Print separately too:{' '}{separate.map((a, i) => (
            <span key={a.id}>{i > 0 ? ', ' : ''}
              <a href={api.attachmentUrl(a)} download={a.fileName}>{a.fileName}</a>
            </span>
          ))}</> : null}
        </Notice>
      ) : null}
      <div className="form-actions">
        <span className="muted small">
          {(d.includeStatement ? 1 : 0) + d.copies.size + d.attachments.size} enclosed
        </span>
        <button type="submit" className="primary" disabled={sending || noRecipient}>
          {sending ? 'Sending…' : SEND_LABEL[d.channel]}
        </button>
      </div>
    </form>
  );
}
