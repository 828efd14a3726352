import { Type } from 'typebox';
import { approveWriteOff } from '../../collections/approve-write-off.ts';
import { changeDisputeStatus } from '../../collections/change-dispute-status.ts';
import { createPromise } from '../../collections/create-promise.ts';
import { deliverDunning } from '../../collections/deliver-dunning.ts';
import { escalate } from '../../collections/escalate.ts';
import { evaluatePromises } from '../../collections/evaluate-promises.ts';
import { getWorklist } from '../../collections/get-worklist.ts';
import { listActivities } from '../../collections/list-activities.ts';
import { listDisputes } from '../../collections/list-disputes.ts';
import { listPromises } from '../../collections/list-promises.ts';
import { ACTIVITY_KINDS, ACTIVITY_OUTCOMES, logActivity } from '../../collections/log-activity.ts';
import { smtpMailer } from '../../collections/mailer.ts';
import { openDispute } from '../../collections/open-dispute.ts';
import { previewDunning } from '../../collections/preview-dunning.ts';
import { runDunning } from '../../collections/run-dunning.ts';
import { requestWriteOff } from '../../collections/request-write-off.ts';
import { sendStatement } from '../../collections/send-statement.ts';
import { loadDispute } from '../../collections/disputes-store.ts';
import { loadCustomer } from '../../db/documents.ts';
import { isoDateOf, type IsoDate } from '../../domain/dates.ts';
import {
  DISPUTE_REASONS, DISPUTE_RESOLUTIONS, DISPUTE_STATUSES,
} from '../../domain/collections/disputes.ts';
import { currencyExponent } from '../../domain/money.ts';
import { roleAllows } from '../../domain/permissions.ts';
import { requestActor, viewerOf } from '../auth-plugin.ts';
import { changeableCustomer, visibleCustomer } from '../customer-access.ts';
import { AmountInputSchema } from '../ledger-schemas.ts';
import { sendError, sendProblem } from '../problem.ts';
import { IdParamsSchema, IsoDateSchema } from '../schemas.ts';
import type { RouteModule } from '../server.ts';
import { amountOr422, money } from '../shape.ts';

// Collections: the worklist, the contact log, promises, disputes, statements by email, dunning,
// escalation and write-off requests. Thin: validate, check the portfolio, call the use case.

const Ids = Type.Array(Type.Integer({ minimum: 1 }), { maxItems: 500 });
const Text = (max = 2000) => Type.String({ minLength: 1, maxLength: max });
const Any = Type.Object({}, { additionalProperties: true });
const Answer = (name: string) => ({ 201: Type.Object({ [name]: Any }) });

