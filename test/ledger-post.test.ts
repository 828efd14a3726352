import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Customer } from '../src/db/documents.ts';
import type { Cents } from '../src/domain/money.ts';
import { postDocument, type PostDocumentInput } from '../src/ledger/post-document.ts';
import { verifyLedger } from '../src/ledger/verify.ts';
import { actor, customer, entryLines, failure, unwrap } from './ledger-fixtures.ts';
import { freshDb } from './support/db.ts';

let db: Awaited<ReturnType<typeof freshDb>>;
let acme: Customer;
beforeAll(async () => {
  db = await freshDb();
  acme = await customer(db, { terms: 'NET10EOM' });
});
afterAll(async () => db.dispose());

const invoice = (change: Partial<PostDocumentInput> = {}): PostDocumentInput => ({
  type: 'invoice', customerId: acme.id, number: 'INV-100', documentDate: '2026-01-15',
  amountCents: 12_345 as Cents, ...change,
});

describe('postDocument', () => {
  it.each<[string, Partial<PostDocumentInput>]>([
    ['invoice', { type: 'invoice', number: 'I-1' }],
    ['debit_memo', { type: 'debit_memo', number: 'D-1' }],
    ['finance_charge', { type: 'finance_charge', number: 'F-1' }],
  ])('posts a %s positive, due by the terms, Dr AR control', async (_, change) => {
    const r = unwrap(await postDocument(db, actor, invoice(change)));
    expect(r.created).toBe(true);
    expect(r.document).toMatchObject({ amountCents: 12_345, openCents: 12_345, currency: 'USD',
      dueDate: '2026-02-10', termsCode: 'NET10EOM', createdBy: 'tester' });
    const lines = await entryLines(db, 'document_id', r.document.id);
    expect(lines[0]).toEqual({ account: 'ar_control', amountCents: 12_345 });
    expect(lines.reduce((s, l) => s + l.amountCents, 0)).toBe(0);
  });

  it('posts credits negative, due on their date; a payment Cr unapplied cash', async () => {
    const cm = unwrap(await postDocument(db, actor, invoice({
      type: 'credit_memo', number: 'C-1',
    })));
    expect(cm.document)
      .toMatchObject({ amountCents: -12_345, dueDate: '2026-01-15', termsCode: null });
    const pay = unwrap(await postDocument(db, actor, invoice({
      type: 'payment', number: '1001', method: 'ach', payerName: 'ACME INC', memo: 'inv 100',
    })));
    expect(pay.document)
      .toMatchObject({ amountCents: -12_345, method: 'ach', payerName: 'ACME INC' });
    expect(await entryLines(db, 'document_id', pay.document.id)).toEqual([
      { account: 'unapplied_cash', amountCents: -12_345 },
      { account: 'cash_clearing', amountCents: 12_345 },
    ]);
  });

  it('posts unidentified cash in the base currency (or the one given)', async () => {
    const r = unwrap(await postDocument(db, actor, invoice({
      type: 'payment', customerId: null, number: 'W-1', method: 'wire', currency: 'EUR',
    })));
    expect(r.document).toMatchObject({ customerId: null, currency: 'EUR', amountCents: -12_345 });
    const u = unwrap(await postDocument(db, actor, invoice({
      type: 'payment', customerId: null, number: 'W-2', method: 'cash',
    })));
    expect(u.document.currency).toBe('USD');
  });

  it('keeps a given due date and writes an audit record', async () => {
    const r = unwrap(await postDocument(db, actor, invoice({ number: 'I-2', dueDate: '2026-03-01',
      poNumber: 'PO-9', orderNumber: 'SO-9' })));
    expect(r.document)
      .toMatchObject({ dueDate: '2026-03-01', poNumber: 'PO-9', orderNumber: 'SO-9' });
    const a = await db.query(
      'SELECT action FROM audit_log WHERE entity_type = $1 AND entity_id = $2',
      ['document', String(r.document.id)]);
    expect(a.rows).toEqual([{ action: 'document.post' }]);
  });

  it.each<[string, Partial<PostDocumentInput>, string]>([
    // In precedence order; each row also breaks later rules.
    ['type', { type: 'discount' as never, amountCents: 0 as Cents }, 'document_type_not_postable'],
    ['zero amount', { amountCents: 0 as Cents, documentDate: 'x' }, 'amount_must_be_positive'],
    ['negative amount', { amountCents: -5 as Cents }, 'amount_must_be_positive'],
    ['date', { documentDate: '2026-02-30', number: '' }, 'document_date_invalid'],
    ['due date', { dueDate: '2026-13-01', number: '' }, 'due_date_invalid'],
    ['due before date', { dueDate: '2026-01-14', number: '' }, 'due_before_document_date'],
    ['number', { number: ' ', method: 'card' }, 'number_required'],
    ['method missing', { type: 'payment', customerId: null }, 'method_required'],
    ['method', { type: 'payment', method: 'barter' as never }, 'method_invalid'],
    ['method on invoice', { method: 'check', customerId: null }, 'method_only_for_payments'],
    ['customer', { customerId: null, currency: 'usd' }, 'customer_required'],
    ['currency', { currency: 'usd', customerId: 99_999_999 }, 'currency_invalid'],
    ['missing customer', { customerId: 99_999_999, currency: 'EUR' }, 'customer_not_found'],
    ['currency mismatch', { currency: 'EUR', number: 'I-1' }, 'currency_must_match_customer'],
    ['number taken', { number: 'I-1' }, 'document_number_taken'],
  ])('refuses %s', async (_, change, code) => {
    expect(failure(await postDocument(db, actor, invoice(change))).code).toBe(code);
  });

  it('is idempotent by external_id: same content returns the first, other is refused', async () => {
    const input = invoice({ number: 'I-IDEM', externalId: 'erp:I-IDEM' });
    const first = unwrap(await postDocument(db, actor, input));
    const again = unwrap(await postDocument(db, actor, input));
    expect(again).toEqual({ document: first.document, created: false });
    expect(failure(await postDocument(db, actor, { ...input, amountCents: 12_346 as Cents })))
      .toEqual({ code: 'external_id_conflict', externalId: 'erp:I-IDEM',
        documentId: first.document.id });
    const n = await db.query(
      'SELECT count(*)::int AS n FROM journal_entries WHERE document_id = $1',
      [first.document.id]);
    expect(n.rows).toEqual([{ n: 1 }]);
  });

  it('a retried post racing the first creates one document', async () => {
    const input = invoice({
      type: 'payment', number: 'RACE', method: 'check', externalId: 'bank:RACE',
    });
    const results = await Promise.all([1, 2, 3].map(() => postDocument(db, actor, input)));
    const docs = results.map(unwrap);
    expect(new Set(docs.map((d) => d.document.id)).size).toBe(1);
    expect(docs.filter((d) => d.created)).toHaveLength(1);
  });

  it('leaves the ledger verified', async () => {
    expect(await verifyLedger(db)).toEqual([]);
  });
});
