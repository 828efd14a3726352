import { useEffect, useRef, useState } from 'react';
import type { FormEvent } from 'react';
import { Link, useNavigate } from 'react-router';
import * as api from '../api.ts';
import type {
  Activity, ActivityKind, ActivityOutcome, CustomerDetail, Dispute, DisputeReason, Item,
  PromiseToPay,
} from '../api.ts';
import { DateInput } from '../components/date-input.tsx';
import { Dialog } from '../components/dialog.tsx';
import { ItemPickTable } from '../components/item-pick-table.tsx';
import {
  Amount, DateText, Empty, ErrorBanner, Loading, Notice,
} from '../components/ui.tsx';
import { addDays, humanize, isIsoDate, localDate } from '../format.ts';
import { isTypingTarget, useLoad } from '../hooks.ts';
import { SendCorrespondenceForm } from './account-correspondence.tsx';
import { markWorked, worklistPosition } from './worklist.tsx';

// The account's collections view: log a contact (and a promise), the contact timeline, promises
// and disputes with their status, open a dispute on chosen items, email the statement PDF.

const KIND_LABEL: Record<ActivityKind, string> = {
  call: 'Call', email: 'Email', fax: 'Fax', letter: 'Letter', visit: 'Visit', note: 'Note',
};
const PROMISE_BADGE: Record<PromiseToPay['status'], string> = {
  open: 'badge-warn', kept: 'badge-ok', partially_kept: 'badge-warn', broken: 'badge-bad',
  cancelled: 'badge-muted',
};
const DISPUTE_BADGE: Record<Dispute['status'], string> = {
  open: 'badge-warn', in_review: 'badge-warn', resolved: 'badge-ok', closed: 'badge-muted',
};

interface ContactDraft {
  kind: ActivityKind;
  outcome: ActivityOutcome | '';
  contactName: string;
  amount: string;
  promisedOn: string;
  body: string;
  followUpOn: string;
}

function freshDraft(c: CustomerDetail): ContactDraft {
  const primary = c.contacts.find((p) => p.isPrimary) ?? c.contacts[0];
  return { kind: 'call', outcome: '', contactName: primary?.name ?? '', amount: c.pastDue,
    promisedOn: addDays(localDate(new Date()), 7), body: '', followUpOn: '' };
}

/** Logs the contact, then the promise it produced (linked to the contact). */
async function saveContact(c: CustomerDetail, d: ContactDraft): Promise<void> {
  const { activity } = await api.logActivity(c.id, {
    kind: d.kind, outcome: d.outcome || undefined, contactName: d.contactName.trim() || undefined,
    body: d.body.trim() || undefined, followUpOn: d.followUpOn || undefined,
  }, api.newIdempotencyKey());
  if (d.outcome === 'promise') {
    await api.createPromise(c.id, { amount: d.amount.trim(), promisedOn: d.promisedOn,
      contactName: d.contactName.trim() || undefined, activityId: activity.id },
    api.newIdempotencyKey());
  }
}

