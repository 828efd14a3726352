import { useEffect, useMemo, useState } from 'react';
import * as api from '../api.ts';
import type { Item } from '../api.ts';
import { checkPlan, fillOldestFirst, oldestFirst } from '../apply-plan.ts';
import { absCents, centsToDecimal, parseCents } from '../decimal.ts';
import { formatAmount, formatDays, itemTypeLabel } from '../format.ts';
import { useLoad } from '../hooks.ts';
import { Amount, DateText, Empty, ErrorBanner, Loading } from './ui.tsx';
import { DateInput } from './date-input.tsx';

export interface ApplyPlan {
  appliedOn: string;
  lines: api.ApplicationLine[];
}

function toText(plan: Map<number, bigint>): Map<number, string> {
  return new Map([...plan].map(([id, c]) => [id, formatAmount(centsToDecimal(c))]));
}

/** Re-formats a typed amount with separators when it parses; leaves it alone otherwise. */
function tidy(text: string): string {
  const c = parseCents(text);
  return c === null ? text : formatAmount(centsToDecimal(c));
}

/**
 * The apply step: the customer's open debit items oldest first, with checkboxes and editable
 * amounts. Starts filled oldest first up to the payment (or over `preselect` only); whatever is
 * not applied stays on the payment as unapplied cash.
 */
export function ApplyStep(props: {
  customerId: number;
  amount: string;
  appliedOn: string;
  preselect?: number[];
  busy: boolean;
  submitLabel: (linesCount: number) => string;
  onSubmit: (plan: ApplyPlan) => void;
}) {
  const { data, error, reload } = useLoad(
    (s) => api.customerItems(props.customerId, { status: 'open' }, s), [props.customerId]);
  const debits = useMemo(
    () => oldestFirst((data?.items ?? []).filter((it) => (parseCents(it.open) ?? 0n) > 0n)),
    [data],
  );
  const paymentCents = parseCents(props.amount) ?? 0n;
  const [lines, setLines] = useState<Map<number, string>>(new Map());
  const [appliedOn, setAppliedOn] = useState(props.appliedOn);
  const preselectKey = (props.preselect ?? []).join(',');
  const fill = () => {
    const only = props.preselect && props.preselect.length > 0
      ? new Set(props.preselect) : undefined;
    setLines(toText(fillOldestFirst(debits, paymentCents, only)));
  };
  useEffect(() => {
    if (data) fill();
  }, [data, props.amount, preselectKey]);
  const check = checkPlan(paymentCents, debits, lines);
  const toggle = (it: Item) =>
    setLines((prev) => {
      const next = new Map(prev);
      if (next.has(it.id)) {
        next.delete(it.id);
      } else {
        const left = checkPlan(paymentCents, debits, prev).remainderCents;
        const open = parseCents(it.open) ?? 0n;
        next.set(it.id, formatAmount(centsToDecimal(left > 0n && left < open ? left : open)));
      }
      return next;
    });
  const edit = (id: number, text: string) => setLines((prev) => new Map(prev).set(id, text));
  const late = debits.filter((it) => it.documentDate > appliedOn && lines.has(it.id));
  const canSubmit = check.ok && late.length === 0 && !props.busy;
  if (!data) return error ? <ErrorBanner error={error} onRetry={reload} /> : <Loading />;
  return (
    <div className="apply-step">
      <div className="toolbar">
        <button type="button" onClick={fill}>Fill oldest first</button>
        <button type="button" onClick={() => setLines(new Map())}>Clear</button>
        <label className="inline">
          Apply on
          <DateInput label="Apply on" value={appliedOn} onChange={setAppliedOn} />
        </label>
      </div>
      {debits.length === 0 ? (
        <Empty>This customer has no open items: the payment will stay unapplied.</Empty>
      ) : (
        <table className="grid" data-testid="apply-table">
          <thead>
            <tr>
              <th className="check" />
              <th>Type</th><th>Number</th><th>Date</th><th>Due</th>
              <th className="num">Days late</th>
              <th className="num">Open</th>
              <th className="num">Apply</th>
            </tr>
          </thead>
          <tbody>
            {debits.map((it) => {
              const text = lines.get(it.id);
              const err = check.lineErrors.get(it.id);
              return (
                <tr key={it.id} className={text !== undefined ? 'checked' : undefined}>
                  <td className="check">
                    <input type="checkbox" aria-label={`Apply to ${it.number}`}
                      checked={text !== undefined} onChange={() => toggle(it)} />
                  </td>
                  <td>{itemTypeLabel(it.type)}</td>
                  <td className="mono">{it.number}</td>
                  <td><DateText value={it.documentDate} /></td>
                  <td><DateText value={it.dueDate} /></td>
                  <td className="num">{formatDays(it.daysPastDue)}</td>
                  <td className="num"><Amount value={it.open} /></td>
                  <td className="num">
                    {text !== undefined ? (
                      <input className={err ? 'amount-input invalid' : 'amount-input'}
                        aria-label={`Amount for ${it.number}`} aria-invalid={!!err}
                        title={err} value={text} inputMode="decimal"
                        onChange={(e) => edit(it.id, e.target.value)}
                        onBlur={() => edit(it.id, tidy(text))} />
                    ) : null}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
      <ApplySummary amount={props.amount} applied={check.appliedCents}
        remainder={check.remainderCents} />
      {late.length > 0 ? (
        <div className="banner banner-error" role="alert">
          The apply date must be on or after each item’s date: {late.map((it) => it.number)
            .join(', ')} {late.length === 1 ? 'is' : 'are'} dated later.
        </div>
      ) : null}
      {check.lineErrors.size > 0 ? (
        <div className="banner banner-error" role="alert">
          {debits.filter((it) => check.lineErrors.has(it.id)).map((it) => (
            <div key={it.id}>
              <span className="mono">{it.number}</span>: {check.lineErrors.get(it.id)}
              {' '}(open {formatAmount(it.open)})
            </div>
          ))}
        </div>
      ) : null}
      <div className="form-actions">
        <button type="button" className="primary" disabled={!canSubmit}
          onClick={() => props.onSubmit({
            appliedOn,
            lines: debits.filter((it) => lines.has(it.id)).map((it) => ({
              debitId: it.id,
              amount: centsToDecimal(parseCents(lines.get(it.id) ?? '') ?? 0n),
            })),
          })}>
          {props.busy ? 'Saving…' : props.submitLabel(lines.size)}
        </button>
      </div>
    </div>
  );
}

function ApplySummary(props: { amount: string; applied: bigint; remainder: bigint }) {
  const over = props.remainder < 0n;
  return (
    <div className="apply-summary" data-testid="apply-summary">
      <div>
        <span className="field-label">Payment</span>
        <Amount value={props.amount} strong />
      </div>
      <div>
        <span className="field-label">Applied</span>
        <Amount value={centsToDecimal(props.applied)} strong />
      </div>
      <div className={over ? 'over' : undefined}>
        <span className="field-label">{over ? 'Over-applied by' : 'Left unapplied'}</span>
        <Amount value={centsToDecimal(absCents(props.remainder))} strong />
      </div>
    </div>
  );
}
