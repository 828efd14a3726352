import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importBankFile } from '../src/cashapp/import-bank-file.ts';
import type { Cents } from '../src/domain/money.ts';
import { applyCredit } from '../src/ledger/apply-credit.ts';
import { reverseApplication } from '../src/ledger/reverse-application.ts';
import { freshDb } from './support/db.ts';
import { actor, expectSound, openOf, seedLedger, type Seeded } from './cashapp-support.ts';
import { post, unwrap } from './ledger-fixtures.ts';

// The set-based path for automatic applications (src/cashapp/apply-automatically.ts): many
// payments applied together keep every ledger invariant, take discounts and write-offs like
// apply-credit, and two imports racing for the same invoice never apply it twice.

let db: Awaited<ReturnType<typeof freshDb>>;
let seeded: Seeded;
beforeAll(async () => {
  db = await freshDb();
  seeded = await seedLedger(db);
});
afterAll(async () => db.dispose());

const HEADER = 'batch,item,check_number,amount,payer_name,payer_account,payer_routing,' +
  'deposit_date,invoice_references,memo';
const lockbox = (rows: string[]) => new TextEncoder().encode([HEADER, ...rows, ''].join('\n'));
const importFile = (name: string, rows: string[]) =>
  importBankFile(db, actor, { bytes: lockbox(rows), fileName: name, today: '2024-03-20' });

async function applicationsTo(documentId: number) {
  const r = await db.query<{ n: number; method: string; confidence: number | null }>(
    `SELECT count(*)::int AS n, min(method) AS method, min(confidence) AS confidence
     FROM applications WHERE debit_id = $1 AND amount_cents > 0`, [documentId]);
  return r.rows[0]!;
}

describe('automatic applications, set-based', () => {
  it('applies several payments of one file together, with one summarized entry', async () => {
    const r = await importFile('batch-1.csv', [
      '201,1,7001,525.00,Harbor Freight Lines,,,2024-03-18,INV-1006:525.00,',
      '201,2,7002,330.75,Harbor Freight Lines,,,2024-03-18,INV-9001:330.75,',
      '201,3,7003,777.00,Corner Store,,,2024-03-18,INV-9002:777.00,',
    ]);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.value).toMatchObject({ autoApplied: 3, review: 0 });
    for (const n of ['INV-1006', 'INV-9001', 'INV-9002']) {
      expect(await openOf(db, seeded.docs.get(n)!)).toBe(0);
      expect(await applicationsTo(seeded.docs.get(n)!)).toMatchObject({
        n: 1, method: 'remittance_lines' });
    }
    const entries = await db.query<{ account: string; cents: number }>(
      `SELECT l.account, l.amount_cents AS cents FROM journal_entries e
       JOIN journal_lines l ON l.entry_id = e.id
       WHERE e.kind = 'cashapp_applications' ORDER BY l.account`);
    // 525.00 + 330.75 + 777.00 moved from unapplied cash to AR control, one entry.
    expect(entries.rows).toEqual([{ account: 'ar_control', cents: -163275 },
      { account: 'unapplied_cash', cents: 163275 }]);
    const audit = await db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM audit_log WHERE action = 'credit.apply'
         AND entity_id = ANY($1::text[])`, [r.value.paymentIds.map(String)]);
    expect(audit.rows[0]!.n).toBe(3);
    expect(await expectSound(db)).toEqual([]);
  });

  it('takes the early-payment discount the terms allow, as a discount document', async () => {
    // INV-2002 (Acme, 2/10 net 30, 2024-03-01, 1,500.00) paid net of 2% on 2024-03-08.
    const r = await importFile('batch-2.csv', [
      '202,1,7101,1470.00,ACME HARDWARE INC,,,2024-03-08,INV-2002:1470.00,',
    ]);
    expect(r.ok && r.value.autoApplied).toBe(1);
    expect(await openOf(db, seeded.docs.get('INV-2002')!)).toBe(0);
    const d = await db.query<{ amount: number; open: number }>(
      `SELECT amount_cents AS amount, open_cents AS open FROM documents
       WHERE type = 'discount' AND number = 'DISC-INV-2002'`);
    expect(d.rows).toEqual([{ amount: -3000, open: 0 }]);
    expect(await expectSound(db)).toEqual([]);
  });

  it('two imports racing for one invoice apply it once; the loser waits in review', async () => {
    const id = seeded.docs.get('INV-2001')!;
    const [a, b] = await Promise.all([
      importFile('race-a.csv', ['301,1,8001,1530.61,ACME HARDWARE INC,,,2024-03-18,' +
        'INV-2001:1530.61,']),
      importFile('race-b.csv', ['302,1,8002,1530.61,ACME HARDWARE INC,,,2024-03-18,' +
        'INV-2001:1530.61,']),
    ]);
    expect(a.ok && b.ok).toBe(true);
    if (!a.ok || !b.ok) return;
    expect(a.value.autoApplied + b.value.autoApplied).toBe(1);
    expect(await openOf(db, id)).toBe(0);
    expect((await applicationsTo(id)).n).toBe(1);
    const loser = [...a.value.matches, ...b.value.matches].find((m) => !m.autoApplied)!;
    expect(loser.queueState).toBe('review');
    expect(await expectSound(db)).toEqual([]);
  });

  it("fills the applications' copies itself, and records an over-applied item's dates",
    async () => {
    // INV-1004 (Corner Store, 200.00) paid by a check on 03-18, un-applied on 03-19; the lockbox
    // payment dated 03-18 then pays it again as of 03-18: on 03-18 it was applied twice over.
    const id = seeded.docs.get('INV-1004')!;
    const check = await post(db, 'payment', seeded.corner, '2024-03-18', 20000);
    const first = unwrap(await applyCredit(db, actor, { creditId: check.id,
      appliedOn: '2024-03-18', lines: [{ debitId: id, amountCents: 20000 as Cents }] }));
    unwrap(await reverseApplication(db, actor, { applicationId: first.applications[0]!.id,
      reason: 'posted to the wrong invoice', effectiveDate: '2024-03-19' }));
    const r = await importFile('batch-4.csv', [
      '204,1,7401,200.00,Corner Store,,,2024-03-18,INV-1004:200.00,',
    ]);
    expect(r.ok && r.value.autoApplied).toBe(1);
    expect(await openOf(db, id)).toBe(0);
    const windows = await db.query<{ from: string; to: string }>(
      `SELECT from_on::text AS from, to_on::text AS to FROM aging_over_applied
       WHERE document_id = $1`, [id]);
    expect(windows.rows).toEqual([{ from: '2024-03-18', to: '2024-03-19' }]);
    const copies = await db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM applications a JOIN documents d ON d.id = a.debit_id
       WHERE a.method = 'remittance_lines' AND a.currency = d.currency
         AND a.debit_due_date = d.due_date`);
    expect(copies.rows[0]!.n).toBeGreaterThan(3);
    expect(await expectSound(db)).toEqual([]);
  });
});
