import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { matchPayments } from '../src/cashapp/match-payments.ts';
import { freshDb } from './support/db.ts';
import { expectSound } from './cashapp-support.ts';
import { actor, customer, post, unwrap } from './ledger-fixtures.ts';

// A batch loads the open items of the customers its payments try; when an automatic
// application earlier in the batch makes a later payment try another customer the evidence
// names, that customer's items are loaded and the batch matched again
// (src/domain/matching/candidates.ts): the proposal is the one every open item gives.

let db: Awaited<ReturnType<typeof freshDb>>;
const ids = new Map<string, number>();

async function payment(amountCents: number, account: string, text: string, name: string | null) {
  const p = await post(db, 'payment', null, '2024-03-18', amountCents);
  await db.query(
    `INSERT INTO bank_payments (document_id, seq, payer_name, payer_account, value_date,
       remittance, queue_state, state_changed_by)
     VALUES ($1, 0, $2, $3, '2024-03-18', $4, 'review', 'test')`,
    [p.id, name, account, JSON.stringify({ lines: [], freeText: [text] })]);
  return p.id;
}

beforeAll(async () => {
  db = await freshDb();
  const x = (await customer(db, { name: 'Xenon Plastics' })).id;
  const y = (await customer(db, { name: 'Yarrow Mills' })).id;
  const z = (await customer(db, { name: 'Zephyr Tools' })).id;
  // X's and Y's invoices share a number but for punctuation: a reference names both.
  for (const [key, c, number, cents] of [['x1', x, 'INV-777001', 10000],
    ['y1', y, 'INV 777001', 10000], ['y2', y, 'INV-880002', 5000],
    ['z1', z, 'INV-990003', 7000]] as const) {
    ids.set(key, (await post(db, 'invoice', c, '2024-02-01', cents, { number })).id);
  }
  ids.set('x', x).set('y', y).set('z', z);
  for (const [account, c] of [['111', x], ['333', z]] as const) {
    await db.query(`INSERT INTO payer_mappings (payer_account, customer_id, confirmations)
      VALUES ($1, $2, 3)`, [account, c]);
  }
});
afterAll(async () => db.dispose());

describe('matching a batch: customers tried first, others when a payment comes to try them', () => {
  it('pays X, then proposes both of Y\'s invoices for the payment that names Y\'s number',
    async () => {
      // The first pays X's invoice automatically; the number then names Y's invoice alone,
      // which brings Y, far behind Z's learned account before, among those the second tries.
      const first = await payment(10000, '111', 'INV-777001', null);
      const second = await payment(15000, '333', 'INV 777001', 'Yarrow Mills');
      const r = unwrap(await matchPayments(db, actor, [first, second], '2024-03-20'));
      expect(r.outcomes.map((o) => [o.customerId, o.autoApplied, o.queueState])).toEqual([
        [ids.get('x'), true, 'applied'], [ids.get('y'), false, 'review'],
      ]);
      const proposal = await db.query<{ allocations: { documentId: number }[] }>(
        `SELECT allocations FROM match_proposals WHERE payment_id = $1 AND status = 'pending'`,
        [second]);
      // Y's second invoice is not named: it came with Y's items, loaded for the second round.
      expect(proposal.rows[0]!.allocations.map((a) => a.documentId))
        .toEqual([ids.get('y1'), ids.get('y2')]);
      await expectSound(db);
    });

  it('reads items whatever their numbers and terms hold, separators of the item text included',
    async () => {
      // Items travel as text with U+001F and U+001E between fields and items
      // (src/cashapp/match-inputs.ts); a number holding one is read again as JSON.
      const w = (await customer(db, { name: 'Wolfram Tools' })).id;
      await db.query(`INSERT INTO payer_mappings (payer_account, customer_id, confirmations)
        VALUES ('444', $1, 3)`, [w]);
      const odd = (await post(db, 'invoice', w, '2024-02-01', 4321,
        { number: 'INV\u001f5\u001e01' })).id;
      const plain = (await post(db, 'invoice', w, '2024-02-01', 8642, { number: 'INV-502' })).id;
      const pays = [await payment(4321, '444', '', null), await payment(8642, '444', '', null)];
      const r = unwrap(await matchPayments(db, actor, pays, '2024-03-20'));
      expect(r.outcomes.map((o) => [o.customerId, o.autoApplied])).toEqual([[w, true], [w, true]]);
      const applied = await db.query<{ debitId: number; number: string }>(
        `SELECT a.debit_id::int AS "debitId", d.number FROM applications a
         JOIN documents d ON d.id = a.debit_id WHERE a.credit_id = ANY($1::bigint[])
         ORDER BY a.credit_id`, [pays]);
      expect(applied.rows).toEqual([{ debitId: odd, number: 'INV\u001f5\u001e01' },
        { debitId: plain, number: 'INV-502' }]);
      expect(await expectSound(db)).toEqual([]);
    });
});
