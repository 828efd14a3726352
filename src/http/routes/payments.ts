import { randomBytes } from 'node:crypto';
import { Type } from 'typebox';
import { loadSetting } from '../../db/documents.ts';
import { isoDateOf, type IsoDate } from '../../domain/dates.ts';
import { PAYMENT_METHODS } from '../../domain/ledger.ts';
import { currencyExponent } from '../../domain/money.ts';
import { postDocument } from '../../ledger/post-document.ts';
import { listApplications } from '../../reports/customer-items.ts';
import { getItem, listPayments } from '../../reports/payments.ts';
import { requestActor } from '../auth-plugin.ts';
import { changeableCustomer, visibleCustomer } from '../customer-access.ts';
import { AmountInputSchema, ApplicationSchema, ItemSchema } from '../ledger-schemas.ts';
import { sendError, sendProblem } from '../problem.ts';
import { IdParamsSchema, IsoDateSchema, PageQuerySchema } from '../schemas.ts';
import type { RouteModule } from '../server.ts';
import { amountOr422, applicationJson, documentJson, itemJson } from '../shape.ts';

// Payments (receipts): the list and its research queue of unapplied cash, entering a payment
// (unidentified when no customer is given), and one payment with its applications.

export const paymentRoutes: RouteModule = async (app, { deps }) => {
  const { db } = deps;
  const today = (): IsoDate => isoDateOf(deps.clock.now());

  app.get('/payments', {
    config: { permission: 'payments.read' },
    schema: {
      summary: 'List payments; unapplied=true: the open ones, oldest first', tags: ['payments'],
      querystring: Type.Object({
        unapplied: Type.Optional(Type.Boolean()),
        customerId: Type.Optional(Type.Integer({ minimum: 1 })),
        ...PageQuerySchema,
      }),
      response: { 200: Type.Object({ items: Type.Array(ItemSchema), total: Type.Integer() }) },
    },
  }, async (request) => {
    const page = await listPayments(db, request.query, today());
    return { items: page.items.map(itemJson), total: page.total };
  });

  app.post('/payments', {
    config: { permission: 'payments.write' },
    schema: {
      summary: 'Enter a payment (left unapplied until applied)', tags: ['payments'],
      body: Type.Object({
        customerId: Type.Optional(Type.Integer({ minimum: 1, description: 'omit: unidentified' })),
        method: Type.Enum(PAYMENT_METHODS),
        reference: Type.Optional(Type.String({
          minLength: 1, maxLength: 64, description: 'check or trace number; omit for cash',
        })),
        receivedOn: IsoDateSchema,
        amount: AmountInputSchema,
        currency: Type.Optional(Type.String({ pattern: '^[A-Z]{3}$' })),
        payerName: Type.Optional(Type.String({ maxLength: 200 })),
        memo: Type.Optional(Type.String({ maxLength: 1000 })),
      }, { additionalProperties: false }),
      response: { 201: Type.Object({ payment: ItemSchema }) },
    },
  }, async (request, reply) => {
    const b = request.body;
    let currency = b.currency;
    if (b.customerId !== undefined) {
      const c = await changeableCustomer(db, request, reply, b.customerId, 'payments.write');
      if (!c) return reply;
      currency ??= c.currency;
    }
    currency ??= String(await loadSetting(db, 'base_currency') ?? 'USD');
    const amountCents = amountOr422(reply, 'amount', b.amount, currencyExponent(currency));
    if (amountCents === null) return reply;
    if (b.reference === undefined && b.method !== 'cash' && b.method !== 'route_cash') {
      return sendProblem(reply, 'reference_required', `a ${b.method} payment needs a reference`);
    }
    const r = await postDocument(db, requestActor(request), {
      type: 'payment', customerId: b.customerId ?? null,
      number: b.reference ?? `CASH-${b.receivedOn}-${randomBytes(3).toString('hex')}`,
      documentDate: b.receivedOn, amountCents, currency: b.currency, method: b.method,
      payerName: b.payerName, memo: b.memo,
    });
    if (!r.ok) return sendError(reply, r.error);
    return reply.code(201).send({ payment: documentJson(r.value.document, today()) });
  });

  app.get('/payments/:id', {
    config: { permission: 'payments.read' },
    schema: {
      summary: 'One payment with its applications', tags: ['payments'],
      params: IdParamsSchema,
      response: {
        200: Type.Object({ payment: ItemSchema, applications: Type.Array(ApplicationSchema) }),
      },
    },
  }, async (request, reply) => {
    const { id } = request.params;
    const payment = await getItem(db, id, today());
    const missing = { code: 'payment_not_found', paymentId: id };
    const notFound = () => sendError(reply, missing);
    if (!payment || payment.type !== 'payment') return notFound();
    if (payment.customerId !== null
      && !(await visibleCustomer(db, request, reply, payment.customerId))) return reply;
    const applications = await listApplications(db, { documentId: id });
    return {
      payment: itemJson(payment),
      applications: applications.map((a) => applicationJson(a, payment.currency)),
    };
  });
};
