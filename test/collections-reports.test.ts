import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CliContext } from '../src/cli/context.ts';
import { main } from '../src/cli/main.ts';
import { approveWriteOff } from '../src/collections/approve-write-off.ts';
import { createPromise } from '../src/collections/create-promise.ts';
import { evaluatePromises } from '../src/collections/evaluate-promises.ts';
import { logActivity, type ActivityKind } from '../src/collections/log-activity.ts';
import { openDispute } from '../src/collections/open-dispute.ts';
import { placeWithAgency } from '../src/collections/place-with-agency.ts';
import { recallFromAgency } from '../src/collections/recall-from-agency.ts';
import { requestWriteOff } from '../src/collections/request-write-off.ts';
import { loadConfig } from '../src/config.ts';
import type { Actor } from '../src/db/audit.ts';
import type { Cents } from '../src/domain/money.ts';
import { applyCredit } from '../src/ledger/apply-credit.ts';
import { reportJson } from '../src/reports/collections-report-output.ts';
import { collectionsReport } from '../src/reports/collections-reports.ts';
import { problemOf, testServer, type Browser, type TestServer } from './support/http.ts';
import { customer, failure, post, unwrap } from './ledger-fixtures.ts';

// The collections reports for managers over June 2026 (the test server's today is 06-30):
// promises per collector per day, agency placements, write-offs by reason and approver, and the
// collector scorecard; as JSON, CSV and XLSX over HTTP and from `arc report`.

let s: TestServer;
let mia: Browser;
let ann: Browser;
const as = (name: string): Actor => ({ name, kind: 'user', source: 'test' });
const c = (n: number) => n as Cents;
let disputeId: number;

