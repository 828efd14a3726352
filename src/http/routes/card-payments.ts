import type { FastifyReply } from 'fastify';
import { Type } from 'typebox';
import { stripeGateway } from '../../cashapp/stripe-gateway.ts';
import { takeCardPayment } from '../../cashapp/take-card-payment.ts';
import { smtpMailer } from '../../collections/mailer.ts';
import { isoDateOf } from '../../domain/dates.ts';
import { currencyExponent, type Cents } from '../../domain/money.ts';
import { requestActor } from '../auth-plugin.ts';
import { changeableCustomer } from '../customer-access.ts';
import { IDEMPOTENCY_HEADER } from '../idempotency.ts';
import { AmountInputSchema } from '../ledger-schemas.ts';
import { describeError, problemOf, PROBLEM_CONTENT_TYPE, sendError } from '../problem.ts';
import type { RouteModule } from '../server.ts';
import { amountOr422, documentJson, money } from '../shape.ts';

// Card payments: charge a card token through the gateway, book and apply the payment, email the
// receipt. Thin: validate, call take-card-payment, shape the answer. The Idempotency-Key header
// is required: it is also the gateway's key, so a retried request never charges twice.

/** Statuses for the gateway's answers, beside the shared map's fallbacks. */
const GATEWAY_STATUS: Record<string, number> = {
  card_declined: 402, card_charge_not_completed: 402, card_gateway_failed: 502,
  card_payments_not_configured: 503,
};

export const cardPaymentRoutes: RouteModule = async (app, { deps }) => {
  const { db } = deps;
  const gateway = deps.config.stripe ? stripeGateway(deps.config.stripe) : undefined;

  app.post('/card-payments', {
    config: { permission: 'payments.write' },
    schema: {
      summary: 'Take a card payment (a gateway token, never a card number) for invoices and/or '
        + 'on account; requires an Idempotency-Key header', tags: ['payments'],
      body: Type.Object({
        customerId: Type.Integer({ minimum: 1 }),
        paymentMethod: Type.String({ minLength: 1, maxLength: 255,
          description: 'the gateway\'s token for the card, e.g. Stripe pm_...' }),
        lines: Type.Array(Type.Object({
          invoiceId: Type.Integer({ minimum: 1 }), amount: AmountInputSchema,
        }, { additionalProperties: false }), { maxItems: 500 }),
        onAccount: Type.Optional(AmountInputSchema),
      }, { additionalProperties: false }),
      response: { 201: Type.Object({}, { additionalProperties: true }) },
    },
  }, async (request, reply) => {
    const b = request.body;
    const key = request.headers[IDEMPOTENCY_HEADER];
    const c = await changeableCustomer(db, request, reply, b.customerId, 'payments.write');
    if (!c) return reply;
    const exp = currencyExponent(c.currency);
    const lines: { invoiceId: number; amountCents: Cents }[] = [];
    for (const l of b.lines) {
      const amountCents = amountOr422(reply, 'amount', l.amount, exp);
      if (amountCents === null) return reply;
      lines.push({ invoiceId: l.invoiceId, amountCents });
    }
    const onAccountCents = b.onAccount === undefined ? undefined
      : amountOr422(reply, 'onAccount', b.onAccount, exp);
    if (onAccountCents === null) return reply;
    const mailer = smtpMailer(deps.config.mail);
    try {
      const r = await takeCardPayment(
        { db, gateway, mailer, companyName: deps.config.mail.companyName },
        requestActor(request), {
          customerId: c.id, lines, onAccountCents, paymentMethodToken: b.paymentMethod,
          idempotencyKey: typeof key === 'string' ? key : '', today: isoDateOf(deps.clock.now()),
        });
      if (!r.ok) return sendCardError(reply, r.error);
      const o = r.value;
      const today = isoDateOf(deps.clock.now());
      return reply.code(201).send({
        payment: documentJson(o.payment, today),
        card: { gateway: o.card.gateway, gatewayId: o.card.gatewayId, brand: o.card.brand,
          last4: o.card.last4, amount: money(o.card.amountCents, o.card.currency),
          currency: o.card.currency },
        applications: o.applications.map((a) => ({ id: a.id, invoiceId: a.debitId,
          amount: money(a.amountCents, o.card.currency), appliedOn: a.appliedOn })),
        notApplied: o.notApplied, receipt: o.receipt, replayed: o.replayed,
      });
    } finally {
      mailer?.close();
    }
  });
};

/** A use case error as problem+json; the gateway's answers get their own statuses. */
function sendCardError(reply: FastifyReply, error: { code: string }): FastifyReply {
  const status = GATEWAY_STATUS[error.code];
  if (status === undefined) return sendError(reply, error);
  const { code, ...fields } = error as { code: string } & Record<string, unknown>;
  return reply.code(status).type(PROBLEM_CONTENT_TYPE)
    .send({ ...problemOf(code, describeError(error), fields), status });
}
