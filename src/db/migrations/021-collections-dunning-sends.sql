-- dunning_sends is the high-volume log of every (customer, step, item) a dunning run sent:
-- ~1,000,000 rows on a first run over 50,000 customers. Its foreign keys to documents,
-- customers and dunning_messages cost a lookup and a row lock (FOR KEY SHARE, which writes to
-- the referenced documents' tuples) per row, and protect nothing the use case does not:
-- documents and customers are never deleted, and the message is written in the same
-- transaction. The key to the dunning step stays (few rows, and it names the rule applied).
ALTER TABLE dunning_sends DROP CONSTRAINT dunning_sends_customer_id_fkey;
ALTER TABLE dunning_sends DROP CONSTRAINT dunning_sends_document_id_fkey;
ALTER TABLE dunning_sends DROP CONSTRAINT dunning_sends_message_id_fkey;
