import { Link, useNavigate } from 'react-router';
import * as api from '../api.ts';
import type { CustomerSummary, Dashboard } from '../api.ts';
import { AgingChart, AgingStripView } from '../components/aging-chart.tsx';
import { Amount, Busy, DateText, Empty, ErrorBanner, Loading } from '../components/ui.tsx';
import { amountToNumber, formatCount, formatDays, formatShare, roleLabel } from '../format.ts';
import { useLoad, useTitle } from '../hooks.ts';
import { seesWholeBook } from '../roles.ts';
import { useSession } from '../session.tsx';

/** The server's row key for customers without a collector and for unidentified cash. */
const NO_COLLECTOR = '(none)';

/** A collector's portfolio is the customers whose collector is their display name. */
function accountsLink(role: string, portfolioName: string): string {
  const mine = role === 'collector' ? `collector=${encodeURIComponent(portfolioName)}&` : '';
  return `/customers?${mine}sort=pastDue&dir=desc`;
}

function Kpis({ d }: { d: Dashboard }) {
  // The same base as the aging page's "share of open debits": credits are not past due.
  const debits = amountToNumber(d.aging.total) - amountToNumber(d.aging.unapplied);
  return (
    <div className="kpis">
      <div className="kpi">
        <div className="kpi-label">Total receivables</div>
        <div className="kpi-value" data-testid="kpi-total">
          <Amount value={d.aging.total} />
        </div>
        <div className="kpi-note">{d.currency}</div>
      </div>
      <div className="kpi kpi-alert">
        <div className="kpi-label">Past due</div>
        <div className="kpi-value">
          <Amount value={d.pastDue} />
        </div>
        <div className="kpi-note">
          {formatShare(amountToNumber(d.pastDue), debits)} of open debits
        </div>
      </div>
      <div className="kpi">
        <div className="kpi-label">Unapplied cash</div>
        <div className="kpi-value">
          <Amount value={d.aging.unapplied} />
        </div>
        <div className="kpi-note">credits not yet applied</div>
      </div>
      <div className="kpi">
        <div className="kpi-label">Customers</div>
        <div className="kpi-value num">{formatCount(d.customers)}</div>
        <div className="kpi-note">in scope</div>
      </div>
    </div>
  );
}

function TopPastDue({ rows }: { rows: CustomerSummary[] }) {
  const navigate = useNavigate();
  if (rows.length === 0) return <Empty>No past-due accounts. Nice.</Empty>;
  return (
    <table className="grid clickable">
      <thead>
        <tr>
          <th>Account</th>
          <th>Name</th>
          <th className="num">Past due</th>
          <th className="num">Balance</th>
          <th>Oldest due</th>
          <th className="num">Days</th>
          <th>Collector</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((c) => (
          <tr key={c.id} onClick={() => navigate(`/customers/${c.id}`)}>
            <td className="mono">
              <Link to={`/customers/${c.id}`}>{c.accountNumber}</Link>
            </td>
            <td>{c.name}</td>
            <td className="num">
              <Amount value={c.pastDue} />
            </td>
            <td className="num">
              <Amount value={c.balance} />
            </td>
            <td>
              <DateText value={c.oldestDueDate} />
            </td>
            <td className="num">{formatDays(c.daysPastDueMax)}</td>
            <td>{c.collector ?? '—'}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function ByCollector({ rows }: { rows: Dashboard['byCollector'] }) {
  const navigate = useNavigate();
  const open = (key: string) =>
    navigate(`/customers?collector=${encodeURIComponent(key)}&sort=pastDue&dir=desc`);
  return (
    <table className="grid clickable">
      <thead>
        <tr>
          <th>Collector</th>
          <th className="num">Total</th>
          <th className="num">Past due</th>
          <th className="num">% past due</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((r) => (
          <tr key={r.key} onClick={() => (r.key === NO_COLLECTOR ? undefined : open(r.key))}>
            <td>
              {r.key === NO_COLLECTOR || !r.key
                ? <span className="muted">No collector (incl. unidentified cash)</span> : r.key}
            </td>
            <td className="num">
              <Amount value={r.total} />
            </td>
            <td className="num">
              <Amount value={r.pastDue} />
            </td>
            <td className="num">
              {formatShare(amountToNumber(r.pastDue), amountToNumber(r.total))}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export function HomePage() {
  const { user } = useSession();
  useTitle('Home');
  const { data, error, loading, reload } = useLoad((s) => api.dashboard(s), []);
  const wholeBook = seesWholeBook(user.role);
  if (!data) {
    return error ? <ErrorBanner error={error} onRetry={reload} /> : <Loading />;
  }
  return (
    <div className="page">
      <Busy active={loading} />
      <div className="page-head">
        <h1>{wholeBook ? 'Whole book' : 'Your portfolio'}</h1>
        <span className="muted">
          {roleLabel(user.role)} · as of <DateText value={data.asOf} />
        </span>
        <div className="spacer" />
        <Link to="/aging" className="button">
          Full aging
        </Link>
        <Link to={accountsLink(user.role, user.displayName)} className="button">
          {wholeBook ? 'All accounts' : 'My accounts'} by past due
        </Link>
      </div>
      <ErrorBanner error={error} onRetry={reload} />
      <Kpis d={data} />
      <section className="panel">
        <h2>Aging mix</h2>
        <AgingStripView aging={data.aging} />
        <AgingChart aging={data.aging} height={190} />
      </section>
      <div className={wholeBook && data.byCollector.length > 0 ? 'columns' : undefined}>
        <section className="panel">
          <h2>Top past-due accounts</h2>
          <TopPastDue rows={data.topPastDue} />
        </section>
        {wholeBook && data.byCollector.length > 0 ? (
          <section className="panel">
            <h2>By collector</h2>
            <ByCollector rows={data.byCollector} />
          </section>
        ) : null}
      </div>
    </div>
  );
}
