import { Type } from 'typebox';
import { acceptProposal } from '../../cashapp/accept-proposal.ts';
import { addPaymentNote } from '../../cashapp/add-payment-note.ts';
import { applyPaymentByHand } from '../../cashapp/apply-payment-by-hand.ts';
import { importBankFile } from '../../cashapp/import-bank-file.ts';
import { listResearchQueue } from '../../cashapp/list-research-queue.ts';
import { markPayment } from '../../cashapp/mark-payment.ts';
import {
  linkRemittanceAdvice, listRemittanceAdvices,
} from '../../cashapp/remittance-advice.ts';
import { getRemittanceAdvice } from '../../cashapp/remittance-advice-detail.ts';
import { unlinkRemittanceAdvice } from '../../cashapp/unlink-remittance-advice.ts';
import {
  reversePaymentSplit, splitPayment, type SplitOutcome,
} from '../../cashapp/split-payment.ts';
import { isoDateOf, type IsoDate } from '../../domain/dates.ts';
import { formatAmount, parseAmount, type Cents } from '../../domain/money.ts';
import { requestActor } from '../auth-plugin.ts';
import { sendError, sendProblem } from '../problem.ts';
import { IdParamsSchema, IsoDateSchema } from '../schemas.ts';
import type { RouteModule } from '../server.ts';
import { amountOr422, money } from '../shape.ts';

// Cash application: upload a bank, lockbox or remittance file (the body is the file's bytes),
// the research queue with its suggestions, and a clerk's decisions on a payment. Thin: validate,
// call a use case in src/cashapp, shape the answer.

const AmountSchema = Type.String({ pattern: '^-?\\d+(\\.\\d{1,2})?$', description: '"1234.56"' });
const Ok = Type.Object({}, { additionalProperties: true });

export const cashappRoutes: RouteModule = async (app, { deps }) => {
  const { db } = deps;
  const today = (): IsoDate => isoDateOf(deps.clock.now());
  app.addContentTypeParser('application/octet-stream', { parseAs: 'buffer', bodyLimit: 50e6 },
    (_req, body, done) => done(null, body));

  app.post('/cashapp/bank-files', {
    config: { permission: 'cashapp.write' },
    schema: {
      summary: 'Import a bank file (BAI2, camt.052/053/054, NACHA, X12 820, lockbox CSV): '
        + 'post its payments, process returns, match. Body: the file (application/octet-stream)',
      tags: ['cash application'],
      querystring: Type.Object({ fileName: Type.String({ minLength: 1, maxLength: 255 }) }),
      response: { 200: Ok, 201: Ok },
    },
  }, async (request, reply) => {
    if (!Buffer.isBuffer(request.body)) {
      return sendProblem(reply, 'media_type_unsupported', 'send the file as application/octet-stream');
    }
    const r = await importBankFile(db, requestActor(request), {
      bytes: new Uint8Array(request.body), fileName: request.query.fileName, today: today(),
    });
    if (!r.ok) return sendError(reply, r.error);
    return reply.code(r.value.status === 'imported' ? 201 : 200).send(r.value);
  });

  app.get('/cashapp/research-queue', {
    config: { permission: 'cashapp.read' },
    schema: {
      summary: 'Payments with unapplied cash, their suggested matches and why; counts and '
        + 'amounts by age', tags: ['cash application'],
      response: { 200: Ok },
    },
  }, async () => listResearchQueue(db, today()));

  app.post('/cashapp/payments/:id/accept', {
    config: { permission: 'cashapp.write' },
    schema: { summary: 'Accept the suggested match', tags: ['cash application'],
      params: IdParamsSchema, response: { 200: Ok } },
  }, async (request, reply) => {
    const r = await acceptProposal(db, requestActor(request), { paymentId: request.params.id });
    return r.ok ? r.value : sendError(reply, r.error);
  });

  app.post('/cashapp/payments/:id/apply', {
    config: { permission: 'cashapp.write' },
    schema: {
      summary: 'Apply a payment by hand to a customer\'s items', tags: ['cash application'],
      params: IdParamsSchema,
      body: Type.Object({
        account: Type.String({ minLength: 1 }),
        appliedOn: Type.Optional(IsoDateSchema),
        lines: Type.Array(Type.Object({
          documentNumber: Type.String({ minLength: 1 }), amount: AmountSchema,
          discount: Type.Optional(AmountSchema), writeOff: Type.Optional(AmountSchema),
        }, { additionalProperties: false }), { minItems: 1 }),
      }, { additionalProperties: false }),
      response: { 200: Ok },
    },
  }, async (request, reply) => {
    const cents = (s: string | undefined): Cents | undefined => {
      if (s === undefined) return undefined;
      const p = parseAmount(s);
      return p.ok ? p.value : undefined;
    };
    const b = request.body;
    const r = await applyPaymentByHand(db, requestActor(request), {
      paymentId: request.params.id, account: b.account, appliedOn: b.appliedOn,
      lines: b.lines.map((l) => ({
        documentNumber: l.documentNumber, amountCents: cents(l.amount)!,
        discountCents: cents(l.discount), writeOffCents: cents(l.writeOff),
      })),
    });
    return r.ok ? r.value : sendError(reply, r.error);
  });

  app.post('/cashapp/payments/:id/state', {
    config: { permission: 'cashapp.write' },
    schema: {
      summary: 'Mark a payment unidentified or on account', tags: ['cash application'],
      params: IdParamsSchema,
      body: Type.Object({
        state: Type.Union([Type.Literal('unidentified'), Type.Literal('on_account')]),
        account: Type.Optional(Type.String({ minLength: 1 })),
      }, { additionalProperties: false }),
      response: { 200: Ok },
    },
  }, async (request, reply) => {
    const r = await markPayment(db, requestActor(request), {
      paymentId: request.params.id, ...request.body });
    return r.ok ? r.value : sendError(reply, r.error);
  });

  app.post('/cashapp/payments/:id/notes', {
    config: { permission: 'cashapp.write' },
    schema: {
      summary: 'Add a note to a payment', tags: ['cash application'], params: IdParamsSchema,
      body: Type.Object({ note: Type.String({ minLength: 1, maxLength: 2000 }) },
        { additionalProperties: false }),
      response: { 201: Ok },
    },
  }, async (request, reply) => {
    const r = await addPaymentNote(db, requestActor(request), {
      paymentId: request.params.id, note: request.body.note });
    return r.ok ? reply.code(201).send(r.value) : sendError(reply, r.error);
  });

  await app.register(paymentSplitRoutes, { deps });
  await app.register(remittanceAdviceRoutes, { deps });
};

