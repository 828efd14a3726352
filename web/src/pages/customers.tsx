import { useEffect, useRef, useState } from 'react';
import type { ChangeEvent } from 'react';
import { Link, useNavigate } from 'react-router';
import * as api from '../api.ts';
import type { CustomerQuery, CustomerSummary } from '../api.ts';
import {
  Amount, Busy, DateText, Empty, ErrorBanner, Loading, Pager, SortHeader, StatusBadge,
} from '../components/ui.tsx';
import { formatCount, formatDays } from '../format.ts';
import { isTypingTarget, useDebounced, useLoad, useQueryState, useTitle } from '../hooks.ts';
import { useSession } from '../session.tsx';

const PAGE = 50;
type Sort = NonNullable<CustomerQuery['sort']>;
const SORTS: Sort[] = ['account', 'name', 'balance', 'pastDue', 'oldest', 'collector'];

/** Arrow keys / j k move the highlighted row, Enter opens it (also from the search field). */
function useRowKeys(count: number, open: (index: number) => void) {
  const [selected, setSelected] = useState(-1);
  useEffect(() => setSelected((s) => (s >= count ? count - 1 : s)), [count]);
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.ctrlKey || e.metaKey || e.altKey || document.querySelector('dialog[open]')) return;
      const fromSearch = e.target instanceof HTMLElement
        && e.target.dataset.hotkeySearch !== undefined;
      if (isTypingTarget(e.target) && !fromSearch) return;
      const down = e.key === 'ArrowDown' || (!fromSearch && e.key === 'j');
      const up = e.key === 'ArrowUp' || (!fromSearch && e.key === 'k');
      if (down || up) {
        e.preventDefault();
        setSelected((s) => Math.max(0, Math.min(count - 1, s + (down ? 1 : -1))));
      } else if (e.key === 'Enter' && selected >= 0
        && !(e.target instanceof HTMLElement && e.target.closest('a, button'))) {
        e.preventDefault();
        open(selected);
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [count, open, selected]);
  return [selected, setSelected] as const;
}

function Filters({ state, collectors }: {
  state: ReturnType<typeof useQueryState>;
  collectors: string[];
}) {
  const { user } = useSession();
  const [text, setText] = useState(state.get('q'));
  const q = useDebounced(text, 250);
  useEffect(() => {
    if (q !== state.get('q')) state.set({ q, offset: null }, { replace: true });
  }, [q]);
  const urlQ = state.get('q');
  useEffect(() => {
    // Follow the address when it changes from outside (back button, Clear), not while typing.
    if (urlQ !== q) setText(urlQ);
  }, [urlQ]);
  const filter = (key: string) => (e: ChangeEvent<HTMLInputElement>) =>
    state.set({ [key]: e.target.value.trim(), offset: null }, { replace: true });
  const mine = user.role === 'collector';
  return (
    <div className="toolbar">
      <input
        type="search"
        className="search-wide"
        placeholder="Search account or name  /"
        aria-label="Search customers"
        data-hotkey-search
        value={text}
        onChange={(e) => setText(e.target.value)}
      />
      <label className="inline">
        Collector
        <input list="collectors" value={state.get('collector')} onChange={filter('collector')}
          size={12} />
      </label>
      <datalist id="collectors">
        {collectors.map((c) => <option key={c} value={c} />)}
      </datalist>
      <label className="inline">
        Sales rep
        <input value={state.get('salesRep')} onChange={filter('salesRep')} size={12} />
      </label>
      <label className="inline">
        Region
        <input value={state.get('region')} onChange={filter('region')} size={8} />
      </label>
      {mine ? (
        <button type="button"
          onClick={() => state.set({ collector: user.displayName, offset: null })}>
          My portfolio
        </button>
      ) : null}
      {state.params.toString() ? (
        <Link to="/customers" className="link-button">Clear</Link>
      ) : null}
    </div>
  );
}

function CustomerRow(props: { c: CustomerSummary; selected: boolean; onOpen: () => void }) {
  const { c, selected, onOpen } = props;
  const ref = useRef<HTMLTableRowElement>(null);
  useEffect(() => {
    if (selected) ref.current?.scrollIntoView({ block: 'nearest' });
  }, [selected]);
  return (
    <tr ref={ref} className={selected ? 'selected' : undefined} onClick={onOpen}
      aria-selected={selected}>
      <td className="mono">
        <Link to={`/customers/${c.id}`} onClick={(e) => e.stopPropagation()}>
          {c.accountNumber}
        </Link>
      </td>
      <td className="name-cell">{c.name}</td>
      <td className="num"><Amount value={c.balance} /></td>
      <td className="num"><Amount value={c.pastDue} /></td>
      <td><DateText value={c.oldestDueDate} /></td>
      <td className="num">{formatDays(c.daysPastDueMax)}</td>
      <td>{c.collector ?? '—'}</td>
      <td>{c.salesRep ?? '—'}</td>
      <td>{c.terms}</td>
      <td><StatusBadge status={c.status} /></td>
    </tr>
  );
}

export function CustomersPage() {
  useTitle('Customers');
  const navigate = useNavigate();
  const state = useQueryState({ sort: 'account', dir: 'asc' });
  const sortParam = state.get('sort') as Sort;
  const sort: Sort = SORTS.includes(sortParam) ? sortParam : 'account';
  const dir = state.get('dir') === 'desc' ? 'desc' : 'asc';
  const offset = Math.max(0, Number(state.get('offset')) || 0);
  const query: CustomerQuery = {
    q: state.get('q') || undefined,
    collector: state.get('collector') || undefined,
    salesRep: state.get('salesRep') || undefined,
    region: state.get('region') || undefined,
    sort, dir, limit: PAGE, offset,
  };
  const key = JSON.stringify(query);
  const { data, error, loading, reload } = useLoad((s) => api.listCustomers(query, s), [key]);
  const rows = data?.items ?? [];
  const open = (i: number) => {
    const c = rows[i];
    if (c) navigate(`/customers/${c.id}`);
  };
  const [selected, setSelected] = useRowKeys(rows.length, open);
  useEffect(() => setSelected(-1), [key, setSelected]);
  const collectors = [...new Set(rows.map((c) => c.collector).filter((c): c is string => !!c))];
  const onSort = (field: string, d: 'asc' | 'desc') =>
    state.set({ sort: field, dir: d, offset: null });
  const head = (label: string, field: Sort, numeric = false) => (
    <SortHeader label={label} field={field} sort={sort} dir={dir} onSort={onSort} numeric={numeric}
      defaultDir={numeric ? 'desc' : 'asc'} />
  );
  return (
    <div className="page">
      <Busy active={loading} />
      <div className="page-head">
        <h1>Customers</h1>
        {data ? <span className="muted">{formatCount(data.total)} accounts</span> : null}
      </div>
      <Filters state={state} collectors={collectors} />
      <ErrorBanner error={error} onRetry={reload} />
      {!data && !error ? <Loading /> : null}
      {data && rows.length === 0 ? <Empty>No customer matches these filters.</Empty> : null}
      {rows.length > 0 ? (
        <table className="grid clickable" data-testid="customer-table">
          <thead>
            <tr>
              {head('Account', 'account')}
              {head('Name', 'name')}
              {head('Balance', 'balance', true)}
              {head('Past due', 'pastDue', true)}
              {head('Oldest due', 'oldest')}
              <th className="num">Days</th>
              {head('Collector', 'collector')}
              <th>Sales rep</th>
              <th>Terms</th>
              <th>Status</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((c, i) => (
              <CustomerRow key={c.id} c={c} selected={i === selected} onOpen={() => open(i)} />
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
