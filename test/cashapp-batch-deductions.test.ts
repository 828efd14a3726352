import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { acceptProposal } from '../src/cashapp/accept-proposal.ts';
import { importBankFile } from '../src/cashapp/import-bank-file.ts';
import type { Db } from '../src/db/connection.ts';
import { freshDb } from './support/db.ts';
import { actor, expectSound, seedLedger } from './cashapp-support.ts';

// Automatic applications that net a credit memo and open deductions go through the set-based
// path (src/cashapp/apply-automatically.ts) like cash-only ones. They must leave the ledger as a
// clerk accepting the same proposal does (apply-proposal, one apply-credit call at a time): the
// same documents, applications, open amounts, deduction rows and GL balances.

const HEADER = 'batch,item,check_number,amount,payer_name,payer_account,payer_routing,' +
  'deposit_date,invoice_references,memo';
const FILE = new TextEncoder().encode([HEADER,
  // Bolt & Nut: 1,400.00 of INV-1002 (1,500.00 open: 100.00 short), INV-1003 in full, CM-77 taken.
  '301,1,9101,2350.00,Bolt & Nut LLC,,,2024-03-18,INV-1002:1400.00;INV-1003:1000.00;' +
    'CM-77:-50.00,',
  // Harbor Freight: 500.00 of INV-1006 (525.00 open).
  '301,2,9102,500.00,Harbor Freight Lines,,,2024-03-18,INV-1006:500.00,',
  // Corner Store: INV-1004 in full, cash only (the batch path as before).
  '301,3,9103,200.00,Corner Store,,,2024-03-18,INV-1004:200.00,',
  ''].join('\n'));

type TestDb = Awaited<ReturnType<typeof freshDb>>;
let batch: TestDb;
let byHand: TestDb;
beforeAll(async () => {
  [batch, byHand] = await Promise.all([freshDb(), freshDb()]);
  await Promise.all([seedLedger(batch), seedLedger(byHand)]);
});
afterAll(async () => Promise.all([batch.dispose(), byHand.dispose()]));

/** What the ledger holds, without ids, methods and timestamps (they differ by path). */
async function ledger(db: Db) {
  const docs = await db.query(
    `SELECT type, number, amount_cents, open_cents, customer_id, document_date::text AS d
     FROM documents ORDER BY type, number`);
  const apps = await db.query(
    `SELECT c.number AS credit, d.number AS debit, a.amount_cents, a.applied_on::text AS on
     FROM applications a JOIN documents c ON c.id = a.credit_id
     JOIN documents d ON d.id = a.debit_id ORDER BY c.number, d.number`);
  const gl = await db.query(
    `SELECT account, sum(amount_cents)::bigint AS cents FROM journal_lines GROUP BY account
     HAVING sum(amount_cents) <> 0 ORDER BY account`);
  const deductions = await db.query(
    `SELECT d.number, i.number AS invoice, x.reason_code, t.number AS transfer
     FROM deduction_items x JOIN documents d ON d.id = x.document_id
     JOIN documents i ON i.id = x.invoice_id JOIN documents t ON t.id = x.transfer_document_id
     ORDER BY d.number`);
  return { docs: docs.rows, apps: apps.rows, gl: gl.rows, deductions: deductions.rows };
}

describe('credit memos and deductions on the set-based path', () => {
  it('are applied automatically, as a clerk accepting the proposals would apply them',
    async () => {
      const auto = await importBankFile(batch, actor, { bytes: FILE, fileName: 'b.csv',
        today: '2024-03-20' });
      expect(auto.ok).toBe(true);
      if (!auto.ok) return;
      expect(auto.value.matches.map((m) => [m.rule, m.autoApplied]), JSON.stringify(
        auto.value.matches)).toEqual([
        ['remittance_lines', true], ['remittance_lines', true], ['remittance_lines', true]]);

      await byHand.query(
        "UPDATE settings SET value = '100' WHERE key = 'cashapp_auto_apply_confidence_min'");
      const held = await importBankFile(byHand, actor, { bytes: FILE, fileName: 'b.csv',
        today: '2024-03-20' });
      expect(held.ok && held.value.autoApplied).toBe(0);
      if (!held.ok) return;
      for (const id of held.value.paymentIds) {
        const r = await acceptProposal(byHand, actor, { paymentId: id });
        expect(r.ok).toBe(true);
      }

      const [a, b] = [await ledger(batch), await ledger(byHand)];
      expect(a.deductions).toEqual([
        { number: 'DED-INV-1002-' + auto.value.paymentIds[0], invoice: 'INV-1002',
          reason_code: 'unexplained_short_pay',
          transfer: 'DEDX-INV-1002-' + auto.value.paymentIds[0] },
        { number: 'DED-INV-1006-' + auto.value.paymentIds[1], invoice: 'INV-1006',
          reason_code: 'unexplained_short_pay',
          transfer: 'DEDX-INV-1006-' + auto.value.paymentIds[1] },
      ]);
      expect(a).toEqual(b);
      expect(a.apps).toContainEqual({ credit: 'CM-77', debit: 'INV-1002', amount_cents: 5000,
        on: '2024-03-18' });
      expect(await expectSound(batch)).toEqual([]);
      expect(await expectSound(byHand)).toEqual([]);

      const audit = await batch.query<{ action: string; n: number }>(
        `SELECT action, count(*)::int AS n FROM audit_log
         WHERE action IN ('credit.apply', 'deduction.open', 'payment.assign_customer')
         GROUP BY action ORDER BY action`);
      // Three payments and one credit memo applied; two deductions; three payments assigned.
      expect(audit.rows).toEqual([{ action: 'credit.apply', n: 4 },
        { action: 'deduction.open', n: 2 }, { action: 'payment.assign_customer', n: 3 }]);
      const methods = await batch.query<{ credit: string; method: string }>(
        `SELECT c.type AS credit, a.method FROM applications a
         JOIN documents c ON c.id = a.credit_id GROUP BY c.type, a.method ORDER BY 1, 2`);
      expect(methods.rows).toEqual([{ credit: 'credit_memo', method: 'deduction' },
        { credit: 'credit_memo', method: 'remittance_lines' },
        { credit: 'payment', method: 'remittance_lines' }]);
    });
});
