import { useEffect, useState } from 'react';
import type { FormEvent } from 'react';
import { Link, useLocation, useNavigate, useParams } from 'react-router';
import * as api from '../api.ts';
import * as q from '../collections-api.ts';
import type { DisputeDetail, DisputeMove } from '../collections-api.ts';
import {
  Amount, DateText, ErrorBanner, Field, Loading, Notice,
} from '../components/ui.tsx';
import { formatAmount, formatCount, formatTimestamp, humanize } from '../format.ts';
import { isTypingTarget, useLoad, useTitle } from '../hooks.ts';
import { useSession } from '../session.tsx';
import { CollectionsArea } from './collections-area.tsx';
import { DisputeStatusBadge } from './collections-disputes.tsx';

// One dispute opened from the queue: its items, the flow (only the moves the rules allow, a
// credit memo above the approval amount through a manager), notes and history. Escape goes back
// to the queue with its filters.

const FLOW: q.DisputeStatus[] = ['open', 'in_review', 'resolved', 'closed'];

function moveLabel(m: DisputeMove): string {
  if (m.needsApproval) return 'Request credit memo approval…';
  if (m.to === 'in_review') return 'Start review';
  if (m.to === 'closed') return 'Close';
  if (m.resolution === 'credit_memo_requested') return 'Resolve: credit memo';
  if (m.resolution === 'rebill') return 'Resolve: rebill';
  return 'Resolve: valid, collect';
}

const ACTION_LABEL: Record<string, string> = {
  'dispute.open': 'Opened', 'dispute.in_review': 'Review started', 'dispute.resolved': 'Resolved',
  'dispute.closed': 'Closed', 'dispute.note': 'Note added',
  'credit_memo.request': 'Credit memo approval requested',
  'credit_memo.approve': 'Credit memo approved', 'credit_memo.reject': 'Credit memo rejected',
};

function Flow({ d }: { d: DisputeDetail }) {
  return (
    <ol className="steps" aria-label="Dispute flow">
      {FLOW.map((s) => (
        <li key={s} aria-current={s === d.status ? 'step' : undefined}>{humanize(s)}</li>
      ))}
    </ol>
  );
}

/** The moves, one button each, with a note that goes with whichever is pressed. */
function Moves(props: { d: DisputeDetail; onDone: (message: string) => void }) {
  const { d } = props;
  const [note, setNote] = useState('');
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const run = async (m: DisputeMove) => {
    setBusy(true);
    setError(undefined);
    try {
      if (m.needsApproval) {
        await q.requestCreditMemoApproval(d.id, note.trim() || undefined,
          api.newIdempotencyKey());
        props.onDone('Credit memo approval requested from a manager.');
      } else {
        await q.moveDispute(d.id, { status: m.to, resolution: m.resolution ?? undefined,
          note: note.trim() || undefined });
        props.onDone(`Dispute ${m.to === 'resolved' ? `resolved: ${humanize(m.resolution)}`
          : humanize(m.to).toLowerCase()}.`);
      }
      setNote('');
    } catch (x) {
      setError(x);
    } finally {
      setBusy(false);
    }
  };
  const pending = d.approvals.some((a) => a.status === 'pending');
  if (d.moves.length === 0) return <div className="muted">Closed: nothing more to do.</div>;
  return (
    <div className="form-stack">
      <label className="q-moves">
        <textarea rows={2} value={note} aria-label="Note for this step"
          placeholder="Note for this step (optional)" onChange={(e) => setNote(e.target.value)} />
      </label>
      <div className="q-moves">
        {d.moves.map((m) => (
          <button key={`${m.to}:${m.resolution}`} type="button" disabled={busy
            || (m.needsApproval && pending)} className={m.to === 'in_review' ? 'primary' : ''}
          onClick={() => void run(m)}>{moveLabel(m)}</button>
        ))}
      </div>
      {d.moves.some((m) => m.needsApproval) ? (
        <div className="muted small">
          A credit memo above {formatAmount(d.creditMemoApprovalAbove)} {d.currency} needs a
          manager&apos;s approval; the dispute stays in review until one decides.
        </div>
      ) : null}
      <ErrorBanner error={error} />
    </div>
  );
}

