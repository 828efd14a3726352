import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshDb } from './support/db.ts';
import { cli, expectSound, openOf, OWN, seedLedger, type Seeded } from './cashapp-support.ts';

// Returned payments (NSF): a NACHA return entry reverses the payment it returns, reopens exactly
// what it paid, charges the returned item fee (capped at $25, NRS 597.960), may put the account
// on credit hold, notifies through the outbox, and a redeposit re-applies it.

let db: Awaited<ReturnType<typeof freshDb>>;
let seeded: Seeded;
let arc: ReturnType<typeof cli>;
const tmp = mkdtempSync(join(tmpdir(), 'arc-returns-'));
beforeAll(async () => {
  db = await freshDb();
  seeded = await seedLedger(db);
  arc = cli(db);
});
afterAll(async () => db.dispose());
const doc = (n: string) => seeded.docs.get(n)!;

/**
 * A NACHA return file made from the ARC sample's return batch: the R01 return of `amount`
 * cents for the original trace `trace`. Its trailers no longer tie (a warning, not an error).
 */
function returnFile(name: string, trace: string, amount: number): string {
  const lines = readFileSync(join(OWN, 'arc-ccdplus-ctx-credits.ach'), 'latin1')
    .split(/\r?\n/);
  const pick = (prefix: string) => lines.find((l) => l.startsWith(prefix))!;
  const entry = pick('626');
  const addenda = pick('799');
  const text = [lines[0]!, pick('5225'),
    entry.slice(0, 29) + String(amount).padStart(10, '0') + entry.slice(39),
    addenda.slice(0, 6) + trace + addenda.slice(21), pick('8225'), pick('9000')].join('\r\n');
  const path = join(tmp, name);
  writeFileSync(path, text + '\r\n');
  return path;
}

describe('NSF returns', () => {
  it('an ACH return reverses the payment, reopens its invoice and charges the fee', async () => {
    await db.query(`UPDATE settings SET value = '4000' WHERE key = 'returned_item_fee_cents'`);
    await db.query(`UPDATE settings SET value = 'true' WHERE key = 'returned_item_credit_hold'`);
    const first = await arc('import', 'bank', join(OWN, 'arc-ccdplus-ctx-credits.ach'), '--json');
    expect(first.code).toBe(0);
    expect(first.json().returns).toEqual([
      { seq: 0, reasonCode: 'R01', amountCents: 84550, paymentId: null, status: 'unmatched' }]);
    expect(await openOf(db, doc('INV-1001'))).toBe(0);
    const r = await arc('import', 'bank', returnFile('r01.ach', '071000010000001', 120000),
      '--json');
    expect(r.code).toBe(0);
    const [ret] = r.json().returns;
    expect(ret).toMatchObject({ reasonCode: 'R01', status: 'reversed' });
    expect(await openOf(db, doc('INV-1001'))).toBe(120000);
    const fee = await db.query<{ amount: number; type: string; customer: number }>(
      `SELECT d.amount_cents AS amount, d.type, d.customer_id AS customer FROM payment_returns r
       JOIN documents d ON d.id = r.fee_document_id`);
    expect(fee.rows).toEqual([{ amount: 2500, type: 'debit_memo', customer: seeded.acme }]);
    const gl = await db.query<{ b: number }>(
      "SELECT sum(amount_cents)::bigint AS b FROM journal_lines WHERE account = 'nsf_fees'");
    expect(gl.rows[0]!.b).toBe(-2500);
    const status = await db.query<{ status: string }>(
      'SELECT status FROM customers WHERE id = $1', [seeded.acme]);
    expect(status.rows[0]!.status).toBe('on_hold');
    const outbox = await db.query<{ kind: string }>('SELECT kind FROM cashapp_outbox');
    expect(outbox.rows.map((o) => o.kind)).toContain('payment_returned_customer');
    const apps = (await arc('applications', 'list', '--json')).json()
      .filter((a: { documentNumber: string }) => a.documentNumber === 'INV-1001');
    expect(apps).toMatchObject([{ reversed: true, amount: '1200.00' }]);
    expect((await arc('payments', 'list', '--json')).json().items
      .some((i: { paymentId: number }) => i.paymentId === ret.paymentId)).toBe(false);
    expect(await expectSound(db)).toEqual([]);
  });

  it('the same return file again changes nothing; a redeposit re-applies the items', async () => {
    const again = await arc('import', 'bank', returnFile('r01.ach', '071000010000001', 120000),
      '--json');
    expect(again.json().status).toBe('already_imported');
    const ret = await db.query<{ id: number; reopened: unknown }>(
      "SELECT id, reopened FROM payment_returns WHERE status = 'reversed'");
    expect(ret.rows[0]!.reopened).toEqual([{ debitId: doc('INV-1001'), amountCents: 120000 }]);
    const r = await arc('payments', 'redeposit', String(ret.rows[0]!.id), '--date', '2024-03-25',
      '--json');
    expect(r.code).toBe(0);
    expect(await openOf(db, doc('INV-1001'))).toBe(0);
    const twice = await arc('payments', 'redeposit', String(ret.rows[0]!.id), '--date',
      '2024-03-25');
    expect(twice.code).toBe(1);
    expect(twice.err).toMatch(/return_not_reversed/);
    expect(await expectSound(db)).toEqual([]);
  });

  it('a clerk returns a payment that took a discount: the discount is voided too', async () => {
    const p = await db.query<{ id: number }>(
      "SELECT document_id AS id FROM bank_payments WHERE bank_reference = '071000020000001'");
    const id = p.rows[0]!.id;
    expect(await openOf(db, doc('INV-2001'))).toBe(0);
    const r = await arc('payments', 'return', String(id), '--date', '2024-03-22', '--reason',
      'R09', '--json');
    expect(r.code).toBe(0);
    expect(r.json().reopened).toHaveLength(2);
    // The credit memo netted by the remittance stays applied; cash and discount are undone.
    expect(await openOf(db, doc('INV-2001'))).toBe(153061 - 25000);
    expect(await openOf(db, doc('INV-2002'))).toBe(150000);
    const again = await arc('payments', 'return', String(id), '--date', '2024-03-22');
    expect(again.code).toBe(1);
    expect(again.err).toMatch(/payment_is_returned/);
    expect(await expectSound(db)).toEqual([]);
  });
});
