import type { FastifyReply, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import type { Db } from '../../db/connection.ts';
import { loadApplication } from '../../db/documents.ts';
import { isoDateOf } from '../../domain/dates.ts';
import type { Permission } from '../../domain/permissions.ts';
import { currencyExponent, type Cents } from '../../domain/money.ts';
import { applyCredit, type ApplyLine } from '../../ledger/apply-credit.ts';
import { reverseApplication } from '../../ledger/reverse-application.ts';
import { listApplications, type ItemView } from '../../reports/customer-items.ts';
import { getItem } from '../../reports/payments.ts';
import { requestActor } from '../auth-plugin.ts';
import { changeableCustomer } from '../customer-access.ts';
import { AmountInputSchema, ApplicationSchema, ItemSchema } from '../ledger-schemas.ts';
import { sendError } from '../problem.ts';
import { IdParamsSchema, IsoDateSchema } from '../schemas.ts';
import type { RouteModule } from '../server.ts';
import { amountOr422, applicationJson, documentJson } from '../shape.ts';

// Applying a credit item (payment, credit memo) to debit items, and reversing an application.
// Both are checked against the credit's customer: a collector works their portfolio only.

const LineSchema = Type.Object({
  debitId: Type.Integer({ minimum: 1 }),
  amount: AmountInputSchema,
  discount: Type.Optional(AmountInputSchema),
  writeOff: Type.Optional(AmountInputSchema),
}, { additionalProperties: false });

/**
 * Whether the caller may change the credit's customer (answers 404/403 when not). A missing or
 * unidentified credit passes: the use case then refuses it with its own rule.
 */
async function creditAllowed(
  db: Db, request: FastifyRequest, reply: FastifyReply, credit: ItemView | null,
  permission: Permission,
): Promise<boolean> {
  if (!credit || credit.customerId === null) return true;
  return (await changeableCustomer(db, request, reply, credit.customerId, permission)) !== null;
}

export const applicationRoutes: RouteModule = async (app, { deps }) => {
  const { db } = deps;

  app.post('/applications', {
    config: { permission: 'applications.write' },
    schema: {
      summary: 'Apply a payment or credit memo to open items', tags: ['applications'],
      description: 'What the lines do not take stays open on the credit (unapplied).',
      body: Type.Object({
        creditId: Type.Integer({ minimum: 1 }),
        appliedOn: IsoDateSchema,
        lines: Type.Array(LineSchema, { minItems: 1, maxItems: 1000 }),
      }, { additionalProperties: false }),
      response: {
        201: Type.Object({ applications: Type.Array(ApplicationSchema), credit: ItemSchema }),
      },
    },
  }, async (request, reply) => {
    const { creditId, appliedOn } = request.body;
    const credit = await getItem(db, creditId, appliedOn);
    if (!(await creditAllowed(db, request, reply, credit, 'applications.write'))) return reply;
    const exponent = currencyExponent(credit?.currency ?? 'USD');
    const lines: ApplyLine[] = [];
    for (const [n, l] of request.body.lines.entries()) {
      const parse = (field: string, text: string | undefined): Cents | undefined | null =>
        text === undefined ? undefined : amountOr422(reply, `lines/${n}/${field}`, text, exponent);
      const amountCents = parse('amount', l.amount);
      const discountCents = parse('discount', l.discount);
      const writeOffCents = parse('writeOff', l.writeOff);
      if (amountCents == null || discountCents === null || writeOffCents === null) return reply;
      lines.push({ debitId: l.debitId, amountCents, discountCents, writeOffCents });
    }
    const r = await applyCredit(db, requestActor(request), {
      creditId, appliedOn, lines, method: 'manual',
    });
    if (!r.ok) return sendError(reply, r.error);
    const views = await listApplications(db, { ids: r.value.applications.map((a) => a.id) });
    const today = isoDateOf(deps.clock.now());
    return reply.code(201).send({
      applications: views.map((a) => applicationJson(a, r.value.credit.currency)),
      credit: documentJson(r.value.credit, today),
    });
  });

  app.post('/applications/:id/reverse', {
    config: { permission: 'applications.reverse' },
    schema: {
      summary: 'Reverse (un-apply) an application, with a reason', tags: ['applications'],
      params: IdParamsSchema,
      body: Type.Object({
        reason: Type.String({ minLength: 1, maxLength: 500 }),
        effectiveDate: IsoDateSchema,
        includeAdjustments: Type.Optional(Type.Boolean({
          description: 'also reverse the discount and write-off taken with it',
        })),
      }, { additionalProperties: false }),
      response: { 201: Type.Object({ reversal: ApplicationSchema }) },
    },
  }, async (request, reply) => {
    const { id } = request.params;
    const original = await loadApplication(db, id);
    const credit = original ? await getItem(db, original.creditId, original.appliedOn) : null;
    if (!(await creditAllowed(db, request, reply, credit, 'applications.reverse'))) return reply;
    const r = await reverseApplication(db, requestActor(request), {
      applicationId: id, ...request.body,
    });
    if (!r.ok) return sendError(reply, r.error);
    const [view] = await listApplications(db, { ids: [r.value.reversal.id] });
    return reply.code(201).send({ reversal: applicationJson(view!, r.value.credit.currency) });
  });
};