function PendingApproval(props: { d: DisputeDetail; onDone: (message: string) => void }) {
  const { user } = useSession();
  const a = props.d.approvals.find((x) => x.status === 'pending');
  const [note, setNote] = useState('');
  const [error, setError] = useState<unknown>();
  if (!a || props.d.status !== 'in_review') return null;
  const decide = async (approve: boolean) => {
    setError(undefined);
    try {
      await q.decideCreditMemo(a.id, approve, note.trim() || undefined);
      props.onDone(approve ? 'Credit memo approved: the dispute is resolved.'
        : 'Credit memo request rejected: the dispute stays in review.');
    } catch (x) {
      setError(x);
    }
  };
  const own = a.requestedBy === user.username;
  return (
    <section className="panel q-pending" aria-label="Credit memo approval">
      <div className="panel-head"><h2>Credit memo approval pending</h2></div>
      <div>
        <Amount value={a.amount} /> {a.currency} requested by <strong>{a.requestedBy}</strong>{' '}
        on <DateText value={a.requestedOn} />{a.note ? <>: “{a.note}”</> : null}
      </div>
      {props.d.mayApprove ? (
        <div className="form-stack" style={{ marginTop: 8 }}>
          <textarea rows={2} value={note} aria-label="Decision note"
            placeholder="Decision note (optional)" onChange={(e) => setNote(e.target.value)} />
          <div className="form-actions">
            {own ? <span className="muted small">You asked for it: another manager approves.
            </span> : null}
            <button type="button" onClick={() => void decide(false)}>Reject</button>
            <button type="button" className="primary" disabled={own}
              onClick={() => void decide(true)}>Approve credit memo</button>
          </div>
        </div>
      ) : <div className="muted small">Waiting for a manager.</div>}
      <ErrorBanner error={error} />
    </section>
  );
}

function Notes(props: { d: DisputeDetail; onAdded: () => void }) {
  const [body, setBody] = useState('');
  const [error, setError] = useState<unknown>();
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setError(undefined);
    try {
      await q.addDisputeNote(props.d.id, body.trim(), api.newIdempotencyKey());
      setBody('');
      props.onAdded();
    } catch (x) {
      setError(x);
    }
  };
  return (
    <section className="panel" aria-label="Notes">
      <div className="panel-head"><h2>Notes</h2></div>
      {props.d.notes.length === 0 ? <div className="muted small">No notes yet.</div> : (
        <ol className="q-notes" data-testid="dispute-notes">
          {props.d.notes.map((n) => (
            <li key={n.id}>
              <div className="q-note-head">{formatTimestamp(n.createdAt)} · {n.author}</div>
              <div className="q-note-body">{n.body}</div>
            </li>
          ))}
        </ol>
      )}
      {props.d.mayChange ? (
        <form className="form-stack" style={{ marginTop: 10 }} onSubmit={(e) => void submit(e)}>
          <textarea rows={2} value={body} aria-label="New note"
            placeholder="What the customer sent, what the sales rep found…"
            onChange={(e) => setBody(e.target.value)} />
          <div className="form-actions">
            <button type="submit" disabled={!body.trim()}>Add note</button>
          </div>
          <ErrorBanner error={error} />
        </form>
      ) : null}
    </section>
  );
}

