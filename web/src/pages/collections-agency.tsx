import { useState } from 'react';
import type { FormEvent } from 'react';
import { Link } from 'react-router';
import * as api from '../api.ts';
import type { CustomerSummary } from '../api.ts';
import * as q from '../collections-api.ts';
import type { AgencyPlacement } from '../collections-api.ts';
import { CustomerPicker } from '../components/customer-picker.tsx';
import { Dialog } from '../components/dialog.tsx';
import {
  Amount, DateText, Empty, ErrorBanner, Loading, Notice,
} from '../components/ui.tsx';
import { parseCents, sumDecimals } from '../decimal.ts';
import { formatAmount } from '../format.ts';
import { useLoad, useQueryState, useTitle } from '../hooks.ts';
import { CollectionsArea } from './collections-area.tsx';

// Accounts placed with collection agencies: agency, date, amount placed, commission, what the
// agency recovered and what is still out; place an account, record a recovery the agency
// reports, recall. Dunning and the worklist leave a placed account alone.

type Action = { kind: 'place' } | { kind: 'recover' | 'recall'; p: AgencyPlacement };

/** "25" or "12.5" (percent) to basis points, exactly; null when not a percentage. */
function percentToBp(text: string): number | null {
  const c = parseCents(text.replace('%', ''));
  return c === null || c < 0n || c > 10_000n ? null : Number(c);
}

function PlaceForm(props: { onDone: (m: string) => void }) {
  const [customer, setCustomer] = useState<CustomerSummary | null>(null);
  const [agency, setAgency] = useState('');
  const [amount, setAmount] = useState('');
  const [percent, setPercent] = useState('25');
  const [error, setError] = useState<unknown>();
  const bp = percentToBp(percent);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!customer || bp === null) return;
    setError(undefined);
    try {
      await q.placeWithAgency(customer.id, { agency: agency.trim(), commissionBp: bp,
        amount: amount.trim() || undefined }, api.newIdempotencyKey());
      props.onDone(`${customer.accountNumber} placed with ${agency.trim()}.`);
    } catch (x) {
      setError(x);
    }
  };
  return (
    <form className="q-form" onSubmit={(e) => void submit(e)}>
      <div className="q-field"><span>Account</span>
        <CustomerPicker value={customer} autoFocus
          onChange={(c) => { setCustomer(c); setAmount(c?.balance ?? ''); }} />
      </div>
      <label>Agency
        <input value={agency} aria-label="Agency" onChange={(e) => setAgency(e.target.value)} />
      </label>
      <label>Amount placed{customer ? ` (${customer.currency}; default: the open balance)` : ''}
        <input value={amount} aria-label="Amount placed" inputMode="decimal"
          className="num-input" onChange={(e) => setAmount(e.target.value)} />
      </label>
      <label>Commission on recoveries (%)
        <input value={percent} aria-label="Commission percent" inputMode="decimal"
          className={bp === null ? 'num-input invalid' : 'num-input'}
          onChange={(e) => setPercent(e.target.value)} />
      </label>
      <ErrorBanner error={error} />
      <div className="form-actions">
        <button type="submit" className="primary"
          disabled={!customer || !agency.trim() || bp === null}>Place with agency</button>
      </div>
    </form>
  );
}

function PlacementForm(props: { p: AgencyPlacement; kind: 'recover' | 'recall';
  onDone: (m: string) => void; onClose: () => void }) {
  const { p, kind } = props;
  const [text, setText] = useState('');
  const [note, setNote] = useState('');
  const [error, setError] = useState<unknown>();
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setError(undefined);
    try {
      if (kind === 'recover') {
        await q.recordRecovery(p.id, { amount: text.trim(), note: note.trim() || undefined },
          api.newIdempotencyKey());
        props.onDone(`Recovery of ${formatAmount(text.trim())} ${p.currency} recorded on `
          + `${p.accountNumber}.`);
      } else {
        await q.recallPlacement(p.id, text.trim());
        props.onDone(`${p.accountNumber} recalled from ${p.agency}.`);
      }
    } catch (x) {
      setError(x);
    }
  };
  return (
    <form className="q-form" onSubmit={(e) => void submit(e)}>
      <div><strong>{p.accountNumber}</strong> {p.customerName} · {p.agency} · placed{' '}
        <Amount value={p.placed} />, recovered <Amount value={p.recovered} /></div>
      {kind === 'recover' ? (
        <>
          <label>Amount recovered ({p.currency}; at most {formatAmount(p.outstanding)})
            <input value={text} aria-label="Amount recovered" inputMode="decimal" autoFocus
              className="num-input" onChange={(e) => setText(e.target.value)} />
          </label>
          <label>Note (remittance, check number…)
            <input value={note} aria-label="Recovery note"
              onChange={(e) => setNote(e.target.value)} />
          </label>
          <div className="muted small">Tracks the placement and the commission owed; post the
            cash itself as a payment.</div>
        </>
      ) : (
        <label>Why recall
          <textarea rows={2} value={text} aria-label="Recall reason" autoFocus
            onChange={(e) => setText(e.target.value)} />
        </label>
      )}
      <ErrorBanner error={error} />
      <div className="form-actions">
        <button type="button" onClick={props.onClose}>Cancel</button>
        <button type="submit" className="primary" disabled={!text.trim()}>
          {kind === 'recover' ? 'Record recovery' : 'Recall'}</button>
      </div>
    </form>
  );
}

