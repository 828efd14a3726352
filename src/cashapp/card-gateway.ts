import type { Cents } from '../domain/money.ts';
import type { Result } from '../domain/result.ts';

// The card gateway as take-card-payment needs it (STYLE: a small interface owned by its user).
// Implementations: stripe-gateway.ts. A gateway charges a payment-method token (the card itself
// was entered into the gateway's own form; ARC never sees or stores its number).

export interface CardChargeRequest {
  /** Positive, in the currency's minor units (what Stripe calls the smallest currency unit). */
  amountCents: Cents;
  /** ISO 4217, upper case. */
  currency: string;
  /** The gateway's token for the card (Stripe: `pm_...`), never a card number. */
  paymentMethodToken: string;
  /** The same key charges once at the gateway, however often the request is retried. */
  idempotencyKey: string;
  /** Shown beside the charge in the gateway's dashboard (account, invoice numbers). */
  metadata: Record<string, string>;
}

/** A captured charge: what ARC keeps of it (no card number, only brand and last four digits). */
export interface CardCharge {
  /** The gateway's id for the charge (Stripe: the PaymentIntent id, `pi_...`). */
  gatewayId: string;
  status: 'succeeded';
  brand: string | null;
  last4: string | null;
}

export type CardChargeError =
  /** The issuer or the gateway refused the card: `declineCode` says why (insufficient_funds). */
  | { code: 'card_declined'; declineCode: string; gatewayId: string | null; message: string }
  /** The charge needs the cardholder (3-D Secure) or is still pending: nothing was captured. */
  | { code: 'card_charge_not_completed'; gatewayId: string; status: string }
  /** The gateway refused the request itself (bad token, bad key) or could not be reached. */
  | { code: 'card_gateway_failed'; message: string };

export interface CardGateway {
  /** A short name stored with each charge ('stripe'). */
  readonly name: string;
  charge(request: CardChargeRequest): Promise<Result<CardCharge, CardChargeError>>;
}
