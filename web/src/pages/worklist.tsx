import { useCallback, useEffect, useMemo, useRef } from 'react';
import { Link, useNavigate } from 'react-router';
import * as api from '../api.ts';
import type { Role, WorklistEntry } from '../api.ts';
import {
  Amount, Busy, DateText, Empty, ErrorBanner, Loading,
} from '../components/ui.tsx';
import { formatCount, formatDays } from '../format.ts';
import { useListKeys, useLoad, useQueryState, useTitle } from '../hooks.ts';
import { useSession } from '../session.tsx';

// The collector's day: today's ranked worklist (docs/collections.md "Worklist"), worked by
// keyboard. Opening an account remembers the list's order, so the account's "Log contact" panel
// can offer the next account without coming back here.

const ORDER_KEY = 'arc.worklist.order';
const CURRENT_KEY = 'arc.worklist.current';
const LIMIT = 500;

/** Notes the account being worked, so the list selects it again on the way back. */
export function markWorked(customerId: number): void {
  sessionStorage.setItem(CURRENT_KEY, String(customerId));
}

/** Keeps the list's account order for the account page's "next" (this tab only). */
function rememberOrder(items: readonly WorklistEntry[]): void {
  const order = items.map((e) => ({ id: e.customerId, account: e.accountNumber, name: e.name }));
  sessionStorage.setItem(ORDER_KEY, JSON.stringify(order));
}

export interface WorklistPosition {
  index: number;
  count: number;
  next: { id: number; account: string; name: string } | null;
}

/** Where an account stands on the worklist last opened in this tab, or null when not on it. */
export function worklistPosition(customerId: number): WorklistPosition | null {
  let order: { id: number; account: string; name: string }[];
  try {
    order = JSON.parse(sessionStorage.getItem(ORDER_KEY) ?? '[]') as typeof order;
  } catch {
    return null;
  }
  const index = order.findIndex((o) => o.id === customerId);
  if (index < 0) return null;
  return { index, count: order.length, next: order[index + 1] ?? null };
}

const SUPERVISORS: Role[] = ['admin', 'ar_manager', 'credit_manager'];

/** Roles that work accounts (collections.write); the server checks again. */
export function canCollect(role: Role): boolean {
  return SUPERVISORS.includes(role) || role === 'collector';
}

function Flags({ e }: { e: WorklistEntry }) {
  return (
    <span className="flags">
      {e.brokenPromise ? <span className="badge badge-bad">promise broken</span> : null}
      {e.promiseDueToday ? <span className="badge badge-warn">promise due today</span> : null}
      {e.openPromise && !e.promiseDueToday ? (
        <span className="badge badge-ok">promised</span>) : null}
      {e.openDisputes > 0 ? (
        <span className="badge badge-muted">
          {e.openDisputes === 1 ? 'dispute' : `${e.openDisputes} disputes`}
        </span>
      ) : null}
    </span>
  );
}

function Row(props: { e: WorklistEntry; rank: number; selected: boolean; onOpen: () => void;
  showCollector: boolean }) {
  const { e, rank, selected, onOpen } = props;
  const ref = useRef<HTMLTableRowElement>(null);
  useEffect(() => {
    if (selected) ref.current?.scrollIntoView({ block: 'nearest' });
  }, [selected]);
  return (
    <tr ref={ref} className={selected ? 'selected' : undefined} onClick={onOpen}
      aria-selected={selected} data-testid="worklist-row">
      <td className="num muted">{rank}</td>
      <td className="mono">{e.accountNumber}</td>
      <td className="name-cell">{e.name}</td>
      {props.showCollector ? <td>{e.collector ?? '—'}</td> : null}
      <td className="num"><Amount value={e.collectiblePastDue} /></td>
      <td className="num">{e.daysPastDueMax > 0 ? formatDays(e.daysPastDueMax) : '—'}</td>
      <td className="reason-cell">{e.reason}</td>
      <td><Flags e={e} /></td>
      <td>{e.lastContactOn ? <DateText value={e.lastContactOn} /> : (
        <span className="muted">never</span>)}</td>
    </tr>
  );
}

