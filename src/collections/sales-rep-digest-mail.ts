import type { IsoDate } from '../domain/dates.ts';
import { digestSubject, type DigestCounts } from '../domain/collections/digest.ts';
import { currencyExponent, formatAmount } from '../domain/money.ts';
import type { DigestSections } from './sales-rep-digest-data.ts';

// The sales-rep digest as an email: the same sections as a plain-text body and an HTML one.

export interface DigestMail {
  subject: string;
  text: string;
  html: string;
}

interface Section {
  title: string;
  /** Said when the section is empty. */
  none: string;
  headers: string[];
  /** Columns aligned right (amounts, days). */
  right: readonly number[];
  rows: string[][];
}

const money = (cents: number, currency: string): string =>
  `${formatAmount(cents, currencyExponent(currency), true)} ${currency}`;

const STATUS_WORDS: Record<string, string> = {
  broken: 'broken', partially_kept: 'partially kept', open: 'open', in_review: 'in review',
};

export function digestCounts(s: DigestSections): DigestCounts {
  return {
    newHolds: s.holds.length, brokenPromises: s.brokenPromises.length,
    disputes: s.disputes.length, past60: s.aged.filter((a) => a.threshold === 60).length,
    past90: s.aged.filter((a) => a.threshold === 90).length,
  };
}

function sections(s: DigestSections): Section[] {
  const aged = (threshold: number): Section => ({
    title: `Past ${threshold} days since the last digest`,
    none: `No account reached ${threshold} days past due.`,
    headers: ['Account', 'Name', 'Oldest due', 'Days past due', 'Past due'], right: [3, 4],
    rows: s.aged.filter((a) => a.threshold === threshold).map((a) => [a.accountNumber, a.name,
      a.oldestDueDate, String(a.daysPastDue), money(a.pastDueCents, a.currency)]),
  });
  return [
    { title: 'New credit holds', none: 'No account went on credit hold.',
      headers: ['Account', 'Name', 'On hold since', 'Balance', 'Past due'], right: [3, 4],
      rows: s.holds.map((h) => [h.accountNumber, h.name, h.heldOn,
        money(h.balanceCents, h.currency), money(h.pastDueCents, h.currency)]) },
    { title: 'Broken promises', none: 'No promise to pay was broken.',
      headers: ['Account', 'Name', 'Promised for', 'Promised', 'Paid', 'Status', 'Collector'],
      right: [3, 4],
      rows: s.brokenPromises.map((p) => [p.accountNumber, p.name, p.promisedOn,
        money(p.amountCents, p.currency), money(p.paidCents, p.currency),
        STATUS_WORDS[p.status] ?? p.status, p.collector ?? '']) },
    { title: 'Disputes waiting on you', none: 'No dispute is waiting on you.',
      headers: ['Account', 'Name', 'Dispute', 'Reason', 'Amount', 'Status', 'Days open'],
      right: [4, 6],
      rows: s.disputes.map((d) => [d.accountNumber, d.name, `#${d.disputeId}`,
        d.reasonCode.replace(/_/g, ' '), money(d.amountCents, d.currency),
        STATUS_WORDS[d.status] ?? d.status, String(d.daysOpen)]) },
    aged(90),
    aged(60),
    { title: 'Top outstanding accounts', none: 'None of your accounts owes anything.',
      headers: ['Account', 'Name', 'Balance', 'Past due', 'Days past due'], right: [2, 3, 4],
      rows: s.top.map((t) => [t.accountNumber, t.name, money(t.balanceCents, t.currency),
        money(t.pastDueCents, t.currency), t.daysPastDueMax === null ? ''
          : String(t.daysPastDueMax)]) },
  ];
}

function textSection(x: Section): string {
  const head = `${x.title} (${x.rows.length})`;
  if (x.rows.length === 0) return `${head}\n  ${x.none}`;
  const all = [x.headers, ...x.rows];
  const widths = x.headers.map((_, i) => Math.max(...all.map((r) => (r[i] ?? '').length)));
  const line = (r: string[]) => '  ' + r.map((c, i) => (x.right.includes(i)
    ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join('  ').trimEnd();
  return [head, line(x.headers), ...x.rows.map(line)].join('\n');
}

const escape = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;')
  .replace(/>/g, '&gt;').replace(/"/g, '&quot;');

const CELL = 'padding:3px 10px;border-bottom:1px solid #e3e8ef;';

function htmlSection(x: Section): string {
  const title = `<h3 style="margin:18px 0 6px;font-size:15px">${escape(x.title)} `
    + `<span style="color:#6b7785;font-weight:normal">(${x.rows.length})</span></h3>`;
  if (x.rows.length === 0) return `${title}<p style="margin:0;color:#6b7785">${escape(x.none)}</p>`;
  const align = (i: number) => (x.right.includes(i) ? 'right' : 'left');
  const head = x.headers.map((h, i) => `<th style="${CELL}text-align:${align(i)};`
    + `background:#f5f7fa">${escape(h)}</th>`).join('');
  const rows = x.rows.map((r) => `<tr>${r.map((c, i) => `<td style="${CELL}`
    + `text-align:${align(i)};white-space:nowrap">${escape(c)}</td>`).join('')}</tr>`).join('\n');
  return `${title}<table style="border-collapse:collapse;font-size:13px">`
    + `<thead><tr>${head}</tr></thead><tbody>\n${rows}\n</tbody></table>`;
}

/** The digest's subject and bodies for `salesRep` as of `asOf`: what came after `sinceOn`. */
export function renderDigest(
  s: DigestSections, to: { salesRep: string; asOf: IsoDate; sinceOn: IsoDate },
  companyName: string,
): DigestMail {
  const subject = digestSubject(digestCounts(s), to.asOf);
  const intro = `Your accounts as of ${to.asOf}: what changed after ${to.sinceOn}, and what `
    + 'is waiting on you.';
  const parts = sections(s);
  const text = [`Hello ${to.salesRep},`, '', intro, '', parts.map(textSection).join('\n\n'), '',
    `${companyName} accounts receivable`].join('\n');
  const html = ['<!doctype html><html><body style="font-family:Helvetica,Arial,sans-serif;'
    + 'color:#1b2733">', `<p>Hello ${escape(to.salesRep)},</p>`, `<p>${escape(intro)}</p>`,
  ...parts.map(htmlSection), `<p style="margin-top:18px">${escape(companyName)} accounts `
    + 'receivable</p>', '</body></html>'].join('\n');
  return { subject, text, html };
}
