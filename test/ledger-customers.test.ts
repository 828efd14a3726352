import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Cents } from '../src/domain/money.ts';
import { addContact } from '../src/ledger/add-contact.ts';
import { createCustomer, type CreateCustomerInput } from '../src/ledger/create-customer.ts';
import { updateCustomer } from '../src/ledger/update-customer.ts';
import { actor, customer, failure, post, unwrap } from './ledger-fixtures.ts';
import { freshDb } from './support/db.ts';

let db: Awaited<ReturnType<typeof freshDb>>;
beforeAll(async () => {
  db = await freshDb();
  unwrap(await createCustomer(db, actor, { accountNumber: 'TAKEN', name: 'Taken Ltd' }));
});
afterAll(async () => db.dispose());

describe('createCustomer', () => {
  const base: CreateCustomerInput = { accountNumber: 'NEW1', name: 'New One' };
  it.each<[string, Partial<CreateCustomerInput>, string]>([
    // In precedence order: each row also breaks every later rule.
    ['blank account', { accountNumber: ' ', name: '', currency: 'usd' }, 'account_number_required'],
    ['blank name', { name: '  ', currency: 'usd', creditLimitCents: -1 as Cents }, 'name_required'],
    ['currency', { currency: 'usd', creditLimitCents: -1 as Cents }, 'currency_invalid'],
    ['credit limit', { creditLimitCents: -1 as Cents, terms: 'soon' },
      'credit_limit_must_not_be_negative'],
    ['status', { status: 'gone' as never, terms: 'soon' }, 'status_invalid'],
    ['terms', { terms: 'soon', accountNumber: 'TAKEN' }, 'terms_not_recognized'],
    ['account taken', { accountNumber: 'TAKEN', parentAccount: 'NOPE' }, 'account_number_taken'],
    ['parent', { parentAccount: 'NOPE' }, 'parent_not_found'],
  ])('refuses %s', async (_, change, code) => {
    expect(failure(await createCustomer(db, actor, { ...base, ...change })).code).toBe(code);
  });

  it('stores a known terms code, or the canonical code of terms as people write them', async () => {
    const a = unwrap(await createCustomer(db, actor, {
      accountNumber: 'T1', name: 'T', terms: 'NET45',
    }));
    expect(a.termsCode).toBe('NET45');
    const b = unwrap(await createCustomer(db, actor, {
      accountNumber: 'T2', name: 'T', terms: '1.5/15 net 60', currency: 'EUR',
      creditLimitCents: 500000 as Cents, parentAccount: 'T1',
    }));
    expect(b).toMatchObject({ termsCode: '1.5/15NET60', currency: 'EUR', parentId: a.id,
      creditLimitCents: 500000, status: 'active' });
    const t = await db.query(
      'SELECT kind, net_days, discount_bp, discount_days FROM terms WHERE code = $1',
      ['1.5/15NET60']);
    expect(t.rows[0]).toEqual({ kind: 'net', net_days: 60, discount_bp: 150, discount_days: 15 });
    const c = unwrap(await createCustomer(db, actor, {
      accountNumber: 'T3', name: 'T', terms: 'n30',
    }));
    expect(c.termsCode).toBe('NET30');
  });

  it('audits the creation with the new row', async () => {
    const c = await customer(db);
    const r = await db.query<{ action: string; actor: string; after: { accountNumber: string } }>(
      'SELECT action, actor, after FROM audit_log WHERE entity_type = $1 AND entity_id = $2',
      ['customer', String(c.id)]);
    expect(r.rows).toEqual([{ action: 'customer.create', actor: 'tester',
      after: expect.objectContaining({ accountNumber: c.accountNumber }) }]);
  });
});

