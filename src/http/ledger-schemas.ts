import { Type } from 'typebox';
import { InstantSchema, IsoDateSchema } from './schemas.ts';

// The ledger's shapes as the API answers them (docs/api.md): amounts are decimal strings in the
// item's currency (credits negative), dates YYYY-MM-DD.

export const AmountSchema = Type.String({ pattern: '^-?\\d+(\\.\\d+)?$', examples: ['1234.56'] });
const NullableString = Type.Union([Type.String(), Type.Null()]);

export const CustomerSummarySchema = Type.Object({
  id: Type.Integer(),
  accountNumber: Type.String(),
  name: Type.String(),
  currency: Type.String(),
  balance: AmountSchema,
  pastDue: AmountSchema,
  oldestDueDate: Type.Union([IsoDateSchema, Type.Null()]),
  daysPastDueMax: Type.Integer(),
  creditLimit: Type.Union([AmountSchema, Type.Null()]),
  collector: NullableString,
  salesRep: NullableString,
  region: NullableString,
  status: Type.String(),
  terms: Type.String(),
});

export const ContactSchema = Type.Object({
  id: Type.Integer(),
  name: Type.String(),
  role: NullableString,
  email: NullableString,
  phone: NullableString,
  fax: NullableString,
  isPrimary: Type.Boolean(),
});

export const CustomerDetailSchema = Type.Intersect([CustomerSummarySchema, Type.Object({
  termsDescription: Type.String(),
  availableCredit: Type.Union([AmountSchema, Type.Null()]),
  parent: Type.Union([Type.Object({
    id: Type.Integer(), accountNumber: Type.String(), name: Type.String(),
  }), Type.Null()]),
  contacts: Type.Array(ContactSchema),
  notes: NullableString,
})]);

export const AgingStripSchema = Type.Object({
  buckets: Type.Array(Type.String()),
  amounts: Type.Array(AmountSchema),
  unapplied: AmountSchema,
  total: AmountSchema,
});

export const ItemSchema = Type.Object({
  id: Type.Integer(),
  customerId: Type.Union([Type.Integer(), Type.Null()]),
  type: Type.String(),
  number: Type.String(),
  documentDate: IsoDateSchema,
  dueDate: IsoDateSchema,
  amount: AmountSchema,
  open: AmountSchema,
  currency: Type.String(),
  daysPastDue: Type.Integer(),
  poNumber: NullableString,
  orderNumber: NullableString,
  method: Type.Optional(NullableString),
  reference: Type.Optional(NullableString),
  payerName: Type.Optional(NullableString),
  memo: Type.Optional(NullableString),
});

export const ApplicationSchema = Type.Object({
  id: Type.Integer(),
  creditId: Type.Integer(),
  creditNumber: Type.String(),
  creditType: Type.String(),
  debitId: Type.Integer(),
  debitNumber: Type.String(),
  amount: AmountSchema,
  appliedOn: IsoDateSchema,
  reversesId: Type.Union([Type.Integer(), Type.Null()]),
  reversedBy: Type.Union([Type.Integer(), Type.Null()]),
  method: Type.String(),
  reason: NullableString,
  createdBy: Type.String(),
  createdAt: InstantSchema,
});

/** An amount people type: "1234.56", "1,234.56"; positive unless the field says otherwise. */
export const AmountInputSchema = Type.String({ minLength: 1, maxLength: 30, examples: ['123.45'] });
