import { Type } from 'typebox';
import { PASSWORD_LENGTH_MAX, PASSWORD_LENGTH_MIN, createUser } from '../../auth/create-user.ts';
import { disableUser } from '../../auth/disable-user.ts';
import { updateUser } from '../../auth/update-user.ts';
import { listUsers, type UserView } from '../../auth/users.ts';
import { requestActor } from '../auth-plugin.ts';
import { sendError } from '../problem.ts';
import { ManagedUserSchema, RoleSchema } from '../schemas.ts';
import type { RouteModule } from '../server.ts';

// Administration of people: list, create, change role or display name, disable and enable.
// Every change is audited with before and after (never a password or its hash).

const UserAnswer = Type.Object({ user: ManagedUserSchema });

function managed(u: UserView) {
  const { id: _id, ...view } = u;
  return view;
}

export const userRoutes: RouteModule = async (app, { deps }) => {
  app.get('/users', {
    config: { permission: 'users.read' },
    schema: {
      summary: 'List users', tags: ['users'],
      response: { 200: Type.Object({ items: Type.Array(ManagedUserSchema) }) },
    },
  }, async () => ({ items: (await listUsers(deps.db)).map(managed) }));

  app.post('/users', {
    config: { permission: 'users.admin' },
    schema: {
      summary: 'Create a user', tags: ['users'],
      body: Type.Object({
        username: Type.String({ minLength: 1, maxLength: 64 }),
        displayName: Type.Optional(Type.String({
          minLength: 1, maxLength: 200,
          description: 'for collectors and sales reps: the name on their customers',
        })),
        role: RoleSchema,
        email: Type.Optional(Type.String({ maxLength: 254, description: 'for the sales-rep digest' })),
        password: Type.String({
          maxLength: PASSWORD_LENGTH_MAX, description: `at least ${PASSWORD_LENGTH_MIN} characters`,
        }),
      }, { additionalProperties: false }),
      response: { 201: UserAnswer },
    },
  }, async (request, reply) => {
    const r = await createUser(deps.db, requestActor(request), request.body);
    if (!r.ok) return sendError(reply, r.error);
    return reply.code(201).send({ user: managed(r.value) });
  });

  app.patch('/users/:username', {
    config: { permission: 'users.admin' },
    schema: {
      summary: 'Change a user: role, display name, email, disabled', tags: ['users'],
      params: Type.Object({ username: Type.String({ minLength: 1, maxLength: 64 }) }),
      body: Type.Object({
        role: Type.Optional(RoleSchema),
        displayName: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
        email: Type.Optional(Type.Union([Type.String({ maxLength: 254 }), Type.Null()],
          { description: 'null removes it' })),
        disabled: Type.Optional(Type.Boolean()),
      }, { additionalProperties: false, minProperties: 1 }),
      response: { 200: UserAnswer },
    },
  }, async (request, reply) => {
    const actor = requestActor(request);
    const { username } = request.params;
    const { disabled, ...change } = request.body;
    // Disabling first: when it is refused (the last admin), nothing has changed yet.
    if (disabled !== undefined) {
      const r = await disableUser(deps.db, actor, username, disabled, deps.clock.now());
      if (!r.ok) return sendError(reply, r.error);
      deps.principals.forgetUser(r.value.username);
      if (Object.keys(change).length === 0) return { user: managed(r.value) };
    }
    const r = await updateUser(deps.db, actor, username, change);
    if (!r.ok) return sendError(reply, r.error);
    // A new role or name applies from the next request (the principal carries both).
    deps.principals.forgetUser(r.value.username);
    return { user: managed(r.value) };
  });
};
