/**
 * Who may do what. A role grants a fixed set of permissions (named `<resource>.<action>`); an API
 * token narrows its owner's set to its scopes. Two rules narrow further by customer:
 * - a sales rep sees only the customers assigned to them (customers.sales_rep = their name);
 * - a collector changes only their own portfolio (customers.collector = their name), while the
 *   managers and the other writing roles change any customer.
 * A person's portfolio name is their display name, spelled as the customers table spells it.
 */

export const ROLES = [
  'admin', 'ar_manager', 'credit_manager', 'collector', 'cash_application', 'sales_rep',
  'auditor',
] as const;
export type Role = (typeof ROLES)[number];

export const PERMISSIONS = [
  'customers.read', 'customers.write',
  'items.read', 'items.write',
  'payments.read', 'payments.write',
  'applications.write', 'applications.reverse',
  /** Bank-file import and the cash-application research queue. */
  'cashapp.read', 'cashapp.write',
  /** The contact log, promises, disputes; writing them and working a worklist. */
  'collections.read', 'collections.write',
  /** Every collector's worklist, dunning runs, promise checks, agency placements. */
  'collections.supervise',
  /** Approving bad-debt write-offs (within the role's limit, a setting). */
  'write_offs.approve',
  'aging.read', 'statements.read',
  'audit.read',
  'users.read', 'users.admin',
  /** Create, list and revoke one's own API tokens. */
  'tokens.own',
] as const;
export type Permission = (typeof PERMISSIONS)[number];

/** What every signed-in person may read about the book (sales reps: their customers only). */
const READ_BOOK: readonly Permission[] = [
  'customers.read', 'items.read', 'aging.read', 'statements.read',
];
const POST_CASH: readonly Permission[] = ['payments.read', 'payments.write', 'applications.write'];

const COLLECT: readonly Permission[] = ['collections.read', 'collections.write'];
const MANAGE_COLLECTIONS: readonly Permission[] = [
  ...COLLECT, 'collections.supervise', 'write_offs.approve',
];

const GRANTS: Record<Role, readonly Permission[]> = {
  admin: PERMISSIONS,
  ar_manager: [...READ_BOOK, ...POST_CASH, 'customers.write', 'items.write',
    'applications.reverse', 'audit.read', 'tokens.own', 'cashapp.read', 'cashapp.write',
    ...MANAGE_COLLECTIONS],
  credit_manager: [...READ_BOOK, ...POST_CASH, 'customers.write', 'items.write',
    'applications.reverse', 'tokens.own', ...MANAGE_COLLECTIONS],
  collector: [...READ_BOOK, ...POST_CASH, 'customers.write', 'tokens.own', ...COLLECT],
  cash_application: [...READ_BOOK, ...POST_CASH, 'items.write', 'applications.reverse',
    'tokens.own', 'cashapp.read', 'cashapp.write', 'collections.read'],
  sales_rep: [...READ_BOOK, 'tokens.own', 'collections.read'],
  // Read-only everything.
  auditor: [...READ_BOOK, 'payments.read', 'audit.read', 'users.read', 'tokens.own',
    'cashapp.read', 'collections.read'],
};

export function isRole(s: string): s is Role {
  return (ROLES as readonly string[]).includes(s);
}

export function isPermission(s: string): s is Permission {
  return (PERMISSIONS as readonly string[]).includes(s);
}

/** The role's permissions, in PERMISSIONS order. */
export function permissionsOf(role: Role): Permission[] {
  const granted = new Set(GRANTS[role]);
  return PERMISSIONS.filter((p) => granted.has(p));
}

export function roleAllows(role: Role, permission: Permission): boolean {
  return GRANTS[role].includes(permission);
}

/**
 * What a principal may do: the role's permissions, narrowed to `scopes` for an API token
 * (null for a signed-in person). A token never outgrows its owner's current role.
 * @example effectivePermissions('auditor', ['audit.read', 'users.admin']) // ['audit.read']
 */
export function effectivePermissions(
  role: Role, scopes: readonly string[] | null,
): Permission[] {
  const all = permissionsOf(role);
  return scopes === null ? all : all.filter((p) => scopes.includes(p));
}

/** The person looking at or changing customers. */
export interface Viewer {
  role: Role;
  /** Their display name: the collector / sales rep name on their customers. */
  portfolioName: string;
}

/** The customer fields the portfolio rules read. */
export interface PortfolioCustomer {
  collector: string | null;
  salesRep: string | null;
}

/** Which customers a viewer may see: all, or a sales rep's own (same shape as reports use). */
export function customerScopeFor(viewer: Viewer): { salesRep?: string } {
  return viewer.role === 'sales_rep' ? { salesRep: viewer.portfolioName } : {};
}

export function maySeeCustomer(viewer: Viewer, customer: PortfolioCustomer): boolean {
  return viewer.role !== 'sales_rep' || customer.salesRep === viewer.portfolioName;
}

/**
 * Whether `viewer` may use `permission` (a write) on this customer: the role must grant it, and a
 * collector must own the customer's portfolio. A write the viewer may not see is also refused.
 */
export function mayChangeCustomer(
  viewer: Viewer, permission: Permission, customer: PortfolioCustomer,
): boolean {
  if (!roleAllows(viewer.role, permission)) return false;
  if (!maySeeCustomer(viewer, customer)) return false;
  if (viewer.role === 'collector') return customer.collector === viewer.portfolioName;
  return true;
}
