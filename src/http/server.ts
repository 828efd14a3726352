import compress from '@fastify/compress';
import cookie from '@fastify/cookie';
import type {
  FastifyPluginAsyncTypebox, TypeBoxTypeProvider,
} from '@fastify/type-provider-typebox';
import Fastify, { type FastifyInstance } from 'fastify';
import { readFileSync } from 'node:fs';
import { PrincipalCache } from '../auth/principal-cache.ts';
import type { Config } from '../config.ts';
import type { Db } from '../db/connection.ts';
import { registerAuth, type RouteEntry } from './auth-plugin.ts';
import { registerIdempotency } from './idempotency.ts';
import { DOCS_PREFIX, registerOpenApi } from './openapi.ts';
import { addProblemResponses, registerProblems } from './problem.ts';
import { agingRoutes } from './routes/aging.ts';
import { applicationRoutes } from './routes/applications.ts';
import { attachmentRoutes } from './routes/attachments.ts';
import { auditRoutes } from './routes/audit.ts';
import { customerAccountRoutes } from './routes/customer-account.ts';
import { customerRoutes } from './routes/customers.ts';
import { dashboardRoutes } from './routes/dashboard.ts';
import { itemRoutes } from './routes/items.ts';
import { paymentRoutes } from './routes/payments.ts';
import { matchingSettingsRoutes } from './routes/matching-settings.ts';
import { cashappRoutes } from './routes/cashapp.ts';
import { cardPaymentRoutes } from './routes/card-payments.ts';
import { collectionsRoutes } from './routes/collections.ts';
import { collectionsReportRoutes } from './routes/collections-reports.ts';
import { jobRoutes } from './routes/jobs.ts';
import { collectionsQueueRoutes } from './routes/collections-queues.ts';
import { sessionRoutes } from './routes/session.ts';
import { tokenRoutes } from './routes/tokens.ts';
import { userRoutes } from './routes/users.ts';
import { GZIP_FROM_BYTES, ReadCache } from './read-cache.ts';
import { registerWebApp } from './web-app.ts';

/** Where time comes from: the wall clock in production, a fixed or moving one in tests. */
export interface Clock {
  now(): Date;
}

export interface ServerDeps {
  db: Db;
  config: Config;
  clock: Clock;
  /** Fastify's request log (pino, JSON on stdout); off unless asked for. */
  logger?: boolean;
  /** The built web app to serve (default web/dist). */
  webRoot?: string;
  /**
   * Who is behind recently used session cookies and API tokens (default: a PrincipalCache with
   * its few-second lifetime). The session, token and user routes forget entries they end.
   */
  principals?: PrincipalCache;
  /** The busiest reads' answers (default: a ReadCache of config.readCacheBytes). */
  reads?: ReadCache;
}

/**
 * What every route module receives: the server's dependencies, the principal cache made, and
 * the cache of the busiest reads' answers (src/http/read-cache.ts).
 */
export type RouteDeps = ServerDeps & { principals: PrincipalCache; reads: ReadCache };

/**
 * A resource's routes: one file under routes/, registered below /api/v1 with the server's
 * dependencies. Each route declares `config.permission` and typebox schemas for its request and
 * answers; problem+json answers are added to every schema automatically.
 */
export type RouteModule = FastifyPluginAsyncTypebox<{ deps: RouteDeps }>;

/** Every resource under /api/v1; adding a resource is one file and one line here. */
export const ROUTE_MODULES: readonly RouteModule[] = [
  sessionRoutes,
  userRoutes,
  tokenRoutes,
  auditRoutes,
  customerRoutes,
  customerAccountRoutes,
  itemRoutes,
  paymentRoutes,
  cashappRoutes,
  matchingSettingsRoutes,
  cardPaymentRoutes,
  applicationRoutes,
  collectionsRoutes,
  collectionsReportRoutes,
  jobRoutes,
  attachmentRoutes,
  collectionsQueueRoutes,
  agingRoutes,
  dashboardRoutes,
];

export const API_PREFIX = '/api/v1';

export type ArcServer = FastifyInstance & {
  /** Every route with its permission, for the permission matrix test and the docs. */
  readonly arcRoutes: readonly RouteEntry[];
};

const VERSION = (JSON.parse(
  readFileSync(new URL('../../package.json', import.meta.url), 'utf8'),
) as { version: string }).version;

/**
 * Builds the HTTP server (not listening): authentication and per-route permissions, problem+json
 * errors, idempotency keys, the OpenAPI reference, and the routes. Fails when a route declares no
 * permission.
 */
export async function buildServer(deps: ServerDeps): Promise<ArcServer> {
  const app = Fastify({
    logger: deps.logger ?? false,
    // Unknown body fields are refused rather than silently dropped.
    ajv: { customOptions: { removeAdditional: false } },
  }).withTypeProvider<TypeBoxTypeProvider>();
  await app.register(cookie);
  registerProblems(app);
  const routeDeps: RouteDeps = { ...deps, principals: deps.principals ?? new PrincipalCache(),
    reads: deps.reads ?? new ReadCache(deps.db, deps.config.readCacheBytes) };
  const routes = registerAuth(app, {
    db: deps.db, clock: deps.clock, principals: routeDeps.principals,
    publicPrefixes: [DOCS_PREFIX],
  });
  app.addHook('onRoute', addProblemResponses);
  registerIdempotency(app, deps);
  // Answers over 2 KB go out gzipped to clients that accept it (browsers do): the aging by
  // customer is 8.0 MB of JSON, 2.4 MB gzipped. Level 1: most of the saving for a fraction of the
  // CPU of the default. The plugin hooks each route, so it compresses after the app's own onSend
  // hooks: the idempotency record keeps the answer uncompressed for any client's replay.
  await app.register(compress, {
    global: true, threshold: GZIP_FROM_BYTES, encodings: ['gzip', 'deflate'],
    zlibOptions: { level: 1 },
  });
  await registerOpenApi(app, VERSION);
  await app.register(async (api) => {
    for (const routeModule of ROUTE_MODULES) await api.register(routeModule, { deps: routeDeps });
  }, { prefix: API_PREFIX });
  // The web app and its SPA fallback: every other GET.
  await registerWebApp(app, deps.webRoot);
  await app.ready();
  return Object.assign(app, { arcRoutes: routes });
}
