import { Type } from 'typebox';
import { addDays, isoDateOf, type IsoDate } from '../../domain/dates.ts';
import { customerScopeFor } from '../../domain/permissions.ts';
import {
  listCustomerApplications, listVisibleCustomerItems,
} from '../../reports/customer-items.ts';
import { accountStatement } from '../../reports/statement.ts';
import { viewerOf } from '../auth-plugin.ts';
import { visibleCustomer } from '../customer-access.ts';
import { AmountSchema, ApplicationSchema, ItemSchema } from '../ledger-schemas.ts';
import { sendError, sendProblem } from '../problem.ts';
import { readKey, sendKept } from '../read-cache.ts';
import { IdParamsSchema, IsoDateSchema } from '../schemas.ts';
import type { RouteModule } from '../server.ts';
import { applicationJson, itemJson, money } from '../shape.ts';

// A customer's ledger as the account page shows it: open (or all) items, the payment and
// application history, and the statement of activity for a period.

const StatementLineSchema = Type.Object({
  date: IsoDateSchema, type: Type.String(), number: Type.String(), description: Type.String(),
  debit: AmountSchema, credit: AmountSchema, balance: AmountSchema,
});

export const customerAccountRoutes: RouteModule = async (app, { deps }) => {
  const { db } = deps;
  const today = (): IsoDate => isoDateOf(deps.clock.now());

  app.get('/customers/:id/items', {
    config: { permission: 'items.read' },
    schema: {
      summary: "A customer's open items (or all)", tags: ['customers'],
      params: IdParamsSchema,
      querystring: Type.Object({
        status: Type.Optional(Type.Enum(['open', 'all'], { default: 'open' })),
        type: Type.Optional(Type.String({ maxLength: 40 })),
        sort: Type.Optional(Type.Enum(['dueDate', 'documentDate', 'number', 'amount', 'open'])),
      }),
      response: { 200: Type.Object({ items: Type.Array(ItemSchema) }) },
    },
  }, async (request, reply) => {
    const { id } = request.params;
    const { status = 'open', type, sort } = request.query;
    const day = today();
    const scope = customerScopeFor(viewerOf(request));
    const query = { status, type, sort };
    const body = await deps.reads.json(readKey('items', day, scope, id, query), async () => {
      // The portfolio rule (src/domain/permissions.ts) is checked in the items' own statement.
      const items = await listVisibleCustomerItems(db, id, scope, query, day);
      return items ? { items: items.map(itemJson) } : undefined;
    });
    const missing = { code: 'customer_not_found', customerId: id };
    if (!body) return sendError(reply, missing);
    return sendKept(request, reply, body);
  });

  app.get('/customers/:id/applications', {
    config: { permission: 'items.read' },
    schema: {
      summary: "Applications touching a customer's items, newest first", tags: ['customers'],
      params: IdParamsSchema,
      response: { 200: Type.Object({ items: Type.Array(ApplicationSchema) }) },
    },
  }, async (request, reply) => {
    const { id } = request.params;
    const customer = await visibleCustomer(db, request, reply, id);
    if (!customer) return reply;
    const items = await listCustomerApplications(db, id);
    return { items: items.map((a) => applicationJson(a, customer.currency)) };
  });

  app.get('/customers/:id/statement', {
    config: { permission: 'statements.read' },
    schema: {
      summary: 'Statement of account activity for a period', tags: ['customers'],
      description: 'Default period: the 90 days up to today.',
      params: IdParamsSchema,
      querystring: Type.Object({
        from: Type.Optional(IsoDateSchema), to: Type.Optional(IsoDateSchema),
      }),
      response: {
        200: Type.Object({
          from: IsoDateSchema, to: IsoDateSchema, currency: Type.String(), opening: AmountSchema,
          lines: Type.Array(StatementLineSchema), closing: AmountSchema,
        }),
      },
    },
  }, async (request, reply) => {
    const { id } = request.params;
    const customer = await visibleCustomer(db, request, reply, id);
    if (!customer) return reply;
    const to = request.query.to ?? today();
    const from = request.query.from ?? addDays(to, -89);
    if (from > to) return sendProblem(reply, 'period_invalid', `from ${from} is after to ${to}`);
    const s = await accountStatement(db, id, from, to);
    const m = (c: number) => money(c, s.currency);
    return {
      from, to, currency: s.currency, opening: m(s.openingCents), closing: m(s.closingCents),
      lines: s.lines.map((l) => ({
        date: l.date, type: l.type, number: l.number, description: l.description,
        debit: m(l.debitCents), credit: m(l.creditCents), balance: m(l.balanceCents),
      })),
    };
  });
};
