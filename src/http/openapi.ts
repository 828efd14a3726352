import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance } from 'fastify';
import { SESSION_COOKIE } from '../auth/sessions.ts';

// The OpenAPI document is generated from the routes' own schemas (never written by hand): the
// browsable reference is at /api/docs, the JSON at /api/docs/json. Each operation says which
// permission it needs.

export const DOCS_PREFIX = '/api/docs';

const DESCRIPTION = [
  'ARC: accounts receivable and collections. Amounts are decimal strings ("1234.56") with an',
  'ISO currency beside them; dates are "YYYY-MM-DD"; errors are RFC 9457 problem+json with a',
  '`code` naming the rule that failed. Browsers sign in with POST /api/v1/session (session',
  'cookie, and the returned csrfToken in X-CSRF-Token on unsafe requests); systems send',
  '`Authorization: Bearer <API token>`. Every write accepts an `Idempotency-Key` header.',
].join(' ');

export async function registerOpenApi(app: FastifyInstance, version: string): Promise<void> {
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: { title: 'ARC API', version, description: DESCRIPTION },
      components: {
        securitySchemes: {
          session: { type: 'apiKey', in: 'cookie', name: SESSION_COOKIE },
          bearer: { type: 'http', scheme: 'bearer', description: 'an API token (arc_...)' },
        },
      },
      security: [{ session: [] }, { bearer: [] }],
    },
    transform: ({ schema, url, route }) => {
      const permission = route.config?.permission;
      if (!schema || schema.hide) return { schema, url };
      const note = permission === 'public' ? 'No sign-in needed.'
        : permission === 'authenticated' ? 'Any signed-in user or token.'
        : `Requires permission \`${String(permission)}\`.`;
      const description = [schema.description, note].filter(Boolean).join('\n\n');
      const open = permission === 'public' ? { security: [] } : {};
      return { schema: { ...schema, description, ...open }, url };
    },
  });
  await app.register(swaggerUi, { routePrefix: DOCS_PREFIX });
}
