import { Type } from 'typebox';
import { addCustomerAlias } from '../../cashapp/add-customer-alias.ts';
import { getCustomerMatchingSettings } from '../../cashapp/get-matching-settings.ts';
import {
  describeMatchingSettingsError, type MatchingSettingsError,
} from '../../cashapp/matching-settings-errors.ts';
import {
  ALIAS_KINDS, loadDefaultPolicy, OLDEST_FIRST_POLICIES,
} from '../../cashapp/matching-settings-store.ts';
import { removeCustomerAlias } from '../../cashapp/remove-customer-alias.ts';
import {
  setCustomerOldestFirst, setDefaultOldestFirst,
} from '../../cashapp/set-oldest-first-policy.ts';
import { requestActor } from '../auth-plugin.ts';
import { sendProblem } from '../problem.ts';
import { IdParamsSchema } from '../schemas.ts';
import type { RouteModule } from '../server.ts';

// Matching settings of cash application: the names a customer pays under (aliases), which the
// engine matches payer names against, and the oldest-first policy (per customer, and the company
// default) for cash without usable remittance. Thin: validate, call a use case, shape.

const Policy = Type.Union([Type.Literal('off'), Type.Literal('propose'), Type.Literal('apply')],
  { description: OLDEST_FIRST_POLICIES.join(', ') });
const AliasSchema = Type.Object({
  id: Type.Integer(), customerId: Type.Integer(), alias: Type.String(),
  kind: Type.Union([Type.Literal('dba'), Type.Literal('parent'), Type.Literal('account_holder'),
    Type.Literal('former_name'), Type.Literal('other')]), createdBy: Type.String(),
  createdAt: Type.String(),
});
const SettingsSchema = Type.Object({
  customerId: Type.Integer(), accountNumber: Type.String(), name: Type.String(),
  aliases: Type.Array(AliasSchema),
  oldestFirstOwn: Type.Union([Policy, Type.Null()], { description: 'null: the default' }),
  oldestFirst: Policy, oldestFirstDefault: Policy,
});
const AliasParams = Type.Object({
  id: Type.Integer({ minimum: 1 }), aliasId: Type.Integer({ minimum: 1 }),
});
const tags = ['cash application'];

function fail(reply: Parameters<typeof sendProblem>[0], e: MatchingSettingsError) {
  const { code, ...fields } = e;
  return sendProblem(reply, code, describeMatchingSettingsError(e), fields);
}

export const matchingSettingsRoutes: RouteModule = async (app, { deps }) => {
  const { db } = deps;

  app.get('/cashapp/matching-settings', {
    config: { permission: 'cashapp.read' },
    schema: {
      summary: 'The company default oldest-first policy', tags,
      response: { 200: Type.Object({ oldestFirstDefault: Policy }) },
    },
  }, async () => ({ oldestFirstDefault: await loadDefaultPolicy(db) }));

  app.put('/cashapp/matching-settings', {
    config: { permission: 'cashapp.write' },
    schema: {
      summary: 'Set the company default oldest-first policy: off, propose (shown to a clerk) or '
        + 'apply (applied automatically)', tags,
      body: Type.Object({ oldestFirstDefault: Type.String() }, { additionalProperties: false }),
      response: { 200: Type.Object({ oldestFirstDefault: Policy }) },
    },
  }, async (request, reply) => {
    const r = await setDefaultOldestFirst(db, requestActor(request), {
      policy: request.body.oldestFirstDefault });
    return r.ok ? r.value : fail(reply, r.error);
  });

  app.get('/customers/:id/matching-settings', {
    config: { permission: 'cashapp.read' },
    schema: {
      summary: 'A customer\'s aliases and oldest-first policy', tags, params: IdParamsSchema,
      response: { 200: SettingsSchema },
    },
  }, async (request, reply) => {
    const r = await getCustomerMatchingSettings(db, request.params.id);
    return r.ok ? r.value : fail(reply, r.error);
  });

  app.put('/customers/:id/matching-settings', {
    config: { permission: 'cashapp.write' },
    schema: {
      summary: 'Set the customer\'s oldest-first policy (off, propose, apply, or default)', tags,
      params: IdParamsSchema,
      body: Type.Object({ oldestFirst: Type.String() }, { additionalProperties: false }),
      response: { 200: Type.Object({
        oldestFirstOwn: Type.Union([Policy, Type.Null()]), oldestFirst: Policy }) },
    },
  }, async (request, reply) => {
    const r = await setCustomerOldestFirst(db, requestActor(request), {
      customerId: request.params.id, policy: request.body.oldestFirst });
    return r.ok ? r.value : fail(reply, r.error);
  });

  app.post('/customers/:id/aliases', {
    config: { permission: 'cashapp.write' },
    schema: {
      summary: 'Add a name the customer pays under (DBA, parent, bank account holder, former '
        + 'name)', tags, params: IdParamsSchema,
      body: Type.Object({
        alias: Type.String({ maxLength: 1000 }),
        kind: Type.Optional(Type.String({ description: ALIAS_KINDS.join(', ') })),
      }, { additionalProperties: false }),
      response: { 201: Type.Object({ alias: AliasSchema }) },
    },
  }, async (request, reply) => {
    const r = await addCustomerAlias(db, requestActor(request), {
      customerId: request.params.id, ...request.body });
    return r.ok ? reply.code(201).send(r.value) : fail(reply, r.error);
  });

  app.delete('/customers/:id/aliases/:aliasId', {
    config: { permission: 'cashapp.write' },
    schema: {
      summary: 'Remove a customer alias', tags, params: AliasParams,
      response: { 200: Type.Object({ removed: AliasSchema }) },
    },
  }, async (request, reply) => {
    const r = await removeCustomerAlias(db, requestActor(request), {
      customerId: request.params.id, aliasId: request.params.aliasId });
    return r.ok ? r.value : fail(reply, r.error);
  });
};
