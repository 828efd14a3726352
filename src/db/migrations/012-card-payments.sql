-- Card payments taken through a gateway (src/cashapp/take-card-payment.ts). What ARC keeps of a
-- card is the gateway's id for the charge, the brand and the last four digits: never the card
-- number. One row per idempotency key: a retry with the same key finds its first outcome here
-- (a charge and its payment document, or a decline) and charges nothing.

CREATE TABLE card_payments (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  idempotency_key text NOT NULL UNIQUE CHECK (idempotency_key <> ''),
  -- SHA-256 of the request (customer, lines, amount on account, token): a retry with the same
  -- key and another request is refused.
  request_hash text NOT NULL,
  customer_id bigint NOT NULL REFERENCES customers (id),
  amount_cents bigint NOT NULL CHECK (amount_cents > 0),
  currency char(3) NOT NULL,
  gateway text NOT NULL,
  status text NOT NULL CHECK (status IN ('succeeded', 'declined')),
  -- The gateway's id (Stripe PaymentIntent); a decline may come before one exists.
  gateway_id text,
  brand text,
  last4 text CHECK (last4 ~ '^[0-9]{4}$'),
  decline_code text,
  payment_id bigint REFERENCES documents (id),
  -- The emailed receipt (filled in after the payment commits; the activity logged with it).
  receipt_to text,
  receipt_message_id text,
  receipt_error text,
  activity_id bigint,
  created_by text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  CHECK ((status = 'succeeded') = (payment_id IS NOT NULL AND gateway_id IS NOT NULL)),
  CHECK ((status = 'declined') = (decline_code IS NOT NULL))
);

CREATE UNIQUE INDEX card_payments_gateway_id ON card_payments (gateway, gateway_id)
  WHERE status = 'succeeded';
CREATE INDEX card_payments_customer ON card_payments (customer_id, created_at);
