import type { ReactNode } from 'react';
import { ApiError } from '../api.ts';
import {
  formatAmount, formatCount, formatDate, isNegativeAmount, isZeroAmount,
} from '../format.ts';

/** A money amount: right-aligned by its cell, tabular figures, negatives red with a minus. */
export function Amount({ value, strong }: { value: string | null | undefined; strong?: boolean }) {
  const cls = ['amount'];
  if (isNegativeAmount(value)) cls.push('neg');
  else if (isZeroAmount(value)) cls.push('zero');
  if (strong) cls.push('strong');
  return (
    <span className={cls.join(' ')} data-amount={value ?? ''}>
      {formatAmount(value)}
    </span>
  );
}

export function DateText({ value }: { value: string | null | undefined }) {
  return <span className="date">{formatDate(value)}</span>;
}

/** What went wrong, with the problem+json detail and code when the server sent them. */
export function errorMessage(error: unknown): { title: string; detail?: string; code?: string } {
  if (error instanceof ApiError) {
    if (error.status === 403) {
      return { title: 'Not allowed', detail: error.detail ?? 'Your role cannot do this.' };
    }
    return { title: error.title, detail: error.detail, code: error.code };
  }
  if (error instanceof Error) return { title: 'Something went wrong', detail: error.message };
  return { title: 'Something went wrong', detail: String(error) };
}

export function ErrorBanner({ error, onRetry }: { error: unknown; onRetry?: () => void }) {
  if (!error) return null;
  const m = errorMessage(error);
  return (
    <div className="banner banner-error" role="alert">
      <strong>{m.title}</strong>
      {m.detail && m.detail !== m.title ? <span> — {m.detail}</span> : null}
      {m.code ? <code className="banner-code">{m.code}</code> : null}
      {onRetry ? (
        <button type="button" className="link-button" onClick={onRetry}>
          Retry
        </button>
      ) : null}
    </div>
  );
}

export function Notice({ children, kind = 'info' }: { children: ReactNode; kind?: 'info' | 'ok' }) {
  return (
    <div className={`banner banner-${kind}`} role="status">
      {children}
    </div>
  );
}

export function Loading({ label = 'Loading…' }: { label?: string }) {
  return <div className="state-loading">{label}</div>;
}

export function Empty({ children }: { children: ReactNode }) {
  return <div className="state-empty">{children}</div>;
}

/** A thin bar over a panel while it refreshes in the background. */
export function Busy({ active }: { active: boolean }) {
  return <div className={active ? 'busy busy-on' : 'busy'} aria-hidden="true" />;
}

export function Pager(props: {
  offset: number;
  limit: number;
  total: number;
  onChange: (offset: number) => void;
  /** Hide it when everything fits on one page. */
  hideSingle?: boolean;
}) {
  const { offset, limit, total, onChange, hideSingle } = props;
  if (total === 0 || (hideSingle && total <= limit)) return null;
  const last = Math.min(offset + limit, total);
  return (
    <div className="pager">
      <span>
        {formatCount(offset + 1)}–{formatCount(last)} of {formatCount(total)}
      </span>
      <button type="button" disabled={offset === 0} onClick={() => onChange(0)} title="First page">
        «
      </button>
      <button
        type="button"
        disabled={offset === 0}
        onClick={() => onChange(Math.max(0, offset - limit))}
        title="Previous page"
      >
        ‹ Prev
      </button>
      <button
        type="button"
        disabled={last >= total}
        onClick={() => onChange(offset + limit)}
        title="Next page"
      >
        Next ›
      </button>
    </div>
  );
}

/** A sortable column header: click to sort, again to flip the direction. */
export function SortHeader(props: {
  label: string;
  field: string;
  sort: string;
  dir: 'asc' | 'desc';
  onSort: (field: string, dir: 'asc' | 'desc') => void;
  numeric?: boolean;
  defaultDir?: 'asc' | 'desc';
}) {
  const { label, field, sort, dir, onSort, numeric, defaultDir = 'asc' } = props;
  const active = sort === field;
  const next = active ? (dir === 'asc' ? 'desc' : 'asc') : defaultDir;
  return (
    <th
      className={numeric ? 'num' : undefined}
      aria-sort={active ? (dir === 'asc' ? 'ascending' : 'descending') : 'none'}
    >
      <button type="button" className="sort" onClick={() => onSort(field, next)}>
        {label}
        <span className="sort-mark">{active ? (dir === 'asc' ? '▲' : '▼') : ''}</span>
      </button>
    </th>
  );
}

const STATUS_CLASS: Record<string, string> = {
  active: 'badge-ok',
  on_hold: 'badge-warn',
  inactive: 'badge-muted',
  closed: 'badge-muted',
};

export function StatusBadge({ status }: { status: string }) {
  const label = status.replace(/_/g, ' ');
  return <span className={`badge ${STATUS_CLASS[status] ?? 'badge-muted'}`}>{label}</span>;
}

/** A label/value pair in a header grid. */
export function Field({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div className="field">
      <div className="field-label">{label}</div>
      <div className="field-value">{children}</div>
    </div>
  );
}