describe('updateCustomer', () => {
  it('changes fields and audits before and after', async () => {
    const c = await customer(db);
    const u = unwrap(await updateCustomer(db, actor, c.id, {
      name: 'Renamed', terms: '2/10 net 30', collector: 'ann', status: 'on_hold',
    }));
    expect(u).toMatchObject({ name: 'Renamed', termsCode: '2/10NET30', collector: 'ann',
      status: 'on_hold', accountNumber: c.accountNumber });
    const r = await db.query<{ before: { name: string }; after: { name: string } }>(
      `SELECT before, after FROM audit_log WHERE action = 'customer.update' AND entity_id = $1`,
      [String(c.id)]);
    expect(r.rows[0]!.before.name).toBe(c.name);
    expect(r.rows[0]!.after.name).toBe('Renamed');
  });

  it('refuses a parent that would close a cycle, and detaches with null', async () => {
    const top = await customer(db);
    const mid = await customer(db, { parentAccount: top.accountNumber });
    const leaf = await customer(db, { parentAccount: mid.accountNumber });
    for (const parent of [leaf, mid, top]) {
      expect(failure(await updateCustomer(db, actor, top.id, {
        parentAccount: parent.accountNumber,
      }))).toEqual({ code: 'parent_creates_cycle', parentAccount: parent.accountNumber });
    }
    expect(unwrap(await updateCustomer(db, actor, mid.id, { parentAccount: null })).parentId)
      .toBeNull();
    expect(unwrap(await updateCustomer(db, actor, top.id, {
      parentAccount: leaf.accountNumber,
    })).parentId).toBe(leaf.id);
  });

  it.each<[string, number | null, object, string]>([
    ['missing customer', 99_999_999, { name: '' }, 'customer_not_found'],
    ['blank name', null, { name: '', currency: 'x' }, 'name_required'],
    ['bad terms', null, { terms: 'whenever', parentAccount: 'NOPE' }, 'terms_not_recognized'],
    ['missing parent', null, { parentAccount: 'NOPE' }, 'parent_not_found'],
  ])('refuses %s', async (_, id, patch, code) => {
    const c = await customer(db);
    expect(failure(await updateCustomer(db, actor, id ?? c.id, patch)).code).toBe(code);
  });

  it('keeps the currency once documents exist', async () => {
    const c = await customer(db);
    expect(unwrap(await updateCustomer(db, actor, c.id, { currency: 'CAD' })).currency).toBe('CAD');
    await post(db, 'invoice', c.id, '2026-01-05', 1000);
    expect(failure(await updateCustomer(db, actor, c.id, { currency: 'USD' })).code)
      .toBe('currency_fixed_once_documents_exist');
  });
});

describe('addContact', () => {
  it('adds contacts; a new primary takes over from the old one', async () => {
    const c = await customer(db);
    const first = unwrap(await addContact(db, actor, {
      customerId: c.id, name: 'Ann AP', role: 'AP', email: 'ann@example.com', isPrimary: true,
    }));
    const second = unwrap(await addContact(db, actor, {
      customerId: c.id, name: 'Bob', phone: '555-0100', fax: '555-0101', isPrimary: true,
    }));
    expect(second).toMatchObject({ name: 'Bob', isPrimary: true, email: null, fax: '555-0101' });
    const r = await db.query<{ id: number; is_primary: boolean }>(
      'SELECT id, is_primary FROM contacts WHERE customer_id = $1 ORDER BY id', [c.id]);
    expect(r.rows).toEqual([
      { id: first.id, is_primary: false }, { id: second.id, is_primary: true },
    ]);
  });

  it.each<[string, object, string]>([
    ['missing customer', { customerId: 99_999_999, name: '' }, 'customer_not_found'],
    ['blank name', { name: ' ', email: 'bad' }, 'contact_name_required'],
    ['bad email', { name: 'X', email: 'not an email' }, 'email_invalid'],
  ])('refuses %s', async (_, input, code) => {
    const c = await customer(db);
    expect(failure(await addContact(db, actor, { customerId: c.id, name: 'N', ...input })).code)
      .toBe(code);
  });
});