function LogContact(props: { c: CustomerDetail; onSaved: () => void }) {
  const { c } = props;
  const navigate = useNavigate();
  const position = worklistPosition(c.id);
  const [d, setD] = useState(() => freshDraft(c));
  const [error, setError] = useState<unknown>();
  const [saving, setSaving] = useState(false);
  const [saved, setSaved] = useState(false);
  const first = useRef<HTMLSelectElement>(null);
  useEffect(() => {
    if (position) markWorked(c.id);
    setD(freshDraft(c));
    setSaved(false);
    setError(undefined);
    first.current?.focus();
  }, [c.id]);
  const set = (patch: Partial<ContactDraft>) => setD((x) => ({ ...x, ...patch }));
  const promise = d.outcome === 'promise';
  const invalid = (promise && (!d.amount.trim() || !isIsoDate(d.promisedOn)))
    || (d.kind === 'note' && !d.body.trim());
  const goNext = () => {
    if (position?.next) navigate(`/customers/${position.next.id}?tab=collections`);
    else navigate('/worklist');
  };
  const submit = async (e: { preventDefault(): void }, thenNext: boolean) => {
    e.preventDefault();
    setSaving(true);
    setError(undefined);
    try {
      await saveContact(c, d);
      props.onSaved();
      setSaved(true);
      setD(freshDraft(c));
      if (thenNext) goNext();
    } catch (x) {
      setError(x);
    } finally {
      setSaving(false);
    }
  };
  useNextKey(position !== null, goNext);
  return (
    <section className="panel log-contact" aria-label="Log contact">
      <div className="panel-head">
        <h2>Log contact</h2>
        <div className="spacer" />
        {position ? (
          <span className="muted small" data-testid="worklist-position">
            Account {position.index + 1} of {position.count} on the{' '}
            <Link to="/worklist">worklist</Link>
            {position.next ? <> · next: {position.next.account} {position.next.name}</> : null}
          </span>
        ) : null}
      </div>
      <form className="contact-form" onSubmit={(e) => void submit(e, position !== null)}>
        <label>Type
          <select ref={first} value={d.kind} aria-label="Type"
            onChange={(e) => set({ kind: e.target.value as ActivityKind,
              outcome: e.target.value === 'note' ? '' : d.outcome })}>
            {api.ACTIVITY_KINDS.map((k) => <option key={k} value={k}>{KIND_LABEL[k]}</option>)}
          </select>
        </label>
        <label>Outcome
          <select value={d.outcome} aria-label="Outcome" disabled={d.kind === 'note'}
            onChange={(e) => set({ outcome: e.target.value as ActivityOutcome | '' })}>
            <option value="">—</option>
            {api.CALL_OUTCOMES.map((o) => <option key={o} value={o}>{humanize(o)}</option>)}
          </select>
        </label>
        <label>Contact person
          <input value={d.contactName} list={`contacts-${c.id}`} aria-label="Contact person"
            onChange={(e) => set({ contactName: e.target.value })} />
          <datalist id={`contacts-${c.id}`}>
            {c.contacts.map((p) => <option key={p.id} value={p.name} />)}
          </datalist>
        </label>
        <label>Follow up on
          <DateInput value={d.followUpOn} label="Follow up on"
            onChange={(v) => set({ followUpOn: v })} />
        </label>
        {promise ? (
          <>
            <label>Promised amount ({c.currency})
              <input value={d.amount} aria-label="Promised amount" inputMode="decimal"
                className="num-input" onChange={(e) => set({ amount: e.target.value })} />
            </label>
            <label>Promised for
              <DateInput value={d.promisedOn} label="Promised for" required
                min={localDate(new Date())} onChange={(v) => set({ promisedOn: v })} />
            </label>
          </>
        ) : null}
        <label className="wide">Note
          <textarea rows={2} value={d.body} aria-label="Note"
            placeholder="What was said, who to call back…"
            onChange={(e) => set({ body: e.target.value })} />
        </label>
        <div className="wide form-actions">
          <ErrorBanner error={error} />
          {saved && !error ? <span className="ok-text">Contact logged.</span> : null}
          <div className="spacer" />
          <button type="button" disabled={saving || invalid}
            onClick={(e) => void submit(e, false)}>Save</button>
          {position ? (
            <>
              <button type="button" onClick={goNext} title="Next account (n)">Skip ›</button>
              <button type="submit" className="primary" disabled={saving || invalid}>
                Save &amp; next account ›
              </button>
            </>
          ) : null}
        </div>
      </form>
    </section>
  );
}

