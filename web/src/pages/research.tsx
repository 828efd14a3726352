import { useCallback, useEffect, useState } from 'react';
import { Link } from 'react-router';
import * as api from '../api.ts';
import type { CustomerSummary, Item } from '../api.ts';
import { CustomerPicker } from '../components/customer-picker.tsx';
import {
  Amount, Busy, DateText, Empty, ErrorBanner, Loading, Notice,
} from '../components/ui.tsx';
import { formatCount, humanize } from '../format.ts';
import { isTypingTarget, useLoad, useTitle } from '../hooks.ts';
import { SplitPayment, type SplitPartBody } from './research-split.tsx';

// The cash-application research queue: payments with unapplied cash, the engine's suggestion
// and why, one keystroke to accept (a), and the clerk's other moves: apply by hand to any
// customer's open items, split it across customers, mark unidentified or on account, add a
// note, upload a bank file.

interface Suggestion {
  customer: { accountNumber: string; name: string } | null;
  rule: string;
  confidence: number;
  reasons: string[];
  allocations: { documentId: number; documentNumber: string | null; applied: string }[];
  deductions: { amountCents: number; reasonCode: string }[];
}

interface QueueItem {
  paymentId: number;
  reference: string;
  receivedOn: string;
  ageDays: number;
  unapplied: string;
  currency: string;
  payerName: string | null;
  customerAccount: string | null;
  customerName: string | null;
  state: string;
  /** The live split this payment is (part of): "Undo split" reverses it. */
  splitId: number | null;
  /** Why it waits when there is nothing to accept (left on account, no open item fits...). */
  explanation: string | null;
  suggestion: Suggestion | null;
  notes: { note: string; by: string; at: string }[];
}

interface Queue {
  items: QueueItem[];
  byAge: { label: string; count: number; amount: string }[];
}

const HEADS: [string, string][] = [['Received', ''], ['Age', 'num'], ['Reference', ''],
  ['Payer', ''], ['Customer', ''], ['Unapplied', 'num'], ['State', ''], ['Suggestion', '']];

let csrf: Promise<string | null> | undefined;

/** Cash-application calls (the shared API client has none yet); same cookie and CSRF header. */
async function call<T>(method: string, path: string, body?: unknown, raw?: Blob): Promise<T> {
  csrf ??= api.currentSession().then((s) => s?.csrfToken ?? null);
  const token = method === 'GET' ? null : await csrf;
  const headers: Record<string, string> = { Accept: 'application/json' };
  if (token) headers['X-CSRF-Token'] = token;
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (raw) headers['Content-Type'] = 'application/octet-stream';
  const res = await fetch(`${api.API_BASE}${path}`, {
    method, headers, credentials: 'same-origin',
    body: raw ?? (body === undefined ? undefined : JSON.stringify(body)),
  });
  const json = await res.json().catch(() => ({}));
  if (!res.ok) throw new api.ApiError(res.status, json);
  return json as T;
}

function SuggestionCell({ s, why }: { s: Suggestion | null; why: string | null }) {
  if (!s || s.allocations.length === 0) {
    return <span className="muted">{why ?? s?.reasons[s.reasons.length - 1] ?? 'not matched'}
    </span>;
  }
  return (
    <div>
      <span className={`badge ${s.confidence >= 90 ? 'badge-ok' : 'badge-warn'}`}>
        {humanize(s.rule)} · {s.confidence}%
      </span>{' '}
      {s.allocations.map((a) => (
        <span key={a.documentId} className="mono">{a.documentNumber ?? `#${a.documentId}`}{' '}
          <Amount value={a.applied} />{' '}</span>
      ))}
      {s.deductions.length > 0 ? (
        <span className="badge badge-warn">{s.deductions.length} deduction</span>) : null}
    </div>
  );
}

