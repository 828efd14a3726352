import { Link, useParams } from 'react-router';
import * as api from '../api.ts';
import type { CustomerDetail } from '../api.ts';
import { AgingStripView } from '../components/aging-chart.tsx';
import {
  Amount, Busy, DateText, ErrorBanner, Field, Loading, StatusBadge,
} from '../components/ui.tsx';
import { formatDays, humanize, isNegativeAmount } from '../format.ts';
import { useLoad, useQueryState, useTitle } from '../hooks.ts';
import { canPostCash, canReverse } from '../roles.ts';
import { useSession } from '../session.tsx';
import { AccountHistory } from './account-history.tsx';
import { AccountItems } from './account-items.tsx';
import { AccountStatement } from './account-statement.tsx';
import { AccountCollections } from './account-collections.tsx';
import { canCollect } from './worklist.tsx';

const TABS = [
  ['items', 'Open items'],
  ['history', 'Payments & applications'],
  ['statement', 'Statement of activity'],
  ['collections', 'Collections'],
] as const;
type Tab = (typeof TABS)[number][0];

function Header({ c }: { c: CustomerDetail }) {
  return (
    <div className="account-grid">
      <Field label="Balance"><Amount value={c.balance} strong /></Field>
      <Field label="Past due"><Amount value={c.pastDue} strong /></Field>
      <Field label="Oldest due">
        <DateText value={c.oldestDueDate} />
        {c.daysPastDueMax > 0 ? (
          <span className="late"> · {formatDays(c.daysPastDueMax)} days</span>
        ) : null}
      </Field>
      <Field label="Credit limit">
        {c.creditLimit === null ? <span className="muted">none</span> : (
          <Amount value={c.creditLimit} />
        )}
      </Field>
      <Field label="Available credit">
        {c.availableCredit === null ? <span className="muted">—</span> : (
          <>
            <Amount value={c.availableCredit} />
            {isNegativeAmount(c.availableCredit) ? (
              <span className="badge badge-warn">over limit</span>
            ) : null}
          </>
        )}
      </Field>
      <Field label="Terms">
        <span title={c.termsDescription}>{c.terms}</span>
        <span className="muted"> · {c.termsDescription}</span>
      </Field>
      <Field label="Collector">{c.collector ?? '—'}</Field>
      <Field label="Sales rep">{c.salesRep ?? '—'}</Field>
      <Field label="Region">{c.region ?? '—'}</Field>
      <Field label="Currency">{c.currency}</Field>
      {c.parent ? (
        <Field label="Parent account">
          <Link to={`/customers/${c.parent.id}`}>
            {c.parent.accountNumber} {c.parent.name}
          </Link>
        </Field>
      ) : null}
    </div>
  );
}

function Contacts({ c }: { c: CustomerDetail }) {
  if (c.contacts.length === 0) return <div className="muted small">No contacts on file.</div>;
  return (
    <ul className="contacts">
      {c.contacts.map((p) => (
        <li key={p.id}>
          <strong>{p.name}</strong>
          {p.isPrimary ? <span className="badge badge-ok">primary</span> : null}
          {p.role ? <span className="muted"> {humanize(p.role)}</span> : null}
          {p.email ? <a href={`mailto:${p.email}`}>{p.email}</a> : null}
          {p.phone ? <a href={`tel:${p.phone}`}>{p.phone}</a> : null}
          {p.fax ? <span className="muted">fax {p.fax}</span> : null}
        </li>
      ))}
    </ul>
  );
}

export function CustomerAccountPage() {
  const { user } = useSession();
  const id = Number(useParams().id);
  const state = useQueryState({ tab: 'items' });
  const tabParam = state.get('tab') as Tab;
  const tab: Tab = TABS.some(([t]) => t === tabParam) ? tabParam : 'items';
  const { data, error, loading, reload } = useLoad((s) => api.getCustomer(id, s), [id]);
  useTitle(data ? `${data.customer.accountNumber} ${data.customer.name}` : 'Customer');
  if (!Number.isSafeInteger(id) || id <= 0) {
    return <ErrorBanner error={new Error('There is no such customer address.')} />;
  }
  if (!data) return error ? <ErrorBanner error={error} onRetry={reload} /> : <Loading />;
  const c = data.customer;
  const mayPay = canPostCash(user.role);
  return (
    <div className="page">
      <Busy active={loading} />
      <div className="page-head">
        <Link to="/customers" className="back" title="Back to customers">‹ Customers</Link>
        <h1>{c.name}</h1>
        <span className="mono muted">{c.accountNumber}</span>
        <StatusBadge status={c.status} />
        <div className="spacer" />
        {mayPay ? (
          <Link className="button primary" to={`/payments/new?customerId=${c.id}`}>
            Enter payment
          </Link>
        ) : null}
      </div>
      <ErrorBanner error={error} onRetry={reload} />
      <section className="panel account-head">
        <Header c={c} />
        <div className="account-side">
          <div className="field-label">Contacts</div>
          <Contacts c={c} />
          {c.notes ? <p className="notes">{c.notes}</p> : null}
        </div>
      </section>
      <section className="panel">
        <h2>Aging</h2>
        <AgingStripView aging={data.aging} />
      </section>
      <nav className="tabs" aria-label="Account views">
        {TABS.map(([t, label]) => (
          <button key={t} type="button" role="tab" aria-selected={tab === t}
            onClick={() => state.set({ tab: t })}>
            {label}
          </button>
        ))}
      </nav>
      {tab === 'items' ? <AccountItems customerId={c.id} canPay={mayPay} /> : null}
      {tab === 'history' ? (
        <AccountHistory customerId={c.id} canReverse={canReverse(user.role)} onChanged={reload} />
      ) : null}
      {tab === 'statement' ? <AccountStatement customerId={c.id} /> : null}
      {tab === 'collections' ? (
        <AccountCollections customer={c} canWrite={canCollect(user.role)} />
      ) : null}
    </div>
  );
}