beforeAll(async () => {
  s = await testServer();
  const db = s.db;
  await s.addUser('ann', 'collector', 'Ann');
  await s.addUser('bob', 'collector', 'Bob');
  await s.addUser('mia', 'ar_manager', 'Mia');
  await s.addUser('cal', 'credit_manager', 'Cal');
  [mia, ann] = [await s.signIn('mia'), await s.signIn('ann')];
  const a1 = await customer(db, { collector: 'Ann', name: 'Alpha One' });
  const a2 = await customer(db, { collector: 'Ann', name: 'Alpha Two' });
  const b1 = await customer(db, { collector: 'Bob', name: 'Bravo One' });
  const e1 = await customer(db, { collector: 'Ann', name: 'Euro One', currency: 'EUR' });
  const inv1 = await post(db, 'invoice', a1.id, '2026-04-15', 10_000, { dueDate: '2026-05-15' });
  const inv2 = await post(db, 'invoice', a1.id, '2026-05-20', 20_000, { dueDate: '2026-06-20' });
  const inv3 = await post(db, 'invoice', a2.id, '2026-05-10', 30_000, { dueDate: '2026-06-10' });
  const inv4 = await post(db, 'invoice', b1.id, '2026-03-01', 100_000, { dueDate: '2026-04-01' });
  await post(db, 'invoice', e1.id, '2026-05-01', 50_000, { dueDate: '2026-06-01',
    currency: 'EUR' });
  const promise = async (who: string, customerId: number, amount: number, madeOn: string,
    promisedOn: string, documentIds: number[] = []) => unwrap(await createPromise(db, as(who),
    { customerId, amountCents: c(amount), madeOn, promisedOn, documentIds }));
  await promise('ann', a1.id, 10_000, '2026-05-20', '2026-05-25', [inv1.id]); // before June
  await promise('ann', a1.id, 10_000, '2026-06-02', '2026-06-10', [inv1.id]); // kept
  await promise('ann', a2.id, 30_000, '2026-06-02', '2026-06-12', [inv3.id]); // broken
  await promise('ann', e1.id, 5_000, '2026-06-02', '2026-06-10'); // broken, EUR
  await promise('ann', a1.id, 20_000, '2026-06-03', '2026-07-05', [inv2.id]); // open
  await promise('bob', b1.id, 25_000, '2026-06-02', '2026-06-15', [inv4.id]); // partly kept
  const pay = async (customerId: number, on: string, amount: number, debitId: number) => {
    const p = await post(db, 'payment', customerId, on, amount);
    unwrap(await applyCredit(db, as('cash'), { creditId: p.id, appliedOn: on,
      lines: [{ debitId, amountCents: c(amount) }] }));
  };
  await pay(a1.id, '2026-06-08', 10_000, inv1.id);
  await pay(b1.id, '2026-06-14', 10_000, inv4.id);
  await evaluatePromises(db, as('scheduler'), '2026-06-30');
  const log = async (who: string, customerId: number, kind: ActivityKind, on: string) =>
    unwrap(await logActivity(db, as(who), { customerId, kind, occurredOn: on,
      body: kind === 'note' ? 'a note' : undefined }));
  await log('ann', a1.id, 'call', '2026-06-02');
  await log('ann', a2.id, 'call', '2026-06-03');
  await log('ann', a1.id, 'visit', '2026-06-03');
  await log('ann', a1.id, 'note', '2026-06-03'); // not a contact
  await log('ann', a1.id, 'call', '2026-05-31'); // before June
  await log('bob', b1.id, 'email', '2026-06-05');
  unwrap(await placeWithAgency(db, as('mia'), { customerId: e1.id, agency: 'Acme Recovery',
    placedOn: '2026-05-20', commissionBp: 2500 })); // before June
  const acme = unwrap(await placeWithAgency(db, as('mia'), { customerId: b1.id,
    agency: 'Acme Recovery', placedOn: '2026-06-10', commissionBp: 2500 }));
  unwrap(await recallFromAgency(db, as('mia'), { placementId: acme.id, recalledOn: '2026-06-25',
    reason: 'paying us directly', recoveredCents: c(12_345) }));
  unwrap(await placeWithAgency(db, as('mia'), { customerId: a2.id, agency: 'Beta Collect',
    placedOn: '2026-06-15', commissionBp: 3000 }));
  const request = async (customerId: number, reason: string, on: string, documentId: number) =>
    unwrap(await requestWriteOff(db, as('ann'), { customerId, reason, requestedOn: on,
      items: [{ documentId }] }));
  const w1 = await request(a2.id, 'bankrupt', '2026-06-20', inv3.id);
  unwrap(await approveWriteOff(db, as('cal'), { requestId: w1.id, approve: true,
    role: 'credit_manager', on: '2026-06-21' }));
  const w2 = await request(b1.id, 'bankrupt', '2026-06-22', inv4.id);
  unwrap(await approveWriteOff(db, as('mia'), { requestId: w2.id, approve: false,
    role: 'ar_manager', on: '2026-06-22' }));
  await request(a1.id, 'disputed, uncollectible', '2026-06-23', inv2.id);
  disputeId = unwrap(await openDispute(db, as('ann'), { customerId: a1.id, reasonCode: 'tax',
    items: [{ documentId: inv2.id }], openedOn: '2026-06-24' })).id;
});
afterAll(async () => s.close());

const JUNE = { from: '2026-06-01', to: '2026-06-30', today: '2026-06-30' };

async function report(name: 'promises' | 'agency' | 'write-offs' | 'scorecard') {
  return reportJson(unwrap(await collectionsReport(s.db, name, JUNE)));
}

