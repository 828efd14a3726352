import { Fragment, useEffect, useState } from 'react';
import { Link } from 'react-router';
import * as api from '../api.ts';
import type { AuditEntry } from '../api.ts';
import {
  Busy, Empty, ErrorBanner, Loading, Pager,
} from '../components/ui.tsx';
import { diffRecords } from '../diff.ts';
import { formatCount, formatTimestamp, humanize, isIsoDate } from '../format.ts';
import { useDebounced, useLoad, useQueryState, useTitle } from '../hooks.ts';
import { DateInput } from '../components/date-input.tsx';

const PAGE = 100;

function Diff({ entry }: { entry: AuditEntry }) {
  const rows = diffRecords(entry.before, entry.after);
  if (rows.length === 0) return <div className="muted small">No values recorded.</div>;
  return (
    <table className="diff">
      <thead>
        <tr><th>Field</th><th>Before</th><th>After</th></tr>
      </thead>
      <tbody>
        {rows.map((r) => (
          <tr key={r.field} className={`diff-${r.kind}`}>
            <td className="mono">{r.field}</td>
            <td className="diff-before">{r.before}</td>
            <td className="diff-after">{r.after}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** A text filter that writes to the address after typing pauses. */
function FilterInput(props: {
  label: string; value: string; onCommit: (v: string) => void; size?: number;
  placeholder?: string;
}) {
  const [text, setText] = useState(props.value);
  const settled = useDebounced(text, 300);
  useEffect(() => {
    if (settled !== props.value) props.onCommit(settled.trim());
  }, [settled]);
  useEffect(() => {
    if (props.value !== settled) setText(props.value);
  }, [props.value]);
  return (
    <label className="inline">
      {props.label}
      <input value={text} size={props.size ?? 12} placeholder={props.placeholder}
        onChange={(e) => setText(e.target.value)} />
    </label>
  );
}

export function AuditPage() {
  useTitle('Audit log');
  const state = useQueryState();
  const offset = Math.max(0, Number(state.get('offset')) || 0);
  const from = state.get('from');
  const to = state.get('to');
  const query: api.AuditQuery = {
    user: state.get('user') || undefined,
    customer: state.get('customer') || undefined,
    action: state.get('action') || undefined,
    from: isIsoDate(from) ? from : undefined,
    to: isIsoDate(to) ? to : undefined,
    limit: PAGE,
    offset,
  };
  const key = JSON.stringify(query);
  const { data, error, loading, reload } = useLoad((s) => api.auditLog(query, s), [key]);
  const [openId, setOpenId] = useState<number | null>(null);
  const commit = (k: string) => (v: string) => state.set({ [k]: v, offset: null },
    { replace: true });
  return (
    <div className="page">
      <Busy active={loading} />
      <div className="page-head">
        <h1>Audit log</h1>
        {data ? <span className="muted">{formatCount(data.total)} entries</span> : null}
      </div>
      <div className="toolbar wrap">
        <FilterInput label="User" value={state.get('user')} onCommit={commit('user')} />
        <FilterInput label="Customer" value={state.get('customer')} size={10}
          placeholder="account or id"
          onCommit={commit('customer')} />
        <FilterInput label="Action" value={state.get('action')} placeholder="e.g. payment.create"
          onCommit={commit('action')} size={16} />
        <label className="inline">
          From
          <DateInput label="From" value={from} onChange={commit('from')} />
        </label>
        <label className="inline">
          To
          <DateInput label="To" value={to} onChange={commit('to')} />
        </label>
        {state.params.toString() ? (
          <Link to="/audit" className="link-button">Clear</Link>
        ) : null}
      </div>
      <ErrorBanner error={error} onRetry={reload} />
      {!data && !error ? <Loading /> : null}
      {data && data.items.length === 0 ? <Empty>No audit entries match.</Empty> : null}
      {data && data.items.length > 0 ? (
        <table className="grid clickable" data-testid="audit-table">
          <thead>
            <tr>
              <th>When</th><th>Who</th><th>Action</th><th>Entity</th><th>Customer</th>
              <th>Source</th><th />
            </tr>
          </thead>
          <tbody>
            {data.items.map((e) => (
              <Fragment key={e.id}>
                <tr onClick={() => setOpenId(openId === e.id ? null : e.id)}
                  className={openId === e.id ? 'selected' : undefined}>
                  <td className="mono">{formatTimestamp(e.at)}</td>
                  <td>
                    {e.actor} <span className="muted small">{e.actorKind}</span>
                  </td>
                  <td className="mono">{e.action}</td>
                  <td>
                    {humanize(e.entityType)}
                    {e.entityId ? <span className="muted"> #{e.entityId}</span> : null}
                  </td>
                  <td>
                    {e.customerId ? (
                      <Link to={`/customers/${e.customerId}`} className="mono"
                        onClick={(ev) => ev.stopPropagation()}>
                        {e.customerAccount ?? `#${e.customerId}`}
                      </Link>
                    ) : ''}
                  </td>
                  <td className="muted">{e.source ?? ''}</td>
                  <td className="muted">{openId === e.id ? '▾' : '▸'}</td>
                </tr>
                {openId === e.id ? (
                  <tr className="detail-row">
                    <td colSpan={7}><Diff entry={e} /></td>
                  </tr>
                ) : null}
              </Fragment>
            ))}
          </tbody>
        </table>
      ) : null}
      {data ? (
        <Pager offset={offset} limit={PAGE} total={data.total}
          onChange={(o) => state.set({ offset: o || null })} />
      ) : null}
    </div>
  );
}
