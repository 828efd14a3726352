import { writeAudit, type Actor } from '../db/audit.ts';
import type { Db } from '../db/connection.ts';

/** Ends a session (by its stored hash); audited. Ending an ended session changes nothing. */
export async function signOut(db: Db, actor: Actor, sessionTokenHash: string): Promise<void> {
  await db.transaction(async (tx) => {
    const r = await tx.query<{ username: string }>(
      `DELETE FROM sessions s USING users u WHERE s.token_hash = $1 AND u.id = s.user_id
       RETURNING u.username`,
      [sessionTokenHash],
    );
    if (r.rows.length === 0) return;
    await writeAudit(tx, actor, {
      action: 'session.sign_out', entityType: 'user', entityId: r.rows[0]!.username,
    });
  });
}
