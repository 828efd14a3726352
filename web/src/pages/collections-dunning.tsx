import { useState } from 'react';
import { Link } from 'react-router';
import * as api from '../api.ts';
import * as q from '../collections-api.ts';
import type { DunningPreview, DunningRunEntry } from '../collections-api.ts';
import { Dialog } from '../components/dialog.tsx';
import { centsToDecimal, parseCents } from '../decimal.ts';
import {
  Amount, DateText, Empty, ErrorBanner, Loading, Notice, Pager,
} from '../components/ui.tsx';
import { formatAmount, formatCount, formatTimestamp, humanize } from '../format.ts';
import { usePaged, useLoad, useTitle } from '../hooks.ts';
import { CollectionsArea } from './collections-area.tsx';

// Dunning: what a run today would send (one message per customer: the step, channel, items and
// amount), the run itself, and the past runs with their counts. A run never sends the same step
// twice for the same items, so running again the same day sends nothing new.

const PAGE = 50;
const CHANNEL: Record<string, string> = {
  email: 'Email', letter: 'Letter', fax: 'Fax', call_task: 'Call task',
};

function plural(n: number, word: string): string {
  return `${formatCount(n)} ${word}${n === 1 ? '' : 's'}`;
}

function counts(rec: Record<string, number>, labels: Record<string, string> = {}): string {
  const parts = Object.entries(rec).filter(([, n]) => n > 0)
    .map(([k, n]) => `${formatCount(n)} ${labels[k] ?? humanize(k).toLowerCase()}`);
  return parts.length ? parts.join(' · ') : '—';
}

function PreviewSummary({ p }: { p: DunningPreview }) {
  const byChannel: Record<string, number> = {};
  const totals = new Map<string, bigint>();
  for (const m of p.messages) {
    byChannel[m.channel] = (byChannel[m.channel] ?? 0) + 1;
    totals.set(m.currency, (totals.get(m.currency) ?? 0n) + (parseCents(m.total) ?? 0n));
  }
  return (
    <div className="q-summary" data-testid="preview-summary">
      <strong>{formatCount(p.messages.length)} {p.messages.length === 1 ? 'message'
        : 'messages'}</strong>
      {p.messages.length > 0 ? <span>{counts(byChannel, { email: 'email', letter: 'letters',
        fax: 'fax', call_task: 'call tasks' })}</span> : null}
      {[...totals].map(([cur, c]) => (
        <span key={cur}>totaling {formatAmount(centsToDecimal(c))} {cur}</span>
      ))}
      <span className="muted">{Object.values(p.paused).some((n) => n > 0)
        ? `paused: ${counts(p.paused, { agency_placement: 'with an agency',
          promise: 'promised', dispute: 'in dispute' })}` : 'no account paused'}</span>
    </div>
  );
}

