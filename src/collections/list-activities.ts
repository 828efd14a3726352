import type { Queryable } from '../db/connection.ts';
import { ACTIVITY_COLUMNS, type Activity } from './log-activity.ts';

/** An account's contact timeline, newest first, with the items each contact was about. */
export async function listActivities(
  db: Queryable, customerId: number, limit = 500,
): Promise<Activity[]> {
  const r = await db.query<Activity>(
    `SELECT ${ACTIVITY_COLUMNS},
       ARRAY(SELECT i.document_id::int FROM activity_items i WHERE i.activity_id = a.id
         ORDER BY i.document_id) AS "documentIds"
     FROM activities a WHERE customer_id = $1
     ORDER BY occurred_on DESC, id DESC LIMIT $2`, [customerId, limit]);
  return r.rows;
}