/** Remittance advices (X12 820) waiting for, or linked to, their deposit. */
const remittanceAdviceRoutes: RouteModule = async (app, { deps }) => {
  const { db } = deps;
  const today = (): IsoDate => isoDateOf(deps.clock.now());

  app.get('/cashapp/remittance-advices', {
    config: { permission: 'cashapp.read' },
    schema: {
      summary: 'Remittance advices (X12 820) with the deposit each was linked to, or why not yet',
      tags: ['cash application'],
      querystring: Type.Object({
        unlinked: Type.Optional(Type.Boolean({
          description: 'only advices still waiting for their deposit' })),
        linked: Type.Optional(Type.Boolean({ description: 'only advices linked to a deposit' })),
      }),
      response: { 200: Ok },
    },
  }, async (request) => ({ items: await listRemittanceAdvices(db, {
    unlinked: request.query.unlinked, linked: request.query.linked }) }));

  app.get('/cashapp/remittance-advices/:id', {
    config: { permission: 'cashapp.read' },
    schema: {
      summary: 'A remittance advice: its lines, its deposit, or the deposits it may describe',
      tags: ['cash application'], params: IdParamsSchema, response: { 200: Ok },
    },
  }, async (request, reply) => {
    const advice = await getRemittanceAdvice(db, request.params.id);
    const missing = { code: 'remittance_advice_not_found', adviceId: request.params.id };
    return advice ?? sendError(reply, missing);
  });

  app.post('/cashapp/remittance-advices/:id/link', {
    config: { permission: 'cashapp.write' },
    schema: {
      summary: 'Link a remittance advice to the deposit it describes, then match the deposit '
        + 'with the advice\'s lines', tags: ['cash application'], params: IdParamsSchema,
      body: Type.Object({ paymentId: Type.Integer({ minimum: 1 }) },
        { additionalProperties: false }),
      response: { 200: Ok },
    },
  }, async (request, reply) => {
    const r = await linkRemittanceAdvice(db, requestActor(request), {
      adviceId: request.params.id, paymentId: request.body.paymentId, today: today() });
    return r.ok ? r.value : sendError(reply, r.error);
  });

  app.post('/cashapp/remittance-advices/:id/unlink', {
    config: { permission: 'cashapp.write' },
    schema: {
      summary: 'Undo a wrong link: the deposit\'s applications since the link reversed, its '
        + 'remittance restored, the advice unlinked', tags: ['cash application'],
      params: IdParamsSchema,
      body: Type.Object({
        reason: Type.String({ minLength: 1, maxLength: 2000 }),
        effectiveDate: Type.Optional(IsoDateSchema),
      }, { additionalProperties: false }),
      response: { 200: Ok },
    },
  }, async (request, reply) => {
    const r = await unlinkRemittanceAdvice(db, requestActor(request), {
      adviceId: request.params.id, reason: request.body.reason,
      effectiveDate: request.body.effectiveDate ?? today() });
    if (!r.ok) return sendError(reply, r.error);
    const { unappliedCents, ...rest } = r.value;
    return { ...rest, unapplied: formatAmount(unappliedCents) };
  });
};