describe('collections reports', () => {
  it('promised dollars per collector per day, with what became of them', async () => {
    const r = await report('promises');
    expect(r.rows).toEqual([
      { day: '2026-06-02', collector: 'Ann', currency: 'EUR', promises: 1, promised: '50.00',
        kept: 0, keptAmount: '0.00', partiallyKept: 0, broken: 1, brokenAmount: '50.00',
        open: 0, paid: '0.00' },
      { day: '2026-06-02', collector: 'Ann', currency: 'USD', promises: 2, promised: '400.00',
        kept: 1, keptAmount: '100.00', partiallyKept: 0, broken: 1, brokenAmount: '300.00',
        open: 0, paid: '100.00' },
      { day: '2026-06-02', collector: 'Bob', currency: 'USD', promises: 1, promised: '250.00',
        kept: 0, keptAmount: '0.00', partiallyKept: 1, broken: 0, brokenAmount: '0.00',
        open: 0, paid: '100.00' },
      { day: '2026-06-03', collector: 'Ann', currency: 'USD', promises: 1, promised: '200.00',
        kept: 0, keptAmount: '0.00', partiallyKept: 0, broken: 0, brokenAmount: '0.00',
        open: 1, paid: '0.00' },
    ]);
    expect(r.totals).toEqual([
      { day: null, collector: 'Total', currency: 'EUR', promises: 1, promised: '50.00', kept: 0,
        keptAmount: '0.00', partiallyKept: 0, broken: 1, brokenAmount: '50.00', open: 0,
        paid: '0.00' },
      { day: null, collector: 'Total', currency: 'USD', promises: 4, promised: '850.00',
        kept: 1, keptAmount: '100.00', partiallyKept: 1, broken: 1, brokenAmount: '300.00',
        open: 1, paid: '200.00' },
    ]);
  });

  it('agency placements: recoveries, commission due to the cent, net, recalls', async () => {
    const r = await report('agency');
    expect(r.rows).toEqual([
      { agency: 'Acme Recovery', account: expect.any(String), name: 'Bravo One',
        placedOn: '2026-06-10', currency: 'USD', placed: '900.00', commissionBp: '25.00',
        recovered: '123.45', commissionDue: '30.86', net: '92.59', status: 'recalled',
        recalledOn: '2026-06-25' },
      { agency: 'Beta Collect', account: expect.any(String), name: 'Alpha Two',
        placedOn: '2026-06-15', currency: 'USD', placed: '300.00', commissionBp: '30.00',
        recovered: '0.00', commissionDue: '0.00', net: '0.00', status: 'placed',
        recalledOn: null },
    ]);
    expect(r.totals).toEqual([{ agency: 'Total (2 placed)', account: null, name: null,
      placedOn: null, currency: 'USD', placed: '1200.00', commissionBp: null,
      recovered: '123.45', commissionDue: '30.86', net: '92.59', status: null,
      recalledOn: null }]);
  });

  it('write-offs by reason and approver: requested, approved, rejected, posted', async () => {
    const r = await report('write-offs');
    const zero = { approved: 0, approvedAmount: '0.00', rejected: 0, rejectedAmount: '0.00',
      pending: 0, pendingAmount: '0.00', posted: 0, postedAmount: '0.00' };
    expect(r.rows).toEqual([
      { ...zero, reason: 'bankrupt', approver: 'Cal', currency: 'USD', requested: 1,
        requestedAmount: '300.00', approved: 1, approvedAmount: '300.00', posted: 1,
        postedAmount: '300.00' },
      { ...zero, reason: 'bankrupt', approver: 'Mia', currency: 'USD', requested: 1,
        requestedAmount: '900.00', rejected: 1, rejectedAmount: '900.00' },
      { ...zero, reason: 'disputed, uncollectible', approver: null, currency: 'USD',
        requested: 1, requestedAmount: '200.00', pending: 1, pendingAmount: '200.00' },
    ]);
    expect(r.totals).toEqual([{ reason: 'Total', approver: null, currency: 'USD', requested: 3,
      requestedAmount: '1400.00', approved: 1, approvedAmount: '300.00', rejected: 1,
      rejectedAmount: '900.00', pending: 1, pendingAmount: '200.00', posted: 1,
      postedAmount: '300.00' }]);
  });

  it('the collector scorecard: contacts a day, promised, kept rate, past due managed', async () => {
    const r = await report('scorecard');
    // June 2026 has 22 weekdays; EUR promises and items stay out of a USD scorecard.
    expect(r.rows).toEqual([
      { collector: 'Ann', accounts: 3, contacts: 3, contactsPerDay: '0.14', promises: 3,
        promised: '600.00', keptRate: '50.00', pastDueAccounts: 1, pastDue: '200.00',
        currency: 'USD' },
      { collector: 'Bob', accounts: 1, contacts: 1, contactsPerDay: '0.05', promises: 1,
        promised: '250.00', keptRate: '0.00', pastDueAccounts: 1, pastDue: '900.00',
        currency: 'USD' },
    ]);
    expect(r.totals).toEqual([{ collector: 'Total', accounts: 4, contacts: 4,
      contactsPerDay: '0.18', promises: 4, promised: '850.00', keptRate: '33.33',
      pastDueAccounts: 2, pastDue: '1100.00', currency: 'USD' }]);
    expect(r.notes.join(' ')).toContain('22 in the period');
    const eur = reportJson(unwrap(await collectionsReport(s.db, 'scorecard', { ...JUNE,
      currency: 'EUR' })));
    expect(eur.rows.find((x) => x.collector === 'Ann')).toMatchObject({ promises: 1,
      promised: '50.00', keptRate: '0.00', pastDue: '500.00', currency: 'EUR' });
  });

  it('refuses bad ranges and defaults to the 30 days to today', async () => {
    expect(failure(await collectionsReport(s.db, 'promises', { ...JUNE, from: '2026-07-01' })))
      .toEqual({ code: 'date_range_invalid', from: '2026-07-01', to: '2026-06-30',
        daysMax: 366 });
    expect(failure(await collectionsReport(s.db, 'promises', { ...JUNE, from: '2025-01-01' }))
      .code).toBe('date_range_invalid');
    expect(failure(await collectionsReport(s.db, 'agency', { ...JUNE, to: '2026-06-31' })))
      .toEqual({ code: 'date_invalid', field: 'to', date: '2026-06-31' });
    const byDefault = unwrap(await collectionsReport(s.db, 'promises', { today: '2026-06-30' }));
    expect([byDefault.from, byDefault.to]).toEqual(['2026-06-01', '2026-06-30']);
  });
});

