import { useMemo, useState } from 'react';
import { useNavigate } from 'react-router';
import * as api from '../api.ts';
import type { Item } from '../api.ts';
import { Dialog } from '../components/dialog.tsx';
import {
  Amount, Busy, DateText, Empty, ErrorBanner, Loading, Pager, SortHeader,
} from '../components/ui.tsx';
import { centsToDecimal, parseCents } from '../decimal.ts';
import { formatCount, formatDays, itemTypeLabel } from '../format.ts';
import { useLoad, usePaged, useQueryState } from '../hooks.ts';
import { useSession } from '../session.tsx';
import {
  canRemoveDocuments, documentsByItem, DocumentsCell, ItemDocuments,
} from './account-documents.tsx';
import { canCollect } from './worklist.tsx';

/** Rows rendered at a time; totals and "select all" still cover every row the filter keeps. */
const PAGE = 100;

type ItemSort = 'dueDate' | 'documentDate' | 'number' | 'type' | 'amount' | 'open' | 'daysPastDue';
const SORTS: ItemSort[] = ['dueDate', 'documentDate', 'number', 'type', 'amount', 'open',
  'daysPastDue'];

function compareItems(a: Item, b: Item, sort: ItemSort): number {
  switch (sort) {
    case 'amount':
    case 'open': {
      const x = parseCents(a[sort]) ?? 0n;
      const y = parseCents(b[sort]) ?? 0n;
      return x < y ? -1 : x > y ? 1 : 0;
    }
    case 'daysPastDue':
      return a.daysPastDue - b.daysPastDue;
    default:
      return a[sort].localeCompare(b[sort], undefined, { numeric: true });
  }
}

/** Items after the type and text filters, sorted; ties keep the server's order. */
function visibleItems(items: Item[], type: string, text: string, sort: ItemSort, dir: string) {
  const needle = text.trim().toLowerCase();
  const rows = items.filter((it) => {
    if (type && it.type !== type) return false;
    if (!needle) return true;
    return [it.number, it.poNumber, it.orderNumber, it.reference]
      .some((v) => v && v.toLowerCase().includes(needle));
  });
  const sign = dir === 'desc' ? -1 : 1;
  return rows
    .map((it, i) => ({ it, i }))
    .sort((x, y) => sign * compareItems(x.it, y.it, sort) || x.i - y.i)
    .map((x) => x.it);
}

function totalOf(items: Item[], field: 'amount' | 'open'): string {
  return centsToDecimal(items.reduce((s, it) => s + (parseCents(it[field]) ?? 0n), 0n));
}

