import { useCallback, useEffect, useRef } from 'react';
import { Link, useNavigate } from 'react-router';
import * as api from '../api.ts';
import * as q from '../collections-api.ts';
import type { DisputeQueueEntry, DisputeQueueQuery } from '../collections-api.ts';
import {
  Amount, DateText, Empty, ErrorBanner, Loading, Pager, SortHeader,
} from '../components/ui.tsx';
import { formatAmount, formatCount, humanize } from '../format.ts';
import { useListKeys, useLoad, useQueryState, useTitle } from '../hooks.ts';
import { useSession } from '../session.tsx';
import { CollectionsArea } from './collections-area.tsx';

// Every account's open disputes and deductions in one queue: filter by status, reason, owner,
// collector and age, sort by amount or age, j/k and Enter to open one (its detail keeps the
// queue's filters for the way back). A sales rep sees the ones routed to them.

const PAGE = 50;
const AGES = [['', 'Any age'], ['30', '30+ days'], ['60', '60+ days'], ['90', '90+ days']];

export const DISPUTE_BADGE: Record<q.DisputeStatus, string> = {
  open: 'badge-warn', in_review: 'badge-warn', resolved: 'badge-ok', closed: 'badge-muted',
};

export function DisputeStatusBadge(props: { status: q.DisputeStatus;
  resolution: string | null }) {
  return (
    <>
      <span className={`badge ${DISPUTE_BADGE[props.status]}`}>{humanize(props.status)}</span>
      {props.resolution ? <span className="muted small"> {humanize(props.resolution)}</span>
        : null}
    </>
  );
}

function Select(props: { label: string; value: string; onChange: (v: string) => void;
  options: (string | [string, string])[] }) {
  return (
    <label className="inline">
      {props.label}{' '}
      <select aria-label={props.label} value={props.value}
        onChange={(e) => props.onChange(e.target.value)}>
        {props.options.map((o) => {
          const [value, text] = typeof o === 'string' ? [o, o] : o;
          return <option key={value} value={value}>{text}</option>;
        })}
      </select>
    </label>
  );
}

function Filters(props: { state: ReturnType<typeof useQueryState>; data?: q.DisputeQueue;
  salesRep: boolean; /** A collector's own name: "My accounts" filters to their portfolio. */
  mine?: string }) {
  const { state, data } = props;
  const set = (key: string) => (v: string) => state.set({ [key]: v, offset: null },
    { replace: true });
  const owners = data?.owners ?? [];
  const collectors = data?.collectors ?? [];
  const keep = (list: string[], v: string) => (v && !list.includes(v) ? [...list, v] : list);
  return (
    <div className="q-filters">
      <Select label="Status" value={state.get('status')} onChange={set('status')}
        options={q.DISPUTE_QUEUE_STATUSES.map((s) => [s === 'active' ? '' : s,
          s === 'active' ? 'Open & in review' : humanize(s)])} />
      <Select label="Reason" value={state.get('reasonCode')} onChange={set('reasonCode')}
        options={[['', 'Any reason'], ...api.DISPUTE_REASONS.map((r): [string, string] =>
          [r, humanize(r)])]} />
      <Select label="Type" value={state.get('kind')} onChange={set('kind')}
        options={[['', 'Disputes & deductions'], ['dispute', 'Disputes'],
          ['deduction', 'Deductions']]} />
      {props.salesRep ? null : (
        <Select label="Owner" value={state.get('owner')} onChange={set('owner')}
          options={[['', 'Any owner'], ...keep(owners, state.get('owner'))]} />
      )}
      <Select label="Collector" value={state.get('collector')} onChange={set('collector')}
        options={[['', 'Any collector'], ...keep(collectors, state.get('collector'))]} />
      <Select label="Age" value={state.get('ageDaysMin')} onChange={set('ageDaysMin')}
        options={AGES as [string, string][]} />
      {props.mine && state.get('collector') !== props.mine ? (
        <button type="button" onClick={() => set('collector')(props.mine!)}>My accounts</button>
      ) : null}
      {state.params.toString() ? (
        <Link to="/collections/disputes" className="link-button">Clear filters</Link>
      ) : null}
    </div>
  );
}

