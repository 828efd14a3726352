-- The copies of migration 026 filled by the writer when it can: the BEFORE INSERT trigger ran its
-- lookup of both documents and its over-application probe for every application row (about
-- 0.3 ms each, as much as the rest of the insert; and its cached plan, made while applications
-- was small, kept scanning the whole table: quadratic within a large batch). A set-based writer
-- (cash application's batch path, src/cashapp/write-automatic-applications.ts) joins the
-- documents in its INSERT ... SELECT and fills the copies itself, so the trigger now runs only
-- for a row that comes without them (currency NULL): every other writer is unchanged.
--
-- A writer that fills the copies takes on what the trigger does for a row: the copies are the
-- documents' (`arc verify` re-derives them: copy_differs), the currencies of both documents are
-- the same, and an application that may over-apply either document (it takes more than is open,
-- or a negative application of that document is dated after it) is recorded in
-- aging_over_applied. The batch writer does the last two by leaving currency NULL on such a row
-- (and on a row across currencies or to a missing document): the trigger then handles it exactly
-- as before (refuses it, or records the windows).

DROP TRIGGER applications_copy_documents ON applications;
CREATE TRIGGER applications_copy_documents BEFORE INSERT ON applications
  FOR EACH ROW WHEN (NEW.currency IS NULL) EXECUTE FUNCTION applications_copy_documents();
