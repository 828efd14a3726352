import { Type } from 'typebox';
import { addDisputeNote } from '../../collections/add-dispute-note.ts';
import { decideCreditMemoApproval } from '../../collections/decide-credit-memo-approval.ts';
import { getDisputeDetail } from '../../collections/get-dispute-detail.ts';
import { listAgencyPlacements } from '../../collections/list-agency-placements.ts';
import { listCreditMemoApprovals } from '../../collections/list-credit-memo-approvals.ts';
import {
  DISPUTE_QUEUE_SORTS, DISPUTE_QUEUE_STATUSES, listDisputesQueue,
} from '../../collections/list-disputes-queue.ts';
import { listDunningRuns } from '../../collections/list-dunning-runs.ts';
import { ESCALATION_FILTERS, listEscalations } from '../../collections/list-escalations.ts';
import { listWriteOffRequests } from '../../collections/list-write-off-requests.ts';
import { placeWithAgency } from '../../collections/place-with-agency.ts';
import { recallFromAgency } from '../../collections/recall-from-agency.ts';
import { recordAgencyRecovery } from '../../collections/record-agency-recovery.ts';
import { requestCreditMemoApproval } from '../../collections/request-credit-memo-approval.ts';
import { resolveEscalation } from '../../collections/resolve-escalation.ts';
import { loadDispute } from '../../collections/disputes-store.ts';
import { loadSetting } from '../../db/documents.ts';
import { isoDateOf, type IsoDate } from '../../domain/dates.ts';
import { DISPUTE_REASONS } from '../../domain/collections/disputes.ts';
import { currencyExponent } from '../../domain/money.ts';
import { mayChangeCustomer, roleAllows } from '../../domain/permissions.ts';
import { principalOf, requestActor, viewerOf } from '../auth-plugin.ts';
import { changeableCustomer, visibleCustomer } from '../customer-access.ts';
import { AmountInputSchema } from '../ledger-schemas.ts';
import { sendError, sendProblem } from '../problem.ts';
import { IdParamsSchema, IsoDateSchema, PageQuerySchema } from '../schemas.ts';
import type { RouteModule } from '../server.ts';
import { amountOr422, money } from '../shape.ts';
import {
  agencyJson, approvalJson, disputeDetailJson, disputeEntryJson, escalationJson, placementJson,
  writeOffJson,
} from '../collections-queues-shape.ts';

// The cross-account collections queues: disputes and deductions (with notes and the managers'
// credit memo approvals), escalations, write-off requests, agency placements and past dunning
// runs. Thin like collections.ts: validate, apply the portfolio rules, call the use case.

const Text = (max = 2000) => Type.String({ minLength: 1, maxLength: max });
const Any = Type.Object({}, { additionalProperties: true });
const Items = Type.Object({ items: Type.Array(Any) }, { additionalProperties: true });
const Limit = Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 200 }));

