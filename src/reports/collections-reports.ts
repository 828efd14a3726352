import type { Queryable } from '../db/connection.ts';
import { loadSetting } from '../db/documents.ts';
import { addDays, daysBetween, isIsoDate, type IsoDate } from '../domain/dates.ts';
import { commissionCents } from '../domain/collections/agency.ts';
import { perDayHundredths, rateBp, weekdaysBetween } from '../domain/collections/reports.ts';
import { isCurrencyCode } from '../domain/money.ts';
import { err, ok, type Result } from '../domain/result.ts';

// The collections reports for managers over a date range: promised dollars per collector per
// day, agency placements, write-off requests by reason and approver, and a collector scorecard.
// Each is a table (columns with a kind, rows of values) that the JSON, CSV, XLSX and text
// writers (collections-report-output.ts) and the web page all render the same way. Values are
// integers: money in cents (with the row's currency), rates in basis points, averages in
// hundredths.

export const COLLECTIONS_REPORTS = ['promises', 'agency', 'write-offs', 'scorecard'] as const;
export type CollectionsReportName = (typeof COLLECTIONS_REPORTS)[number];

export type ColumnKind = 'text' | 'date' | 'count' | 'money' | 'percent' | 'decimal';

export interface ReportColumn {
  key: string;
  header: string;
  kind: ColumnKind;
}

/** A row: a value per column key; money columns are in the row's `currency`. */
export type ReportRow = Record<string, string | number | null>;

export interface CollectionsReport {
  name: CollectionsReportName;
  title: string;
  from: IsoDate;
  to: IsoDate;
  columns: ReportColumn[];
  rows: ReportRow[];
  /** One line per currency. */
  totals: ReportRow[];
  /** What the figures mean, for the About sheet and the page. */
  notes: string[];
}

export interface ReportQuery {
  from?: IsoDate;
  to?: IsoDate;
  /** The scorecard's currency; default the base currency. */
  currency?: string;
  /** The business date: the default end of the range and the past-due date. */
  today: IsoDate;
}

export type ReportError =
  | { code: 'date_invalid'; field: string; date: string }
  | { code: 'date_range_invalid'; from: IsoDate; to: IsoDate; daysMax: number }
  | { code: 'currency_invalid'; currency: string };

/** Without dates a report covers the 30 days to today; at most a year and a day. */
export const DEFAULT_RANGE_DAYS = 30;
export const RANGE_DAYS_MAX = 366;

const c = (key: string, header: string, kind: ColumnKind): ReportColumn => ({ key, header, kind });

/**
 * The report `name` over [from, to] (both included). Errors, in order: date_invalid (from,
 * to), date_range_invalid (to before from, or longer than RANGE_DAYS_MAX), currency_invalid.
 */
export async function collectionsReport(
  db: Queryable, name: CollectionsReportName, q: ReportQuery,
): Promise<Result<CollectionsReport, ReportError>> {
  for (const [field, date] of [['from', q.from], ['to', q.to]] as const) {
    if (date !== undefined && !isIsoDate(date)) return err({ code: 'date_invalid', field, date });
  }
  const to = q.to ?? q.today;
  const from = q.from ?? addDays(to, -(DEFAULT_RANGE_DAYS - 1));
  const days = daysBetween(from, to) + 1;
  if (days < 1 || days > RANGE_DAYS_MAX) {
    return err({ code: 'date_range_invalid', from, to, daysMax: RANGE_DAYS_MAX });
  }
  if (q.currency !== undefined && !isCurrencyCode(q.currency)) {
    return err({ code: 'currency_invalid', currency: q.currency });
  }
  const range = { from, to };
  switch (name) {
    case 'promises': return ok(await promisesReport(db, range));
    case 'agency': return ok(await agencyReport(db, range));
    case 'write-offs': return ok(await writeOffsReport(db, range));
    case 'scorecard': return ok(await scorecardReport(db, { ...range, today: q.today,
      currency: q.currency ?? String(await loadSetting(db, 'base_currency') ?? 'USD') }));
  }
}

interface Range {
  from: IsoDate;
  to: IsoDate;
}

