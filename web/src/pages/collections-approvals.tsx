import { useState } from 'react';
import { Link } from 'react-router';
import * as q from '../collections-api.ts';
import type { CreditMemoApprovalEntry } from '../collections-api.ts';
import { Dialog } from '../components/dialog.tsx';
import {
  Amount, DateText, Empty, ErrorBanner, Loading, Notice,
} from '../components/ui.tsx';
import { humanize } from '../format.ts';
import { useLoad, useQueryState, useTitle } from '../hooks.ts';
import { useSession } from '../session.tsx';
import { CollectionsArea } from './collections-area.tsx';

// The managers' queue of credit memo requests: a dispute above the approval amount that someone
// else wants resolved with a credit memo. Approving resolves the dispute; rejecting keeps it in
// review with the reason noted on it.

function Decide(props: { a: CreditMemoApprovalEntry; approve: boolean; onClose: () => void;
  onDone: (m: string) => void }) {
  const [note, setNote] = useState('');
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const { a, approve } = props;
  const submit = async () => {
    setBusy(true);
    try {
      await q.decideCreditMemo(a.id, approve, note.trim() || undefined);
      props.onDone(`${approve ? 'Approved' : 'Rejected'}: credit memo of ${a.amount} `
        + `${a.currency} on ${a.accountNumber} (dispute ${a.disputeId}).`);
    } catch (x) {
      setError(x);
      setBusy(false);
    }
  };
  return (
    <div className="q-form">
      <div>
        <strong>{a.accountNumber}</strong> {a.customerName} · {humanize(a.reasonCode)} ·{' '}
        <Amount value={a.amount} /> {a.currency}
      </div>
      <label>{approve ? 'Note (optional)' : 'Why not (noted on the dispute)'}
        <textarea rows={3} value={note} aria-label="Decision note" autoFocus
          onChange={(e) => setNote(e.target.value)} />
      </label>
      <ErrorBanner error={error} />
      <div className="form-actions">
        <button type="button" onClick={props.onClose}>Cancel</button>
        <button type="button" className={approve ? 'primary' : 'danger'} disabled={busy}
          onClick={() => void submit()}>
          {approve ? 'Approve credit memo' : 'Reject request'}
        </button>
      </div>
    </div>
  );
}

export function CollectionsApprovalsPage() {
  useTitle('Credit memo approvals');
  const { user } = useSession();
  const state = useQueryState({ status: 'pending' });
  const status = state.get('status') === 'decided' ? 'decided' : 'pending';
  const { data, error, loading, reload } = useLoad((s) => q.creditMemoApprovals(status, s),
    [status]);
  const [deciding, setDeciding] = useState<{ a: CreditMemoApprovalEntry; approve: boolean }>();
  const [message, setMessage] = useState<string>();
  const rows = data?.items ?? [];
  return (
    <CollectionsArea title="Credit memo approvals" busy={loading} aside={
      <div className="segmented" role="group" aria-label="Show">
        {(['pending', 'decided'] as const).map((s) => (
          <button key={s} type="button" aria-pressed={status === s}
            onClick={() => state.set({ status: s })}>
            {s === 'pending' ? 'Waiting for approval' : 'Decided'}
          </button>
        ))}
      </div>}>
      <ErrorBanner error={error} onRetry={reload} />
      {message ? <Notice kind="ok">{message}</Notice> : null}
      {!data ? (error ? null : <Loading />) : rows.length === 0 ? (
        <Empty>{status === 'pending' ? 'No credit memo is waiting for approval.'
          : 'No credit memo request has been decided yet.'}</Empty>
      ) : (
        <section className="panel flush">
          <table className="grid" data-testid="approvals">
            <thead>
              <tr>
                <th>Requested</th><th>Dispute</th><th>Account</th><th>Customer</th>
                <th>Reason</th><th className="num">Credit memo</th><th>Requested by</th>
                <th>Note</th>
                {status === 'pending' ? <th /> : <><th>Decision</th><th>By</th></>}
              </tr>
            </thead>
            <tbody>
              {rows.map((a) => (
                <tr key={a.id} data-testid="approval-row">
                  <td><DateText value={a.requestedOn} /></td>
                  <td><Link to={`/collections/disputes/${a.disputeId}`}>#{a.disputeId}</Link></td>
                  <td className="mono">
                    <Link to={`/customers/${a.customerId}?tab=collections`}>{a.accountNumber}</Link>
                  </td>
                  <td className="name-cell">{a.customerName}</td>
                  <td>{humanize(a.reasonCode)}{a.kind === 'deduction' ? ' (deduction)' : ''}</td>
                  <td className="num"><Amount value={a.amount} /></td>
                  <td>{a.requestedByName ?? a.requestedBy}</td>
                  <td className="note-cell">{status === 'pending' ? a.note
                    : a.decisionNote ?? a.note}</td>
                  {status === 'pending' ? (
                    <td className="actions">
                      <button type="button" onClick={() => setDeciding({ a, approve: false })}>
                        Reject…</button>
                      <button type="button" className="primary"
                        disabled={a.requestedBy === user.username}
                        title={a.requestedBy === user.username
                          ? 'You asked for it: another manager approves' : undefined}
                        onClick={() => setDeciding({ a, approve: true })}>Approve…</button>
                    </td>
                  ) : (
                    <>
                      <td><span className={`badge ${a.status === 'approved' ? 'badge-ok'
                        : 'badge-bad'}`}>{a.status}</span> <DateText value={a.decidedOn} /></td>
                      <td>{a.decidedBy}</td>
                    </>
                  )}
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      )}
      <Dialog open={deciding !== undefined} onClose={() => setDeciding(undefined)}
        title={deciding?.approve ? 'Approve the credit memo' : 'Reject the credit memo request'}>
        {deciding ? (
          <Decide a={deciding.a} approve={deciding.approve}
            onClose={() => setDeciding(undefined)}
            onDone={(m) => { setDeciding(undefined); setMessage(m); reload(); }} />
        ) : null}
      </Dialog>
    </CollectionsArea>
  );
}