export const collectionsRoutes: RouteModule = async (app, { deps }) => {
  const { db } = deps;
  const today = (): IsoDate => isoDateOf(deps.clock.now());

  app.get('/worklist', {
    config: { permission: 'collections.write' },
    schema: {
      summary: "Today's ranked worklist", tags: ['collections'],
      description: "Yours by default; another collector's or everyone's (all=true) needs "
        + 'collections.supervise.',
      querystring: Type.Object({
        collector: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
        all: Type.Optional(Type.Boolean()),
        limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 5000, default: 200 })),
      }),
      response: { 200: Type.Object({ asOf: IsoDateSchema, items: Type.Array(Any) }) },
    },
  }, async (request, reply) => {
    const viewer = viewerOf(request);
    const { collector, all, limit } = request.query;
    const other = all || (collector !== undefined && collector !== viewer.portfolioName);
    if (other && !roleAllows(viewer.role, 'collections.supervise')) {
      return sendProblem(reply, 'forbidden', "another collector's worklist needs a supervisor",
        { permission: 'collections.supervise' });
    }
    const list = await getWorklist(db, { collector: all ? null
      : collector ?? viewer.portfolioName, asOf: today(), limit });
    return { asOf: today(), items: list.map(({ collectiblePastDueCents, ...e }) => ({
      ...e, collectiblePastDue: money(collectiblePastDueCents, e.currency) })) };
  });

  app.get('/customers/:id/activities', {
    config: { permission: 'collections.read' },
    schema: {
      summary: "An account's contact timeline, newest first", tags: ['collections'],
      params: IdParamsSchema,
      response: { 200: Type.Object({ items: Type.Array(Any) }) },
    },
  }, async (request, reply) => {
    if (!(await visibleCustomer(db, request, reply, request.params.id))) return reply;
    return { items: await listActivities(db, request.params.id) };
  });

  app.get('/customers/:id/promises', {
    config: { permission: 'collections.read' },
    schema: {
      summary: "An account's promises to pay with their status, newest first",
      tags: ['collections'], params: IdParamsSchema,
      response: { 200: Type.Object({ items: Type.Array(Any) }) },
    },
  }, async (request, reply) => {
    if (!(await visibleCustomer(db, request, reply, request.params.id))) return reply;
    const list = await listPromises(db, request.params.id);
    return { items: list.map(({ amountCents, paidCents, ...p }) => ({ ...p,
      amount: money(amountCents, p.currency), paid: money(paidCents, p.currency) })) };
  });

  app.get('/customers/:id/disputes', {
    config: { permission: 'collections.read' },
    schema: {
      summary: "An account's disputes and deductions with their status, newest first",
      tags: ['collections'], params: IdParamsSchema,
      response: { 200: Type.Object({ items: Type.Array(Any) }) },
    },
  }, async (request, reply) => {
    if (!(await visibleCustomer(db, request, reply, request.params.id))) return reply;
    const list = await listDisputes(db, request.params.id);
    return { items: list.map(({ amountCents, items, ...d }) => ({ ...d,
      amount: money(amountCents, d.currency), items: items.map((i) => ({
        documentId: i.documentId, amount: money(i.amountCents, d.currency) })) })) };
  });

  app.post('/customers/:id/activities', {
    config: { permission: 'collections.write' },
    schema: {
      summary: 'Log a call, email, fax, letter, visit or note', tags: ['collections'],
      params: IdParamsSchema,
      body: Type.Object({
        kind: Type.Enum(ACTIVITY_KINDS), outcome: Type.Optional(Type.Enum(ACTIVITY_OUTCOMES)),
        contactId: Type.Optional(Type.Integer({ minimum: 1 })),
        contactName: Type.Optional(Text(200)), subject: Type.Optional(Text(200)),
        body: Type.Optional(Text(10_000)), documentIds: Type.Optional(Ids),
        followUpOn: Type.Optional(IsoDateSchema),
      }, { additionalProperties: false }),
      response: Answer('activity'),
    },
  }, async (request, reply) => {
    const c = await changeableCustomer(db, request, reply, request.params.id,
      'collections.write');
    if (!c) return reply;
    const r = await logActivity(db, requestActor(request), { ...request.body,
      customerId: c.id, occurredOn: today() });
    if (!r.ok) return sendError(reply, r.error);
    return reply.code(201).send({ activity: r.value });
  });

  app.post('/customers/:id/promises', {
    config: { permission: 'collections.write' },
    schema: {
      summary: 'Record a promise to pay', tags: ['collections'], params: IdParamsSchema,
      body: Type.Object({
        amount: AmountInputSchema, promisedOn: IsoDateSchema, documentIds: Type.Optional(Ids),
        contactName: Type.Optional(Text(200)), activityId: Type.Optional(Type.Integer()),
      }, { additionalProperties: false }),
      response: Answer('promise'),
    },
  }, async (request, reply) => {
    const c = await changeableCustomer(db, request, reply, request.params.id,
      'collections.write');
    if (!c) return reply;
    const amountCents = amountOr422(reply, 'amount', request.body.amount,
      currencyExponent(c.currency));
    if (amountCents === null) return reply;
    const r = await createPromise(db, requestActor(request), { ...request.body, amountCents,
      customerId: c.id, madeOn: today() });
    if (!r.ok) return sendError(reply, r.error);
    return reply.code(201).send({ promise: { ...r.value,
      amount: money(r.value.amountCents, r.value.currency) } });
  });

  app.post('/customers/:id/disputes', {
    config: { permission: 'collections.write' },
    schema: {
      summary: 'Open a dispute or deduction on items', tags: ['collections'],
      params: IdParamsSchema,
      body: Type.Object({
        reasonCode: Type.Enum(DISPUTE_REASONS),
        kind: Type.Optional(Type.Enum(['dispute', 'deduction'])),
        items: Type.Array(Type.Object({ documentId: Type.Integer({ minimum: 1 }),
          amount: Type.Optional(AmountInputSchema) }, { additionalProperties: false }),
        { minItems: 1, maxItems: 500 }),
        owner: Type.Optional(Text(200)), note: Type.Optional(Text(10_000)),
      }, { additionalProperties: false }),
      response: Answer('dispute'),
    },
  }, async (request, reply) => {
    const c = await changeableCustomer(db, request, reply, request.params.id,
      'collections.write');
    if (!c) return reply;
    const items = [];
    for (const i of request.body.items) {
      const amountCents = i.amount === undefined ? null
        : amountOr422(reply, 'items.amount', i.amount, currencyExponent(c.currency));
      if (amountCents === null && i.amount !== undefined) return reply;
      items.push({ documentId: i.documentId, amountCents });
    }
    const r = await openDispute(db, requestActor(request), { ...request.body, items,
      customerId: c.id, openedOn: today() });
    if (!r.ok) return sendError(reply, r.error);
    return reply.code(201).send({ dispute: r.value });
  });

  app.patch('/disputes/:id', {
    config: { permission: 'collections.write' },
    schema: {
      summary: 'Move a dispute along: in_review, resolved (with a resolution), closed',
      description: 'A credit memo above the setting credit_memo_approval_above_cents needs a '
        + 'manager (collections.supervise).', tags: ['collections'], params: IdParamsSchema,
      body: Type.Object({
        status: Type.Enum(DISPUTE_STATUSES),
        resolution: Type.Optional(Type.Enum(DISPUTE_RESOLUTIONS)),
        note: Type.Optional(Text(10_000)),
      }, { additionalProperties: false }),
      response: { 200: Type.Object({ dispute: Any }) },
    },
  }, async (request, reply) => {
    const d = await loadDispute(db, request.params.id);
    if (!d) {
      return sendProblem(reply, 'dispute_not_found', `no dispute ${request.params.id}`,
        { disputeId: request.params.id });
    }
    if (!(await changeableCustomer(db, request, reply, d.customerId, 'collections.write'))) {
      return reply;
    }
    const r = await changeDisputeStatus(db, requestActor(request), {
      disputeId: d.id, to: request.body.status, resolution: request.body.resolution ?? null,
      note: request.body.note, on: today(),
      byManager: roleAllows(viewerOf(request).role, 'collections.supervise'),
    });
    if (!r.ok) return sendError(reply, r.error);
    return { dispute: r.value };
  });

  app.post('/customers/:id/statement-emails', {
    config: { permission: 'collections.write' },
    schema: {
      summary: 'Email a statement of account (PDF attached); logged on the account',
      tags: ['collections'], params: IdParamsSchema,
      body: Type.Object({ to: Type.Optional(Type.String({ format: 'email', maxLength: 320 })),
        message: Type.Optional(Text(10_000)) }, { additionalProperties: false }),
      response: Answer('email'),
    },
  }, async (request, reply) => {
    const c = await changeableCustomer(db, request, reply, request.params.id,
      'collections.write');
    if (!c) return reply;
    const mailer = smtpMailer(deps.config.mail);
    try {
      const r = await sendStatement(db, requestActor(request), mailer,
        deps.config.mail.companyName, { ...request.body, customerId: c.id, asOf: today() });
      if (!r.ok) return sendError(reply, r.error);
      return reply.code(201).send({ email: { to: r.value.to, messageId: r.value.messageId,
        activityId: r.value.activity.id } });
    } finally {
      mailer?.close();
    }
  });

  app.post('/customers/:id/escalations', {
    config: { permission: 'collections.write' },
    schema: {
      summary: 'Escalate an account to a supervisor with a note', tags: ['collections'],
      params: IdParamsSchema,
      body: Type.Object({ note: Text(10_000), escalatedTo: Type.Optional(Text(200)) },
        { additionalProperties: false }),
      response: Answer('escalation'),
    },
  }, async (request, reply) => {
    const c = await changeableCustomer(db, request, reply, request.params.id,
      'collections.write');
    if (!c) return reply;
    const r = await escalate(db, requestActor(request), { customerId: c.id, on: today(),
      note: request.body.note, escalatedTo: request.body.escalatedTo ?? null });
    if (!r.ok) return sendError(reply, r.error);
    return reply.code(201).send({ escalation: r.value });
  });

  app.post('/customers/:id/write-off-requests', {
    config: { permission: 'collections.write' },
    schema: {
      summary: 'Ask for a bad-debt write-off of open items', tags: ['collections'],
      params: IdParamsSchema,
      body: Type.Object({ reason: Text(2000), documentIds: Type.Array(Type.Integer(
        { minimum: 1 }), { minItems: 1, maxItems: 500 }) }, { additionalProperties: false }),
      response: Answer('writeOffRequest'),
    },
  }, async (request, reply) => {
    const c = await changeableCustomer(db, request, reply, request.params.id,
      'collections.write');
    if (!c) return reply;
    const r = await requestWriteOff(db, requestActor(request), { customerId: c.id,
      reason: request.body.reason, requestedOn: today(),
      items: request.body.documentIds.map((documentId) => ({ documentId })) });
    if (!r.ok) return sendError(reply, r.error);
    return reply.code(201).send({ writeOffRequest: r.value });
  });

  app.post('/write-off-requests/:id/decision', {
    config: { permission: 'write_offs.approve' },
    schema: {
      summary: 'Approve (posts the write-off) or reject a write-off request',
      tags: ['collections'], params: IdParamsSchema,
      body: Type.Object({ approve: Type.Boolean() }, { additionalProperties: false }),
      response: { 200: Type.Object({ writeOffRequest: Any }) },
    },
  }, async (request, reply) => {
    const r = await approveWriteOff(db, requestActor(request), { requestId: request.params.id,
      approve: request.body.approve, role: viewerOf(request).role, on: today() });
    if (!r.ok) return sendError(reply, r.error);
    const c = await loadCustomer(db, r.value.customerId);
    return { writeOffRequest: { ...r.value,
      amount: money(r.value.amountCents, c?.currency ?? r.value.currency) } };
  });

  app.get('/dunning/preview', {
    config: { permission: 'collections.supervise' },
    schema: {
      summary: 'What a dunning run today would send (nothing is sent)', tags: ['collections'],
      response: { 200: Any },
    },
  }, async () => previewDunning(db, today()));

  app.post('/dunning/runs', {
    config: { permission: 'collections.supervise' },
    schema: {
      summary: "Run today's dunning and deliver it (once per key; default: today's daily slot)",
      description: 'Records the run, then sends its email and fax messages and marks its letters '
        + 'ready to print, as `arc dunning run` does; `delivered` counts what was sent and what '
        + 'failed. A rerun under another key sends nothing new.',
      tags: ['collections'],
      body: Type.Optional(Type.Object({ runKey: Type.Optional(Text(200)) },
        { additionalProperties: false })),
      response: { 201: Type.Object({ run: Any, delivered: Type.Object({
        emailed: Type.Integer(), faxed: Type.Integer(), printed: Type.Integer(),
        failed: Type.Integer(), waiting: Type.Integer() }) }) },
    },
  }, async (request, reply) => {
    const actor = requestActor(request);
    const r = await runDunning(db, actor, {
      runKey: request.body?.runKey ?? `daily:${today()}`, asOf: today() });
    if (!r.ok) return sendError(reply, r.error);
    const mailer = smtpMailer(deps.config.mail);
    try {
      const delivered = await deliverDunning(db, actor, r.value.runId, { mailer,
        companyName: deps.config.mail.companyName, faxGateway: deps.config.mail.faxGateway });
      return reply.code(201).send({ run: r.value, delivered });
    } finally {
      mailer?.close();
    }
  });

  app.post('/promises/evaluations', {
    config: { permission: 'collections.supervise' },
    schema: {
      summary: 'Evaluate open promises as of today (the nightly job; once per day)',
      tags: ['collections'], response: Answer('evaluation'),
    },
  }, async (request, reply) => reply.code(201).send({
    evaluation: await evaluatePromises(db, requestActor(request), today()) }));
};