/** Sums `keys` of the rows per currency into total lines labelled in `labelKey`. */
function totalsByCurrency(
  rows: readonly ReportRow[], labelKey: string, keys: readonly string[],
): ReportRow[] {
  const out = new Map<string, ReportRow>();
  for (const r of rows) {
    const currency = String(r.currency);
    const t = out.get(currency) ?? { [labelKey]: 'Total', currency, lines: 0 };
    t.lines = Number(t.lines) + 1;
    for (const k of keys) t[k] = Number(t[k] ?? 0) + Number(r[k] ?? 0);
    out.set(currency, t);
  }
  return [...out.values()].sort((a, b) => String(a.currency).localeCompare(String(b.currency)));
}

/** A person's name: their display name when the actor is a user, else the actor as recorded. */
const PERSON = (column: string) => `coalesce(u.display_name, ${column})`;

async function promisesReport(db: Queryable, r: Range): Promise<CollectionsReport> {
  const rows = await db.query<ReportRow>(
    `SELECT p.made_on AS day, ${PERSON('p.created_by')} AS collector, p.currency,
       count(*)::int AS promises, sum(p.amount_cents)::bigint AS promised,
       count(*) FILTER (WHERE p.status = 'kept')::int AS kept,
       coalesce(sum(p.amount_cents) FILTER (WHERE p.status = 'kept'), 0)::bigint AS "keptAmount",
       count(*) FILTER (WHERE p.status = 'partially_kept')::int AS "partiallyKept",
       count(*) FILTER (WHERE p.status = 'broken')::int AS broken,
       coalesce(sum(p.amount_cents) FILTER (WHERE p.status = 'broken'), 0)::bigint
         AS "brokenAmount",
       count(*) FILTER (WHERE p.status = 'open')::int AS open,
       sum(p.paid_cents)::bigint AS paid
     FROM promises p LEFT JOIN users u ON u.username = p.created_by
     WHERE p.made_on BETWEEN $1 AND $2 AND p.status <> 'cancelled'
     GROUP BY p.made_on, 2, p.currency ORDER BY p.made_on, 2, p.currency`, [r.from, r.to]);
  const sums = ['promises', 'promised', 'kept', 'keptAmount', 'partiallyKept', 'broken',
    'brokenAmount', 'open', 'paid'];
  return {
    name: 'promises', title: 'Promises to pay', ...r, rows: rows.rows,
    columns: [c('day', 'Day', 'date'), c('collector', 'Collector', 'text'),
      c('currency', 'Currency', 'text'), c('promises', 'Promises', 'count'),
      c('promised', 'Promised', 'money'), c('kept', 'Kept', 'count'),
      c('keptAmount', 'Kept amount', 'money'), c('partiallyKept', 'Partly kept', 'count'),
      c('broken', 'Broken', 'count'), c('brokenAmount', 'Broken amount', 'money'),
      c('open', 'Open', 'count'), c('paid', 'Paid toward', 'money')],
    totals: totalsByCurrency(rows.rows, 'collector', sums).map((t) => ({ ...t, day: null })),
    notes: ['One line per day the promises were taken, per person who took them.',
      'Kept, partly kept and broken as the nightly evaluation has marked them so far; open '
      + 'ones are not due yet (or within their grace days).'],
  };
}

