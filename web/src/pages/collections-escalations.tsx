import { useState } from 'react';
import type { FormEvent } from 'react';
import { Link } from 'react-router';
import * as api from '../api.ts';
import type { CustomerSummary } from '../api.ts';
import * as q from '../collections-api.ts';
import type { Escalation, EscalationFilter } from '../collections-api.ts';
import { CustomerPicker } from '../components/customer-picker.tsx';
import { Dialog } from '../components/dialog.tsx';
import { Amount, Empty, ErrorBanner, Loading, Notice } from '../components/ui.tsx';
import { formatTimestamp } from '../format.ts';
import { useLoad, useQueryState, useTitle } from '../hooks.ts';
import { useSession } from '../session.tsx';
import { CollectionsArea, canSupervise } from './collections-area.tsx';

// Escalated accounts for supervisors: who escalated, when, why; acknowledge (take it on) and
// resolve with a note. A collector sees the escalations they raised and raises new ones here.

const FILTER_LABEL: Record<EscalationFilter, string> = {
  open: 'Open', new: 'New', acknowledged: 'Acknowledged', resolved: 'Resolved', all: 'All',
};
const STAGE_BADGE: Record<q.EscalationStage, string> = {
  new: 'badge-bad', acknowledged: 'badge-warn', resolved: 'badge-ok',
};

function EscalateForm(props: { onDone: (m: string) => void }) {
  const [customer, setCustomer] = useState<CustomerSummary | null>(null);
  const [note, setNote] = useState('');
  const [to, setTo] = useState('');
  const [error, setError] = useState<unknown>();
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!customer) return;
    setError(undefined);
    try {
      await q.escalate(customer.id, { note: note.trim(), escalatedTo: to.trim() || undefined },
        api.newIdempotencyKey());
      props.onDone(`${customer.accountNumber} escalated${to.trim() ? ` to ${to.trim()}` : ''}.`);
    } catch (x) {
      setError(x);
    }
  };
  return (
    <form className="q-form" onSubmit={(e) => void submit(e)}>
      <div className="q-field"><span>Account</span>
        <CustomerPicker value={customer} onChange={setCustomer} autoFocus />
      </div>
      <label>Why (the supervisor reads this first)
        <textarea rows={3} value={note} aria-label="Escalation note"
          onChange={(e) => setNote(e.target.value)} />
      </label>
      <label>Escalate to (optional: any supervisor otherwise)
        <input value={to} aria-label="Escalate to" onChange={(e) => setTo(e.target.value)} />
      </label>
      <ErrorBanner error={error} />
      <div className="form-actions">
        <button type="submit" className="primary" disabled={!customer || !note.trim()}>
          Escalate</button>
      </div>
    </form>
  );
}

function StepForm(props: { e: Escalation; step: 'acknowledge' | 'resolve';
  onDone: (m: string) => void; onClose: () => void }) {
  const [note, setNote] = useState('');
  const [error, setError] = useState<unknown>();
  const resolve = props.step === 'resolve';
  const submit = async (ev: FormEvent) => {
    ev.preventDefault();
    setError(undefined);
    try {
      await q.stepEscalation(props.e.id, props.step, note.trim() || undefined);
      props.onDone(`${props.e.accountNumber}: escalation ${resolve ? 'resolved'
        : 'acknowledged'}.`);
    } catch (x) {
      setError(x);
    }
  };
  return (
    <form className="q-form" onSubmit={(ev) => void submit(ev)}>
      <div><strong>{props.e.accountNumber}</strong> {props.e.customerName}</div>
      <div className="notes">{props.e.note}</div>
      <label>{resolve ? 'How it was resolved' : 'Note (optional)'}
        <textarea rows={3} value={note} aria-label={resolve ? 'Resolution note' : 'Note'}
          autoFocus onChange={(ev) => setNote(ev.target.value)} />
      </label>
      <ErrorBanner error={error} />
      <div className="form-actions">
        <button type="button" onClick={props.onClose}>Cancel</button>
        <button type="submit" className="primary" disabled={resolve && !note.trim()}>
          {resolve ? 'Resolve' : 'Acknowledge'}</button>
      </div>
    </form>
  );
}