function Row(props: { d: DisputeQueueEntry; selected: boolean; onOpen: () => void }) {
  const { d, selected } = props;
  const ref = useRef<HTMLTableRowElement>(null);
  useEffect(() => {
    if (selected) ref.current?.scrollIntoView({ block: 'nearest' });
  }, [selected]);
  const more = d.itemCount - d.itemNumbers.length;
  return (
    <tr ref={ref} className={selected ? 'selected' : undefined} aria-selected={selected}
      onClick={props.onOpen} data-testid="dispute-row">
      <td><DateText value={d.openedOn} /></td>
      <td className="num">{formatCount(d.ageDays)}</td>
      <td className="mono">{d.accountNumber}</td>
      <td className="name-cell">{d.customerName}</td>
      <td>{humanize(d.reasonCode)}{d.kind === 'deduction'
        ? <span className="badge badge-muted">deduction</span> : null}</td>
      <td className="mono">{d.itemNumbers.join(', ')}{more > 0 ? ` +${more}` : ''}</td>
      <td className="num"><Amount value={d.amount} /></td>
      <td>
        <DisputeStatusBadge status={d.status} resolution={d.resolution} />
        {d.approvalPending ? <span className="badge badge-bad">approval pending</span> : null}
      </td>
      <td>{d.owner ?? '—'}</td>
      <td>{d.collector ?? '—'}</td>
      <td className="note-cell"><div className="clip">{d.lastNote ?? ''}</div></td>
    </tr>
  );
}

export function CollectionsDisputesPage() {
  useTitle('Disputes & deductions');
  const { user } = useSession();
  const navigate = useNavigate();
  const state = useQueryState({ sort: 'age', dir: 'desc' });
  const offset = Math.max(0, Number(state.get('offset')) || 0);
  const sort = state.get('sort') === 'amount' ? 'amount' : 'age';
  const dir = state.get('dir') === 'asc' ? 'asc' : 'desc';
  const query: DisputeQueueQuery = {
    status: (state.get('status') || undefined) as DisputeQueueQuery['status'],
    reasonCode: state.get('reasonCode') || undefined, kind: state.get('kind') || undefined,
    owner: state.get('owner') || undefined, collector: state.get('collector') || undefined,
    ageDaysMin: Number(state.get('ageDaysMin')) || undefined, sort, dir, limit: PAGE, offset,
  };
  const key = JSON.stringify(query);
  const { data, error, loading, reload } = useLoad((s) => q.disputesQueue(query, s), [key]);
  const rows = data?.items ?? [];
  const search = state.params.toString();
  const open = useCallback((i: number) => {
    const d = rows[i];
    if (d) navigate(`/collections/disputes/${d.id}${search ? `?${search}` : ''}`);
  }, [rows, navigate, search]);
  const [selected, setSelected] = useListKeys(rows.length, open);
  useEffect(() => setSelected(0), [key, setSelected]);
  const tableRef = useRef<HTMLTableElement>(null);
  const hasRows = rows.length > 0;
  useEffect(() => {
    if (hasRows) tableRef.current?.focus({ preventScroll: true });
  }, [hasRows]);
  const onSort = (field: string, d: 'asc' | 'desc') =>
    state.set({ sort: field, dir: d, offset: null });
  const salesRep = user.role === 'sales_rep';
  return (
    <CollectionsArea title="Disputes & deductions" busy={loading} aside={data ? (
      <span className="muted">
        {salesRep ? `routed to you (${data.routedTo}) · ` : ''}as of <DateText value={data.asOf} />
      </span>) : null}>
      <Filters state={state} data={data} salesRep={salesRep}
        mine={user.role === 'collector' ? user.displayName : undefined} />
      <ErrorBanner error={error} onRetry={reload} />
      {data ? (
        <div className="q-summary" data-testid="dispute-totals">
          <strong>{formatCount(data.total)} {data.total === 1 ? 'dispute' : 'disputes'}</strong>
          {data.totals.map((t) => (
            <span key={t.currency}>{formatAmount(t.amount)} {t.currency}</span>
          ))}
          <span className="muted small">
            <kbd>j</kbd>/<kbd>k</kbd> to move, <kbd>Enter</kbd> to open
          </span>
        </div>
      ) : null}
      {!data ? (error ? null : <Loading />) : rows.length === 0 ? (
        <Empty>No dispute matches these filters.</Empty>
      ) : (
        <section className="panel flush">
          <table ref={tableRef} tabIndex={-1} className="grid clickable sticky worklist"
            data-testid="disputes-queue" aria-label="Disputes">
            <thead>
              <tr>
                <th>Opened</th>
                <SortHeader label="Age (days)" field="age" sort={sort} dir={dir} onSort={onSort}
                  numeric defaultDir="desc" />
                <th>Account</th>
                <th>Customer</th>
                <th>Reason</th>
                <th>Items</th>
                <SortHeader label="Amount" field="amount" sort={sort} dir={dir} onSort={onSort}
                  numeric defaultDir="desc" />
                <th>Status</th>
                <th>Owner</th>
                <th>Collector</th>
                <th>Last note</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((d, i) => (
                <Row key={d.id} d={d} selected={i === selected}
                  onOpen={() => { setSelected(i); open(i); }} />
              ))}
            </tbody>
          </table>
        </section>
      )}
      {data ? (
        <Pager offset={offset} limit={PAGE} total={data.total} hideSingle
          onChange={(o) => state.set({ offset: o || null })} />
      ) : null}
    </CollectionsArea>
  );
}
