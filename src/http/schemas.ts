import { Type } from 'typebox';
import { PERMISSIONS, ROLES } from '../domain/permissions.ts';

// Schemas shared by several routes. Amounts are decimal strings beside an ISO currency, dates
// "YYYY-MM-DD", instants ISO 8601 UTC.

export const IsoDateSchema = Type.String({ format: 'date', description: 'YYYY-MM-DD' });
export const InstantSchema = Type.String({ format: 'date-time' });
export const RoleSchema = Type.Enum(ROLES);
export const PermissionSchema = Type.Enum(PERMISSIONS);

/** limit / offset pagination; answers carry `total`. */
export const PageQuerySchema = {
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 50 })),
  offset: Type.Optional(Type.Integer({ minimum: 0, default: 0 })),
};

export const SessionUserSchema = Type.Object({
  username: Type.String(),
  displayName: Type.String(),
  role: RoleSchema,
});

export const ManagedUserSchema = Type.Object({
  username: Type.String(),
  displayName: Type.String(),
  role: RoleSchema,
  email: Type.Union([Type.String(), Type.Null()]),
  disabled: Type.Boolean(),
  createdAt: InstantSchema,
  lastSignInAt: Type.Union([InstantSchema, Type.Null()]),
});

export const ApiTokenSchema = Type.Object({
  id: Type.Integer(),
  name: Type.String(),
  owner: Type.String(),
  prefix: Type.String({ description: "the token's first characters" }),
  scopes: Type.Array(Type.String()),
  createdAt: InstantSchema,
  createdBy: Type.String(),
  lastUsedAt: Type.Union([InstantSchema, Type.Null()]),
  revokedAt: Type.Union([InstantSchema, Type.Null()]),
});

export const IdParamsSchema = Type.Object({ id: Type.Integer({ minimum: 1 }) });
