import { Type } from 'typebox';
import { listAuditEntries } from '../../auth/list-audit-entries.ts';
import { InstantSchema, IsoDateSchema, PageQuerySchema } from '../schemas.ts';
import type { RouteModule } from '../server.ts';

const AuditEntrySchema = Type.Object({
  id: Type.Integer(),
  at: InstantSchema,
  actor: Type.String(),
  actorKind: Type.String({ description: 'user, token, cli or system' }),
  action: Type.String({ description: 'e.g. customer.update, user.create, session.sign_in' }),
  entityType: Type.String(),
  entityId: Type.Union([Type.String(), Type.Null()]),
  customerId: Type.Union([Type.Integer(), Type.Null()]),
  customerAccount: Type.Union([Type.String(), Type.Null()],
    { description: "the customer's account number" }),
  before: Type.Unknown({ description: 'the entity before the change (JSON), or null' }),
  after: Type.Unknown({ description: 'the entity after the change (JSON), or null' }),
  source: Type.Union([Type.String(), Type.Null()], { description: 'IP address, cli, job' }),
});

export const auditRoutes: RouteModule = async (app, { deps }) => {
  app.get('/audit', {
    config: { permission: 'audit.read' },
    schema: {
      summary: 'The audit log, newest first', tags: ['audit'],
      querystring: Type.Object({
        user: Type.Optional(Type.String({ maxLength: 200, description: 'actor name' })),
        customer: Type.Optional(Type.String({
          maxLength: 100, description: 'account number or customer id',
        })),
        action: Type.Optional(Type.String({
          maxLength: 100, description: 'an action, or a prefix such as "customer"',
        })),
        from: Type.Optional(IsoDateSchema),
        to: Type.Optional(IsoDateSchema),
        ...PageQuerySchema,
      }),
      response: {
        200: Type.Object({ items: Type.Array(AuditEntrySchema), total: Type.Integer() }),
      },
    },
  }, async (request) => listAuditEntries(deps.db, request.query));
};
