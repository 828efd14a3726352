import { describe, expect, it } from 'vitest';
import {
  customerScopeFor, effectivePermissions, mayChangeCustomer, maySeeCustomer, PERMISSIONS,
  permissionsOf, ROLES, roleAllows, type Permission, type Role, type Viewer,
} from './permissions.ts';

// The matrix, one row per permission; columns in ROLES order:
// admin, ar_manager, credit_manager, collector, cash_application, sales_rep, auditor.
const MATRIX: Record<Permission, string> = {
  'customers.read':       'Y Y Y Y Y Y Y',
  'customers.write':      'Y Y Y Y . . .',
  'items.read':           'Y Y Y Y Y Y Y',
  'items.write':          'Y Y Y . Y . .',
  'payments.read':        'Y Y Y Y Y . Y',
  'payments.write':       'Y Y Y Y Y . .',
  'applications.write':   'Y Y Y Y Y . .',
  'applications.reverse': 'Y Y Y . Y . .',
  'cashapp.read':         'Y Y . . Y . Y',
  'cashapp.write':        'Y Y . . Y . .',
  'collections.read':     'Y Y Y Y Y Y Y',
  'collections.write':    'Y Y Y Y . . .',
  'collections.supervise': 'Y Y Y . . . .',
  'write_offs.approve':   'Y Y Y . . . .',
  'aging.read':           'Y Y Y Y Y Y Y',
  'statements.read':      'Y Y Y Y Y Y Y',
  'audit.read':           'Y Y . . . . Y',
  'users.read':           'Y . . . . . Y',
  'users.admin':          'Y . . . . . .',
  'tokens.own':           'Y Y Y Y Y Y Y',
};

const cases = PERMISSIONS.flatMap((permission) =>
  MATRIX[permission].split(' ').map((cell, i) => ({
    role: ROLES[i]!, permission, allowed: cell === 'Y',
  })));

describe('role x permission matrix', () => {
  it('has a row for every permission and a column for every role', () => {
    expect(Object.keys(MATRIX).sort()).toEqual([...PERMISSIONS].sort());
    for (const row of Object.values(MATRIX)) expect(row.split(' ')).toHaveLength(ROLES.length);
  });

  it.each(cases)('$role $permission -> $allowed', ({ role, permission, allowed }) => {
    expect(roleAllows(role, permission)).toBe(allowed);
    expect(permissionsOf(role).includes(permission)).toBe(allowed);
  });

  it('gives the auditor nothing that writes', () => {
    const writes = permissionsOf('auditor')
      .filter((p) => !p.endsWith('.read') && p !== 'tokens.own');
    expect(writes).toEqual([]);
  });
});

describe('API token scopes', () => {
  it.each([
    { role: 'admin', scopes: null, expected: [...PERMISSIONS] },
    { role: 'auditor', scopes: ['audit.read', 'users.admin'], expected: ['audit.read'] },
    { role: 'collector', scopes: [], expected: [] },
    { role: 'sales_rep', scopes: ['customers.read', 'nonsense'], expected: ['customers.read'] },
  ] as { role: Role; scopes: string[] | null; expected: Permission[] }[])(
    '$role with $scopes', ({ role, scopes, expected }) => {
      expect(effectivePermissions(role, scopes)).toEqual(expected);
    });
});

describe('portfolio rules', () => {
  const kim = { collector: 'Kim', salesRep: 'Ray' };
  const lee = { collector: 'Lee', salesRep: 'Sue' };
  const viewer = (role: Role, portfolioName: string): Viewer => ({ role, portfolioName });

  it.each([
    // A sales rep sees only their customers; everyone else sees the whole book.
    { who: viewer('sales_rep', 'Ray'), customer: kim, sees: true },
    { who: viewer('sales_rep', 'Ray'), customer: lee, sees: false },
    { who: viewer('collector', 'Kim'), customer: lee, sees: true },
    { who: viewer('auditor', 'Audrey'), customer: lee, sees: true },
  ])('$who.role $who.portfolioName sees $customer.salesRep: $sees', ({ who, customer, sees }) => {
    expect(maySeeCustomer(who, customer)).toBe(sees);
  });

  it('scopes the customer list of a sales rep only', () => {
    expect(customerScopeFor(viewer('sales_rep', 'Ray'))).toEqual({ salesRep: 'Ray' });
    expect(customerScopeFor(viewer('collector', 'Kim'))).toEqual({});
    expect(customerScopeFor(viewer('ar_manager', 'Max'))).toEqual({});
  });

  it.each([
    // Rules in order: the role must grant the write, the customer must be visible, and a
    // collector must own the portfolio; managers change any customer.
    { who: viewer('auditor', 'Kim'), permission: 'customers.write', customer: kim, ok: false },
    { who: viewer('sales_rep', 'Ray'), permission: 'customers.write', customer: kim, ok: false },
    { who: viewer('collector', 'Kim'), permission: 'customers.write', customer: kim, ok: true },
    { who: viewer('collector', 'Kim'), permission: 'customers.write', customer: lee, ok: false },
    { who: viewer('collector', 'Kim'), permission: 'payments.write', customer: lee, ok: false },
    { who: viewer('collector', 'Kim'), permission: 'applications.reverse', customer: kim,
      ok: false },
    { who: viewer('ar_manager', 'Max'), permission: 'customers.write', customer: lee, ok: true },
    { who: viewer('credit_manager', 'Cy'), permission: 'customers.write', customer: lee,
      ok: true },
    { who: viewer('cash_application', 'Cal'), permission: 'payments.write', customer: lee,
      ok: true },
    { who: viewer('cash_application', 'Cal'), permission: 'customers.write', customer: lee,
      ok: false },
  ] as { who: Viewer; permission: Permission; customer: typeof kim; ok: boolean }[])(
    '$who.role $who.portfolioName $permission on $customer.collector: $ok',
    ({ who, permission, customer, ok }) => {
      expect(mayChangeCustomer(who, permission, customer)).toBe(ok);
    });
});