describe('GET /api/v1/reports/collections/*', () => {
  it('answers JSON, CSV and typed XLSX to managers', async () => {
    const json = await mia.request('GET', '/api/v1/reports/collections/write-offs');
    expect(json.statusCode).toBe(200);
    expect(json.json()).toMatchObject({ name: 'write-offs', from: '2026-06-01',
      to: '2026-06-30', totals: [{ requestedAmount: '1400.00' }] });
    const csv = await mia.request('GET',
      '/api/v1/reports/collections/write-offs?from=2026-06-01&to=2026-06-30&format=csv');
    expect(csv.headers['content-type']).toContain('text/csv');
    expect(csv.headers['content-disposition']).toBe(
      'attachment; filename="collections-write-offs-2026-06-01-to-2026-06-30.csv"');
    expect(csv.body.split('\r\n')).toEqual([
      'Reason,Decided by,Currency,Requested,Requested amount,Approved,Approved amount,Rejected,'
        + 'Rejected amount,Pending,Pending amount,Posted,Posted to bad debt',
      'bankrupt,Cal,USD,1,300.00,1,300.00,0,0.00,0,0.00,1,300.00',
      'bankrupt,Mia,USD,1,900.00,0,0.00,1,900.00,0,0.00,0,0.00',
      '"disputed, uncollectible",,USD,1,200.00,0,0.00,0,0.00,1,200.00,0,0.00',
      'Total,,USD,3,1400.00,1,300.00,1,900.00,1,200.00,1,300.00', '']);
    const xlsx = await mia.request('GET', '/api/v1/reports/collections/agency?format=xlsx');
    expect(xlsx.headers['content-type']).toContain('spreadsheetml');
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(xlsx.rawPayload as unknown as ArrayBuffer);
    const sheet = book.getWorksheet('Agency placements')!;
    expect(sheet.getRow(1).values).toEqual([undefined, 'Agency', 'Account', 'Name', 'Placed on',
      'Currency', 'Placed', 'Commission', 'Recovered', 'Commission due', 'Net to us', 'Status',
      'Recalled on']);
    const first = sheet.getRow(2);
    expect(first.getCell(4).value).toEqual(new Date('2026-06-10T00:00:00Z'));
    expect(first.getCell(6).value).toBe(900);
    expect(first.getCell(6).numFmt).toContain('USD');
    expect(first.getCell(7).value).toBe(0.25);
    expect(first.getCell(7).numFmt).toBe('0.00%');
    expect(first.getCell(9).value).toBe(30.86);
    const total = sheet.getRow(4);
    expect(total.getCell(1).value).toBe('Total (2 placed)');
    expect(total.getCell(10).value).toBe(92.59);
    expect(total.font?.bold).toBe(true);
    expect(book.getWorksheet('About')!.getRow(2).values).toEqual([undefined, 'From',
      '2026-06-01']);
  });

  it('refuses collectors, and bad ranges with 422', async () => {
    expect((await ann.request('GET', '/api/v1/reports/collections/scorecard')).statusCode)
      .toBe(403);
    const bad = await mia.request('GET',
      '/api/v1/reports/collections/promises?from=2026-07-01&to=2026-06-01');
    expect(problemOf(bad)).toMatchObject({ code: 'date_range_invalid', status: 422 });
  });

  it('answers a refused dispute step with 409, not 422', async () => {
    const r = await ann.request('PATCH', `/api/v1/disputes/${disputeId}`, { status: 'closed' });
    expect(problemOf(r)).toMatchObject({ code: 'dispute_transition_not_allowed', status: 409 });
  });
});