function Totals({ rows }: { rows: AgencyPlacement[] }) {
  if (rows.length < 2 || new Set(rows.map((p) => p.currency)).size !== 1) return null;
  const sum = (f: (p: AgencyPlacement) => string) => <Amount value={sumDecimals(rows.map(f))} />;
  return (
    <tfoot>
      <tr><td colSpan={4}>{rows.length} placements</td>
        <td className="num">{sum((p) => p.placed)}</td><td />
        <td className="num">{sum((p) => p.recovered)}</td>
        <td className="num">{sum((p) => p.commission)}</td>
        <td className="num">{sum((p) => p.netRecovered)}</td>
        <td className="num">{sum((p) => p.outstanding)}</td><td colSpan={2} /></tr>
    </tfoot>
  );
}

export function CollectionsAgencyPage() {
  useTitle('Agency placements');
  const state = useQueryState({ status: 'placed' });
  const status = state.get('status') === 'recalled' ? 'recalled' : 'placed';
  const { data, error, loading, reload } = useLoad((s) => q.agencyPlacements(status, s),
    [status]);
  const [action, setAction] = useState<Action>();
  const [message, setMessage] = useState<string>();
  const done = (m: string) => {
    setAction(undefined);
    setMessage(m);
    reload();
  };
  const rows = data?.items ?? [];
  return (
    <CollectionsArea title="Agency placements" busy={loading} aside={<>
      <div className="segmented" role="group" aria-label="Show">
        {(['placed', 'recalled'] as const).map((s) => (
          <button key={s} type="button" aria-pressed={status === s}
            onClick={() => state.set({ status: s })}>
            {s === 'placed' ? 'With an agency' : 'Recalled'}</button>
        ))}
      </div>
      <div className="spacer" />
      <button type="button" onClick={() => setAction({ kind: 'place' })}>Place an account…</button>
    </>}>
      <ErrorBanner error={error} onRetry={reload} />
      {message ? <Notice kind="ok">{message}</Notice> : null}
      {!data ? (error ? null : <Loading />) : rows.length === 0 ? (
        <Empty>{status === 'placed' ? 'No account is with an agency.'
          : 'No placement has been recalled.'}</Empty>
      ) : (
        <section className="panel flush">
          <table className="grid" data-testid="placements">
            <thead>
              <tr>
                <th>Account</th><th>Customer</th><th>Agency</th><th>Placed on</th>
                <th className="num">Placed</th><th className="num">Commission</th>
                <th className="num">Recovered</th><th className="num">Agency’s share</th>
                <th className="num">Net to us</th><th className="num">Still out</th>
                <th className="num">{status === 'placed' ? 'Balance now' : 'Recalled'}</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {rows.map((p) => (
                <tr key={p.id} data-testid="placement-row">
                  <td className="mono">
                    <Link to={`/customers/${p.customerId}`}>{p.accountNumber}</Link></td>
                  <td className="name-cell">{p.customerName}</td>
                  <td>{p.agency}</td>
                  <td><DateText value={p.placedOn} /></td>
                  <td className="num"><Amount value={p.placed} /></td>
                  <td className="num">{p.commissionPercent}%</td>
                  <td className="num" title={p.recoveries.map((r) => `${r.recoveredOn} `
                    + `${r.amount}${r.note ? ` (${r.note})` : ''}`).join('\n')}>
                    <Amount value={p.recovered} />
                    {p.recoveries.length > 0 ? <span className="muted small">
                      {' '}({p.recoveries.length})</span> : null}</td>
                  <td className="num"><Amount value={p.commission} /></td>
                  <td className="num"><Amount value={p.netRecovered} /></td>
                  <td className="num"><Amount value={p.outstanding} /></td>
                  <td className="num">{status === 'placed' ? <Amount value={p.balance} /> : (
                    <span title={p.recallReason ?? ''}><DateText value={p.recalledOn} /></span>)}
                  </td>
                  <td className="actions">
                    {status === 'placed' ? (
                      <>
                        <button type="button" onClick={() => setAction({ kind: 'recover', p })}>
                          Record recovery…</button>
                        <button type="button" onClick={() => setAction({ kind: 'recall', p })}>
                          Recall…</button>
                      </>
                    ) : <span className="muted small">{p.recallReason}</span>}
                  </td>
                </tr>
              ))}
            </tbody>
            <Totals rows={rows} />
          </table>
        </section>
      )}
      <Dialog open={action !== undefined} onClose={() => setAction(undefined)}
        title={action?.kind === 'place' ? 'Place an account with an agency'
          : action?.kind === 'recover' ? 'Record a recovery' : 'Recall from the agency'}>
        {action?.kind === 'place' ? <PlaceForm onDone={done} /> : action ? (
          <PlacementForm p={action.p} kind={action.kind} onDone={done}
            onClose={() => setAction(undefined)} />) : null}
      </Dialog>
    </CollectionsArea>
  );
}
