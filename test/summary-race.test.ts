import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Actor } from '../src/db/audit.ts';
import { cents } from '../src/domain/money.ts';
import { createCustomer } from '../src/ledger/create-customer.ts';
import { postDocumentInTx } from '../src/ledger/post-document.ts';
import { verifyLedger } from '../src/ledger/verify.ts';
import { freshDb, onPostgres } from './support/db.ts';

// The customer summary (balance, past due, aging) of a customer whose documents two transactions
// change at once: the second to refresh it must see what the first committed, not compute from
// the snapshot its statement took before it waited for the first.

const actor: Actor = { name: 'race-test', kind: 'system', source: 'test' };
let db: Awaited<ReturnType<typeof freshDb>>;
let customerId: number;

beforeAll(async () => {
  db = await freshDb();
  const c = await createCustomer(db, actor, { accountNumber: 'R100', name: 'Race Co' });
  if (!c.ok) throw new Error(JSON.stringify(c.error));
  customerId = c.value.id;
});
afterAll(async () => db.dispose());

const invoice = (number: string, amount: number) => ({ type: 'invoice' as const, customerId,
  number, documentDate: '2026-06-01', amountCents: cents(amount) });

async function summaryBalance(): Promise<number> {
  const r = await db.query<{ b: string }>(
    'SELECT balance_cents::text AS b FROM customer_summary WHERE customer_id = $1', [customerId]);
  return Number(r.rows[0]!.b);
}

describe('two transactions posting to one customer at once', () => {
  it("leave the summary with both: the second refresh waits and sees the first's", async () => {
    if (!onPostgres()) {
      // One connection (PGlite): one after the other, the same outcome.
      await db.transaction((tx) => postDocumentInTx(tx, actor, invoice('R-1', 10_000)));
      await db.transaction((tx) => postDocumentInTx(tx, actor, invoice('R-2', 2_500)));
    } else {
      let posted!: () => void;
      const firstPosted = new Promise<void>((resolve) => { posted = resolve; });
      await Promise.all([
        db.transaction(async (tx) => {
          await postDocumentInTx(tx, actor, invoice('R-1', 10_000));
          posted();
          await tx.query('SELECT pg_sleep(0.4)');
        }),
        (async () => {
          await firstPosted;
          await db.transaction((tx) => postDocumentInTx(tx, actor, invoice('R-2', 2_500)));
        })(),
      ]);
    }
    expect(await summaryBalance()).toBe(12_500);
    expect(await verifyLedger(db)).toEqual([]);
  });
});
