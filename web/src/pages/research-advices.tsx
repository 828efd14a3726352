import { useCallback, useEffect, useState } from 'react';
import { Link } from 'react-router';
import * as api from '../api.ts';
import type { AdviceDeposit, RemittanceAdviceDetail, RemittanceAdviceSummary } from '../api.ts';
import {
  Amount, Busy, DateText, Empty, ErrorBanner, Loading, Notice,
} from '../components/ui.tsx';
import { humanize } from '../format.ts';
import { isTypingTarget, useListKeys, useLoad, useTitle } from '../hooks.ts';

// Remittance advices (X12 820) in the research area: the advices that wait for their deposit
// and those linked to one, an advice's invoice lines, linking it to the deposit it describes
// (which is then matched with the lines) and undoing a wrong link with a reason (what the deposit
// applied since is reversed, never deleted).

type Filter = 'all' | 'unlinked' | 'linked';
const FILTERS: [Filter, string][] = [['unlinked', 'Waiting'], ['linked', 'Linked'],
  ['all', 'All']];

const HEADS: [string, string][] = [['Paid on', ''], ['Trace', ''], ['Payer', ''],
  ['Amount', 'num'], ['Lines', 'num'], ['Deposit', ''], ['Why', '']];

function LinkBadge({ rule }: { rule: string | null }) {
  if (rule === null) return <span className="badge badge-warn">waiting</span>;
  return <span className="badge badge-ok">{rule === 'amount_payer' ? 'amount and payer'
    : humanize(rule)}</span>;
}

function DepositLine({ d }: { d: AdviceDeposit }) {
  return (
    <>
      <span className="mono">{d.reference}</span> · <DateText value={d.receivedOn} /> ·{' '}
      <Amount value={d.amount} /> ({<Amount value={d.unapplied} />} unapplied)
      {d.customer ? <> · <span className="mono">{d.customer.accountNumber}</span>{' '}
        {d.customer.name}</> : <span className="muted"> · no customer yet</span>}
    </>
  );
}

type Line = RemittanceAdviceDetail['lines'][number];
const AMOUNTS: [keyof Line & ('gross' | 'discount' | 'adjustment'), string][] = [
  ['gross', 'Gross'], ['discount', 'Discount'], ['adjustment', 'Adjustment']];

