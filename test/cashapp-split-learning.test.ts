import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli, openOf, seedLedger, type Seeded } from './cashapp-support.ts';
import { freshDb } from './support/db.ts';

// What a clerk's split teaches the payer-to-customer mapping (docs/ledger.md, "Payments split
// across customers"): every part's customer becomes a known payer of the account, so the next
// payment from it is a shared payer's, proposed to a clerk, never auto-applied on the account
// alone to one of them.

let db: Awaited<ReturnType<typeof freshDb>>;
let seeded: Seeded;
let arc: ReturnType<typeof cli>;
beforeAll(async () => {
  db = await freshDb();
  seeded = await seedLedger(db);
  arc = cli(db);
});
afterAll(async () => db.dispose());

const tmp = mkdtempSync(join(tmpdir(), 'arc-split-learning-'));
let files = 0;
/** A one-check lockbox file from the payer account `account`, with no references. */
function lockbox(account: string, amount: string, payer = 'GROUP TREASURY'): string {
  files += 1;
  const path = join(tmp, `lb${files}.csv`);
  writeFileSync(path,
    'batch,item,check_number,amount,payer_name,payer_account,payer_routing,deposit_date,'
    + `invoice_references,memo\n${400 + files},1,91${files},${amount},${payer},${account},`
    + '071000013,2024-03-20,,\n');
  return path;
}

async function mappings(account: string) {
  const r = await db.query<{ customer_id: number; confirmations: number }>(
    `SELECT customer_id, confirmations FROM payer_mappings WHERE payer_account = $1
     ORDER BY customer_id`, [account]);
  return r.rows.map((m) => [Number(m.customer_id), m.confirmations]);
}

describe('a split teaches the payer account as shared by the parts\' customers', () => {
  it('records every part\'s customer; the next payment is proposed, not auto-applied',
    async () => {
      const first = (await arc('import', 'bank', lockbox('7770001', '500.00'), '--json')).json();
      expect(first.review).toBe(1);
      const id = String(first.paymentIds[0]);
      const split = await arc('payments', 'split', id, '--part', 'C-3003=200.00:INV-1004=200.00',
        '--part', 'C-4004=300.00', '--json');
      expect(split.code).toBe(0);
      expect(split.json().payerLearned).toEqual({ payerAccount: '7770001',
        customerIds: [seeded.corner, seeded.harbor] });
      expect(await mappings('7770001')).toEqual(
        [[seeded.corner, 1], [seeded.harbor, 1]].sort((a, b) => a[0]! - b[0]!));
      const audit = await db.query<{ after: { payerLearned: unknown } }>(
        `SELECT after FROM audit_log WHERE action = 'payment.split' AND entity_id = $1`, [id]);
      expect(audit.rows[0]!.after.payerLearned).toMatchObject({ payerAccount: '7770001' });

      // 123.45 is no open item of either: the account alone names two customers.
      const next = (await arc('import', 'bank', lockbox('7770001', '123.45'), '--json')).json();
      expect(next.matches[0]).toMatchObject({ autoApplied: false, queueState: 'review' });
      expect(next.matches[0].reasons).toContain(
        'payer account 7770001 pays for 2 customers, this one among them');
    });

  it('the one customer of the split with an item of the amount is recognised', async () => {
    // INV-9001 (330.75) is Harbor's; Corner has no item of that amount.
    const r = (await arc('import', 'bank', lockbox('7770001', '330.75'), '--json')).json();
    expect(r.matches[0]).toMatchObject({ customerId: seeded.harbor, autoApplied: true });
    expect(await openOf(db, seeded.docs.get('INV-9001')!)).toBe(0);
  });

  it('a payment without a payer account teaches nothing', async () => {
    const r = (await arc('import', 'bank', lockbox('', '50.00', 'CASH DESK'), '--json')).json();
    const split = await arc('payments', 'split', String(r.paymentIds[0]), '--part',
      'C-1001=20.00', '--part', 'C-2002=30.00', '--json');
    expect(split.code).toBe(0);
    expect(split.json().payerLearned).toBeNull();
    const n = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM payer_mappings');
    expect(n.rows[0]!.n).toBe(2);
  });
});

describe('without a split, one confirmation identifies the payer (for contrast)', () => {
  it('applying by hand maps the account to the one customer', async () => {
    const first = (await arc('import', 'bank', lockbox('7770002', '10.00'), '--json')).json();
    expect((await arc('payments', 'apply', String(first.paymentIds[0]), '--account', 'C-3003',
      '--to', 'INV-9002=10.00')).code).toBe(0);
    expect(await mappings('7770002')).toEqual([[seeded.corner, 1]]);
    const next = (await arc('import', 'bank', lockbox('7770002', '767.00'), '--json')).json();
    expect(next.matches[0]).toMatchObject({ customerId: seeded.corner, autoApplied: true });
  });
});
