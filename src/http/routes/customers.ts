import { Type } from 'typebox';
import type { Db } from '../../db/connection.ts';
import { CUSTOMER_STATUSES } from '../../db/documents.ts';
import { isoDateOf, type IsoDate } from '../../domain/dates.ts';
import { customerScopeFor } from '../../domain/permissions.ts';
import { assert } from '../../domain/result.ts';
import { currencyExponent, type Cents } from '../../domain/money.ts';
import { addContact } from '../../ledger/add-contact.ts';
import { createCustomer } from '../../ledger/create-customer.ts';
import { updateCustomer } from '../../ledger/update-customer.ts';
import { ensureSummaryDate } from '../../reports/customer-summary-date.ts';
import { getCustomer, getCustomerAccount, listCustomers } from '../../reports/customers.ts';
import { requestActor, viewerOf } from '../auth-plugin.ts';
import { allowChange, changeableCustomer } from '../customer-access.ts';
import {
  AgingStripSchema, AmountInputSchema, ContactSchema, CustomerDetailSchema,
  CustomerSummarySchema,
} from '../ledger-schemas.ts';
import { sendError } from '../problem.ts';
import { readKey, sendKept } from '../read-cache.ts';
import { IdParamsSchema, PageQuerySchema } from '../schemas.ts';
import type { RouteModule } from '../server.ts';
import { agingStripJson, amountOr422, customerDetailJson, customerSummaryJson } from '../shape.ts';

// Customers: the list (search, filter, sort, pages), the account header, create, change, and
// contacts. Sales reps see only their own customers; collectors change only their portfolio.

const Text = (max: number) => Type.String({ maxLength: max });
// Null first: Fastify's Ajv coerces types, and would turn null into "" for a string listed first.
const Nullable = <T extends ReturnType<typeof Text>>(t: T) => Type.Union([Type.Null(), t]);

const editable = {
  name: Type.String({ minLength: 1, maxLength: 200 }),
  terms: Type.String({ minLength: 1, maxLength: 40, description: 'a code or "2/10 net 30"' }),
  creditLimit: Type.Union([Type.Null(), AmountInputSchema], { description: 'null: no limit' }),
  currency: Type.String({ pattern: '^[A-Z]{3}$' }),
  collector: Nullable(Text(200)),
  salesRep: Nullable(Text(200)),
  region: Nullable(Text(100)),
  parentAccount: Nullable(Text(64)),
  status: Type.Enum(CUSTOMER_STATUSES),
  notes: Nullable(Text(4000)),
};
const partial = Object.fromEntries(Object.entries(editable)
  .map(([k, v]) => [k, Type.Optional(v)])) as { [K in keyof typeof editable]:
    ReturnType<typeof Type.Optional<(typeof editable)[K]>> };

const CustomerAnswer = Type.Object({ customer: CustomerDetailSchema });

/** A customer just written, as the answer shows it. */
async function detail(db: Db, id: number, today: IsoDate) {
  await ensureSummaryDate(db, today);
  const c = await getCustomer(db, id, {}, today);
  assert(c, `customer ${id} exists after writing it`);
  return { customer: customerDetailJson(c) };
}

