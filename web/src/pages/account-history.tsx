import { useState } from 'react';
import type { FormEvent } from 'react';
import * as api from '../api.ts';
import type { Application } from '../api.ts';
import { Dialog } from '../components/dialog.tsx';
import {
  Amount, Busy, DateText, Empty, ErrorBanner, Loading, Notice,
} from '../components/ui.tsx';
import {
  formatTimestamp, isIsoDate, itemTypeLabel, localDate, methodLabel,
} from '../format.ts';
import { absDecimal } from '../decimal.ts';
import { useLoad } from '../hooks.ts';
import { DateInput } from '../components/date-input.tsx';

function ReverseForm(props: { app: Application; onDone: (a: Application) => void }) {
  const [reason, setReason] = useState('');
  const [date, setDate] = useState(localDate(new Date()));
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const [key] = useState(api.newIdempotencyKey);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    try {
      const r = await api.reverseApplication(props.app.id,
        { reason: reason.trim(), effectiveDate: date }, key);
      props.onDone(r.reversal);
    } catch (err) {
      setError(err);
      setBusy(false);
    }
  };
  const a = props.app;
  return (
    <form onSubmit={submit} className="form-stack">
      <p>
        Un-apply <Amount value={a.amount} /> of {itemTypeLabel(a.creditType).toLowerCase()}{' '}
        <span className="mono">{a.creditNumber}</span> from{' '}
        <span className="mono">{a.debitNumber}</span>. The original application stays on record;
        a reversing entry is added.
      </p>
      <ErrorBanner error={error} />
      <label>
        Reason
        <textarea required autoFocus rows={3} value={reason}
          onChange={(e) => setReason(e.target.value)}
          placeholder="e.g. applied to the wrong invoice" />
      </label>
      <label>
        Effective date
        <DateInput label="Effective date" required value={date} onChange={setDate} />
      </label>
      <div className="form-actions">
        <button type="submit" className="danger"
          disabled={busy || !reason.trim() || !isIsoDate(date)}>
          {busy ? 'Reversing…' : 'Reverse application'}
        </button>
      </div>
    </form>
  );
}

function PaymentsTable({ customerId }: { customerId: number }) {
  const { data, error, reload } = useLoad(
    (s) => api.listPayments({ customerId, limit: 100 }, s), [customerId]);
  if (!data) return error ? <ErrorBanner error={error} onRetry={reload} /> : <Loading />;
  if (data.items.length === 0) return <Empty>No payments received.</Empty>;
  return (
    <table className="grid" data-testid="payments-table">
      <thead>
        <tr>
          <th>Received</th>
          <th>Method</th>
          <th>Reference</th>
          <th>Payer</th>
          <th className="num">Amount</th>
          <th className="num">Unapplied</th>
        </tr>
      </thead>
      <tbody>
        {data.items.map((p) => (
          <tr key={p.id}>
            <td><DateText value={p.documentDate} /></td>
            <td>{methodLabel(p.method)}</td>
            <td className="mono">{p.reference ?? p.number}</td>
            <td>{p.payerName ?? ''}</td>
            <td className="num"><Amount value={absDecimal(p.amount)} /></td>
            <td className="num"><Amount value={absDecimal(p.open)} /></td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function appState(a: Application): string {
  if (a.reversesId !== null) return `reversal of #${a.reversesId}`;
  if (a.reversedBy !== null) return `reversed by #${a.reversedBy}`;
  return '';
}

export function AccountHistory(props: { customerId: number; canReverse: boolean;
  onChanged: () => void }) {
  const { customerId } = props;
  const { data, error, loading, reload } = useLoad(
    (s) => api.customerApplications(customerId, s), [customerId]);
  const [reversing, setReversing] = useState<Application | null>(null);
  const [done, setDone] = useState<string>();
  const finished = (r: Application) => {
    setReversing(null);
    setDone(`Application #${r.reversesId ?? ''} reversed; the amount is open again.`);
    reload();
    props.onChanged();
  };
  return (
    <>
      <section className="panel">
        <h2>Payments</h2>
        <PaymentsTable customerId={customerId} />
      </section>
      <section className="panel">
        <Busy active={loading} />
        <h2>Applications</h2>
        {done ? <Notice kind="ok">{done}</Notice> : null}
        <ErrorBanner error={error} onRetry={reload} />
        {!data && !error ? <Loading /> : null}
        {data && data.items.length === 0 ? <Empty>No applications yet.</Empty> : null}
        {data && data.items.length > 0 ? (
          <table className="grid" data-testid="applications-table">
            <thead>
              <tr>
                <th className="num">#</th>
                <th>Applied on</th>
                <th>Credit</th>
                <th>Applied to</th>
                <th className="num">Amount</th>
                <th>How</th>
                <th>By</th>
                <th>Entered</th>
                <th>Status / reason</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {data.items.map((a) => (
                <tr key={a.id} className={a.reversedBy !== null || a.reversesId !== null
                  ? 'struck' : undefined}>
                  <td className="num muted">{a.id}</td>
                  <td><DateText value={a.appliedOn} /></td>
                  <td>
                    {itemTypeLabel(a.creditType)} <span className="mono">{a.creditNumber}</span>
                  </td>
                  <td className="mono">{a.debitNumber}</td>
                  <td className="num"><Amount value={a.amount} /></td>
                  <td>{methodLabel(a.method)}</td>
                  <td>{a.createdBy}</td>
                  <td className="muted">{formatTimestamp(a.createdAt)}</td>
                  <td>
                    {appState(a)}
                    {a.reason ? <span className="muted"> — {a.reason}</span> : null}
                  </td>
                  <td className="actions">
                    {props.canReverse && a.reversesId === null && a.reversedBy === null ? (
                      <button type="button" className="small" onClick={() => setReversing(a)}>
                        Reverse…
                      </button>
                    ) : null}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        ) : null}
      </section>
      <Dialog open={reversing !== null} title="Reverse application"
        onClose={() => setReversing(null)}>
        {reversing ? <ReverseForm app={reversing} onDone={finished} /> : null}
      </Dialog>
    </>
  );
}
