import { useEffect, useState } from 'react';
import { Link, useNavigate, useParams, useSearchParams } from 'react-router';
import * as api from '../api.ts';
import type { CustomerSummary, Item } from '../api.ts';
import { ApplyStep, type ApplyPlan } from '../components/apply-step.tsx';
import {
  Amount, Busy, DateText, Empty, ErrorBanner, Loading, Notice, Pager,
} from '../components/ui.tsx';
import { absDecimal } from '../decimal.ts';
import { formatAmount, formatCount, localDate, methodLabel } from '../format.ts';
import { useLoad, useQueryState, useTitle } from '../hooks.ts';
import { canPostCash } from '../roles.ts';
import { useSession } from '../session.tsx';

const PAGE = 50;
const customerCache = new Map<number, Promise<CustomerSummary>>();

/** A customer's account and name, fetched once per id and shared by every row that shows it. */
function CustomerCell({ id }: { id: number }) {
  const [c, setC] = useState<CustomerSummary>();
  useEffect(() => {
    let live = true;
    let p = customerCache.get(id);
    if (!p) {
      p = api.getCustomer(id).then((r) => r.customer);
      p.catch(() => customerCache.delete(id));
      customerCache.set(id, p);
    }
    p.then((v) => live && setC(v), () => undefined);
    return () => {
      live = false;
    };
  }, [id]);
  return (
    <Link to={`/customers/${id}?tab=history`} onClick={(e) => e.stopPropagation()}>
      {c ? <><span className="mono">{c.accountNumber}</span> {c.name}</> : `#${id}`}
    </Link>
  );
}

export function PaymentsPage() {
  useTitle('Payments');
  const { user } = useSession();
  const navigate = useNavigate();
  const state = useQueryState();
  const offset = Math.max(0, Number(state.get('offset')) || 0);
  const { data, error, loading, reload } = useLoad(
    (s) => api.listPayments({ unapplied: true, limit: PAGE, offset }, s), [offset]);
  const mayPost = canPostCash(user.role);
  return (
    <div className="page">
      <Busy active={loading} />
      <div className="page-head">
        <h1>Payments</h1>
        <span className="muted">Unapplied cash, oldest first</span>
        <div className="spacer" />
        {mayPost ? <Link to="/payments/new" className="button primary">Enter payment</Link> : null}
      </div>
      <ErrorBanner error={error} onRetry={reload} />
      {!data && !error ? <Loading /> : null}
      {data && data.items.length === 0 ? <Empty>No unapplied payments. All cash is applied.</Empty>
        : null}
      {data && data.items.length > 0 ? (
        <section className="panel">
          <h2>Unapplied payments ({formatCount(data.total)})</h2>
          <table className="grid" data-testid="unapplied-table">
            <thead>
              <tr>
                <th>Received</th><th>Customer</th><th>Method</th><th>Reference</th>
                <th>Payer</th><th className="num">Amount</th><th className="num">Unapplied</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {data.items.map((p) => (
                <tr key={p.id}>
                  <td><DateText value={p.documentDate} /></td>
                  <td>
                    {p.customerId ? <CustomerCell id={p.customerId} /> : (
                      <span className="badge badge-warn">unidentified</span>
                    )}
                  </td>
                  <td>{methodLabel(p.method)}</td>
                  <td className="mono">{p.reference ?? p.number}</td>
                  <td>{p.payerName ?? ''}</td>
                  <td className="num"><Amount value={absDecimal(p.amount)} /></td>
                  <td className="num"><Amount value={absDecimal(p.open)} /></td>
                  <td className="actions">
                    {mayPost && p.customerId ? (
                      <button type="button" className="small" onClick={() =>
                        navigate(`/payments/${p.id}/apply?customerId=${p.customerId}`)}>
                        Apply…
                      </button>
                    ) : null}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          <Pager offset={offset} limit={PAGE} total={data.total}
            onChange={(o) => state.set({ offset: o || null })} />
        </section>
      ) : null}
    </div>
  );
}

/** Apply an existing unapplied payment (from the list above). */
export function ApplyPaymentPage() {
  useTitle('Apply payment');
  const paymentId = Number(useParams().id);
  const [params] = useSearchParams();
  const customerId = Number(params.get('customerId'));
  const { data, error, reload } = useLoad(async (s) => {
    const page = await api.listPayments({ unapplied: true, customerId, limit: 500 }, s);
    return page.items.find((p) => p.id === paymentId) ?? null;
  }, [paymentId, customerId]);
  const [busy, setBusy] = useState(false);
  const [done, setDone] = useState<string>();
  const [failure, setFailure] = useState<unknown>();
  const [key] = useState(api.newIdempotencyKey);
  const submit = async (payment: Item, plan: ApplyPlan) => {
    setBusy(true);
    setFailure(undefined);
    try {
      const r = await api.applyCredit({ creditId: payment.id, appliedOn: plan.appliedOn,
        lines: plan.lines }, key);
      const n = r.applications.length;
      setDone(`Applied to ${n} ${n === 1 ? 'item' : 'items'}; `
        + `${formatAmount(absDecimal(r.credit.open))} left unapplied.`);
    } catch (e) {
      setFailure(e);
    } finally {
      setBusy(false);
    }
  };
  const head = (
    <div className="page-head">
      <Link to="/payments" className="back">‹ Payments</Link>
      <h1>Apply payment</h1>
    </div>
  );
  if (data === undefined) {
    return <div className="page narrow">{head}{error ? <ErrorBanner error={error}
      onRetry={reload} /> : <Loading />}</div>;
  }
  if (data === null) {
    return <div className="page narrow">{head}<Empty>This payment is fully applied or does not
      exist. <Link to="/payments">Back to unapplied payments</Link></Empty></div>;
  }
  return (
    <div className="page narrow">
      {head}
      <section className="panel">
        <p>
          {methodLabel(data.method)}{' '}
          <span className="mono">{data.reference ?? data.number}</span>{' '}
          received <DateText value={data.documentDate} /> · amount{' '}
          <Amount value={absDecimal(data.amount)} /> · unapplied{' '}
          <Amount value={absDecimal(data.open)} strong /> ·{' '}
          <Link to={`/customers/${customerId}`}>open the account</Link>
        </p>
        <ErrorBanner error={failure} />
        {done ? <Notice kind="ok">{done} <Link to="/payments">Back to the list</Link></Notice> : (
          <ApplyStep customerId={customerId} amount={absDecimal(data.open)}
            appliedOn={localDate(new Date()) < data.documentDate ? data.documentDate
              : localDate(new Date())}
            busy={busy} submitLabel={(n) => `Apply to ${n} ${n === 1 ? 'item' : 'items'}`}
            onSubmit={(plan) => void submit(data, plan)} />
        )}
      </section>
    </div>
  );
}