/** "n" goes to the next account on the worklist when not typing. */
function useNextKey(active: boolean, next: () => void) {
  const ref = useRef(next);
  ref.current = next;
  useEffect(() => {
    if (!active) return;
    const onKey = (e: KeyboardEvent) => {
      if (e.ctrlKey || e.metaKey || e.altKey || isTypingTarget(e.target)) return;
      if (document.querySelector('dialog[open]')) return;
      if (e.key === 'n') {
        e.preventDefault();
        ref.current();
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [active]);
}

function Timeline({ items }: { items: Activity[] }) {
  if (items.length === 0) return <Empty>No contacts logged yet.</Empty>;
  return (
    <ol className="timeline" data-testid="timeline">
      {items.map((a) => (
        <li key={a.id}>
          <div className="timeline-head">
            <DateText value={a.occurredOn} />
            <strong>{KIND_LABEL[a.kind]}</strong>
            {a.outcome ? <span className="badge badge-muted">{humanize(a.outcome)}</span> : null}
            {a.contactName ? <span>with {a.contactName}</span> : null}
            <span className="spacer" />
            <span className="muted small">
              {a.source === 'manual' ? a.author : `${a.source} · ${a.author}`}
            </span>
          </div>
          {a.subject ? <div>{a.subject}</div> : null}
          {a.body ? <div className="timeline-body">{a.body}</div> : null}
          {a.followUpOn ? (
            <div className="muted small">Follow up on <DateText value={a.followUpOn} /></div>
          ) : null}
        </li>
      ))}
    </ol>
  );
}

function Promises({ items }: { items: PromiseToPay[] }) {
  if (items.length === 0) return <div className="muted small">No promises to pay.</div>;
  return (
    <table className="grid inner" data-testid="promises">
      <thead>
        <tr><th>Made</th><th>For</th><th className="num">Amount</th><th className="num">Paid</th>
          <th>Status</th><th>Contact</th></tr>
      </thead>
      <tbody>
        {items.map((p) => (
          <tr key={p.id}>
            <td><DateText value={p.madeOn} /></td>
            <td><DateText value={p.promisedOn} /></td>
            <td className="num"><Amount value={p.amount} /></td>
            <td className="num"><Amount value={p.paid} /></td>
            <td>
              <span className={`badge ${PROMISE_BADGE[p.status]}`}>{humanize(p.status)}</span>
            </td>
            <td>{p.contactName ?? '—'}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function Disputes({ items, numbers }: { items: Dispute[]; numbers: Map<number, string> }) {
  if (items.length === 0) return <div className="muted small">No disputes.</div>;
  return (
    <table className="grid inner" data-testid="disputes">
      <thead>
        <tr><th>Opened</th><th>Reason</th><th>Items</th><th className="num">Amount</th>
          <th>Status</th><th>Owner</th></tr>
      </thead>
      <tbody>
        {items.map((d) => (
          <tr key={d.id}>
            <td><DateText value={d.openedOn} /></td>
            <td>{humanize(d.reasonCode)}{d.kind === 'deduction' ? ' (deduction)' : ''}</td>
            <td className="mono">
              {d.items.map((i) => numbers.get(i.documentId) ?? `#${i.documentId}`).join(', ')}
            </td>
            <td className="num"><Amount value={d.amount} /></td>
            <td>
              <span className={`badge ${DISPUTE_BADGE[d.status]}`}>{humanize(d.status)}</span>
              {d.resolution ? <span className="muted"> · {humanize(d.resolution)}</span> : null}
            </td>
            <td>{d.owner ?? '—'}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function OpenDisputeForm(props: { c: CustomerDetail; items: Item[]; onDone: () => void }) {
  const debits = props.items.filter((i) => !i.open.startsWith('-') && i.type !== 'payment');
  const [picked, setPicked] = useState<Set<number>>(new Set());
  const [reason, setReason] = useState<DisputeReason>('pricing');
  const [owner, setOwner] = useState(props.c.salesRep ?? '');
  const [note, setNote] = useState('');
  const [error, setError] = useState<unknown>();
  const [saving, setSaving] = useState(false);
  const toggle = (id: number) => setPicked((s) => {
    const n = new Set(s);
    if (n.has(id)) n.delete(id); else n.add(id);
    return n;
  });
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setSaving(true);
    setError(undefined);
    try {
      await api.openDispute(props.c.id, { reasonCode: reason,
        items: [...picked].map((documentId) => ({ documentId })),
        owner: owner.trim() || undefined, note: note.trim() || undefined },
      api.newIdempotencyKey());
      props.onDone();
    } catch (x) {
      setError(x);
    } finally {
      setSaving(false);
    }
  };
  return (
    <form className="form-stack" onSubmit={(e) => void submit(e)}>
      {debits.length === 0 ? <div className="muted">No open items to dispute.</div> : (
        <div className="dispute-items">
          <ItemPickTable items={debits} picked={picked} onToggle={toggle} />
        </div>
      )}
      <label>Reason
        <select value={reason} aria-label="Reason"
          onChange={(e) => setReason(e.target.value as DisputeReason)}>
          {api.DISPUTE_REASONS.map((r) => <option key={r} value={r}>{humanize(r)}</option>)}
        </select>
      </label>
      <label>Owner (routed to)
        <input value={owner} aria-label="Owner" onChange={(e) => setOwner(e.target.value)} />
      </label>
      <label>Note
        <textarea rows={2} value={note} aria-label="Dispute note"
          onChange={(e) => setNote(e.target.value)} />
      </label>
      <ErrorBanner error={error} />
      <div className="form-actions">
        <span className="muted small">{picked.size} selected</span>
        <button type="submit" className="primary" disabled={saving || picked.size === 0}>
          Open dispute
        </button>
      </div>
    </form>
  );
}

/** The account's actions: email the statement PDF, send correspondence, open a dispute. */
function Actions(props: { c: CustomerDetail; onSent: () => void; onDispute: () => void;
  onCorrespond: () => void }) {
  const [sending, setSending] = useState(false);
  const [sent, setSent] = useState<string>();
  const [error, setError] = useState<unknown>();
  const send = async () => {
    setSending(true);
    setError(undefined);
    setSent(undefined);
    try {
      const r = await api.emailStatement(props.c.id, {}, api.newIdempotencyKey());
      setSent(r.email.to);
      props.onSent();
    } catch (x) {
      setError(x);
    } finally {
      setSending(false);
    }
  };
  return (
    <section className="panel actions-panel">
      <div className="toolbar wrap">
        <button type="button" disabled={sending} onClick={() => void send()}
          title="Statement of account as PDF, to the primary contact; logged on the timeline">
          {sending ? 'Sending…' : 'Email statement'}
        </button>
        <button type="button" onClick={props.onCorrespond}
          title="From a template, with the statement, invoice copies and documents enclosed">
          Send email / fax / letter…
        </button>
        <button type="button" onClick={props.onDispute}>Open dispute…</button>
      </div>
      {sent ? <Notice kind="ok">Statement (PDF) emailed to {sent}.</Notice> : null}
      <ErrorBanner error={error} />
    </section>
  );
}

export function AccountCollections(props: { customer: CustomerDetail; canWrite: boolean }) {
  const c = props.customer;
  const activities = useLoad((s) => api.customerActivities(c.id, s), [c.id]);
  const promises = useLoad((s) => api.customerPromises(c.id, s), [c.id]);
  const disputes = useLoad((s) => api.customerDisputes(c.id, s), [c.id]);
  const items = useLoad((s) => api.customerItems(c.id, { status: 'open', sort: 'dueDate' }, s),
    [c.id]);
  const [disputing, setDisputing] = useState(false);
  const [corresponding, setCorresponding] = useState(false);
  const reload = () => {
    activities.reload();
    promises.reload();
    disputes.reload();
  };
  const numbers = new Map((items.data?.items ?? []).map((i) => [i.id, i.number]));
  return (
    <div className="collections">
      {props.canWrite ? <LogContact c={c} onSaved={reload} /> : null}
      <div className="columns">
        <section className="panel">
          <div className="panel-head"><h2>Contact timeline</h2></div>
          <ErrorBanner error={activities.error} onRetry={activities.reload} />
          {activities.data ? <Timeline items={activities.data.items} /> : <Loading />}
        </section>
        <div className="form-stack">
          {props.canWrite ? (
            <Actions c={c} onSent={activities.reload} onDispute={() => setDisputing(true)}
              onCorrespond={() => setCorresponding(true)} />
          ) : null}
          <section className="panel">
            <div className="panel-head"><h2>Promises to pay</h2></div>
            <ErrorBanner error={promises.error} onRetry={promises.reload} />
            {promises.data ? <Promises items={promises.data.items} /> : <Loading />}
          </section>
          <section className="panel">
            <div className="panel-head"><h2>Disputes</h2></div>
            <ErrorBanner error={disputes.error} onRetry={disputes.reload} />
            {disputes.data ? <Disputes items={disputes.data.items} numbers={numbers} />
              : <Loading />}
          </section>
        </div>
      </div>
      <Dialog open={corresponding} title="Send email, fax or letter"
        onClose={() => setCorresponding(false)}>
        {items.data ? (
          <SendCorrespondenceForm c={c} items={items.data.items} onSent={activities.reload} />
        ) : <Loading />}
      </Dialog>
      <Dialog open={disputing} title="Open a dispute" onClose={() => setDisputing(false)}>
        {items.data ? (
          <OpenDisputeForm c={c} items={items.data.items}
            onDone={() => { setDisputing(false); disputes.reload(); activities.reload(); }} />
        ) : <Loading />}
      </Dialog>
    </div>
  );
}
