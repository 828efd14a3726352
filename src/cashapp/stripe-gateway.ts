import Stripe from 'stripe';
import type { StripeConfig } from '../config.ts';
import { err, ok, type Result } from '../domain/result.ts';
import type { CardCharge, CardChargeError, CardGateway } from './card-gateway.ts';

/**
 * The card gateway over Stripe's PaymentIntents API with the official client: one PaymentIntent
 * per charge, created and confirmed at once (confirm=true) with the caller's idempotency key, so
 * a retried request returns the first PaymentIntent instead of charging again. Host, port and
 * protocol come from the configuration (a test points them at a local stand-in).
 */
export function stripeGateway(config: StripeConfig): CardGateway {
  const client = new Stripe(config.secretKey, {
    host: config.host, port: config.port, protocol: config.protocol,
    // A network failure is retried by the client with the same idempotency key: safe.
    maxNetworkRetries: 2, timeout: 30_000, telemetry: false,
  });
  return {
    name: 'stripe',
    async charge(request) {
      try {
        const intent = await client.paymentIntents.create({
          amount: request.amountCents, currency: request.currency.toLowerCase(),
          payment_method: request.paymentMethodToken, confirm: true,
          // No redirect-based methods: the card is charged now, or not at all.
          automatic_payment_methods: { enabled: true, allow_redirects: 'never' },
          metadata: request.metadata, expand: ['latest_charge'],
        }, { idempotencyKey: request.idempotencyKey });
        return chargeOf(intent);
      } catch (e) {
        return err(errorOf(e));
      }
    },
  };
}

function chargeOf(intent: Stripe.PaymentIntent): Result<CardCharge, CardChargeError> {
  if (intent.status !== 'succeeded') {
    return err({ code: 'card_charge_not_completed', gatewayId: intent.id, status: intent.status });
  }
  const charge = typeof intent.latest_charge === 'object' ? intent.latest_charge : null;
  const card = charge?.payment_method_details?.card;
  return ok({ gatewayId: intent.id, status: 'succeeded', brand: card?.brand ?? null,
    last4: card?.last4 ?? null });
}

function errorOf(e: unknown): CardChargeError {
  if (e instanceof Stripe.errors.StripeCardError) {
    return { code: 'card_declined', declineCode: e.decline_code ?? e.code ?? 'card_declined',
      gatewayId: e.payment_intent?.id ?? null, message: e.message };
  }
  if (e instanceof Stripe.errors.StripeError) {
    return { code: 'card_gateway_failed', message: `${e.type}: ${e.message}` };
  }
  throw e;
}