export const collectionsQueueRoutes: RouteModule = async (app, { deps }) => {
  const { db } = deps;
  const today = (): IsoDate => isoDateOf(deps.clock.now());

  app.get('/disputes', {
    config: { permission: 'collections.read' },
    schema: {
      summary: "Every account's disputes and deductions, filtered and sorted",
      tags: ['collections'],
      description: 'status active (default) is open and in review. A sales rep sees the disputes '
        + 'routed to them on their customers. ageDaysMin: opened at least that many days ago.',
      querystring: Type.Object({
        status: Type.Optional(Type.Enum(DISPUTE_QUEUE_STATUSES)),
        reasonCode: Type.Optional(Type.Enum(DISPUTE_REASONS)),
        kind: Type.Optional(Type.Enum(['dispute', 'deduction'])),
        owner: Type.Optional(Text(200)), collector: Type.Optional(Text(200)),
        customerId: Type.Optional(Type.Integer({ minimum: 1 })),
        ageDaysMin: Type.Optional(Type.Integer({ minimum: 0, maximum: 100_000 })),
        sort: Type.Optional(Type.Enum(DISPUTE_QUEUE_SORTS)),
        dir: Type.Optional(Type.Enum(['asc', 'desc'])),
        ...PageQuerySchema,
      }),
      response: { 200: Items },
    },
  }, async (request) => {
    const viewer = viewerOf(request);
    const routedTo = viewer.role === 'sales_rep' ? viewer.portfolioName : undefined;
    const q = request.query;
    const queue = await listDisputesQueue(db, { ...q, asOf: today(), routedTo,
      limit: q.limit ?? 50, offset: q.offset ?? 0 });
    return { asOf: today(), total: queue.total, routedTo: routedTo ?? null,
      totals: queue.totals.map((t) => ({ currency: t.currency, count: t.count,
        amount: money(t.amountCents, t.currency) })),
      owners: queue.owners, collectors: queue.collectors,
      items: queue.items.map(disputeEntryJson) };
  });

  app.get('/disputes/:id', {
    config: { permission: 'collections.read' },
    schema: {
      summary: 'One dispute: items, notes, credit memo approvals, history, allowed moves',
      tags: ['collections'], params: IdParamsSchema,
      response: { 200: Type.Object({ dispute: Any }) },
    },
  }, async (request, reply) => {
    const found = await loadDispute(db, request.params.id);
    if (!found) return disputeNotFound(reply, request.params.id);
    const customer = await visibleCustomer(db, request, reply, found.customerId);
    if (!customer) return reply;
    const viewer = viewerOf(request);
    const detail = (await getDisputeDetail(db, found.id, today(),
      roleAllows(viewer.role, 'collections.supervise')))!;
    return { dispute: { ...disputeDetailJson(detail),
      mayChange: mayChangeCustomer(viewer, 'collections.write', customer),
      mayApprove: roleAllows(viewer.role, 'collections.supervise') } };
  });

  app.post('/disputes/:id/notes', {
    config: { permission: 'collections.write' },
    schema: {
      summary: 'Add a note to a dispute', tags: ['collections'], params: IdParamsSchema,
      body: Type.Object({ body: Text(10_000) }, { additionalProperties: false }),
      response: { 201: Type.Object({ note: Any }) },
    },
  }, async (request, reply) => {
    if (!(await disputeChangeable(request, reply))) return reply;
    const r = await addDisputeNote(db, requestActor(request), { disputeId: request.params.id,
      body: request.body.body });
    if (!r.ok) return sendError(reply, r.error);
    return reply.code(201).send({ note: r.value });
  });

  app.post('/disputes/:id/credit-memo-approvals', {
    config: { permission: 'collections.write' },
    schema: {
      summary: 'Ask a manager to approve resolving a dispute with a credit memo',
      description: 'For an in-review dispute above credit_memo_approval_above_cents; approving '
        + 'it (POST /credit-memo-approvals/:id/decision) resolves the dispute.',
      tags: ['collections'], params: IdParamsSchema,
      body: Type.Object({ note: Type.Optional(Text(10_000)) }, { additionalProperties: false }),
      response: { 201: Type.Object({ approval: Any }) },
    },
  }, async (request, reply) => {
    if (!(await disputeChangeable(request, reply))) return reply;
    const r = await requestCreditMemoApproval(db, requestActor(request), {
      disputeId: request.params.id, on: today(), note: request.body.note });
    if (!r.ok) return sendError(reply, r.error);
    return reply.code(201).send({ approval: approvalJson(r.value) });
  });

  app.get('/credit-memo-approvals', {
    config: { permission: 'collections.supervise' },
    schema: {
      summary: 'Credit memo requests waiting for a manager (or decided ones)',
      tags: ['collections'],
      querystring: Type.Object({ status: Type.Optional(Type.Enum(['pending', 'decided'])),
        limit: Limit }),
      response: { 200: Items },
    },
  }, async (request) => {
    const list = await listCreditMemoApprovals(db, { status: request.query.status ?? 'pending',
      limit: request.query.limit ?? 200 });
    return { items: list.map((a) => ({ ...approvalJson(a), customerId: a.customerId,
      accountNumber: a.accountNumber, customerName: a.customerName, reasonCode: a.reasonCode,
      kind: a.kind, owner: a.owner, disputeStatus: a.disputeStatus,
      requestedByName: a.requestedByName })) };
  });

  app.post('/credit-memo-approvals/:id/decision', {
    config: { permission: 'collections.supervise' },
    schema: {
      summary: 'Approve (resolves the dispute with a credit memo) or reject a credit memo request',
      tags: ['collections'], params: IdParamsSchema,
      body: Type.Object({ approve: Type.Boolean(), note: Type.Optional(Text(10_000)) },
        { additionalProperties: false }),
      response: { 200: Type.Object({ approval: Any }) },
    },
  }, async (request, reply) => {
    const r = await decideCreditMemoApproval(db, requestActor(request), {
      approvalId: request.params.id, approve: request.body.approve, note: request.body.note,
      on: today(), byManager: roleAllows(viewerOf(request).role, 'collections.supervise') });
    if (!r.ok) return sendError(reply, r.error);
    return { approval: approvalJson(r.value) };
  });

  app.get('/escalations', {
    config: { permission: 'collections.write' },
    schema: {
      summary: 'Escalated accounts: open (new and acknowledged) by default',
      description: 'Supervisors see every escalation; a collector the ones they raised.',
      tags: ['collections'],
      querystring: Type.Object({ status: Type.Optional(Type.Enum(ESCALATION_FILTERS)),
        escalatedTo: Type.Optional(Text(200)), limit: Limit }),
      response: { 200: Items },
    },
  }, async (request) => {
    const supervisor = roleAllows(viewerOf(request).role, 'collections.supervise');
    const list = await listEscalations(db, { filter: request.query.status ?? 'open',
      escalatedTo: request.query.escalatedTo, limit: request.query.limit ?? 200,
      createdBy: supervisor ? undefined : principalOf(request).username });
    return { items: list.map(escalationJson) };
  });

  for (const [step, to] of [['acknowledge', 'acknowledged'], ['resolve', 'resolved']] as const) {
    app.post(`/escalations/:id/${step}`, {
      config: { permission: 'collections.supervise' },
      schema: {
        summary: to === 'resolved' ? 'Resolve an escalation with a note (closes its task)'
          : 'Acknowledge an escalation (take it on), with an optional note',
        tags: ['collections'], params: IdParamsSchema,
        body: Type.Object({ note: to === 'resolved' ? Text(10_000)
          : Type.Optional(Text(10_000)) }, { additionalProperties: false }),
        response: { 200: Type.Object({ escalation: Any }) },
      },
    }, async (request, reply) => {
      const r = await resolveEscalation(db, requestActor(request), {
        escalationId: request.params.id, to, note: request.body.note });
      if (!r.ok) return sendError(reply, r.error);
      return { escalation: escalationJson(r.value) };
    });
  }

  app.get('/write-off-requests', {
    config: { permission: 'collections.write' },
    schema: {
      summary: 'Bad-debt write-off requests: pending (default), approved (posted) or rejected',
      description: 'Each pending one says whether the caller may approve it (role limits in the '
        + 'setting write_off_approval_limits). A collector sees the ones they asked for.',
      tags: ['collections'],
      querystring: Type.Object({
        status: Type.Optional(Type.Enum(['pending', 'approved', 'rejected'])), limit: Limit }),
      response: { 200: Items },
    },
  }, async (request) => {
    const p = principalOf(request);
    const approver = roleAllows(p.role, 'write_offs.approve');
    const queue = await listWriteOffRequests(db, { status: request.query.status ?? 'pending',
      limit: request.query.limit ?? 200, viewer: { username: p.username, role: p.role },
      requestedBy: approver ? undefined : p.username });
    const base = String(await loadSetting(db, 'base_currency') ?? 'USD');
    const limit = p.role in queue.limits ? queue.limits[p.role] ?? null : 0;
    return {
      items: queue.items.map(writeOffJson),
      currency: base,
      yourLimit: limit === null ? null : money(limit, base),
      limits: Object.entries(queue.limits).map(([role, cents]) => ({ role,
        limit: cents === null ? null : money(cents, base) })),
    };
  });

  app.get('/agency-placements', {
    config: { permission: 'collections.supervise' },
    schema: {
      summary: 'Accounts placed with a collection agency (or recalled), with recoveries',
      tags: ['collections'],
      querystring: Type.Object({ status: Type.Optional(Type.Enum(['placed', 'recalled'])),
        limit: Limit }),
      response: { 200: Items },
    },
  }, async (request) => ({ items: (await listAgencyPlacements(db, {
    status: request.query.status ?? 'placed', limit: request.query.limit ?? 200 }))
    .map(agencyJson) }));

  app.post('/customers/:id/agency-placements', {
    config: { permission: 'collections.supervise' },
    schema: {
      summary: 'Place an account with a collection agency (dunning pauses)',
      description: 'amount defaults to the open balance; commissionBp in basis points of '
        + 'recoveries (2500 = 25%).', tags: ['collections'], params: IdParamsSchema,
      body: Type.Object({ agency: Text(200), amount: Type.Optional(AmountInputSchema),
        commissionBp: Type.Integer({ minimum: 0, maximum: 10_000 }) },
      { additionalProperties: false }),
      response: { 201: Type.Object({ placement: Any }) },
    },
  }, async (request, reply) => {
    const c = await changeableCustomer(db, request, reply, request.params.id,
      'collections.supervise');
    if (!c) return reply;
    const { amount, ...body } = request.body;
    const placedCents = amount === undefined ? null
      : amountOr422(reply, 'amount', amount, currencyExponent(c.currency));
    if (amount !== undefined && placedCents === null) return reply;
    const r = await placeWithAgency(db, requestActor(request), { ...body, customerId: c.id,
      placedOn: today(), placedCents });
    if (!r.ok) return sendError(reply, r.error);
    return reply.code(201).send({ placement: placementJson(r.value) });
  });

  app.post('/agency-placements/:id/recall', {
    config: { permission: 'collections.supervise' },
    schema: {
      summary: 'Recall an account from its agency (dunning and the worklist take it back)',
      tags: ['collections'], params: IdParamsSchema,
      body: Type.Object({ reason: Text(2000) }, { additionalProperties: false }),
      response: { 200: Type.Object({ placement: Any }) },
    },
  }, async (request, reply) => {
    const r = await recallFromAgency(db, requestActor(request), {
      placementId: request.params.id, recalledOn: today(), reason: request.body.reason });
    if (!r.ok) return sendError(reply, r.error);
    return { placement: placementJson(r.value) };
  });

  app.post('/agency-placements/:id/recoveries', {
    config: { permission: 'collections.supervise' },
    schema: {
      summary: 'Record what the agency reports it recovered on a placement',
      description: 'Tracks the placement (recovered total, commission); the cash is posted as a '
        + 'payment like any other.', tags: ['collections'], params: IdParamsSchema,
      body: Type.Object({ amount: AmountInputSchema, recoveredOn: Type.Optional(IsoDateSchema),
        note: Type.Optional(Text(2000)) }, { additionalProperties: false }),
      response: { 201: Type.Object({ placement: Any }) },
    },
  }, async (request, reply) => {
    const cur = await db.query<{ currency: string }>(
      'SELECT currency FROM agency_placements WHERE id = $1', [request.params.id]);
    const exponent = currencyExponent(cur.rows[0]?.currency ?? 'USD');
    const amountCents = amountOr422(reply, 'amount', request.body.amount, exponent);
    if (amountCents === null) return reply;
    const r = await recordAgencyRecovery(db, requestActor(request), {
      placementId: request.params.id, amountCents, note: request.body.note,
      recoveredOn: request.body.recoveredOn ?? today() });
    if (!r.ok) return sendError(reply, r.error);
    return reply.code(201).send({ placement: placementJson(r.value) });
  });

  app.get('/dunning/runs', {
    config: { permission: 'collections.supervise' },
    schema: {
      summary: 'Past dunning runs, newest first, with their messages by status and channel',
      tags: ['collections'], querystring: Type.Object({ limit: Limit }),
      response: { 200: Items },
    },
  }, async (request) => ({ items: await listDunningRuns(db, request.query.limit ?? 50) }));

  /** The dispute exists and the caller may change its account (else answered 404/403). */
  async function disputeChangeable(
    request: Parameters<typeof viewerOf>[0] & { params: { id: number } },
    reply: Parameters<typeof sendError>[0],
  ): Promise<boolean> {
    const d = await loadDispute(db, request.params.id);
    if (!d) {
      disputeNotFound(reply, request.params.id);
      return false;
    }
    return (await changeableCustomer(db, request, reply, d.customerId, 'collections.write'))
      !== null;
  }
};

function disputeNotFound(reply: Parameters<typeof sendError>[0], id: number) {
  return sendProblem(reply, 'dispute_not_found', `no dispute ${id}`, { disputeId: id });
}
