import type { Queryable } from '../db/connection.ts';
import { PROMISE_COLUMNS, type PromiseRecord } from './create-promise.ts';

/** An account's promises to pay, newest first, each with the items it names. */
export async function listPromises(
  db: Queryable, customerId: number, limit = 200,
): Promise<PromiseRecord[]> {
  const r = await db.query<PromiseRecord>(
    `SELECT ${PROMISE_COLUMNS},
       ARRAY(SELECT i.document_id::int FROM promise_items i WHERE i.promise_id = p.id
         ORDER BY i.document_id) AS "documentIds"
     FROM promises p WHERE customer_id = $1
     ORDER BY made_on DESC, id DESC LIMIT $2`, [customerId, limit]);
  return r.rows;
}