function Upload({ onDone }: { onDone: (message: string, paymentId?: number) => void }) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();
  const upload = async (file: File) => {
    setBusy(true);
    setError(undefined);
    try {
      const r = await call<{ status: string; format: string; paymentIds: number[];
        autoApplied: number; review: number; advices: { paymentId: number | null }[];
        advicesLinked: unknown[] }>('POST',
        `/cashapp/bank-files?fileName=${encodeURIComponent(file.name)}`, undefined, file);
      // An 820 holds remittance advices, whose money comes in a bank file of its own.
      const linked = r.advices.filter((a) => a.paymentId !== null).length;
      const advices = r.advices.length === 0 ? '' : `, ${r.advices.length} remittance ` +
        `advice(s): ${linked} linked to their deposit, ${r.advices.length - linked} waiting`;
      const found = r.advicesLinked.length === 0 ? ''
        : `, ${r.advicesLinked.length} matched with the remittance advice that came first`;
      onDone(r.status === 'already_imported' ? `${file.name} was imported before: nothing new`
        : `${file.name} (${r.format}): ${r.paymentIds.length} payments, ${r.autoApplied} applied ` +
          `automatically, ${r.review} to review${found}${advices}`, r.paymentIds[0]);
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  return (
    <>
      <label className="button">
        {busy ? 'Uploading…' : 'Upload bank file'}
        <input type="file" hidden data-testid="bank-file" disabled={busy}
          onChange={(e) => { const f = e.target.files?.[0]; if (f) void upload(f); }} />
      </label>
      <ErrorBanner error={error} />
    </>
  );
}

function ApplyByHand({ item, onDone }: { item: QueueItem; onDone: (m: string) => void }) {
  const [customer, setCustomer] = useState<CustomerSummary | null>(null);
  const [open, setOpen] = useState<Item[]>([]);
  const [amounts, setAmounts] = useState<Record<string, string>>({});
  const [error, setError] = useState<unknown>();
  useEffect(() => {
    setAmounts({});
    if (!customer) return setOpen([]);
    api.customerItems(customer.id, { status: 'open' })
      .then((r) => setOpen(r.items.filter((i) => !i.open.startsWith('-'))), setError);
  }, [customer]);
  const lines = Object.entries(amounts).filter(([, v]) => v.trim() !== '');
  const apply = async () => {
    try {
      await call('POST', `/cashapp/payments/${item.paymentId}/apply`, {
        account: customer!.accountNumber,
        lines: lines.map(([documentNumber, amount]) => ({ documentNumber, amount })),
      });
      onDone(`${item.reference} applied by hand to ${customer!.name}`);
    } catch (e) {
      setError(e);
    }
  };
  return (
    <div className="panel" data-testid="apply-by-hand">
      <h3>Apply by hand</h3>
      <CustomerPicker value={customer} onChange={setCustomer} id="research-customer" />
      <ErrorBanner error={error} />
      {customer ? (
        <table className="grid">
          <thead><tr><th>Item</th><th>Due</th><th className="num">Open</th>
            <th className="num">Apply</th></tr></thead>
          <tbody>
            {open.map((i) => (
              <tr key={i.id}>
                <td className="mono">{i.number}</td><td><DateText value={i.dueDate} /></td>
                <td className="num"><Amount value={i.open} /></td>
                <td className="num">
                  <input aria-label={`Apply to ${i.number}`} inputMode="decimal" size={10}
                    value={amounts[i.number] ?? ''} onChange={(e) =>
                      setAmounts({ ...amounts, [i.number]: e.target.value })}
                    onFocus={() => amounts[i.number] === undefined &&
                      setAmounts({ ...amounts, [i.number]: i.open })} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
      <button type="button" disabled={!customer || lines.length === 0} onClick={apply}>
        Apply {lines.length > 0 ? `to ${lines.length} item(s)` : ''}
      </button>
    </div>
  );
}

function Detail({ item, onDone }: { item: QueueItem; onDone: (m: string) => void }) {
  const [note, setNote] = useState('');
  const [splitting, setSplitting] = useState(false);
  const [undoReason, setUndoReason] = useState('');
  const [error, setError] = useState<unknown>();
  const act = async (path: string, body: unknown, message: string) => {
    try {
      await call('POST', `/cashapp/payments/${item.paymentId}/${path}`, body);
      onDone(message);
    } catch (e) {
      setError(e);
    }
  };
  return (
    <div className="research-detail" data-testid="research-detail"
      style={{ display: 'grid', gridTemplateColumns: '1fr 1fr', gap: 12, marginTop: 12 }}>
      <div className="panel">
        <h3>{item.reference} · <Amount value={item.unapplied} /> unapplied · {item.payerName}</h3>
        {item.suggestion?.customer ? (
          <p>Suggested customer: <span className="mono">{item.suggestion.customer.accountNumber}
          </span> {item.suggestion.customer.name}</p>) : null}
        {item.explanation ? <p data-testid="explanation"><strong>Why it waits:</strong>{' '}
          {item.explanation}</p> : null}
        <ul data-testid="reasons">
          {(item.suggestion?.reasons ?? ['no suggestion']).map((r, i) => <li key={i}>{r}</li>)}
        </ul>
        {item.notes.map((n, i) => (
          <p key={i} className="muted">{n.by}: {n.note}</p>
        ))}
        <ErrorBanner error={error} />
        <div className="toolbar wrap">
          <button type="button" className="primary"
            disabled={!item.suggestion || item.suggestion.allocations.length === 0}
            onClick={() => act('accept', {}, `${item.reference}: suggestion accepted`)}>
            Accept suggestion (a)
          </button>
          <button type="button" onClick={() => act('state', { state: 'unidentified' },
            `${item.reference} marked unidentified`)}>Mark unidentified</button>
          <button type="button" disabled={!item.customerAccount} onClick={() => act('state',
            { state: 'on_account', account: item.customerAccount },
            `${item.reference} left on account`)}>On account</button>
          <button type="button" aria-pressed={splitting} onClick={() => setSplitting((x) => !x)}>
            Split across customers
          </button>
        </div>
        {item.splitId ? (
          <div className="toolbar wrap" data-testid="undo-split">
            <span className="muted">Part of split {item.splitId}.</span>
            <input aria-label="Why undo the split" placeholder="Why undo the split?" size={28}
              value={undoReason} onChange={(e) => setUndoReason(e.target.value)} />
            <button type="button" disabled={undoReason.trim() === ''}
              onClick={() => call('POST', `/cashapp/payment-splits/${item.splitId}/reverse`,
                { reason: undoReason }).then(() => onDone(`split ${item.splitId} undone: the `
                  + 'payment is unapplied again'), setError)}>
              Undo split
            </button>
          </div>) : null}
        <div className="toolbar wrap">
          <input aria-label="Note" placeholder="Add a note" value={note}
            onChange={(e) => setNote(e.target.value)} size={40} />
          <button type="button" disabled={note.trim() === ''}
            onClick={() => act('notes', { note }, 'note added').then(() => setNote(''))}>
            Add note
          </button>
        </div>
      </div>
      {splitting ? (
        <SplitPayment reference={item.reference} unapplied={item.unapplied}
          customerAccount={item.customerAccount ?? item.suggestion?.customer?.accountNumber ?? null}
          onCancel={() => setSplitting(false)}
          onSplit={async (parts: SplitPartBody[]) => {
            const r = await call<{ payerLearned: { payerAccount: string;
              customerIds: number[] } | null }>('POST',
              `/cashapp/payments/${item.paymentId}/split`, { parts });
            // What the split taught (docs/ledger.md): a payer of several customers is shared.
            const learned = r.payerLearned && r.payerLearned.customerIds.length > 1
              ? `; payer account ${r.payerLearned.payerAccount} now pays for `
                + `${r.payerLearned.customerIds.length} customers: its next payment is proposed, `
                + 'not applied on the account alone' : '';
            onDone(`${item.reference} split across ${parts.length} customers${learned}`);
          }} />
      ) : <ApplyByHand key={item.paymentId} item={item} onDone={onDone} />}
    </div>
  );
}

export function ResearchPage() {
  useTitle('Research queue');
  const { data, error, loading, reload: reloadQueue } = useLoad(
    () => call<Queue>('GET', '/cashapp/research-queue'), []);
  // Remittance advices waiting for their deposit: the link to their screen says how many.
  const advices = useLoad(
    (signal) => api.listRemittanceAdvices({ unlinked: true }, signal), []);
  const reloadAdvices = advices.reload;
  const reload = useCallback(() => {
    reloadQueue();
    reloadAdvices();
  }, [reloadQueue, reloadAdvices]);
  const waitingAdvices = advices.data?.items.length ?? 0;
  const [selected, setSelected] = useState(0);
  const [message, setMessage] = useState<string>();
  const [focusId, setFocusId] = useState<number>();
  const items = data?.items ?? [];
  const current = items[Math.min(selected, items.length - 1)];
  const done = useCallback((m: string, paymentId?: number) => {
    setMessage(m);
    setFocusId(paymentId);
    reload();
  }, [reload]);
  // After an upload, the file's first payment is selected.
  useEffect(() => {
    const at = items.findIndex((q) => q.paymentId === focusId);
    if (at >= 0) setSelected(at);
  }, [items, focusId]);
  // Keeps the selected row in view inside the queue's own scroll box (not the window).
  useEffect(() => {
    const row = document.querySelector<HTMLElement>('[data-testid="research-queue"] tr.selected');
    const box = row?.closest<HTMLElement>('.research-scroll');
    if (!row || !box) return;
    const top = row.offsetTop - box.clientHeight / 2;
    box.scrollTop = Math.max(0, top);
  }, [selected, items]);
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (isTypingTarget(e.target) || e.metaKey || e.ctrlKey || e.altKey) return;
      const last = items.length - 1;
      if (e.key === 'ArrowDown' || e.key === 'j') setSelected((s) => Math.min(s + 1, last));
      else if (e.key === 'ArrowUp' || e.key === 'k') setSelected((s) => Math.max(0, s - 1));
      else if (e.key === 'a' && current?.suggestion?.allocations.length) {
        call('POST', `/cashapp/payments/${current.paymentId}/accept`, {})
          .then(() => done(`${current.reference}: suggestion accepted`),
            (err) => setMessage(`could not accept: ${String((err as Error).message)}`));
      } else return;
      e.preventDefault();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [items.length, current, done]);
  return (
    <div className="page">
      <Busy active={loading} />
      <div className="page-head">
        <h1>Research queue</h1>
        <span className="muted">Unapplied and low-confidence payments · ↑↓ select, a accept</span>
        <div className="spacer" />
        <Link to="/research/advices" data-testid="advices-link">Remittance advices
          {waitingAdvices > 0 ? <> · <span className="badge badge-warn">
            {formatCount(waitingAdvices)} waiting</span></> : null}</Link>
        <Upload onDone={done} />
      </div>
      <ErrorBanner error={error} onRetry={reload} />
      {message ? <Notice kind="ok">{message}</Notice> : null}
      {data ? (
        <div className="kpis" data-testid="by-age">
          {data.byAge.map((b) => (
            <div key={b.label} className="kpi">
              <div className="kpi-label">{b.label} days</div>
              <div className="kpi-value"><Amount value={b.amount} /></div>
              <div className="kpi-note">{formatCount(b.count)} payment(s)</div>
            </div>
          ))}
        </div>
      ) : null}
      {!data && !error ? <Loading /> : null}
      {data && items.length === 0 ? <Empty>Nothing waits for research.</Empty> : null}
      {current ? <Detail key={current.paymentId} item={current} onDone={done} /> : null}
      {items.length > 0 ? (
        <div className="research-scroll"
          style={{ maxHeight: '55vh', overflow: 'auto', marginTop: 12, position: 'relative' }}>
        <table className="grid clickable" data-testid="research-queue">
          <thead><tr>
            {HEADS.map(([label, cls]) => (
              <th key={label} className={cls} style={{ position: 'sticky', top: 0, zIndex: 1 }}>
                {label}</th>))}
          </tr></thead>
          <tbody>
            {items.map((q, i) => (
              <tr key={q.paymentId} className={q === current ? 'selected' : ''}
                onClick={() => setSelected(i)}>
                <td><DateText value={q.receivedOn} /></td>
                <td className="num">{q.ageDays}</td>
                <td className="mono">{q.reference}</td>
                <td>{q.payerName ?? '—'}</td>
                <td>{q.customerAccount ? `${q.customerAccount} ${q.customerName}` : '—'}</td>
                <td className="num"><Amount value={q.unapplied} /></td>
                <td>{humanize(q.state)}</td>
                <td className="name-cell">
                  <SuggestionCell s={q.suggestion} why={q.explanation} /></td>
              </tr>
            ))}
          </tbody>
        </table>
        </div>
      ) : null}
    </div>
  );
}