function Items({ d }: { d: DisputeDetail }) {
  return (
    <table className="grid inner" data-testid="dispute-items">
      <thead>
        <tr><th>Item</th><th>Type</th><th>Date</th><th>Due</th><th className="num">Amount</th>
          <th className="num">Open now</th><th className="num">Disputed</th></tr>
      </thead>
      <tbody>
        {d.items.map((i) => (
          <tr key={i.documentId}>
            <td className="mono">{i.number}</td>
            <td>{humanize(i.type)}</td>
            <td><DateText value={i.documentDate} /></td>
            <td><DateText value={i.dueDate} /></td>
            <td className="num"><Amount value={i.itemAmount} /></td>
            <td className="num"><Amount value={i.open} /></td>
            <td className="num"><Amount value={i.disputed} strong /></td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function Overview({ d }: { d: DisputeDetail }) {
  return (
    <div className="account-grid">
      <Field label="Account">
        <Link to={`/customers/${d.customer.id}?tab=collections`}>
          {d.customer.accountNumber}</Link> {d.customer.name}
      </Field>
      <Field label="Amount"><Amount value={d.amount} strong /> {d.currency}</Field>
      <Field label="Opened">
        <DateText value={d.openedOn} /> <span className="muted">
          · {formatCount(d.ageDays)} days · by {d.createdBy}</span>
      </Field>
      <Field label="Status"><DisputeStatusBadge status={d.status} resolution={d.resolution} />
      </Field>
      <Field label="Owner (routed to)">{d.owner ?? '—'}</Field>
      <Field label="Collector">{d.customer.collector ?? '—'}</Field>
      <Field label="Sales rep">{d.customer.salesRep ?? '—'}</Field>
      <Field label="Resolved / closed">
        {d.resolvedOn ? <DateText value={d.resolvedOn} /> : '—'} /{' '}
        {d.closedOn ? <DateText value={d.closedOn} /> : '—'}
      </Field>
    </div>
  );
}

export function CollectionsDisputePage() {
  const id = Number(useParams().id);
  const { search } = useLocation();
  const navigate = useNavigate();
  const { data, error, loading, reload } = useLoad((s) => q.getDispute(id, s), [id]);
  const [message, setMessage] = useState<string>();
  const d = data?.dispute;
  useTitle(d ? `Dispute ${d.id} · ${d.customer.accountNumber}` : 'Dispute');
  const back = `/collections/disputes${search}`;
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.key !== 'Escape' || isTypingTarget(e.target)) return;
      if (document.querySelector('dialog[open]')) return;
      navigate(back);
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [back, navigate]);
  const done = (m: string) => {
    setMessage(m);
    reload();
  };
  return (
    <CollectionsArea busy={loading} title={d ? `Dispute ${d.id}: ${humanize(d.reasonCode)}${
      d.kind === 'deduction' ? ' (deduction)' : ''}` : 'Dispute'}
    aside={<>
      <Link to={back} className="back" title="Back to the queue (Esc)">← Disputes queue</Link>
      {d ? <Flow d={d} /> : null}
    </>}>
      <ErrorBanner error={error} onRetry={reload} />
      {!d ? (error ? null : <Loading />) : (
        <>
          <section className="panel"><Overview d={d} /></section>
          {message ? <Notice kind="ok">{message}</Notice> : null}
          <div className="q-detail">
            <div>
              <section className="panel">
                <div className="panel-head"><h2>Items</h2></div>
                <Items d={d} />
              </section>
              <PendingApproval d={d} onDone={done} />
              {d.mayChange ? (
                <section className="panel" aria-label="Move the dispute">
                  <div className="panel-head"><h2>Next step</h2></div>
                  <Moves d={d} onDone={done} />
                </section>
              ) : null}
            </div>
            <div>
              <Notes d={d} onAdded={reload} />
              <section className="panel">
                <div className="panel-head"><h2>History</h2></div>
                <ul className="q-history">
                  {d.history.map((h, i) => (
                    <li key={i}><span className="date">{formatTimestamp(h.at)}</span>
                      <span>{ACTION_LABEL[h.action] ?? h.action}</span>
                      <span className="spacer" /><span className="muted">{h.actor}</span></li>
                  ))}
                </ul>
              </section>
            </div>
          </div>
        </>
      )}
    </CollectionsArea>
  );
}
