import { useEffect, useState } from 'react';
import { flushSync } from 'react-dom';
import * as api from '../api.ts';
import { Amount, Busy, DateText, Empty, ErrorBanner, Loading, Pager } from '../components/ui.tsx';
import { isIsoDate, itemTypeLabel, localDate, startOfMonth } from '../format.ts';
import { useLoad, usePaged, useQueryState } from '../hooks.ts';
import { DateInput } from '../components/date-input.tsx';

/** Lines rendered at a time; a later page starts with the balance brought forward. */
const PAGE = 100;

/** Statement of activity for a date range: opening balance, each document, running balance. */
export function AccountStatement({ customerId }: { customerId: number }) {
  const today = localDate(new Date());
  const state = useQueryState({ from: startOfMonth(today, 3), to: today });
  const from = state.get('from');
  const to = state.get('to');
  const valid = isIsoDate(from) && isIsoDate(to) && from <= to;
  const { data, error, loading, reload } = useLoad(
    (s) => (valid ? api.customerStatement(customerId, from, to, s) : Promise.resolve(undefined)),
    [customerId, from, to],
  );
  // A printed statement has every line: the whole period renders while the browser prints.
  const [printing, setPrinting] = useState(false);
  useEffect(() => {
    const on = () => flushSync(() => setPrinting(true));
    const off = () => setPrinting(false);
    window.addEventListener('beforeprint', on);
    window.addEventListener('afterprint', off);
    return () => {
      window.removeEventListener('beforeprint', on);
      window.removeEventListener('afterprint', off);
    };
  }, []);
  const lines = data?.lines ?? [];
  const paged = usePaged(lines, printing ? Math.max(lines.length, 1) : PAGE,
    `${customerId}|${from}|${to}`);
  const before = paged.offset > 0 ? data?.lines[paged.offset - 1] : undefined;
  return (
    <section className="panel statement">
      <Busy active={loading} />
      <div className="toolbar">
        <label className="inline">
          From
          <DateInput label="From" value={from} max={to}
            onChange={(v) => state.set({ from: v }, { replace: true })} />
        </label>
        <label className="inline">
          To
          <DateInput label="To" value={to} min={from}
            onChange={(v) => state.set({ to: v }, { replace: true })} />
        </label>
        {!valid ? <span className="error-text">Choose a start date on or before the end.</span>
          : null}
        <div className="spacer" />
        <button type="button" onClick={() => window.print()}>Print</button>
      </div>
      <ErrorBanner error={error} onRetry={reload} />
      {!data && !error && valid ? <Loading /> : null}
      {data ? (
        <table className="grid" data-testid="statement-table">
          <thead>
            <tr>
              <th>Date</th>
              <th>Type</th>
              <th>Number</th>
              <th>Description</th>
              <th className="num">Debit</th>
              <th className="num">Credit</th>
              <th className="num">Balance</th>
            </tr>
          </thead>
          <tbody>
            {before ? (
              <tr className="subtotal">
                <td><DateText value={before.date} /></td>
                <td colSpan={5}>Brought forward (lines before this page)</td>
                <td className="num"><Amount value={before.balance} strong /></td>
              </tr>
            ) : (
              <tr className="subtotal">
                <td><DateText value={from} /></td>
                <td colSpan={5}>Opening balance</td>
                <td className="num"><Amount value={data.opening} strong /></td>
              </tr>
            )}
            {paged.rows.map((l, i) => (
              <tr key={`${l.number}-${paged.offset + i}`}>
                <td><DateText value={l.date} /></td>
                <td>{itemTypeLabel(l.type)}</td>
                <td className="mono">{l.number}</td>
                <td>{l.description}</td>
                <td className="num">{isBlank(l.debit) ? '' : <Amount value={l.debit} />}</td>
                <td className="num">{isBlank(l.credit) ? '' : <Amount value={l.credit} />}</td>
                <td className="num"><Amount value={l.balance} /></td>
              </tr>
            ))}
            {data.lines.length === 0 ? (
              <tr><td colSpan={7}><Empty>No activity in this period.</Empty></td></tr>
            ) : null}
          </tbody>
          <tfoot>
            <tr>
              <td><DateText value={to} /></td>
              <td colSpan={5}>Closing balance ({data.currency})</td>
              <td className="num"><Amount value={data.closing} strong /></td>
            </tr>
          </tfoot>
        </table>
      ) : null}
      <Pager offset={paged.offset} limit={paged.limit} total={paged.total}
        onChange={paged.setOffset} hideSingle />
    </section>
  );
}

function isBlank(v: string | null | undefined): boolean {
  return !v || /^-?0*(\.0*)?$/.test(v);
}
