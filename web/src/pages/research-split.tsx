import { useEffect, useState } from 'react';
import * as api from '../api.ts';
import type { CustomerSummary, Item } from '../api.ts';
import { CustomerPicker } from '../components/customer-picker.tsx';
import { Amount, DateText, ErrorBanner } from '../components/ui.tsx';
import { centsToDecimal, minCents, parseCents } from '../decimal.ts';

// "Split across customers" in the research queue: one check pays several customers' items (a
// parent for its subsidiaries, a third-party payer). The clerk picks each customer, the part of
// the payment that is theirs and, optionally, the items it pays; what a part does not apply
// stays on that customer's account. The parts must use up the unapplied cash exactly: the
// remainder shows live, and the split is sent only when it is zero.

export interface SplitPartBody {
  account: string;
  amount: string;
  lines: { documentNumber: string; amount: string }[];
}

interface Part {
  key: number;
  customer: CustomerSummary | null;
  amount: string;
  /** Document number -> amount typed. */
  lines: Record<string, string>;
  /** The customer's open items; null while they load. */
  items: Item[] | null;
}

let nextKey = 1;
const emptyPart = (customer: CustomerSummary | null = null): Part =>
  ({ key: nextKey++, customer, amount: '', lines: {}, items: null });

/** Typed amount in cents: null when empty or not a number (0n counts as given). */
const centsOf = (text: string): bigint | null => (text.trim() === '' ? null : parseCents(text));

function linesCents(p: Part): bigint {
  return Object.values(p.lines).reduce((s, v) => s + (centsOf(v) ?? 0n), 0n);
}

/** What is wrong with a part, for the clerk; null when it can be sent. */
function partProblem(p: Part): string | null {
  if (!p.customer) return 'choose the customer';
  const amount = centsOf(p.amount);
  if (amount === null || amount <= 0n) return 'enter the part\'s amount';
  if (Object.values(p.lines).some((v) => v.trim() !== '' && (centsOf(v) ?? 0n) <= 0n)) {
    return 'an item amount is not a positive number';
  }
  if (linesCents(p) > amount) return 'the items take more than the part';
  return null;
}