/** The advice's lines; gross, discount and adjustment only when some line states them. */
function Lines({ advice }: { advice: RemittanceAdviceDetail }) {
  const shown = AMOUNTS.filter(([k]) => advice.lines.some((l) => l[k] !== null));
  return (
    <table className="grid" data-testid="advice-lines">
      <thead><tr><th>Type</th><th>Document</th>
        {shown.map(([k, label]) => <th key={k} className="num">{label}</th>)}
        <th className="num">Paid</th></tr></thead>
      <tbody>
        {advice.lines.map((l, i) => (
          <tr key={i}>
            <td>{humanize(l.referenceType)}</td>
            <td className="mono">{l.documentNumber ?? '—'}</td>
            {shown.map(([k]) => (
              <td key={k} className="num"
                title={k === 'adjustment' ? l.adjustmentReason ?? undefined : undefined}>
                <Amount value={l[k]} /></td>))}
            <td className="num"><Amount value={l.paid} strong /></td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function LinkForm({ advice, onDone }: {
  advice: RemittanceAdviceDetail; onDone: (m: string) => void;
}) {
  const [paymentId, setPaymentId] = useState<number | null>(
    advice.candidates[0]?.paymentId ?? null);
  const [error, setError] = useState<unknown>();
  const link = () => api.linkRemittanceAdvice(advice.adviceId, paymentId!).then(
    (r) => onDone(`advice ${advice.adviceId} linked to payment ${r.paymentId}: `
      + r.reasons.join('; ')), setError);
  return (
    <div data-testid="link-advice">
      <h3>Link to its deposit</h3>
      {advice.candidates.length === 0
        ? <p className="muted">No deposit in {advice.currency} without an advice yet.</p> : (
          <table className="grid clickable">
            <thead><tr><th /><th>Deposit</th><th>Received</th><th>Payer</th>
              <th className="num">Amount</th><th className="num">Unapplied</th></tr></thead>
            <tbody>
              {advice.candidates.map((d) => (
                <tr key={d.paymentId} className={d.paymentId === paymentId ? 'selected' : ''}
                  onClick={() => setPaymentId(d.paymentId)}>
                  <td className="check"><input type="radio" name="deposit"
                    style={{ minHeight: 0, margin: 0 }}
                    aria-label={`Deposit ${d.reference}`} checked={d.paymentId === paymentId}
                    onChange={() => setPaymentId(d.paymentId)} /></td>
                  <td className="mono">{d.reference}</td>
                  <td><DateText value={d.receivedOn} /></td>
                  <td>{d.payerName ?? '—'}</td>
                  <td className="num"><Amount value={d.amount} /></td>
                  <td className="num"><Amount value={d.unapplied} /></td>
                </tr>
              ))}
            </tbody>
          </table>)}
      <ErrorBanner error={error} />
      <div className="toolbar wrap" style={{ marginTop: 8 }}>
        <button type="button" className="primary" disabled={paymentId === null} onClick={link}>
          Link and match
        </button>
        <span className="muted small">The deposit is then matched with the advice's lines.</span>
      </div>
    </div>
  );
}

function UnlinkForm({ advice, onDone }: {
  advice: RemittanceAdviceDetail; onDone: (m: string) => void;
}) {
  const [reason, setReason] = useState('');
  const [error, setError] = useState<unknown>();
  const unlink = () => api.unlinkRemittanceAdvice(advice.adviceId, reason).then(
    (r) => onDone(`advice ${advice.adviceId} unlinked from payment ${r.paymentId}: `
      + `${r.reversedApplicationIds.length} application(s) reversed, ${r.unapplied} `
      + 'unapplied again'), setError);
  return (
    <div data-testid="unlink-advice">
      <h3>Linked deposit</h3>
      <p><DepositLine d={advice.deposit!} /></p>
      <p className="muted small">Linked by {advice.linkedBy ?? 'the import'}
        {' '}({advice.linkRule === 'amount_payer' ? 'amount and payer' : advice.linkRule}).
        Unlinking reverses what the deposit applied since the link and restores its own
        remittance; the advice waits for its deposit again.</p>
      <ErrorBanner error={error} />
      <div className="toolbar wrap">
        <input aria-label="Why unlink" placeholder="Why is this the wrong deposit?" size={36}
          value={reason} onChange={(e) => setReason(e.target.value)} />
        <button type="button" className="danger" disabled={reason.trim() === ''}
          onClick={unlink}>Unlink</button>
      </div>
    </div>
  );
}

function Detail({ id, onDone }: { id: number; onDone: (m: string) => void }) {
  const { data, error, reload } = useLoad((signal) => api.getRemittanceAdvice(id, signal), [id]);
  const done = useCallback((m: string) => { onDone(m); reload(); }, [onDone, reload]);
  if (error) return <ErrorBanner error={error} onRetry={reload} />;
  if (!data) return <Loading />;
  return (
    <div data-testid="advice-detail"
      style={{ display: 'grid', gridTemplateColumns: '1fr 1fr', gap: 12, alignItems: 'start' }}>
      <div className="panel">
        <h3>Advice {data.adviceId} · <Amount value={data.amount} /> {data.currency} ·{' '}
          {data.payerName ?? 'unknown payer'} <LinkBadge rule={data.linkRule} /></h3>
        <p className="muted small">Trace <span className="mono">{data.traceNumber ?? '—'}</span>
          {' '}· paid on <DateText value={data.paymentDate} /> · payer account{' '}
          <span className="mono">{data.payerAccount ?? '—'}</span> · {data.file}</p>
        <ul data-testid="advice-reasons">
          {data.reasons.map((r, i) => <li key={i}>{r}</li>)}</ul>
        {data.lines.length > 0 ? <Lines advice={data} />
          : <p className="muted">The advice has no invoice lines.</p>}
        {data.freeText.length > 0
          ? <p className="muted small">{data.freeText.join(' · ')}</p> : null}
      </div>
      <div className="panel">
        {data.deposit ? <UnlinkForm advice={data} onDone={done} />
          : <LinkForm key={data.adviceId} advice={data} onDone={done} />}
      </div>
    </div>
  );
}

/** Enter on an advice: to its form (the first deposit to link, or the reason to unlink). */
function focusDetail(): void {
  document.querySelector<HTMLElement>('[data-testid="advice-detail"] input')?.focus();
}

export function RemittanceAdvicesPage() {
  useTitle('Remittance advices');
  const [filter, setFilter] = useState<Filter>('unlinked');
  const [search, setSearch] = useState('');
  const { data, error, loading, reload } = useLoad((signal) => api.listRemittanceAdvices(
    { unlinked: filter === 'unlinked', linked: filter === 'linked' }, signal), [filter]);
  const [message, setMessage] = useState<string>();
  const words = search.trim().toLowerCase();
  const items = (data?.items ?? []).filter((a) => words === '' || [a.traceNumber, a.payerName,
    a.paymentReference, a.amount, ...a.invoices].some((x) => x?.toLowerCase().includes(words)));
  // ↑↓ (or j k) move through the advices; "/" goes to the search.
  const [selected, setSelected] = useListKeys(items.length, focusDetail);
  const current = items[selected];
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.key !== '/' || isTypingTarget(e.target) || e.ctrlKey || e.metaKey) return;
      e.preventDefault();
      document.querySelector<HTMLInputElement>('input[aria-label="Search advices"]')?.focus();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);
  useEffect(() => setMessage(undefined), [filter]);
  const done = useCallback((m: string) => { setMessage(m); reload(); }, [reload]);
  return (
    <div className="page">
      <Busy active={loading} />
      <div className="page-head">
        <h1>Remittance advices</h1>
        <span className="muted">X12 820 advices and the deposits they describe · ↑↓ select,
          Enter the deposit form, / search</span>
        <div className="spacer" />
        <Link to="/research">← Research queue</Link>
      </div>
      <div className="toolbar wrap">
        <div className="segmented" role="group" aria-label="Show">
          {FILTERS.map(([f, label]) => (
            <button key={f} type="button" aria-pressed={filter === f}
              onClick={() => setFilter(f)}>{label}</button>))}
        </div>
        <input aria-label="Search advices" placeholder="Trace, payer, invoice, amount"
          className="search-wide" value={search} onChange={(e) => setSearch(e.target.value)} />
      </div>
      <ErrorBanner error={error} onRetry={reload} />
      {message ? <Notice kind="ok">{message}</Notice> : null}
      {!data && !error ? <Loading /> : null}
      {data && items.length === 0 ? <Empty>{filter === 'unlinked'
        ? 'No remittance advice waits for its deposit.' : 'No remittance advices.'}</Empty>
        : null}
      {current ? <Detail key={current.adviceId} id={current.adviceId} onDone={done} /> : null}
      {items.length > 0 ? <AdviceTable items={items} current={current}
        onSelect={(id) => setSelected(items.findIndex((a) => a.adviceId === id))} /> : null}
    </div>
  );
}

function AdviceTable({ items, current, onSelect }: { items: RemittanceAdviceSummary[];
  current: RemittanceAdviceSummary | undefined; onSelect: (id: number) => void }) {
  return (
    <table className="grid clickable" data-testid="advices">
      <thead><tr>{HEADS.map(([label, cls]) => <th key={label} className={cls}>{label}</th>)}
      </tr></thead>
      <tbody>
        {items.map((a) => (
          <tr key={a.adviceId} className={a === current ? 'selected' : ''}
            onClick={() => onSelect(a.adviceId)}>
            <td><DateText value={a.paymentDate} /></td>
            <td className="mono">{a.traceNumber ?? '—'}</td>
            <td>{a.payerName ?? '—'}</td>
            <td className="num"><Amount value={a.amount} /></td>
            <td className="num">{a.lines}</td>
            <td>{a.paymentId === null ? <LinkBadge rule={null} /> : <>
              <span className="mono">{a.paymentReference}</span> <LinkBadge rule={a.linkRule} />
            </>}</td>
            <td className="name-cell muted">{a.reasons.join('; ')}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
