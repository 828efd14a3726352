import type { FastifyInstance, FastifyRequest, RouteOptions } from 'fastify';
import { actorOf, authenticate, type Principal } from '../auth/authenticate.ts';
import type { PrincipalCache } from '../auth/principal-cache.ts';
import { SESSION_COOKIE } from '../auth/sessions.ts';
import { equalSecrets } from '../auth/secrets.ts';
import type { Actor } from '../db/audit.ts';
import type { Queryable } from '../db/connection.ts';
import { isPermission, type Permission, type Viewer } from '../domain/permissions.ts';
import { assert } from '../domain/result.ts';
import { describeError, sendError, sendProblem } from './problem.ts';

// Every route declares who may call it in its config, e.g. `{ config: { permission:
// 'customers.read' } }`; 'public' (no sign-in) and 'authenticated' (anyone signed in) are the
// only other choices. A route without one makes the server fail to start, so no route can be
// added unchecked. Requests authenticate by session cookie or `Authorization: Bearer <token>`.

export type RoutePermission = Permission | 'public' | 'authenticated';

declare module 'fastify' {
  interface FastifyContextConfig {
    permission?: RoutePermission;
  }
  interface FastifyRequest {
    /** Set for every route but the public ones. */
    principal: Principal | null;
  }
}

/** A registered route and who may call it: what the permission matrix test walks. */
export interface RouteEntry {
  method: string;
  url: string;
  permission: RoutePermission;
}

export interface AuthDeps {
  db: Queryable;
  clock: { now(): Date };
  /** Recently looked-up credentials (a few seconds); without it every request asks the DB. */
  principals?: PrincipalCache;
  /** URL prefixes served to anyone without a declared permission (the API reference). */
  publicPrefixes: readonly string[];
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export function isUnsafeMethod(method: string): boolean {
  return !SAFE_METHODS.has(method);
}

function isRoutePermission(p: unknown): p is RoutePermission {
  return p === 'public' || p === 'authenticated' || (typeof p === 'string' && isPermission(p));
}

/**
 * Checks every route's permission as it is registered and every request as it comes in.
 * Returns the route table, filled while routes register. Call before registering routes.
 */
export function registerAuth(app: FastifyInstance, deps: AuthDeps): RouteEntry[] {
  const routes: RouteEntry[] = [];
  app.decorateRequest('principal', null);
  app.addHook('onRoute', (route: RouteOptions) => {
    const declared = route.config?.permission;
    if (declared === undefined && deps.publicPrefixes.some((p) => route.url.startsWith(p))) {
      route.config = { ...route.config, permission: 'public' };
    } else if (!isRoutePermission(declared)) {
      throw new Error(`route ${String(route.method)} ${route.url} declares no valid permission ` +
        `(config.permission: a permission name, 'public' or 'authenticated')`);
    }
    const permission = route.config!.permission!;
    for (const method of [route.method].flat()) {
      if (method !== 'HEAD') routes.push({ method, url: route.url, permission });
    }
  });
  app.addHook('onRequest', async (request, reply) => {
    const permission = request.routeOptions.config.permission;
    // No permission: the not-found handler, which answers 404 to anyone.
    if (permission === undefined || permission === 'public') return;
    const r = await authenticate(deps.db, {
      sessionToken: request.cookies[SESSION_COOKIE],
      authorization: request.headers.authorization,
    }, deps.clock.now(), deps.principals);
    if (!r.ok) return sendError(reply, r.error);
    const principal = r.value;
    request.principal = principal;
    // A cross-site form can send the cookie but cannot read the CSRF token to echo it.
    if (principal.session && isUnsafeMethod(request.method)) {
      const sent = request.headers['x-csrf-token'];
      if (typeof sent !== 'string' || !equalSecrets(sent, principal.session.csrfToken)) {
        return sendProblem(reply, 'csrf_token_invalid',
          'send the csrfToken from sign-in in the X-CSRF-Token header');
      }
    }
    if (permission !== 'authenticated' && !principal.scopes.includes(permission)) {
      return sendProblem(reply, 'forbidden', describeError({ code: 'forbidden' }) +
        `: ${principal.kind === 'token' ? 'this token' : `role ${principal.role}`} lacks ` +
        `permission ${permission}`, { permission });
    }
  });
  return routes;
}

/** The request's principal; only for routes that are not public. */
export function principalOf(request: FastifyRequest): Principal {
  assert(request.principal, `route ${request.url} is public but reads the principal`);
  return request.principal;
}

/** Who the audit log records for this request. */
export function requestActor(request: FastifyRequest): Actor {
  return actorOf(principalOf(request), request.ip);
}

/** The principal as the portfolio rules see them (src/domain/permissions.ts). */
export function viewerOf(request: FastifyRequest): Viewer {
  const p = principalOf(request);
  return { role: p.role, portfolioName: p.displayName };
}
