import { Fragment, useMemo, useState } from 'react';
import { useNavigate } from 'react-router';
import * as api from '../api.ts';
import type { AgingBy, AgingRow } from '../api.ts';
import { AgingChart } from '../components/aging-chart.tsx';
import {
  Amount, Busy, DateText, Empty, ErrorBanner, Loading, Pager, SortHeader,
} from '../components/ui.tsx';
import { bucketLabel, formatCount } from '../format.ts';
import { useLoad, usePaged, useQueryState, useTitle } from '../hooks.ts';
import { cents, Controls, DetailRows, readQuery, Summary } from './aging-parts.tsx';

/** Report rows rendered at a time (the totals row is the whole report's). */
const PAGE = 100;
/** Row keys the server uses for customers without a value and for unidentified cash. */
const NO_VALUE = '(none)';
const UNIDENTIFIED = '(unidentified)';

const KEY_LABEL: Record<AgingBy, string> = {
  customer: 'Account', collector: 'Collector', 'sales-rep': 'Sales rep', region: 'Region',
  none: 'All',
};

/** The customer-list filter that matches a grouping, for click-through from a group row. */
const LIST_FILTER: Partial<Record<AgingBy, string>> = {
  collector: 'collector', 'sales-rep': 'salesRep', region: 'region',
};

/** Client-side ordering of the report rows: key, name, total, unapplied or bucket b<i>. */
function sortRows(rows: AgingRow[], sort: string, dir: string): AgingRow[] {
  const sign = dir === 'desc' ? -1 : 1;
  const value = (r: AgingRow): bigint | string => {
    if (sort === 'total') return cents(r.total);
    if (sort === 'unapplied') return cents(r.unapplied);
    if (sort.startsWith('b')) return cents(r.amounts[Number(sort.slice(1))]);
    return sort === 'name' ? r.name.toLowerCase() : r.key;
  };
  return rows
    .map((r, i) => ({ r, i, v: value(r) }))
    .sort((x, y) => {
      const c = typeof x.v === 'string' && typeof y.v === 'string'
        ? x.v.localeCompare(y.v, undefined, { numeric: true })
        : x.v < y.v ? -1 : x.v > y.v ? 1 : 0;
      return sign * c || x.i - y.i;
    })
    .map((x) => x.r);
}