async function agencyReport(db: Queryable, r: Range): Promise<CollectionsReport> {
  const placed = await db.query<{ agency: string; account: string; name: string;
    placedOn: IsoDate; currency: string; placed: number; commissionBp: number;
    recovered: number; status: string; recalledOn: IsoDate | null }>(
    `SELECT a.agency, c.account_number AS account, c.name, a.placed_on AS "placedOn",
       a.currency, a.placed_cents AS placed, a.commission_bp AS "commissionBp",
       a.recovered_cents AS recovered, a.status, a.recalled_on AS "recalledOn"
     FROM agency_placements a JOIN customers c ON c.id = a.customer_id
     WHERE a.placed_on BETWEEN $1 AND $2 ORDER BY a.agency, a.placed_on, a.id`,
    [r.from, r.to]);
  const rows: ReportRow[] = placed.rows.map((p) => {
    const commission = commissionCents(p.recovered, p.commissionBp);
    return { ...p, commissionDue: commission, net: p.recovered - commission };
  });
  return {
    name: 'agency', title: 'Agency placements', ...r, rows,
    columns: [c('agency', 'Agency', 'text'), c('account', 'Account', 'text'),
      c('name', 'Name', 'text'), c('placedOn', 'Placed on', 'date'),
      c('currency', 'Currency', 'text'), c('placed', 'Placed', 'money'),
      c('commissionBp', 'Commission', 'percent'), c('recovered', 'Recovered', 'money'),
      c('commissionDue', 'Commission due', 'money'), c('net', 'Net to us', 'money'),
      c('status', 'Status', 'text'), c('recalledOn', 'Recalled on', 'date')],
    totals: totalsByCurrency(rows, 'agency', ['placed', 'recovered', 'commissionDue', 'net'])
      .map((t) => ({ ...t, agency: `Total (${t.lines} placed)` })),
    notes: ['Placements made in the period; recoveries are what the agencies reported so far.',
      'Commission due = recovered x the commission rate, to the cent; net = recovered less it.'],
  };
}

async function writeOffsReport(db: Queryable, r: Range): Promise<CollectionsReport> {
  const rows = await db.query<ReportRow>(
    `SELECT w.reason, ${PERSON('w.decided_by')} AS approver, w.currency,
       count(*)::int AS requested, sum(w.amount_cents)::bigint AS "requestedAmount",
       count(*) FILTER (WHERE w.status = 'approved')::int AS approved,
       coalesce(sum(w.amount_cents) FILTER (WHERE w.status = 'approved'), 0)::bigint
         AS "approvedAmount",
       count(*) FILTER (WHERE w.status = 'rejected')::int AS rejected,
       coalesce(sum(w.amount_cents) FILTER (WHERE w.status = 'rejected'), 0)::bigint
         AS "rejectedAmount",
       count(*) FILTER (WHERE w.status = 'pending')::int AS pending,
       coalesce(sum(w.amount_cents) FILTER (WHERE w.status = 'pending'), 0)::bigint
         AS "pendingAmount",
       count(d.id)::int AS posted, coalesce(-sum(d.amount_cents), 0)::bigint AS "postedAmount"
     FROM write_off_requests w LEFT JOIN users u ON u.username = w.decided_by
     LEFT JOIN documents d ON d.id = w.write_off_document_id
     WHERE w.requested_on BETWEEN $1 AND $2
     GROUP BY w.reason, 2, w.currency ORDER BY w.reason, 2 NULLS FIRST, w.currency`,
    [r.from, r.to]);
  const sums = ['requested', 'requestedAmount', 'approved', 'approvedAmount', 'rejected',
    'rejectedAmount', 'pending', 'pendingAmount', 'posted', 'postedAmount'];
  return {
    name: 'write-offs', title: 'Write-offs', ...r, rows: rows.rows,
    columns: [c('reason', 'Reason', 'text'), c('approver', 'Decided by', 'text'),
      c('currency', 'Currency', 'text'), c('requested', 'Requested', 'count'),
      c('requestedAmount', 'Requested amount', 'money'), c('approved', 'Approved', 'count'),
      c('approvedAmount', 'Approved amount', 'money'), c('rejected', 'Rejected', 'count'),
      c('rejectedAmount', 'Rejected amount', 'money'), c('pending', 'Pending', 'count'),
      c('pendingAmount', 'Pending amount', 'money'), c('posted', 'Posted', 'count'),
      c('postedAmount', 'Posted to bad debt', 'money')],
    totals: totalsByCurrency(rows.rows, 'reason', sums).map((t) => ({ ...t, approver: null })),
    notes: ['Requests made in the period, by reason and by who decided them (empty: pending).',
      'Posted = the write-off documents journaled (Dr bad debt, Cr AR control).'],
  };
}

interface ScorecardInput extends Range {
  today: IsoDate;
  currency: string;
}