/** A split as the API shows it: amounts as decimal strings in the payment's currency. */
function splitJson(o: SplitOutcome) {
  const currency = o.currency;
  return {
    splitId: o.splitId, paymentId: o.paymentId, splitOn: o.splitOn, currency,
    unapplied: money(o.unappliedCents, currency),
    parts: o.parts.map((p) => ({
      partNo: p.partNo, account: p.account, customerId: p.customerId,
      amount: money(p.amountCents, currency), paymentId: p.paymentId,
      transferDocumentId: p.transferDocumentId, applicationIds: p.applicationIds,
      onAccount: money(p.onAccountCents, currency),
    })),
    payerLearned: o.payerLearned,
  };
}

const SplitBody = Type.Object({
  splitOn: Type.Optional(IsoDateSchema),
  parts: Type.Array(Type.Object({
    account: Type.String({ minLength: 1 }),
    amount: AmountSchema,
    lines: Type.Optional(Type.Array(Type.Object({
      documentNumber: Type.String({ minLength: 1 }), amount: AmountSchema,
    }, { additionalProperties: false }), { maxItems: 500 })),
  }, { additionalProperties: false }), { minItems: 1, maxItems: 50 }),
}, { additionalProperties: false });

/** Split a payment across customers, and undo a split (registered by cashappRoutes). */
const paymentSplitRoutes: RouteModule = async (app, { deps }) => {
  const { db } = deps;
  const today = (): IsoDate => isoDateOf(deps.clock.now());

  app.post('/cashapp/payments/:id/split', {
    config: { permission: 'cashapp.write' },
    schema: {
      summary: 'Split a payment\'s unapplied cash across customers: each part applied to that '
        + 'customer\'s items or left on its account', tags: ['cash application'],
      params: IdParamsSchema, body: SplitBody, response: { 201: Ok },
    },
  }, async (request, reply) => {
    const parts = [];
    for (const [i, p] of request.body.parts.entries()) {
      const amountCents = amountOr422(reply, `parts[${i}].amount`, p.amount);
      if (amountCents === null) return reply;
      const lines = [];
      for (const [j, l] of (p.lines ?? []).entries()) {
        const c = amountOr422(reply, `parts[${i}].lines[${j}].amount`, l.amount);
        if (c === null) return reply;
        lines.push({ documentNumber: l.documentNumber, amountCents: c });
      }
      parts.push({ account: p.account, amountCents, lines });
    }
    const r = await splitPayment(db, requestActor(request), {
      paymentId: request.params.id, parts, splitOn: request.body.splitOn });
    if (!r.ok) return sendError(reply, r.error);
    return reply.code(201).send(splitJson(r.value));
  });

  app.post('/cashapp/payment-splits/:id/reverse', {
    config: { permission: 'cashapp.write' },
    schema: {
      summary: 'Undo a split by reversal: the parts\' payments voided, the transfers un-applied',
      tags: ['cash application'], params: IdParamsSchema,
      body: Type.Object({
        reason: Type.String({ minLength: 1, maxLength: 500 }),
        effectiveDate: Type.Optional(IsoDateSchema),
      }, { additionalProperties: false }),
      response: { 200: Ok },
    },
  }, async (request, reply) => {
    const r = await reversePaymentSplit(db, requestActor(request), {
      splitId: request.params.id, reason: request.body.reason,
      effectiveDate: request.body.effectiveDate ?? today() });
    return r.ok ? r.value : sendError(reply, r.error);
  });
};