function PreviewTable({ p }: { p: DunningPreview }) {
  const page = usePaged(p.messages, PAGE, p.asOf + p.messages.length);
  return (
    <>
      <section className="panel flush">
        <table className="grid sticky" data-testid="dunning-preview">
          <thead>
            <tr><th>Account</th><th>Customer</th><th>Step</th><th>Channel</th><th>To</th>
              <th>Items</th><th className="num">Amount</th><th>Action</th></tr>
          </thead>
          <tbody>
            {page.rows.map((m) => (
              <tr key={m.customerId} data-testid="preview-row">
                <td className="mono">
                  <Link to={`/customers/${m.customerId}?tab=collections`}>{m.accountNumber}</Link>
                </td>
                <td className="name-cell">{m.name}</td>
                <td>{humanize(m.step)}</td>
                <td>{CHANNEL[m.channel] ?? m.channel}</td>
                <td>{m.recipient ?? (m.channel === 'letter' ? <span className="muted">print</span>
                  : <span className="badge badge-bad">no recipient</span>)}</td>
                <td className="mono" title={m.items.map((i) => `${i.number}: ${i.step}`)
                  .join('\n')}>
                  {m.items.slice(0, 3).map((i) => i.number).join(', ')}
                  {m.items.length > 3 ? ` +${m.items.length - 3}` : ''}
                </td>
                <td className="num"><Amount value={m.total} /></td>
                <td>{m.actions.map((a) => (
                  <span key={a} className="badge badge-warn">{humanize(a)}</span>))}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
      <Pager offset={page.offset} limit={page.limit} total={page.total} hideSingle
        onChange={page.setOffset} />
    </>
  );
}

function Runs({ runs }: { runs: DunningRunEntry[] }) {
  if (runs.length === 0) return <Empty>No dunning run yet.</Empty>;
  return (
    <section className="panel flush">
      <table className="grid" data-testid="dunning-runs">
        <thead>
          <tr><th>Started</th><th>Run</th><th>As of</th><th>Status</th>
            <th className="num">Messages</th><th className="num">Item steps</th>
            <th>By channel</th><th>Delivery</th><th>By</th></tr>
        </thead>
        <tbody>
          {runs.map((r) => (
            <tr key={r.id} data-testid="run-row">
              <td>{formatTimestamp(r.startedAt)}</td>
              <td className="mono">{r.runKey}</td>
              <td><DateText value={r.asOf} /></td>
              <td><span className={`badge ${r.status === 'completed' ? 'badge-ok'
                : r.status === 'failed' ? 'badge-bad' : 'badge-warn'}`}>{r.status}</span></td>
              <td className="num">{formatCount(r.messageCount)}</td>
              <td className="num">{formatCount(r.sendCount)}</td>
              <td>{counts(r.byChannel, { call_task: 'call tasks' })}</td>
              <td>{counts(r.byStatus, { no_recipient: 'no recipient', task: 'tasks' })}</td>
              <td>{r.startedBy}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

/** The run's answer as the server gave it: the known counts, then anything else it added. */
function RunAnswer({ answer }: { answer: Awaited<ReturnType<typeof q.startDunningRun>> }) {
  const { run, ...rest } = answer;
  const extra = Object.entries(rest).map(([k, v]) => `${humanize(k)}: ${typeof v === 'object'
    ? Object.entries(v ?? {}).map(([a, b]) => `${humanize(a).toLowerCase()} ${String(b)}`)
      .join(', ') : String(v)}`);
  return (
    <Notice kind="ok">
      <span data-testid="run-answer">
        Run {run.runKey} done: {plural(run.messages, 'message')}, {plural(run.sends, 'item step')},
        {' '}{plural(run.tasks, 'task')}, {plural(run.creditHolds, 'credit hold')}.
        {run.messages === 0 ? ' Nothing new to send.' : ''}
        {extra.length ? ` ${extra.join(' · ')}.` : ''}
      </span>
    </Notice>
  );
}

export function CollectionsDunningPage() {
  useTitle('Dunning');
  const preview = useLoad((s) => q.dunningPreview(s), []);
  const runs = useLoad((s) => q.dunningRuns(s), []);
  const [confirming, setConfirming] = useState(false);
  const [running, setRunning] = useState(false);
  const [answer, setAnswer] = useState<Awaited<ReturnType<typeof q.startDunningRun>>>();
  const [error, setError] = useState<unknown>();
  const run = async () => {
    setRunning(true);
    setError(undefined);
    try {
      const key = `manual:${new Date().toISOString()}`;
      setAnswer(await q.startDunningRun(key, api.newIdempotencyKey()));
      setConfirming(false);
      preview.reload();
      runs.reload();
    } catch (x) {
      setError(x);
    } finally {
      setRunning(false);
    }
  };
  const p = preview.data;
  return (
    <CollectionsArea title="Dunning" busy={preview.loading || runs.loading} aside={<>
      {p ? <span className="muted">preview as of <DateText value={p.asOf} /></span> : null}
      <div className="spacer" />
      <button type="button" className="primary" disabled={!p || running}
        onClick={() => setConfirming(true)}>Run dunning now…</button>
    </>}>
      {answer ? <RunAnswer answer={answer} /> : null}
      <ErrorBanner error={error} />
      <section aria-label="Preview">
        <div className="panel-head"><h2>What a run today would send</h2></div>
        <ErrorBanner error={preview.error} onRetry={preview.reload} />
        {!p ? (preview.error ? null : <Loading label="Working out today’s messages…" />) : (
          <>
            <PreviewSummary p={p} />
            {p.messages.length === 0 ? <Empty>Nothing to send today: every step reached has
              been sent.</Empty> : <PreviewTable p={p} />}
          </>
        )}
      </section>
      <section aria-label="Past runs" style={{ marginTop: 16 }}>
        <div className="panel-head"><h2>Past runs</h2></div>
        <ErrorBanner error={runs.error} onRetry={runs.reload} />
        {runs.data ? <Runs runs={runs.data.items} /> : <Loading />}
      </section>
      <Dialog open={confirming} title="Run dunning now" onClose={() => setConfirming(false)}>
        <div className="q-form">
          <div>
            {p ? <>This records <strong>{formatCount(p.messages.length)}</strong> messages as
              the preview shows them, creates their call tasks and credit holds, and queues the
              emails, faxes and letters.</> : null}
          </div>
          <ErrorBanner error={error} />
          <div className="form-actions">
            <button type="button" onClick={() => setConfirming(false)}>Cancel</button>
            <button type="button" className="primary" disabled={running}
              onClick={() => void run()}>{running ? 'Running…' : 'Run dunning'}</button>
          </div>
        </div>
      </Dialog>
    </CollectionsArea>
  );
}
