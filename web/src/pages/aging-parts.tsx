// The aging page's pieces: the controls (whose state lives in the address), the headline
// figures beside the chart, and the open items under a row.
import { Link } from 'react-router';
import * as api from '../api.ts';
import type { AgingBasis, AgingBy, AgingQuery, AgingReport, AgingRow } from '../api.ts';
import { DateInput } from '../components/date-input.tsx';
import { Amount, DateText, Pager } from '../components/ui.tsx';
import { centsToDecimal, parseCents } from '../decimal.ts';
import {
  bucketLabel, formatCount, formatDays, formatShare, isIsoDate, itemTypeLabel,
} from '../format.ts';
import { usePaged, type useQueryState } from '../hooks.ts';

/** A row's items rendered at a time under it (the biggest customers have thousands). */
const ITEMS_PAGE = 50;

export const BY: [AgingBy, string][] = [
  ['customer', 'Customer'], ['collector', 'Collector'], ['sales-rep', 'Sales rep'],
  ['region', 'Region'], ['none', 'None'],
];

export function cents(v: string | undefined): bigint {
  return (v === undefined ? null : parseCents(v)) ?? 0n;
}

export function Controls({ state, report }: {
  state: ReturnType<typeof useQueryState>;
  report: AgingReport | undefined;
}) {
  const set = (patch: Record<string, string | boolean>) => state.set(patch, { replace: true });
  const query = readQuery(state);
  return (
    <div className="toolbar wrap">
      <div className="segmented" role="group" aria-label="Group by">
        {BY.map(([by, label]) => (
          <button key={by} type="button" aria-pressed={query.by === by}
            onClick={() => set({ by })}>{label}</button>
        ))}
      </div>
      <label className="inline">
        As of
        <DateInput label="As of" value={state.get('asOf') || report?.asOf || ''}
          onChange={(v) => set({ asOf: v })} />
      </label>
      {state.get('asOf') ? (
        <button type="button" className="link-button" onClick={() => set({ asOf: '' })}>
          Today
        </button>
      ) : null}
      <label className="inline">
        Basis
        <select value={query.basis} onChange={(e) => set({ basis: e.target.value })}>
          <option value="due">Due date</option>
          <option value="invoice">Invoice date</option>
        </select>
      </label>
      <label className="inline" title="Upper day limits of the buckets, e.g. 30,60,90">
        Buckets
        <input value={state.get('buckets')} placeholder="30,45,60,90,120" size={14}
          onChange={(e) => set({ buckets: e.target.value.replace(/[^\d,]/g, '') })} />
      </label>
      <label className="inline check-label">
        <input type="checkbox" checked={query.detail ?? false}
          onChange={(e) => set({ detail: e.target.checked })} />
        Items
      </label>
      <div className="spacer" />
      <a className="button" href={api.agingFileUrl(query, 'csv')} download>
        Export CSV
      </a>
      <a className="button" href={api.agingFileUrl(query, 'xlsx')} download
        data-testid="export-xlsx">
        Export XLSX
      </a>
    </div>
  );
}

export function readQuery(state: ReturnType<typeof useQueryState>): AgingQuery {
  const by = state.get('by') as AgingBy;
  const asOf = state.get('asOf');
  const buckets = state.get('buckets');
  return {
    asOf: isIsoDate(asOf) ? asOf : undefined,
    by: BY.some(([b]) => b === by) ? by : 'customer',
    basis: (state.get('basis') === 'invoice' ? 'invoice' : 'due') as AgingBasis,
    buckets: /^\d+(,\d+)*$/.test(buckets) ? buckets : undefined,
    currency: state.get('currency') || undefined,
    detail: state.get('detail') === 'true' || undefined,
  };
}

/** The headline figures beside the chart: total, past due and its share, unapplied. */
export function Summary({ report, basis }: { report: AgingReport; basis: AgingBasis }) {
  const t = report.totals;
  const overdue = t.amounts.slice(1).reduce((sum, a) => sum + cents(a), 0n);
  const total = cents(t.total);
  const gross = total - cents(t.unapplied);
  const pastDue = centsToDecimal(overdue);
  return (
    <dl className="aging-summary">
      <dt>Total</dt>
      <dd><Amount value={t.total} strong /></dd>
      <dt>{basis === 'due' ? 'Past due' : `Beyond ${bucketLabel(report.buckets[0] ?? '')}`}</dt>
      <dd><Amount value={pastDue} /></dd>
      <dt>Share of open debits</dt>
      <dd className="num">{formatShare(Number(overdue), Number(gross))}</dd>
      <dt>Unapplied credits</dt>
      <dd><Amount value={t.unapplied} /></dd>
      <dt>Rows</dt>
      <dd className="num">{formatCount(report.rows.length)}</dd>
    </dl>
  );
}

export function DetailRows({ row, span, showCustomer }: {
  row: AgingRow; span: number; showCustomer: boolean;
}) {
  const paged = usePaged(row.items ?? [], ITEMS_PAGE, row.key);
  if (!row.items || row.items.length === 0) return null;
  return (
    <tr className="detail-row">
      <td colSpan={span}>
        <table className="grid inner">
          <thead>
            <tr>
              {showCustomer ? <th>Customer</th> : null}
              <th>Type</th><th>Number</th><th>Date</th><th>Due</th>
              <th className="num">Days</th><th>Bucket</th><th className="num">Open</th>
            </tr>
          </thead>
          <tbody>
            {paged.rows.map((it, i) => (
              <tr key={it.id ?? `${it.number}-${paged.offset + i}`}>
                {showCustomer ? (
                  <td className="mono">
                    {it.customerId ? (
                      <Link to={`/customers/${it.customerId}`}
                        onClick={(e) => e.stopPropagation()}>
                        {it.accountNumber ?? `#${it.customerId}`}
                      </Link>
                    ) : (it.accountNumber ?? '')}
                  </td>
                ) : null}
                <td>{itemTypeLabel(it.type)}</td>
                <td className="mono">{it.number}</td>
                <td><DateText value={it.documentDate} /></td>
                <td><DateText value={it.dueDate} /></td>
                <td className="num">{formatDays(it.daysPastDue)}</td>
                <td>{it.bucket ? bucketLabel(it.bucket) : ''}</td>
                <td className="num"><Amount value={it.open} /></td>
              </tr>
            ))}
          </tbody>
        </table>
        <Pager offset={paged.offset} limit={paged.limit} total={paged.total}
          onChange={paged.setOffset} hideSingle />
      </td>
    </tr>
  );
}
