-- Documents on open items: a proof of delivery (POD), a signed bill of lading, an invoice image or
-- any PDF/image a collector sends with correspondence (docs/collections.md "Documents on items").
-- The bytes live in the database (bytea, TOASTed out of line), so every app instance serves them
-- and a backup holds them. Listing reads never touch `content`.

CREATE TABLE attachments (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  document_id bigint NOT NULL REFERENCES documents (id),
  -- The document's customer, copied at upload for the per-account list (documents never move).
  customer_id bigint NOT NULL REFERENCES customers (id),
  kind text NOT NULL CHECK (kind IN ('pod', 'invoice_copy', 'other')),
  file_name text NOT NULL CHECK (file_name <> '' AND length(file_name) <= 255),
  -- Detected from the content's magic bytes, never taken from the uploader's word.
  content_type text NOT NULL
    CHECK (content_type IN ('application/pdf', 'image/png', 'image/jpeg', 'image/tiff')),
  size_bytes integer NOT NULL CHECK (size_bytes > 0 AND size_bytes <= 10485760),
  sha256 char(64) NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'),
  content bytea NOT NULL,
  uploaded_by text NOT NULL,
  uploaded_at timestamptz NOT NULL DEFAULT now(),
  -- A soft delete: the row and its bytes stay for the audit trail, lists and sends skip it.
  deleted_by text,
  deleted_at timestamptz,
  delete_reason text,
  CHECK ((deleted_by IS NULL) = (deleted_at IS NULL)),
  CHECK (octet_length(content) = size_bytes)
);
-- The same bytes on the same item are one attachment (an upload retried is idempotent).
CREATE UNIQUE INDEX attachments_once_per_item ON attachments (document_id, sha256)
  WHERE deleted_at IS NULL;
CREATE INDEX attachments_customer ON attachments (customer_id, id) WHERE deleted_at IS NULL;