function PartEditor(props: {
  part: Part; index: number; remainder: bigint;
  /** Changes this part from its latest state (the items arrive after the clerk typed). */
  onChange: (change: (p: Part) => Part) => void; onRemove?: () => void;
}) {
  const { part, index } = props;
  const n = index + 1;
  const [error, setError] = useState<unknown>();
  const customerId = part.customer?.id;
  useEffect(() => {
    if (customerId === undefined) return;
    api.customerItems(customerId, { status: 'open' }).then(
      (r) => props.onChange((p) => ({ ...p,
        items: r.items.filter((i) => !i.open.startsWith('-')) })),
      setError);
  }, [customerId]);
  const amount = centsOf(part.amount) ?? 0n;
  const onAccount = amount - linesCents(part);
  const problem = partProblem(part);
  return (
    <div data-testid={`split-part-${n}`}
      style={{ borderTop: '1px solid var(--line)', padding: '8px 0' }}>
      <div className="toolbar wrap" style={{ alignItems: 'center' }}>
        <strong style={{ minWidth: 48 }}>Part {n}</strong>
        <div className="split-customer" style={{ flex: '1 1 260px' }}>
          <CustomerPicker value={part.customer} id={`split-customer-${n}`}
            onChange={(c) => props.onChange((p) => ({ ...emptyPart(c), key: p.key,
              amount: p.amount }))} />
        </div>
        {props.onRemove ? (
          <button type="button" className="link-button" onClick={props.onRemove}
            aria-label={`Remove part ${n}`}>Remove</button>) : null}
      </div>
      <div className="toolbar wrap" style={{ alignItems: 'center', marginTop: 6 }}>
        <label style={{ marginLeft: 56 }}>
          Amount{' '}
          <input aria-label={`Amount of part ${n}`} inputMode="decimal" size={12}
            value={part.amount}
            onChange={(e) => {
              const amount = e.target.value;
              props.onChange((p) => ({ ...p, amount }));
            }}
          />
        </label>
        {props.remainder > 0n ? (
          <button type="button" className="link-button" aria-label={`Use the rest for part ${n}`}
            onClick={() => props.onChange((p) => ({ ...p,
              amount: centsToDecimal((centsOf(p.amount) ?? 0n) + props.remainder) }))}>
            + rest <Amount value={centsToDecimal(props.remainder)} />
          </button>) : null}
        <span className={problem && part.customer ? 'error-text' : 'muted'}>
          {problem && part.customer ? problem : null}
          {!problem ? <>on account after this part: <Amount value={centsToDecimal(onAccount)} />
          </> : null}
        </span>
      </div>
      <ErrorBanner error={error} />
      {part.customer && part.items && part.items.length > 0 ? (
        <div style={{ maxHeight: 220, overflow: 'auto', marginTop: 6 }}>
          <table className="grid">
            <thead><tr><th>Item</th><th>Due</th><th className="num">Open</th>
              <th className="num">Apply</th></tr></thead>
            <tbody>
              {part.items.map((i) => (
                <tr key={i.id}>
                  <td className="mono">{i.number}</td><td><DateText value={i.dueDate} /></td>
                  <td className="num"><Amount value={i.open} /></td>
                  <td className="num">
                    <input aria-label={`Apply to ${i.number} (part ${n})`} inputMode="decimal"
                      size={10} value={part.lines[i.number] ?? ''}
                      onChange={(e) => {
                        const v = e.target.value;
                        props.onChange((p) => ({ ...p, lines: { ...p.lines, [i.number]: v } }));
                      }}
                      onFocus={(e) => {
                        if (part.lines[i.number] !== undefined) return;
                        // Typing then replaces the amount filled in.
                        const input = e.currentTarget;
                        requestAnimationFrame(() => input.select());
                        const left = amount - linesCents(part);
                        const open = parseCents(i.open) ?? 0n;
                        if (left > 0n) {
                          props.onChange((p) => ({ ...p, lines: { ...p.lines,
                            [i.number]: centsToDecimal(minCents(left, open)) } }));
                        }
                      }} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
      {part.customer && part.items?.length === 0 ? (
        <p className="muted">No open items: the part stays on the account.</p>) : null}
    </div>
  );
}

export function SplitPayment(props: {
  reference: string;
  unapplied: string;
  customerAccount: string | null;
  onSplit: (parts: SplitPartBody[]) => Promise<void>;
  onCancel: () => void;
}) {
  const [parts, setParts] = useState<Part[]>(() => [emptyPart(), emptyPart()]);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();
  // The payment's own customer is the first part, to keep its share.
  useEffect(() => {
    if (!props.customerAccount) return;
    api.listCustomers({ q: props.customerAccount, limit: 5, sort: 'name' }).then((page) => {
      const own = page.items.find((c) => c.accountNumber === props.customerAccount);
      if (!own) return;
      setParts((ps) => ps.map((p, i) => (i === 0 && !p.customer ? { ...p, customer: own } : p)));
    }, setError);
  }, [props.customerAccount]);
  const unapplied = parseCents(props.unapplied) ?? 0n;
  const allocated = parts.reduce((s, p) => s + (centsOf(p.amount) ?? 0n), 0n);
  const remainder = unapplied - allocated;
  const accounts = parts.flatMap((p) => (p.customer ? [p.customer.accountNumber] : []));
  const twice = accounts.find((a, i) => accounts.indexOf(a) !== i);
  const problems = parts.map(partProblem);
  const ready = remainder === 0n && !twice && problems.every((p) => p === null);
  const update = (key: number) => (change: (p: Part) => Part) =>
    setParts((ps) => ps.map((x) => (x.key === key ? change(x) : x)));
  const submit = async () => {
    setBusy(true);
    setError(undefined);
    try {
      await props.onSplit(parts.map((p) => ({
        account: p.customer!.accountNumber,
        amount: centsToDecimal(centsOf(p.amount)!),
        lines: Object.entries(p.lines).filter(([, v]) => v.trim() !== '')
          .map(([documentNumber, v]) => ({ documentNumber, amount: centsToDecimal(centsOf(v)!) })),
      })));
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  return (
    <div className="panel" data-testid="split-payment">
      <h3>Split {props.reference} across customers · <Amount value={props.unapplied} /> unapplied
      </h3>
      <p className="muted">Give each customer its part; apply it to their items or leave it on
        their account. The parts must add up to the unapplied amount.</p>
      {parts.map((p, i) => (
        <PartEditor key={p.key} part={p} index={i} remainder={remainder} onChange={update(p.key)}
          onRemove={parts.length > 1 ? () => setParts((ps) => ps.filter((x) => x.key !== p.key))
            : undefined} />
      ))}
      <ErrorBanner error={error} />
      <div className="toolbar wrap" style={{ borderTop: '1px solid var(--line)', paddingTop: 8 }}>
        <button type="button" onClick={() => setParts((ps) => [...ps, emptyPart()])}>
          Add customer
        </button>
        <strong data-testid="split-remainder"
          className={remainder === 0n ? 'badge badge-ok' : 'error-text'}>
          {remainder === 0n ? 'Fully allocated'
            : remainder > 0n ? <>Left to allocate <Amount value={centsToDecimal(remainder)} /></>
              : <>Over by <Amount value={centsToDecimal(-remainder)} /></>}
        </strong>
        {twice ? <span className="error-text">{twice} is in two parts</span> : null}
        <div className="spacer" />
        <button type="button" onClick={props.onCancel}>Cancel</button>
        <button type="button" className="primary" disabled={!ready || busy} onClick={submit}>
          {busy ? 'Splitting…' : `Split and apply (${parts.length} customers)`}
        </button>
      </div>
    </div>
  );
}