export function AccountItems({ customerId, canPay }: { customerId: number; canPay: boolean }) {
  const navigate = useNavigate();
  const state = useQueryState({ status: 'open', isort: 'dueDate', idir: 'asc' });
  const status = state.get('status') === 'all' ? 'all' : 'open';
  const type = state.get('type');
  const text = state.get('iq');
  const sortParam = state.get('isort') as ItemSort;
  const sort = SORTS.includes(sortParam) ? sortParam : 'dueDate';
  const dir = state.get('idir') === 'desc' ? 'desc' : 'asc';
  const { data, error, loading, reload } = useLoad(
    (s) => api.customerItems(customerId, { status }, s),
    [customerId, status],
  );
  const [checked, setChecked] = useState<Set<number>>(new Set());
  const { role } = useSession().user;
  const documents = useLoad((s) => api.customerAttachments(customerId, s), [customerId]);
  const docsByItem = useMemo(() => documentsByItem(documents.data?.items ?? []),
    [documents.data]);
  const [docsOf, setDocsOf] = useState<Item | null>(null);
  const items = data?.items ?? [];
  const rows = useMemo(() => visibleItems(items, type, text, sort, dir),
    [items, type, text, sort, dir]);
  const paged = usePaged(rows, PAGE, JSON.stringify([customerId, status, type, text, sort, dir]));
  const types = [...new Set(items.map((it) => it.type))].sort();
  const picked = items.filter((it) => checked.has(it.id));
  const allVisible = rows.length > 0 && rows.every((it) => checked.has(it.id));
  const toggle = (id: number) =>
    setChecked((prev) => {
      const next = new Set(prev);
      if (next.has(id)) next.delete(id);
      else next.add(id);
      return next;
    });
  const toggleAll = () =>
    setChecked(allVisible ? new Set() : new Set(rows.map((it) => it.id)));
  const onSort = (field: string, d: 'asc' | 'desc') => state.set({ isort: field, idir: d },
    { replace: true });
  const head = (label: string, field: ItemSort, numeric = false) => (
    <SortHeader label={label} field={field} sort={sort} dir={dir} onSort={onSort}
      numeric={numeric} defaultDir={numeric ? 'desc' : 'asc'} />
  );
  const payable = picked.filter((it) => (parseCents(it.open) ?? 0n) > 0n);
  return (
    <section className="panel">
      <Busy active={loading} />
      <div className="toolbar">
        <div className="segmented" role="group" aria-label="Items">
          <button type="button" aria-pressed={status === 'open'}
            onClick={() => state.set({ status: 'open' }, { replace: true })}>Open</button>
          <button type="button" aria-pressed={status === 'all'}
            onClick={() => state.set({ status: 'all' }, { replace: true })}>All</button>
        </div>
        <select aria-label="Type" value={type}
          onChange={(e) => state.set({ type: e.target.value }, { replace: true })}>
          <option value="">All types</option>
          {types.map((t) => <option key={t} value={t}>{itemTypeLabel(t)}</option>)}
        </select>
        <input type="search" placeholder="Number, PO or order" aria-label="Filter items"
          value={text} onChange={(e) => state.set({ iq: e.target.value }, { replace: true })} />
        <div className="spacer" />
        {picked.length > 0 ? (
          <span className="selection-note">
            {formatCount(picked.length)} selected · open <Amount value={totalOf(picked, 'open')} />
            <button type="button" className="link-button" onClick={() => setChecked(new Set())}>
              Clear
            </button>
          </span>
        ) : null}
        {canPay ? (
          <button type="button" className="primary" disabled={payable.length === 0}
            title="Enter a payment and apply it to the selected items"
            onClick={() => navigate(`/payments/new?customerId=${customerId}&items=${
              payable.map((it) => it.id).join(',')}`)}>
            Apply payment to selected
          </button>
        ) : null}
      </div>
      <ErrorBanner error={error} onRetry={reload} />
      {!data && !error ? <Loading /> : null}
      {data && rows.length === 0 ? (
        <Empty>{items.length === 0 ? 'No open items.' : 'No item matches the filter.'}</Empty>
      ) : null}
      {rows.length > 0 ? (
        <table className="grid" data-testid="items-table">
          <thead>
            <tr>
              <th className="check">
                <input type="checkbox" checked={allVisible} onChange={toggleAll}
                  aria-label={rows.length > PAGE
                    ? `Select all ${formatCount(rows.length)} items` : 'Select all'} />
              </th>
              {head('Type', 'type')}
              {head('Number', 'number')}
              {head('Date', 'documentDate')}
              {head('Due', 'dueDate')}
              {head('Days late', 'daysPastDue', true)}
              <th>PO / order</th>
              {head('Amount', 'amount', true)}
              {head('Open', 'open', true)}
              <th>Documents</th>
            </tr>
          </thead>
          <tbody>
            {paged.rows.map((it) => (
              <tr key={it.id} className={checked.has(it.id) ? 'checked' : undefined}
                onClick={() => toggle(it.id)}>
                <td className="check">
                  <input type="checkbox" aria-label={`Select ${it.number}`}
                    checked={checked.has(it.id)} onChange={() => toggle(it.id)}
                    onClick={(e) => e.stopPropagation()} />
                </td>
                <td>{itemTypeLabel(it.type)}</td>
                <td className="mono">{it.number}</td>
                <td><DateText value={it.documentDate} /></td>
                <td><DateText value={it.dueDate} /></td>
                <td className={it.daysPastDue > 0 ? 'num late' : 'num'}>
                  {formatDays(it.daysPastDue)}
                </td>
                <td className="muted">
                  {[it.poNumber, it.orderNumber].filter(Boolean).join(' / ')}
                </td>
                <td className="num"><Amount value={it.amount} /></td>
                <td className="num"><Amount value={it.open} /></td>
                <DocumentsCell item={it} count={docsByItem.get(it.id)?.length ?? 0}
                  onOpen={() => setDocsOf(it)} />
              </tr>
            ))}
          </tbody>
          <tfoot>
            <tr>
              <td />
              <td colSpan={6}>
                {formatCount(rows.length)} {rows.length === 1 ? 'item' : 'items'}
                {rows.length > PAGE ? ', totals of all of them' : ''}
              </td>
              <td className="num"><Amount value={totalOf(rows, 'amount')} strong /></td>
              <td className="num"><Amount value={totalOf(rows, 'open')} strong /></td>
              <td />
            </tr>
          </tfoot>
        </table>
      ) : null}
      <Pager offset={paged.offset} limit={paged.limit} total={paged.total}
        onChange={paged.setOffset} hideSingle />
      <Dialog open={docsOf !== null} title={`Documents · ${docsOf?.number ?? ''}`}
        onClose={() => setDocsOf(null)}>
        {docsOf ? (
          <ItemDocuments item={docsOf} docs={docsByItem.get(docsOf.id) ?? []}
            canUpload={canCollect(role)} canRemove={canRemoveDocuments(role)}
            onChanged={documents.reload} />
        ) : null}
      </Dialog>
    </section>
  );
}