function CollectorPicker(props: { value: string; onChange: (v: string) => void;
  collectors: string[] }) {
  return (
    <label className="inline">
      Collector{' '}
      <select value={props.value} onChange={(e) => props.onChange(e.target.value)}
        aria-label="Collector">
        <option value="">Mine</option>
        <option value="*">Every collector</option>
        {props.collectors.map((c) => <option key={c} value={c}>{c}</option>)}
      </select>
    </label>
  );
}

export function WorklistPage() {
  useTitle('Worklist');
  const { user } = useSession();
  const navigate = useNavigate();
  const supervisor = SUPERVISORS.includes(user.role);
  const state = useQueryState({ collector: '' });
  const collector = supervisor ? state.get('collector') : '';
  const { data, error, loading, reload } = useLoad((s) => api.worklist(
    collector === '*' ? { all: true } : { collector: collector || undefined }, s), [collector]);
  // The picker's names come from everyone's list (supervisors only; one more read).
  const everyone = useLoad((s) => (supervisor ? api.worklist({ all: true }, s)
    : Promise.resolve(undefined)), [supervisor]);
  const collectors = useMemo(() => [...new Set((everyone.data?.items ?? [])
    .map((e) => e.collector).filter((c): c is string => c !== null))].sort(), [everyone.data]);
  const items = data?.items ?? [];
  const open = useCallback((i: number) => {
    const e = items[i];
    if (!e) return;
    rememberOrder(items);
    navigate(`/customers/${e.customerId}?tab=collections`);
  }, [items, navigate]);
  const worked = Number(sessionStorage.getItem(CURRENT_KEY));
  const start = items.findIndex((e) => e.customerId === worked);
  const [selected, setSelected] = useListKeys(items.length, open, start);
  const showCollector = collector === '*';
  // Focus the list once it shows, so the keys work at once (not on the nav link just clicked).
  const tableRef = useRef<HTMLTableElement>(null);
  const hasRows = items.length > 0;
  useEffect(() => {
    if (hasRows) tableRef.current?.focus({ preventScroll: true });
  }, [hasRows]);
  return (
    <div className="page">
      <Busy active={loading} />
      <div className="page-head">
        <h1>Worklist</h1>
        {data ? (
          <span className="muted">
            {items.length >= LIMIT ? `the top ${formatCount(LIMIT)}`
              : formatCount(items.length)} accounts to work · <DateText value={data.asOf} />
          </span>
        ) : null}
        <div className="spacer" />
        {supervisor ? (
          <CollectorPicker value={collector} collectors={collectors}
            onChange={(v) => state.set({ collector: v })} />
        ) : null}
      </div>
      <div className="muted small">
        Ranked by collectible past due (promised and disputed amounts left out), broken
        promises, promises due today, risk and days since the last contact.{' '}
        <kbd>j</kbd>/<kbd>k</kbd> or <kbd>↑</kbd>/<kbd>↓</kbd> to move, <kbd>Enter</kbd> to
        open the account and log the contact.
      </div>
      <ErrorBanner error={error} onRetry={reload} />
      {!data ? (error ? null : <Loading />) : items.length === 0 ? (
        <Empty>
          Nothing to work today. <Link to="/customers">All customers</Link>
        </Empty>
      ) : (
        <section className="panel flush">
          <table ref={tableRef} tabIndex={-1} className="grid clickable sticky worklist"
            data-testid="worklist" aria-label="Worklist">
            <thead>
              <tr>
                <th className="num">#</th>
                <th>Account</th>
                <th>Customer</th>
                {showCollector ? <th>Collector</th> : null}
                <th className="num">Collectible past due</th>
                <th className="num" title="Days past due, oldest item">Days late</th>
                <th>Why today</th>
                <th>Flags</th>
                <th>Last contact</th>
              </tr>
            </thead>
            <tbody>
              {items.map((e, i) => (
                <Row key={e.customerId} e={e} rank={i + 1} selected={i === selected}
                  showCollector={showCollector}
                  onOpen={() => { setSelected(i); open(i); }} />
              ))}
            </tbody>
          </table>
        </section>
      )}
    </div>
  );
}