export function AgingPage() {
  useTitle('Aging');
  const navigate = useNavigate();
  const state = useQueryState({ by: 'customer', basis: 'due', sort: 'key', dir: 'asc' });
  const query = readQuery(state);
  const key = JSON.stringify(query);
  const { data, error, loading, reload } = useLoad((s) => api.aging(query, s), [key]);
  const [filter, setFilter] = useState('');
  const [opening, setOpening] = useState<unknown>();
  const sort = state.get('sort');
  const dir = state.get('dir') === 'desc' ? 'desc' : 'asc';
  const rows = useMemo(() => {
    const needle = filter.trim().toLowerCase();
    const all = data?.rows ?? [];
    const kept = needle
      ? all.filter((r) => r.key.toLowerCase().includes(needle)
        || r.name.toLowerCase().includes(needle))
      : all;
    return sortRows(kept, sort, dir);
  }, [data, filter, sort, dir]);
  const paged = usePaged(rows, PAGE, JSON.stringify([key, filter, sort, dir]));
  const byCustomer = data?.by === 'customer';
  const openRow = async (r: AgingRow) => {
    if (r.key === UNIDENTIFIED) return navigate('/payments');
    if (r.key === NO_VALUE) return;
    if (!byCustomer) {
      const param = data ? LIST_FILTER[data.by] : undefined;
      if (param) {
        navigate(`/customers?${param}=${encodeURIComponent(r.key)}&sort=pastDue&dir=desc`);
      }
      return;
    }
    if (r.customerId) return navigate(`/customers/${r.customerId}`);
    try {
      // Rows by customer are keyed by account number: find the account's id.
      const page = await api.listCustomers({ q: r.key, limit: 20 });
      const hit = page.items.find((c) => c.accountNumber === r.key);
      if (hit) navigate(`/customers/${hit.id}`);
      else setOpening(new Error(`Account ${r.key} was not found.`));
    } catch (e) {
      setOpening(e);
    }
  };
  const onSort = (field: string, d: 'asc' | 'desc') => state.set({ sort: field, dir: d },
    { replace: true });
  const span = (data?.buckets.length ?? 0) + 3 + (byCustomer ? 1 : 0);
  return (
    <div className="page">
      <Busy active={loading} />
      <div className="page-head">
        <h1>Aging</h1>
        {data ? (
          <span className="muted">
            as of <DateText value={data.asOf} /> · {data.currency} ·{' '}
            {formatCount(data.rows.length)} {data.rows.length === 1 ? 'row' : 'rows'}
          </span>
        ) : null}
      </div>
      <Controls state={state} report={data} />
      <ErrorBanner error={error} onRetry={reload} />
      <ErrorBanner error={opening} />
      {!data && !error ? <Loading /> : null}
      {data ? (
        <>
          <section className="panel">
            <h2>Bucket totals</h2>
            <div className="chart-row">
              <AgingChart aging={{ buckets: data.buckets, ...data.totals }} height={210} />
              <Summary report={data} basis={query.basis ?? 'due'} />
            </div>
          </section>
          <section className="panel">
            <div className="toolbar">
              <input type="search" placeholder="Filter rows" aria-label="Filter rows"
                data-hotkey-search value={filter} onChange={(e) => setFilter(e.target.value)} />
              {query.by !== 'none' ? (
                <span className="muted small">
                  {byCustomer ? 'Click a customer to open the account.'
                    : 'Click a row to list its customers.'}
                </span>
              ) : null}
            </div>
            {rows.length === 0 ? <Empty>Nothing open as of this date.</Empty> : (
              <table className="grid clickable sticky" data-testid="aging-table">
                <thead>
                  <tr>
                    <SortHeader label={KEY_LABEL[data.by]} field="key" sort={sort}
                      dir={dir} onSort={onSort} />
                    {byCustomer ? <SortHeader label="Name" field="name" sort={sort} dir={dir}
                      onSort={onSort} /> : null}
                    {data.buckets.map((b, i) => (
                      <SortHeader key={b} label={bucketLabel(b)} field={`b${i}`} sort={sort}
                        dir={dir}
                        onSort={onSort} numeric defaultDir="desc" />
                    ))}
                    <SortHeader label="Unapplied" field="unapplied" sort={sort} dir={dir}
                      onSort={onSort} numeric />
                    <SortHeader label="Total" field="total" sort={sort} dir={dir}
                      onSort={onSort} numeric defaultDir="desc" />
                  </tr>
                </thead>
                <tbody>
                  {paged.rows.map((r) => (
                    <Fragment key={r.key}>
                      <tr onClick={() => void openRow(r)}>
                        <td className={byCustomer ? 'mono' : undefined}>
                          {r.key === NO_VALUE || r.key === UNIDENTIFIED
                            ? <span className="muted">{r.key}</span> : r.key}
                        </td>
                        {byCustomer ? (
                          <td className="name-cell">
                            {r.key === UNIDENTIFIED
                              ? <span className="muted">Payments not matched to a customer</span>
                              : r.name}
                          </td>
                        ) : null}
                        {r.amounts.map((a, i) => (
                          <td key={data.buckets[i]} className="num"><Amount value={a} /></td>
                        ))}
                        <td className="num"><Amount value={r.unapplied} /></td>
                        <td className="num"><Amount value={r.total} strong /></td>
                      </tr>
                      {query.detail ? (
                        <DetailRows row={r} span={span} showCustomer={!byCustomer} />
                      ) : null}
                    </Fragment>
                  ))}
                </tbody>
                <tfoot>
                  <tr data-testid="aging-totals">
                    <td colSpan={byCustomer ? 2 : 1}>Total</td>
                    {data.totals.amounts.map((a, i) => (
                      <td key={data.buckets[i]} className="num"><Amount value={a} strong /></td>
                    ))}
                    <td className="num"><Amount value={data.totals.unapplied} strong /></td>
                    <td className="num" data-testid="aging-grand-total">
                      <Amount value={data.totals.total} strong />
                    </td>
                  </tr>
                </tfoot>
              </table>
            )}
            <Pager offset={paged.offset} limit={paged.limit} total={paged.total}
              onChange={paged.setOffset} hideSingle />
          </section>
        </>
      ) : null}
    </div>
  );
}
