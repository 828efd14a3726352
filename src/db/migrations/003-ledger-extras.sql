-- Ledger extras for the posting use cases (src/ledger/).

-- Small-balance write-offs taken while applying cash are allowed up to this amount (cents) per
-- item without approval.
INSERT INTO settings (key, value) VALUES ('small_balance_write_off_max_cents', '500')
  ON CONFLICT (key) DO NOTHING;

-- A document is reversed (voided) at most once; also the lookup "is this document voided?".
CREATE UNIQUE INDEX documents_reversed_once ON documents (reverses_id)
  WHERE reverses_id IS NOT NULL;

-- The void of an unidentified payment (no customer) has no customer either: the reversing debit
-- memo may carry a null customer. (documents_check2 is 001's unnamed
-- "customer_id IS NOT NULL OR type = 'payment'".)
ALTER TABLE documents DROP CONSTRAINT documents_check2;
ALTER TABLE documents ADD CONSTRAINT documents_customer_required
  CHECK (customer_id IS NOT NULL OR type = 'payment' OR reverses_id IS NOT NULL);
