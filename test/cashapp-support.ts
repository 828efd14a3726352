import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import type { CliContext } from '../src/cli/context.ts';
import { main } from '../src/cli/main.ts';
import { loadConfig } from '../src/config.ts';
import type { Db } from '../src/db/connection.ts';
import { verifyLedger } from '../src/ledger/verify.ts';
import { actor, customer, post } from './ledger-fixtures.ts';

// Shared set-up for test/cashapp-*.test.ts: the fixture folders, the CLI around a test database,
// and a seeded ledger whose customers and invoices the bank-file samples pay.

export const SHARED = join(import.meta.dirname, '..', '..', 'shared', 'fixtures');
export const OWN = join(import.meta.dirname, 'fixtures', 'bank');
export const read = (path: string) => readFileSync(path);

export function cli(db: Db, today = '2024-03-20') {
  return async (...args: string[]) => {
    let out = '';
    let err = '';
    const sink = (append: (s: string) => void) =>
      new Writable({ write(chunk, _e, done) { append(String(chunk)); done(); } });
    const ctx: CliContext = {
      config: loadConfig({}), db: async () => db,
      actor: { name: 'clerk', kind: 'cli', source: 'cli' }, today,
      stdout: sink((s) => (out += s)), stderr: sink((s) => (err += s)),
      close: async () => undefined,
    };
    const code = await main(['node', 'arc', ...args], ctx);
    return { code, out, err, json: () => JSON.parse(out) };
  };
}

export interface Seeded {
  acme: number;
  bolt: number;
  corner: number;
  harbor: number;
  docs: Map<string, number>;
}

/**
 * Customers and open items that test/fixtures/bank's samples pay: Acme Hardware (C-1001),
 * Bolt & Nut (C-2002), Corner Store (C-3003), Harbor Freight Lines (C-4004).
 */
export async function seedLedger(db: Db): Promise<Seeded> {
  const acme = await customer(db, { accountNumber: 'C-1001', name: 'Acme Hardware Inc',
    terms: '2/10NET30' });
  const bolt = await customer(db, { accountNumber: 'C-2002', name: 'Bolt & Nut LLC' });
  const corner = await customer(db, { accountNumber: 'C-3003', name: 'Corner Store' });
  const harbor = await customer(db, { accountNumber: 'C-4004', name: 'Harbor Freight Lines' });
  const docs = new Map<string, number>();
  const add = async (type: 'invoice' | 'credit_memo', c: number, number: string, cents: number,
    date = '2024-03-01') => {
    docs.set(number, (await post(db, type, c, date, cents, { number })).id);
  };
  await add('invoice', acme.id, 'INV-1001', 120000);
  await add('invoice', bolt.id, 'INV-1002', 150000);
  await add('invoice', bolt.id, 'INV-1003', 100000);
  await add('credit_memo', bolt.id, 'CM-77', 5000);
  await add('invoice', corner.id, 'INV-1004', 20000);
  await add('invoice', corner.id, 'INV-1005', 11025);
  await add('invoice', harbor.id, 'INV-1006', 52500);
  await add('invoice', acme.id, 'INV-2001', 153061, '2024-03-10');
  await add('invoice', acme.id, 'INV-2002', 150000);
  await add('credit_memo', acme.id, 'CM-0907', 25000);
  // Unrelated open items, so that amounts alone are not trivially unique.
  await add('invoice', harbor.id, 'INV-9001', 33075);
  await add('invoice', corner.id, 'INV-9002', 77700);
  return { acme: acme.id, bolt: bolt.id, corner: corner.id, harbor: harbor.id, docs };
}

export { actor };

export async function openOf(db: Db, id: number): Promise<number> {
  const r = await db.query<{ o: number }>('SELECT open_cents AS o FROM documents WHERE id = $1',
    [id]);
  return r.rows[0]!.o;
}

/** The ledger's own verification: no difference anywhere. */
export async function expectSound(db: Db): Promise<unknown[]> {
  return verifyLedger(db);
}
