import { Type } from 'typebox';
import { isoDateOf } from '../../domain/dates.ts';
import { currencyExponent } from '../../domain/money.ts';
import { postDocument } from '../../ledger/post-document.ts';
import { requestActor } from '../auth-plugin.ts';
import { changeableCustomer } from '../customer-access.ts';
import { AmountInputSchema, ItemSchema } from '../ledger-schemas.ts';
import { sendError } from '../problem.ts';
import { IsoDateSchema } from '../schemas.ts';
import type { RouteModule } from '../server.ts';
import { amountOr422, documentJson } from '../shape.ts';

// Open items people post by hand: invoices, debit and credit memos, finance charges. Payments
// have their own resource; discounts, write-offs and voids come from applying and reversing.

export const itemRoutes: RouteModule = async (app, { deps }) => {
  const { db } = deps;
  app.post('/items', {
    config: { permission: 'items.write' },
    schema: {
      summary: 'Post an invoice, debit memo, credit memo or finance charge', tags: ['items'],
      body: Type.Object({
        customerId: Type.Integer({ minimum: 1 }),
        type: Type.Enum(['invoice', 'debit_memo', 'credit_memo', 'finance_charge']),
        number: Type.String({ minLength: 1, maxLength: 64 }),
        date: IsoDateSchema,
        dueDate: Type.Optional(IsoDateSchema),
        amount: AmountInputSchema,
        poNumber: Type.Optional(Type.String({ maxLength: 64 })),
        orderNumber: Type.Optional(Type.String({ maxLength: 64 })),
        memo: Type.Optional(Type.String({ maxLength: 1000 })),
      }, { additionalProperties: false }),
      response: { 201: Type.Object({ item: ItemSchema }) },
    },
  }, async (request, reply) => {
    const b = request.body;
    const customer = await changeableCustomer(db, request, reply, b.customerId, 'items.write');
    if (!customer) return reply;
    const amountCents = amountOr422(reply, 'amount', b.amount, currencyExponent(customer.currency));
    if (amountCents === null) return reply;
    const r = await postDocument(db, requestActor(request), {
      type: b.type, customerId: b.customerId, number: b.number, documentDate: b.date,
      dueDate: b.dueDate, amountCents, poNumber: b.poNumber, orderNumber: b.orderNumber,
      memo: b.memo,
    });
    if (!r.ok) return sendError(reply, r.error);
    return reply.code(201)
      .send({ item: documentJson(r.value.document, isoDateOf(deps.clock.now())) });
  });
};
