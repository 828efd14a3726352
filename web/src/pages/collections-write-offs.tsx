import { useState } from 'react';
import type { FormEvent } from 'react';
import { Link } from 'react-router';
import * as api from '../api.ts';
import type { CustomerSummary } from '../api.ts';
import * as q from '../collections-api.ts';
import type { WriteOffEntry } from '../collections-api.ts';
import { CustomerPicker } from '../components/customer-picker.tsx';
import { Dialog } from '../components/dialog.tsx';
import { ItemPickTable } from '../components/item-pick-table.tsx';
import {
  Amount, DateText, Empty, ErrorBanner, Loading, Notice,
} from '../components/ui.tsx';
import { sumDecimals } from '../decimal.ts';
import { formatAmount, roleLabel } from '../format.ts';
import { useLoad, useQueryState, useTitle } from '../hooks.ts';
import { CollectionsArea } from './collections-area.tsx';

// Bad-debt write-off requests: the pending ones with who asked and why, approved or rejected by
// someone else within their role's limit (approving posts the write-off to the ledger); the
// approved (posted) and rejected ones below. Collectors see their own requests.

const STATUS_LABEL: Record<WriteOffEntry['status'], string> = {
  pending: 'Pending', approved: 'Posted', rejected: 'Rejected',
};

function RequestForm(props: { onDone: (m: string) => void }) {
  const [customer, setCustomer] = useState<CustomerSummary | null>(null);
  const [picked, setPicked] = useState<Set<number>>(new Set());
  const [reason, setReason] = useState('');
  const [error, setError] = useState<unknown>();
  const items = useLoad((s) => (customer ? api.customerItems(customer.id, { status: 'open',
    sort: 'dueDate' }, s) : Promise.resolve(undefined)), [customer?.id]);
  const debits = (items.data?.items ?? []).filter((i) => !i.open.startsWith('-')
    && i.type !== 'payment');
  const toggle = (id: number) => setPicked((s) => {
    const n = new Set(s);
    if (n.has(id)) n.delete(id); else n.add(id);
    return n;
  });
  const total = sumDecimals(debits.filter((i) => picked.has(i.id)).map((i) => i.open));
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!customer) return;
    setError(undefined);
    try {
      const r = await q.requestWriteOff(customer.id, { reason: reason.trim(),
        documentIds: [...picked] }, api.newIdempotencyKey());
      props.onDone(`Write-off request ${r.writeOffRequest.id} for ${formatAmount(total)} `
        + `${customer.currency} on ${customer.accountNumber} sent for approval.`);
    } catch (x) {
      setError(x);
    }
  };
  return (
    <form className="q-form" onSubmit={(e) => void submit(e)}>
      <div className="q-field"><span>Account</span>
        <CustomerPicker value={customer} autoFocus
          onChange={(c) => { setCustomer(c); setPicked(new Set()); }} />
      </div>
      {customer ? (
        <div className="q-items">
          {!items.data ? <Loading /> : debits.length === 0 ? (
            <div className="muted">No open items.</div>) : (
            <ItemPickTable items={debits} picked={picked} onToggle={toggle} />
          )}
        </div>
      ) : null}
      <label>Reason
        <textarea rows={2} value={reason} aria-label="Write-off reason"
          placeholder="Bankruptcy, out of business, small balance not worth pursuing…"
          onChange={(e) => setReason(e.target.value)} />
      </label>
      <ErrorBanner error={error} />
      <div className="form-actions">
        <span className="muted small">{picked.size} items · {formatAmount(total)}</span>
        <button type="submit" className="primary"
          disabled={!customer || picked.size === 0 || !reason.trim()}>Request write-off</button>
      </div>
    </form>
  );
}

function Decision(props: { w: WriteOffEntry; onDone: (m: string) => void }) {
  const { w } = props;
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const decide = async (approve: boolean) => {
    setBusy(true);
    setError(undefined);
    try {
      await q.decideWriteOff(w.id, approve, api.newIdempotencyKey());
      props.onDone(approve ? `Approved: ${formatAmount(w.amount)} ${w.currency} written off on `
        + `${w.accountNumber}.` : `Rejected: the write-off request on ${w.accountNumber}.`);
    } catch (x) {
      setError(x);
      setBusy(false);
    }
  };
  const blocked = w.approval && !w.approval.allowed ? w.approval : null;
  return (
    <td className="actions">
      {blocked ? (
        <span className="muted small" data-testid="approval-blocked"
          style={{ marginRight: 8 }}>
          {blocked.code === 'write_off_exceeds_approval_limit'
            ? `above your limit of ${formatAmount(blocked.limit)}`
            : blocked.code === 'approver_must_not_be_requester'
              ? 'your own request: another approver posts it'
              : 'your role does not approve write-offs'}
        </span>
      ) : null}
      <button type="button" disabled={busy || blocked?.code === 'role_may_not_approve_write_offs'}
        onClick={() => void decide(false)}>Reject</button>
      <button type="button" className="primary" disabled={busy || blocked !== null}
        onClick={() => void decide(true)}>Approve &amp; post</button>
      <ErrorBanner error={error} />
    </td>
  );
}

