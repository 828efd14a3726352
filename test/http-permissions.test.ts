import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROLES, type Role } from '../src/domain/permissions.ts';
import { problemOf, testServer, type TestServer } from './support/http.ts';

// Who may call which route: one row per registered route (every one: a new route without a row
// fails this test), one column per role in ROLES order. 'public' rows need no sign-in.
//                                     admin  ar_mgr credit collect cash  s_rep  auditor
const MATRIX: Record<string, string> = {
  'GET /api/docs':                    'public',
  'GET /api/docs/json':               'public',
  'GET /api/docs/yaml':               'public',
  'GET /api/docs/static/index.html':  'public',
  'GET /api/docs/static/swagger-initializer.js': 'public',
  'GET /api/docs/static/*':           'public',
  'POST /api/v1/session':             'public',
  'GET /api/v1/session/me':           'Y Y Y Y Y Y Y',
  'DELETE /api/v1/session':           'Y Y Y Y Y Y Y',
  'GET /api/v1/users':                'Y . . . . . Y',
  'POST /api/v1/users':               'Y . . . . . .',
  'PATCH /api/v1/users/:username':    'Y . . . . . .',
  'GET /api/v1/tokens':               'Y Y Y Y Y Y Y',
  'POST /api/v1/tokens':              'Y Y Y Y Y Y Y',
  'DELETE /api/v1/tokens/:id':        'Y Y Y Y Y Y Y',
  'GET /api/v1/audit':                'Y Y . . . . Y',
  'GET /api/v1/customers':            'Y Y Y Y Y Y Y',
  'GET /api/v1/customers/:id':        'Y Y Y Y Y Y Y',
  'POST /api/v1/customers':           'Y Y Y Y . . .',
  'PATCH /api/v1/customers/:id':      'Y Y Y Y . . .',
  'POST /api/v1/customers/:id/contacts': 'Y Y Y Y . . .',
  'GET /api/v1/customers/:id/items':  'Y Y Y Y Y Y Y',
  'GET /api/v1/customers/:id/applications': 'Y Y Y Y Y Y Y',
  'GET /api/v1/customers/:id/statement': 'Y Y Y Y Y Y Y',
  'POST /api/v1/items':               'Y Y Y . Y . .',
  'GET /api/v1/payments':             'Y Y Y Y Y . Y',
  'POST /api/v1/payments':            'Y Y Y Y Y . .',
  'GET /api/v1/payments/:id':         'Y Y Y Y Y . Y',
  'POST /api/v1/applications':        'Y Y Y Y Y . .',
  'POST /api/v1/applications/:id/reverse': 'Y Y Y . Y . .',
  'GET /api/v1/aging':                'Y Y Y Y Y Y Y',
  'GET /api/v1/dashboard':            'Y Y Y Y Y Y Y',
  // Cash application (src/http/routes/cashapp.ts).
  'GET /api/v1/cashapp/research-queue': 'Y Y . . Y . Y',
  'POST /api/v1/cashapp/bank-files':  'Y Y . . Y . .',
  'GET /api/v1/cashapp/matching-settings': 'Y Y . . Y . Y',
  'PUT /api/v1/cashapp/matching-settings': 'Y Y . . Y . .',
  'GET /api/v1/customers/:id/matching-settings': 'Y Y . . Y . Y',
  'PUT /api/v1/customers/:id/matching-settings': 'Y Y . . Y . .',
  'POST /api/v1/customers/:id/aliases': 'Y Y . . Y . .',
  'DELETE /api/v1/customers/:id/aliases/:aliasId': 'Y Y . . Y . .',
  'POST /api/v1/cashapp/payments/:id/accept': 'Y Y . . Y . .',
  'POST /api/v1/cashapp/payments/:id/apply': 'Y Y . . Y . .',
  'POST /api/v1/cashapp/payments/:id/notes': 'Y Y . . Y . .',
  'POST /api/v1/cashapp/payments/:id/state': 'Y Y . . Y . .',
  'POST /api/v1/cashapp/payments/:id/split': 'Y Y . . Y . .',
  'POST /api/v1/cashapp/payment-splits/:id/reverse': 'Y Y . . Y . .',
  'GET /api/v1/cashapp/remittance-advices': 'Y Y . . Y . Y',
  'GET /api/v1/cashapp/remittance-advices/:id': 'Y Y . . Y . Y',
  'POST /api/v1/cashapp/remittance-advices/:id/link': 'Y Y . . Y . .',
  'POST /api/v1/cashapp/remittance-advices/:id/unlink': 'Y Y . . Y . .',
  'POST /api/v1/card-payments':      'Y Y Y Y Y . .',
  // Collections (src/http/routes/collections.ts).
  'GET /api/v1/worklist':            'Y Y Y Y . . .',
  'GET /api/v1/customers/:id/activities':  'Y Y Y Y Y Y Y',
  'POST /api/v1/customers/:id/activities':  'Y Y Y Y . . .',
  'GET /api/v1/customers/:id/promises':  'Y Y Y Y Y Y Y',
  'GET /api/v1/customers/:id/disputes':  'Y Y Y Y Y Y Y',
  'POST /api/v1/customers/:id/promises':  'Y Y Y Y . . .',
  'POST /api/v1/customers/:id/disputes':  'Y Y Y Y . . .',
  'PATCH /api/v1/disputes/:id':      'Y Y Y Y . . .',
  'POST /api/v1/customers/:id/statement-emails':  'Y Y Y Y . . .',
  'POST /api/v1/customers/:id/escalations':  'Y Y Y Y . . .',
  'POST /api/v1/customers/:id/write-off-requests':  'Y Y Y Y . . .',
  'POST /api/v1/write-off-requests/:id/decision':  'Y Y Y . . . .',
  'GET /api/v1/dunning/preview':     'Y Y Y . . . .',
  'POST /api/v1/dunning/runs':       'Y Y Y . . . .',
  'POST /api/v1/promises/evaluations':  'Y Y Y . . . .',
  // Collections reports, the sales-rep digest, scheduled jobs (collections-reports.ts, jobs.ts).
  'GET /api/v1/reports/collections/promises':   'Y Y Y . . . .',
  'GET /api/v1/reports/collections/agency':     'Y Y Y . . . .',
  'GET /api/v1/reports/collections/write-offs': 'Y Y Y . . . .',
  'GET /api/v1/reports/collections/scorecard':  'Y Y Y . . . .',
  'POST /api/v1/sales-rep-digests':  'Y Y Y . . . .',
  'GET /api/v1/jobs/runs':           'Y Y Y . . . .',
  'POST /api/v1/jobs/:job/runs':     'Y Y Y . . . .',
  // Collections queues (src/http/routes/collections-queues.ts).
  'GET /api/v1/disputes':            'Y Y Y Y Y Y Y',
  'GET /api/v1/disputes/:id':        'Y Y Y Y Y Y Y',
  'POST /api/v1/disputes/:id/notes': 'Y Y Y Y . . .',
  'POST /api/v1/disputes/:id/credit-memo-approvals': 'Y Y Y Y . . .',
  'GET /api/v1/credit-memo-approvals': 'Y Y Y . . . .',
  'POST /api/v1/credit-memo-approvals/:id/decision': 'Y Y Y . . . .',
  'GET /api/v1/escalations':         'Y Y Y Y . . .',
  'POST /api/v1/escalations/:id/acknowledge': 'Y Y Y . . . .',
  'POST /api/v1/escalations/:id/resolve': 'Y Y Y . . . .',
  'GET /api/v1/write-off-requests':  'Y Y Y Y . . .',
  'GET /api/v1/agency-placements':   'Y Y Y . . . .',
  'POST /api/v1/customers/:id/agency-placements': 'Y Y Y . . . .',
  'POST /api/v1/agency-placements/:id/recall': 'Y Y Y . . . .',
  'POST /api/v1/agency-placements/:id/recoveries': 'Y Y Y . . . .',
  'GET /api/v1/dunning/runs':        'Y Y Y . . . .',
  // Documents on items, invoice copies, correspondence (src/http/routes/attachments.ts).
  'POST /api/v1/items/:id/attachments':  'Y Y Y Y . . .',
  'GET /api/v1/items/:id/attachments':   'Y Y Y Y Y Y Y',
  'GET /api/v1/customers/:id/attachments':  'Y Y Y Y Y Y Y',
  'GET /api/v1/attachments/:id/content':  'Y Y Y Y Y Y Y',
  'DELETE /api/v1/attachments/:id':      'Y Y Y . . . .',
  'GET /api/v1/items/:id/invoice-copy':  'Y Y Y Y Y Y Y',
  'POST /api/v1/customers/:id/correspondence':  'Y Y Y Y . . .',
  // The web app and its SPA fallback (index.html for any other GET).
  'GET /*':                           'public',
};