describe('arc report', () => {
  async function arc(...args: string[]) {
    let stdout = '';
    let stderr = '';
    const sink = (append: (s: string) => void) =>
      ({ write: (t: string) => { append(t); return true; } }) as unknown as NodeJS.WritableStream;
    const ctx: CliContext = { config: loadConfig({}), db: async () => s.db, actor: as('cli:test'),
      today: '2026-06-30', stdout: sink((t) => { stdout += t; }),
      stderr: sink((t) => { stderr += t; }), close: async () => undefined };
    return { code: await main(['node', 'arc', ...args], ctx), stdout, stderr };
  }

  it('prints each report as a table, JSON, CSV or an XLSX file', async () => {
    const table = await arc('report', 'scorecard', '--from', '2026-06-01', '--to', '2026-06-30');
    expect(table.code).toBe(0);
    const lines = table.stdout.split('\n');
    expect(lines[0]).toBe('Collector scorecard, 2026-06-01 to 2026-06-30');
    expect(lines.find((l) => l.startsWith('Ann'))).toMatch(
      /^Ann\s+3\s+3\s+0\.14\s+3\s+600\.00\s+50\.00\s+1\s+200\.00\s+USD$/);
    expect(lines.find((l) => l.startsWith('Total')))
      .toMatch(/^Total\s+4\s+4\s+0\.18\s+4\s+850\.00/);
    const json = await arc('report', 'promises', '--json');
    expect(JSON.parse(json.stdout)).toMatchObject({ name: 'promises', from: '2026-06-01',
      totals: [{ currency: 'EUR' }, { currency: 'USD', promised: '850.00' }] });
    const csv = await arc('report', 'agency', '--format', 'csv');
    expect(csv.stdout).toContain('Total (2 placed),,,,USD,1200.00,,123.45,30.86,92.59,,');
    const dir = mkdtempSync(join(tmpdir(), 'arc-report-'));
    try {
      const out = join(dir, 'promises.xlsx');
      const file = await arc('report', 'promises', '--format', 'xlsx', '--out', out);
      expect(file.stdout).toBe(`Promises to pay (4 rows) written to ${out}\n`);
      const book = new ExcelJS.Workbook();
      await book.xlsx.load(readFileSync(out) as unknown as ArrayBuffer);
      expect(book.getWorksheet('Promises to pay')!.getRow(3).getCell(5).value).toBe(400);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    expect((await arc('report', 'promises', '--format', 'xlsx')).code).toBe(2);
    const bad = await arc('report', 'promises', '--from', '2026-07-01');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('date_range_invalid');
    expect((await arc('report', 'nonsense')).code).toBe(2);
  });
});