export function CollectionsWriteOffsPage() {
  useTitle('Write-offs');
  const state = useQueryState({ status: 'pending' });
  const raw = state.get('status') as WriteOffEntry['status'];
  const status = raw in STATUS_LABEL ? raw : 'pending';
  const { data, error, loading, reload } = useLoad((s) => q.writeOffRequests(status, s),
    [status]);
  const [asking, setAsking] = useState(false);
  const [message, setMessage] = useState<string>();
  const rows = data?.items ?? [];
  const approver = data ? data.yourLimit !== '0.00' : false;
  const done = (m: string) => {
    setAsking(false);
    setMessage(m);
    reload();
  };
  return (
    <CollectionsArea title="Write-offs" busy={loading} aside={<>
      <div className="segmented" role="group" aria-label="Show">
        {(['pending', 'approved', 'rejected'] as const).map((s) => (
          <button key={s} type="button" aria-pressed={status === s}
            onClick={() => state.set({ status: s })}>{STATUS_LABEL[s]}</button>
        ))}
      </div>
      <div className="spacer" />
      <button type="button" onClick={() => setAsking(true)}>Request a write-off…</button>
    </>}>
      {data ? (
        <div className="q-kv muted small" data-testid="write-off-limits">
          <span>Your approval limit: <strong>{data.yourLimit === null ? 'no limit'
            : approver ? `${formatAmount(data.yourLimit)} ${data.currency}` : 'none'}</strong>
          </span>
          <span>Limits by role: {data.limits.map((l) => `${roleLabel(l.role)} ${l.limit === null
            ? 'no limit' : formatAmount(l.limit)}`).join(' · ')}</span>
        </div>
      ) : null}
      <ErrorBanner error={error} onRetry={reload} />
      {message ? <Notice kind="ok">{message}</Notice> : null}
      {!data ? (error ? null : <Loading />) : rows.length === 0 ? (
        <Empty>No {STATUS_LABEL[status].toLowerCase()} write-off requests.</Empty>
      ) : (
        <section className="panel flush">
          <table className="grid" data-testid="write-offs">
            <thead>
              <tr>
                <th>Requested</th><th>Account</th><th>Customer</th><th>Items</th>
                <th className="num">Amount</th><th>Reason</th><th>Requested by</th>
                {status === 'pending' ? <th /> : <><th>Decided</th><th>By</th>
                  {status === 'approved' ? <th>Write-off</th> : null}</>}
              </tr>
            </thead>
            <tbody>
              {rows.map((w) => (
                <tr key={w.id} data-testid="write-off-row">
                  <td><DateText value={w.requestedOn} /></td>
                  <td className="mono">
                    <Link to={`/customers/${w.customerId}`}>{w.accountNumber}</Link>
                  </td>
                  <td className="name-cell">{w.customerName}</td>
                  <td className="mono">{w.items.map((i) => i.number).join(', ')}</td>
                  <td className="num"><Amount value={w.amount} /></td>
                  <td className="note-cell">{w.reason}</td>
                  <td>{w.requestedByName ?? w.requestedBy}</td>
                  {status === 'pending' ? (approver ? <Decision w={w} onDone={done} />
                    : <td className="muted small">waiting for approval</td>) : (
                    <>
                      <td><DateText value={w.decidedOn} /></td>
                      <td>{w.decidedByName ?? w.decidedBy}</td>
                      {status === 'approved' ? <td className="mono">{w.writeOffNumber}</td> : null}
                    </>
                  )}
                </tr>
              ))}
            </tbody>
            {rows.length > 1 && new Set(rows.map((w) => w.currency)).size === 1 ? (
              <tfoot><tr><td colSpan={4}>{rows.length} requests</td>
                <td className="num"><Amount value={sumDecimals(rows.map((w) => w.amount))} />
                </td><td colSpan={4} /></tr></tfoot>
            ) : null}
          </table>
        </section>
      )}
      <Dialog open={asking} title="Request a bad-debt write-off" onClose={() => setAsking(false)}>
        <RequestForm onDone={done} />
      </Dialog>
    </CollectionsArea>
  );
}
