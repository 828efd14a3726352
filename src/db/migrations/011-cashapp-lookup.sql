-- Cash application looks up the document numbers a batch of payments references across every
-- customer, in the two forms the matching engine compares (src/domain/matching/normalize.ts):
-- the key (upper-case letters and digits) and the digits without leading zeros. Open non-payment
-- items only, so the indexes stay as small as the open items and an import loads what it names
-- instead of every open item.

CREATE FUNCTION document_key(number text) RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT regexp_replace(upper(number), '[^A-Z0-9]', '', 'g')
$$;

CREATE FUNCTION document_digits(number text) RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$
  SELECT regexp_replace(regexp_replace(number, '[^0-9]', '', 'g'), '^0+(?=[0-9])', '')
$$;

CREATE INDEX documents_open_key ON documents (document_key(number))
  WHERE open_cents <> 0 AND type <> 'payment';
CREATE INDEX documents_open_digits ON documents (document_digits(number))
  WHERE open_cents <> 0 AND type <> 'payment';
