import type { ReactNode } from 'react';
import { API_BASE, ApiError, queryString, type Role } from '../api.ts';
import { DateInput } from '../components/date-input.tsx';
import {
  Amount, Busy, DateText, Empty, ErrorBanner, Loading,
} from '../components/ui.tsx';
import { addDays, formatCount, isIsoDate, localDate, startOfMonth } from '../format.ts';
import { useLoad, useQueryState, useTitle } from '../hooks.ts';

// Collections reports for managers (GET /reports/collections/*): promises per collector per
// day, agency placements, write-offs by reason and approver, the collector scorecard. Every
// report is a table the server describes (columns with a kind), so one table renders them all;
// CSV and XLSX come from the same address with format=csv|xlsx.

type ReportName = 'promises' | 'agency' | 'write-offs' | 'scorecard';
type Kind = 'text' | 'date' | 'count' | 'money' | 'percent' | 'decimal';
type Value = string | number | null;

interface Report {
  name: ReportName;
  title: string;
  from: string;
  to: string;
  columns: { key: string; header: string; kind: Kind }[];
  rows: Record<string, Value>[];
  totals: Record<string, Value>[];
  notes: string[];
}

const REPORTS: [ReportName, string][] = [
  ['promises', 'Promises'], ['agency', 'Agency placements'], ['write-offs', 'Write-offs'],
  ['scorecard', 'Collector scorecard'],
];

/** The roles with collections.supervise; the server checks again. */
export function canSuperviseCollections(role: Role): boolean {
  return role === 'admin' || role === 'ar_manager' || role === 'credit_manager';
}

interface Range {
  from?: string;
  to?: string;
}

function reportUrl(name: ReportName, range: Range, format?: 'csv' | 'xlsx'): string {
  return `${API_BASE}/reports/collections/${name}${queryString({ ...range, format })}`;
}

async function loadReport(name: ReportName, range: Range, signal: AbortSignal): Promise<Report> {
  const res = await fetch(reportUrl(name, range), {
    headers: { Accept: 'application/json' }, credentials: 'same-origin', signal });
  if (!res.ok) {
    const problem = (await res.json().catch(() => ({}))) as { title?: string; detail?: string;
      code?: string };
    throw new ApiError(res.status, problem);
  }
  return (await res.json()) as Report;
}

function Cell({ kind, value, strong }: { kind: Kind; value: Value; strong?: boolean }) {
  if (value === null || value === '') return <span className="muted">—</span>;
  switch (kind) {
    case 'money': return <Amount value={String(value)} strong={strong} />;
    case 'date': return <DateText value={String(value)} />;
    case 'count': return <>{formatCount(Number(value))}</>;
    case 'percent': return <>{value}%</>;
    default: return <>{String(value)}</>;
  }
}

const numeric = (kind: Kind) => kind !== 'text' && kind !== 'date';
const HEADER_STYLE = { whiteSpace: 'normal', verticalAlign: 'bottom' } as const;

function ReportTable({ report }: { report: Report }) {
  if (report.rows.length === 0) return <Empty>Nothing in this period.</Empty>;
  // Headers may wrap ("Requested / amount"): a report of a dozen columns then fits the page.
  const head = (children: ReactNode, kind: Kind, key: string) => (
    <th key={key} className={numeric(kind) ? 'num' : undefined} style={HEADER_STYLE}>
      {children}
    </th>);
  return (
    <table className="grid sticky" data-testid="report-table">
      <thead>
        <tr>{report.columns.map((c) => head(c.header, c.kind, c.key))}</tr>
      </thead>
      <tbody>
        {report.rows.map((r, i) => (
          <tr key={i}>
            {report.columns.map((c) => (
              <td key={c.key} className={numeric(c.kind) ? 'num' : undefined}>
                <Cell kind={c.kind} value={r[c.key] ?? null} />
              </td>
            ))}
          </tr>
        ))}
      </tbody>
      <tfoot>
        {report.totals.map((r, i) => (
          <tr key={i} data-testid="report-total">
            {report.columns.map((c) => (
              <td key={c.key} className={numeric(c.kind) ? 'num' : undefined}>
                {r[c.key] === null ? null : <Cell kind={c.kind} value={r[c.key] ?? null} strong />}
              </td>
            ))}
          </tr>
        ))}
      </tfoot>
    </table>
  );
}

export function CollectionsReportsPage() {
  useTitle('Collections reports');
  const state = useQueryState({ report: 'promises' });
  const chosen = state.get('report') as ReportName;
  const name = REPORTS.some(([n]) => n === chosen) ? chosen : 'promises';
  const range: Range = {
    from: isIsoDate(state.get('from')) ? state.get('from') : undefined,
    to: isIsoDate(state.get('to')) ? state.get('to') : undefined,
  };
  const { data, error, loading, reload } = useLoad((signal) => loadReport(name, range, signal),
    [name, range.from, range.to]);
  const set = (patch: Record<string, string>) => state.set(patch, { replace: true });
  const today = localDate(new Date());
  const presets: [string, Range][] = [
    ['Last 30 days', {}],
    ['This month', { from: startOfMonth(today), to: today }],
    ['Last month', { from: startOfMonth(today, 1), to: addDays(startOfMonth(today), -1) }],
  ];
  return (
    <div className="page">
      <Busy active={loading} />
      <div className="page-head">
        <h1>Collections reports</h1>
        {data ? (
          <span className="muted">
            <DateText value={data.from} /> to <DateText value={data.to} /> ·{' '}
            {formatCount(data.rows.length)} {data.rows.length === 1 ? 'row' : 'rows'}
          </span>
        ) : null}
      </div>
      <nav className="tabs" aria-label="Reports">
        {REPORTS.map(([n, label]) => (
          <button key={n} type="button" role="tab" aria-selected={n === name}
            onClick={() => set({ report: n })}>{label}</button>
        ))}
      </nav>
      <section className="panel">
        <div className="toolbar wrap">
          <label className="inline">
            From
            <DateInput label="From" value={range.from ?? data?.from ?? ''}
              onChange={(v) => set({ from: v })} />
          </label>
          <label className="inline">
            To
            <DateInput label="To" value={range.to ?? data?.to ?? ''}
              onChange={(v) => set({ to: v })} />
          </label>
          <div className="segmented" role="group" aria-label="Period">
            {presets.map(([label, r]) => (
              <button key={label} type="button"
                aria-pressed={(r.from ?? '') === (range.from ?? '')
                  && (r.to ?? '') === (range.to ?? '')}
                onClick={() => set({ from: r.from ?? '', to: r.to ?? '' })}>{label}</button>
            ))}
          </div>
          <div className="spacer" />
          <a className="button" href={reportUrl(name, range, 'csv')} download>Export CSV</a>
          <a className="button" href={reportUrl(name, range, 'xlsx')} download
            data-testid="export-xlsx">Export XLSX</a>
        </div>
      </section>
      <ErrorBanner error={error} onRetry={reload} />
      {!data && !error ? <Loading /> : null}
      {data ? (
        <section className="panel" aria-label={data.title}>
          <h2>{data.title}</h2>
          <ReportTable report={data} />
          <ul className="muted small" data-testid="report-notes">
            {data.notes.map((n) => <li key={n}>{n}</li>)}
          </ul>
        </section>
      ) : null}
    </div>
  );
}