function Row(props: { e: Escalation; supervisor: boolean;
  onStep: (step: 'acknowledge' | 'resolve') => void }) {
  const { e } = props;
  return (
    <tr data-testid="escalation-row">
      <td>{formatTimestamp(e.createdAt)}</td>
      <td className="mono">
        <Link to={`/customers/${e.customerId}?tab=collections`}>{e.accountNumber}</Link>
      </td>
      <td className="name-cell">{e.customerName}</td>
      <td className="num"><Amount value={e.pastDue} /></td>
      <td className="num"><Amount value={e.balance} /></td>
      <td className="note-cell">{e.note}</td>
      <td>{e.createdByName ?? e.createdBy}</td>
      <td>{e.escalatedTo ?? <span className="muted">any</span>}</td>
      <td><span className={`badge ${STAGE_BADGE[e.stage]}`}>{e.stage}</span></td>
      <td className="note-cell small">
        {e.acknowledgedAt ? <div>Acknowledged {formatTimestamp(e.acknowledgedAt)} by{' '}
          {e.acknowledgedByName ?? e.acknowledgedBy}{e.acknowledgeNote
            ? `: ${e.acknowledgeNote}` : ''}</div> : null}
        {e.resolvedAt ? <div>Resolved {formatTimestamp(e.resolvedAt)} by{' '}
          {e.resolvedByName ?? e.resolvedBy}: {e.resolutionNote}</div> : null}
        {!e.acknowledgedAt && !e.resolvedAt ? <span className="muted">—</span> : null}
      </td>
      <td className="actions">
        {props.supervisor && e.stage === 'new' ? (
          <button type="button" onClick={() => props.onStep('acknowledge')}>Acknowledge…</button>
        ) : null}
        {props.supervisor && e.stage !== 'resolved' ? (
          <button type="button" className="primary" onClick={() => props.onStep('resolve')}>
            Resolve…</button>
        ) : null}
      </td>
    </tr>
  );
}

export function CollectionsEscalationsPage() {
  useTitle('Escalations');
  const { user } = useSession();
  const supervisor = canSupervise(user.role);
  const state = useQueryState({ status: 'open' });
  const raw = state.get('status') as EscalationFilter;
  const status = q.ESCALATION_FILTERS.includes(raw) ? raw : 'open';
  const toMe = state.get('to') === 'me';
  const { data, error, loading, reload } = useLoad((s) => q.escalations({ status,
    escalatedTo: toMe ? user.displayName : undefined }, s), [status, toMe]);
  const [stepping, setStepping] = useState<{ e: Escalation;
    step: 'acknowledge' | 'resolve' }>();
  const [escalating, setEscalating] = useState(false);
  const [message, setMessage] = useState<string>();
  const done = (m: string) => {
    setStepping(undefined);
    setEscalating(false);
    setMessage(m);
    reload();
  };
  const rows = data?.items ?? [];
  return (
    <CollectionsArea title="Escalations" busy={loading} aside={<>
      <span className="muted">{supervisor ? 'every escalated account'
        : 'the escalations you raised'}</span>
      <div className="spacer" />
      <button type="button" onClick={() => setEscalating(true)}>Escalate an account…</button>
    </>}>
      <div className="q-filters">
        <div className="segmented" role="group" aria-label="Stage">
          {q.ESCALATION_FILTERS.map((f) => (
            <button key={f} type="button" aria-pressed={status === f}
              onClick={() => state.set({ status: f })}>{FILTER_LABEL[f]}</button>
          ))}
        </div>
        {supervisor ? (
          <label className="inline">
            <input type="checkbox" checked={toMe}
              onChange={(e) => state.set({ to: e.target.checked ? 'me' : null })} />
            Escalated to me ({user.displayName})
          </label>
        ) : null}
      </div>
      <ErrorBanner error={error} onRetry={reload} />
      {message ? <Notice kind="ok">{message}</Notice> : null}
      {!data ? (error ? null : <Loading />) : rows.length === 0 ? (
        <Empty>No {status === 'all' ? '' : `${FILTER_LABEL[status].toLowerCase()} `}
          escalations.</Empty>
      ) : (
        <section className="panel flush">
          <table className="grid" data-testid="escalations">
            <thead>
              <tr>
                <th>Escalated</th><th>Account</th><th>Customer</th>
                <th className="num">Past due</th><th className="num">Balance</th><th>Note</th>
                <th>By</th><th>To</th><th>Stage</th><th>Follow-up</th><th />
              </tr>
            </thead>
            <tbody>
              {rows.map((e) => (
                <Row key={e.id} e={e} supervisor={supervisor}
                  onStep={(step) => setStepping({ e, step })} />
              ))}
            </tbody>
          </table>
        </section>
      )}
      <Dialog open={stepping !== undefined} onClose={() => setStepping(undefined)}
        title={stepping?.step === 'resolve' ? 'Resolve the escalation'
          : 'Acknowledge the escalation'}>
        {stepping ? <StepForm e={stepping.e} step={stepping.step} onDone={done}
          onClose={() => setStepping(undefined)} /> : null}
      </Dialog>
      <Dialog open={escalating} title="Escalate an account" onClose={() => setEscalating(false)}>
        <EscalateForm onDone={done} />
      </Dialog>
    </CollectionsArea>
  );
}