async function scorecardReport(db: Queryable, r: ScorecardInput): Promise<CollectionsReport> {
  const [contacts, promises, portfolios] = await Promise.all([
    db.query<{ person: string; contacts: number }>(
      `SELECT ${PERSON('a.author')} AS person, count(*)::int AS contacts
       FROM activities a LEFT JOIN users u ON u.username = a.author
       WHERE a.source = 'manual' AND a.kind <> 'note' AND a.occurred_on BETWEEN $1 AND $2
       GROUP BY 1`, [r.from, r.to]),
    db.query<{ person: string; promises: number; promised: number; kept: number;
      decided: number }>(
      `SELECT ${PERSON('p.created_by')} AS person, count(*)::int AS promises,
         sum(p.amount_cents)::bigint AS promised,
         count(*) FILTER (WHERE p.status = 'kept')::int AS kept,
         count(*) FILTER (WHERE p.status IN ('kept', 'partially_kept', 'broken'))::int AS decided
       FROM promises p LEFT JOIN users u ON u.username = p.created_by
       WHERE p.made_on BETWEEN $1 AND $2 AND p.currency = $3 AND p.status <> 'cancelled'
       GROUP BY 1`, [r.from, r.to, r.currency]),
    db.query<{ person: string; accounts: number; pastDueAccounts: number; pastDue: number }>(
      `SELECT c.collector AS person, count(DISTINCT c.id)::int AS accounts,
         count(DISTINCT d.customer_id)::int AS "pastDueAccounts",
         coalesce(sum(d.open_cents), 0)::bigint AS "pastDue"
       FROM customers c LEFT JOIN documents d ON d.customer_id = c.id AND d.open_cents > 0
         AND d.due_date < $1 AND d.currency = $2
       WHERE c.collector IS NOT NULL GROUP BY c.collector`, [r.today, r.currency]),
  ]);
  const weekdays = weekdaysBetween(r.from, r.to);
  const people = new Map<string, ReportRow>();
  const row = (person: string) => people.get(person) ?? people.set(person, {
    collector: person, accounts: 0, contacts: 0, promises: 0, promised: 0, kept: 0,
    decided: 0, pastDueAccounts: 0, pastDue: 0, currency: r.currency }).get(person)!;
  for (const x of contacts.rows) row(x.person).contacts = x.contacts;
  for (const { person, ...x } of promises.rows) Object.assign(row(person), x);
  for (const { person, ...x } of portfolios.rows) Object.assign(row(person), x);
  const figures = (x: ReportRow): ReportRow => ({ ...x,
    contactsPerDay: perDayHundredths(Number(x.contacts), weekdays),
    keptRate: rateBp(Number(x.kept), Number(x.decided)) });
  const rows = [...people.values()].map(figures)
    .sort((a, b) => String(a.collector).localeCompare(String(b.collector)));
  const totals = totalsByCurrency(rows, 'collector', ['accounts', 'contacts', 'promises',
    'promised', 'kept', 'decided', 'pastDueAccounts', 'pastDue']).map(figures);
  return {
    name: 'scorecard', title: 'Collector scorecard', from: r.from, to: r.to, rows,
    columns: [c('collector', 'Collector', 'text'), c('accounts', 'Accounts', 'count'),
      c('contacts', 'Contacts', 'count'), c('contactsPerDay', 'Contacts a day', 'decimal'),
      c('promises', 'Promises', 'count'), c('promised', 'Promised', 'money'),
      c('keptRate', 'Kept rate', 'percent'), c('pastDueAccounts', 'Past-due accounts', 'count'),
      c('pastDue', 'Past due managed', 'money'), c('currency', 'Currency', 'text')],
    totals,
    notes: [`Contacts: calls, emails, faxes, letters and visits logged by hand, per weekday `
      + `(${weekdays} in the period).`,
    'Kept rate: kept promises of those taken in the period that are decided (kept, partly '
      + 'kept or broken).',
    `Past due managed: open past-due items of the collector's accounts as of ${r.today}, in `
      + `${r.currency}.`],
  };
}
