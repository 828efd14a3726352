import type { Actor } from '../db/audit.ts';
import type { Db } from '../db/connection.ts';
import { ROLES, type Role } from '../domain/permissions.ts';
import { createUser } from './create-user.ts';
import { loadUser } from './users.ts';

/** The password of every demo login; printed by `npm start`. Demo databases only. */
export const DEMO_PASSWORD = 'arc-demo-password';

export interface DemoLogin {
  role: Role;
  username: string;
  displayName: string;
}

/** "Dana Kim" -> "dana.kim": a username for a person's name. */
function usernameFor(name: string): string {
  const slug = name.normalize('NFKD').replace(/[\u0300-\u036f]/g, '').toLowerCase()
    .replace(/[^a-z0-9]+/g, '.').replace(/^\.+|\.+$/g, '').slice(0, 64);
  return slug === '' ? 'demo' : slug;
}

/**
 * The demo logins, one per role. The collector and the sales rep are people the customers name
 * (the first collector and sales rep in alphabetical order), so their portfolios are not empty.
 */
async function demoLogins(db: Db): Promise<DemoLogin[]> {
  const r = await db.query<{ collector: string | null; sales_rep: string | null }>(
    `SELECT (SELECT min(collector) FROM customers) AS collector,
            (SELECT min(sales_rep) FROM customers) AS sales_rep`,
  );
  const people: Partial<Record<Role, string | null>> = {
    collector: r.rows[0]?.collector, sales_rep: r.rows[0]?.sales_rep,
  };
  return ROLES.map((role) => {
    const person = people[role];
    if (person) return { role, username: usernameFor(person), displayName: person };
    const title = role.split('_').map((w) => w.charAt(0).toUpperCase() + w.slice(1)).join(' ');
    return { role, username: role, displayName: `Demo ${title.replace('Ar ', 'AR ')}` };
  });
}

/**
 * Creates one demo user per role (password DEMO_PASSWORD) when the database has no users yet.
 * Returns the demo logins that exist, created now or on an earlier start; none when the database
 * had real users first.
 */
export async function createDemoUsers(db: Db, actor: Actor): Promise<DemoLogin[]> {
  const logins = await demoLogins(db);
  const any = await db.query('SELECT 1 FROM users LIMIT 1');
  if (any.rows.length === 0) {
    for (const login of logins) {
      const r = await createUser(db, actor, { ...login, password: DEMO_PASSWORD });
      if (!r.ok) throw new Error(`demo user ${login.username}: ${r.error.code}`);
    }
  }
  const present: DemoLogin[] = [];
  for (const login of logins) {
    const user = await loadUser(db, login.username);
    if (user && !user.disabled && user.role === login.role) present.push(login);
  }
  return present;
}