export const customerRoutes: RouteModule = async (app, { deps }) => {
  const { db, reads } = deps;
  const today = (): IsoDate => isoDateOf(deps.clock.now());

  app.get('/customers', {
    config: { permission: 'customers.read' },
    schema: {
      summary: 'List customers with their balances', tags: ['customers'],
      querystring: Type.Object({
        q: Type.Optional(Type.String({ maxLength: 200, description: 'account prefix or name' })),
        collector: Type.Optional(Text(200)),
        salesRep: Type.Optional(Text(200)),
        region: Type.Optional(Text(100)),
        sort: Type.Optional(Type.Enum(['account', 'name', 'balance', 'pastDue', 'oldest',
          'collector'], { default: 'account' })),
        dir: Type.Optional(Type.Enum(['asc', 'desc'], { default: 'asc' })),
        ...PageQuerySchema,
      }),
      response: {
        200: Type.Object({ items: Type.Array(CustomerSummarySchema), total: Type.Integer() }),
      },
    },
  }, async (request, reply) => {
    const day = today();
    const scope = customerScopeFor(viewerOf(request));
    const body = await reads.json(readKey('customers', day, scope, request.query), async () => {
      await ensureSummaryDate(db, day);
      const page = await listCustomers(db, request.query, scope, day);
      return { items: page.items.map(customerSummaryJson), total: page.total };
    });
    assert(body, 'the customer list always answers');
    return sendKept(request, reply, body);
  });

  app.get('/customers/:id', {
    config: { permission: 'customers.read' },
    schema: {
      summary: 'A customer: header, contacts and aging strip', tags: ['customers'],
      params: IdParamsSchema,
      response: { 200: Type.Object({ customer: CustomerDetailSchema, aging: AgingStripSchema }) },
    },
  }, async (request, reply) => {
    const { id } = request.params;
    const day = today();
    const scope = customerScopeFor(viewerOf(request));
    const body = await reads.json(readKey('customer', day, scope, id), async () => {
      await ensureSummaryDate(db, day);
      const account = await getCustomerAccount(db, id, scope, day);
      if (!account) return undefined;
      const { customer, aging } = account;
      return {
        customer: customerDetailJson(customer), aging: agingStripJson(aging, customer.currency),
      };
    });
    const missing = { code: 'customer_not_found', customerId: id };
    if (!body) return sendError(reply, missing);
    return sendKept(request, reply, body);
  });

  app.post('/customers', {
    config: { permission: 'customers.write' },
    schema: {
      summary: 'Create a customer', tags: ['customers'],
      body: Type.Object({ account: Type.String({ minLength: 1, maxLength: 64 }), ...partial,
        name: editable.name }, { additionalProperties: false }),
      response: { 201: CustomerAnswer },
    },
  }, async (request, reply) => {
    const { account, creditLimit, ...rest } = request.body;
    const portfolio = { collector: rest.collector ?? null, salesRep: rest.salesRep ?? null };
    if (!allowChange(request, reply, 'customers.write', portfolio)) return reply;
    const limit = await limitCents(reply, creditLimit, rest.currency);
    if (limit === false) return reply;
    const r = await createCustomer(db, requestActor(request), {
      ...rest, accountNumber: account, creditLimitCents: limit,
    });
    if (!r.ok) return sendError(reply, r.error);
    return reply.code(201).send(await detail(db, r.value.id, today()));
  });

  app.patch('/customers/:id', {
    config: { permission: 'customers.write' },
    schema: {
      summary: 'Change a customer (any field but the account number)', tags: ['customers'],
      params: IdParamsSchema,
      body: Type.Object(partial, { additionalProperties: false, minProperties: 1 }),
      response: { 200: CustomerAnswer },
    },
  }, async (request, reply) => {
    const { id } = request.params;
    const before = await changeableCustomer(db, request, reply, id, 'customers.write');
    if (!before) return reply;
    const { creditLimit, ...rest } = request.body;
    const limit = await limitCents(reply, creditLimit, rest.currency ?? before.currency);
    if (limit === false) return reply;
    const r = await updateCustomer(db, requestActor(request), id, {
      ...rest, ...(limit === undefined ? {} : { creditLimitCents: limit }),
    });
    if (!r.ok) return sendError(reply, r.error);
    return detail(db, id, today());
  });

  app.post('/customers/:id/contacts', {
    config: { permission: 'customers.write' },
    schema: {
      summary: 'Add a contact (a new primary contact replaces the old one)', tags: ['customers'],
      params: IdParamsSchema,
      body: Type.Object({
        name: Type.String({ minLength: 1, maxLength: 200 }),
        role: Type.Optional(Nullable(Text(100))),
        email: Type.Optional(Nullable(Text(254))),
        phone: Type.Optional(Nullable(Text(50))),
        fax: Type.Optional(Nullable(Text(50))),
        isPrimary: Type.Optional(Type.Boolean()),
      }, { additionalProperties: false }),
      response: { 201: Type.Object({ contact: ContactSchema }) },
    },
  }, async (request, reply) => {
    const { id } = request.params;
    if (!(await changeableCustomer(db, request, reply, id, 'customers.write'))) return reply;
    const r = await addContact(db, requestActor(request), { ...request.body, customerId: id });
    if (!r.ok) return sendError(reply, r.error);
    const { customerId: _customerId, ...contact } = r.value;
    return reply.code(201).send({ contact });
  });
};

/**
 * The credit limit in cents: undefined when not given, null for "no limit", false after
 * answering 422 for an amount that does not parse.
 */
async function limitCents(
  reply: Parameters<typeof amountOr422>[0], text: string | null | undefined,
  currency: string | undefined,
): Promise<Cents | null | undefined | false> {
  if (text === undefined || text === null) return text;
  return amountOr422(reply, 'creditLimit', text, currencyExponent(currency ?? 'USD')) ?? false;
}
