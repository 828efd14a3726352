import { Type } from 'typebox';
import { listApiTokens } from '../../auth/api-tokens.ts';
import { createApiToken } from '../../auth/create-api-token.ts';
import { revokeApiToken } from '../../auth/revoke-api-token.ts';
import { principalOf, requestActor } from '../auth-plugin.ts';
import { sendError, sendProblem } from '../problem.ts';
import { ApiTokenSchema, IdParamsSchema, PermissionSchema } from '../schemas.ts';
import type { RouteModule } from '../server.ts';

// API tokens for systems. Everyone manages their own; holders of users.admin manage anyone's.
// The secret is in the create answer only; the database keeps its SHA-256.

export const tokenRoutes: RouteModule = async (app, { deps }) => {
  app.get('/tokens', {
    config: { permission: 'tokens.own' },
    schema: {
      summary: 'List API tokens (your own; an admin sees all)', tags: ['tokens'],
      querystring: Type.Object({ owner: Type.Optional(Type.String({ maxLength: 64 })) }),
      response: { 200: Type.Object({ items: Type.Array(ApiTokenSchema) }) },
    },
  }, async (request) => {
    const p = principalOf(request);
    const owner = p.scopes.includes('users.admin') ? request.query.owner : p.username;
    return { items: await listApiTokens(deps.db, { owner }) };
  });

  app.post('/tokens', {
    config: { permission: 'tokens.own' },
    schema: {
      summary: 'Create an API token; the secret is shown once', tags: ['tokens'],
      body: Type.Object({
        name: Type.String({ minLength: 1, maxLength: 100 }),
        scopes: Type.Optional(Type.Array(PermissionSchema, {
          maxItems: 50, description: "default: everything the owner's role grants",
        })),
        owner: Type.Optional(Type.String({
          maxLength: 64, description: 'another user (needs users.admin); default: yourself',
        })),
      }, { additionalProperties: false }),
      response: {
        201: Type.Object({ token: ApiTokenSchema, secret: Type.String() }),
      },
    },
  }, async (request, reply) => {
    const p = principalOf(request);
    const owner = request.body.owner ?? p.username;
    if (owner !== p.username && !p.scopes.includes('users.admin')) {
      return sendProblem(reply, 'forbidden', "creating another user's token needs users.admin");
    }
    const r = await createApiToken(deps.db, requestActor(request), {
      owner, name: request.body.name, scopes: request.body.scopes,
      scopesMax: p.kind === 'token' ? p.scopes : undefined,
    }, deps.clock.now());
    if (!r.ok) return sendError(reply, r.error);
    return reply.code(201).send(r.value);
  });

  app.delete('/tokens/:id', {
    config: { permission: 'tokens.own' },
    schema: {
      summary: 'Revoke an API token', tags: ['tokens'],
      params: IdParamsSchema,
      response: { 204: Type.Null({ description: 'revoked' }) },
    },
  }, async (request, reply) => {
    const p = principalOf(request);
    const owner = p.scopes.includes('users.admin') ? undefined : p.username;
    const r = await revokeApiToken(deps.db, requestActor(request), request.params.id,
      deps.clock.now(), owner);
    if (!r.ok) return sendError(reply, r.error);
    deps.principals.forgetToken(request.params.id);
    return reply.code(204).send(null);
  });
};