/** A concrete URL for a route pattern; ids that exist nowhere, so allowed calls change nothing. */
function concrete(url: string): string {
  return url.replace(':username', 'nobody-here').replace(':id', '999999')
    .replace('/*', '/index.css');
}

let s: TestServer;
const tokens = new Map<Role, string>();
beforeAll(async () => {
  s = await testServer();
  for (const role of ROLES) {
    await s.addUser(`u-${role.replace('_', '-')}`, role);
    tokens.set(role, await s.token(`u-${role.replace('_', '-')}`));
  }
});
afterAll(async () => s.close());

describe('permission matrix', () => {
  it('has exactly one row per registered route', () => {
    const registered = s.app.arcRoutes.map((r) => `${r.method} ${r.url}`);
    expect(new Set(registered).size).toBe(registered.length);
    expect([...registered].sort()).toEqual(Object.keys(MATRIX).sort());
  });

  it('declares the permission the matrix expects (public rows are public)', () => {
    for (const r of s.app.arcRoutes) {
      expect(r.permission === 'public', `${r.method} ${r.url}`)
        .toBe(MATRIX[`${r.method} ${r.url}`] === 'public');
    }
  });

  const cells = Object.entries(MATRIX).flatMap(([route, row]) =>
    row === 'public' ? [] : row.split(' ').map((cell, i) => ({
      route, role: ROLES[i]!, allowed: cell === 'Y',
    })));

  it.each(cells)('$route as $role: allowed $allowed', async ({ route, role, allowed }) => {
    const [method, url] = route.split(' ') as [string, string];
    const r = await s.asToken(tokens.get(role)!, method, concrete(url),
      method === 'GET' || method === 'DELETE' ? undefined : {});
    if (allowed) {
      expect([401, 403], `${r.statusCode} ${r.body}`).not.toContain(r.statusCode);
    } else {
      expect(r.statusCode, r.body).toBe(403);
      expect(problemOf(r).code).toBe('forbidden');
    }
  });

  it.each(Object.keys(MATRIX))('%s without credentials', async (route) => {
    const [method, url] = route.split(' ') as [string, string];
    const r = await s.inject({ method: method as 'GET', url: concrete(url),
      payload: method === 'POST' ? { username: 'x', password: 'y' } : undefined });
    if (MATRIX[route] === 'public') {
      // Answered on its merits (a sign-in with wrong credentials is a 401 of its own).
      const code = r.statusCode >= 400 ? problemOf(r).code : 'none';
      expect(['unauthenticated', 'forbidden', 'csrf_token_invalid']).not.toContain(code);
    } else {
      expect(r.statusCode).toBe(401);
      expect(problemOf(r).code).toBe('unauthenticated');
    }
  });
});
