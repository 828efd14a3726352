import { randomBytes } from 'node:crypto';
import { openDb, type Db } from '../../src/db/connection.ts';
import { migrate } from '../../src/db/migrate.ts';

/**
 * A fresh, migrated database for one test file: an in-memory PGlite, or, when DATABASE_URL is
 * set, a new schema on that PostgreSQL server (dropped again by `dispose`).
 */
export async function freshDb(): Promise<Db & { dispose(): Promise<void> }> {
  const url = process.env.DATABASE_URL;
  const schema = url ? `t_${process.pid}_${randomBytes(4).toString('hex')}` : undefined;
  const db = await openDb({ url, dataDir: 'memory://', schema, poolMax: 8 });
  await migrate(db);
  return Object.assign(db, {
    async dispose() {
      if (schema) await db.query(`DROP SCHEMA ${schema} CASCADE`);
      await db.close();
    },
  });
}

export const onPostgres = (): boolean => Boolean(process.env.DATABASE_URL);
