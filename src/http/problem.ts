import type { FastifyError, FastifyInstance, FastifyReply, RouteOptions } from 'fastify';
import { Type } from 'typebox';
import { AUTH_ERROR_STATUS, describeAuthError, type AuthCapabilityError } from '../auth/errors.ts';
import type { CollectionsError } from '../collections/errors.ts';
import { CASHAPP_ERROR_STATUS } from '../cashapp/errors.ts';
import { LEDGER_ERROR_STATUS } from '../ledger/errors.ts';

// Errors as RFC 9457 problem details (application/problem+json): `type` identifies the problem,
// `code` is the same code the use cases and the CLI use, `detail` is a sentence for people.
// A domain error's own fields (e.g. `openCents`) travel as extension members.

/** Codes the HTTP layer itself produces. */
const HTTP_ERROR_STATUS = {
  request_invalid: 400,
  idempotency_key_invalid: 400,
  forbidden: 403,
  csrf_token_invalid: 403,
  route_not_found: 404,
  method_not_allowed: 405,
  idempotency_key_reused: 409,
  idempotency_request_in_progress: 409,
  payload_too_large: 413,
  file_too_large: 413,
  media_type_unsupported: 415,
  internal: 500,
  email_delivery_failed: 502,
  web_app_not_built: 503,
} as const;

/**
 * The collections codes (src/collections/errors.ts; every one, or this does not compile):
 * 404 missing, 409 the state refuses it (a transition, a taken key, a changed item), 403 a rule
 * about who may (approval limits), 503 mail not configured, 422 bad input.
 */
export const COLLECTIONS_ERROR_STATUS: Record<CollectionsError['code'], 403 | 404 | 409 | 422
  | 503> = {
  customer_not_found: 404, contact_not_found: 404, item_not_found: 404, dispute_not_found: 404,
  placement_not_found: 404, write_off_request_not_found: 404,
  item_not_open_debit: 409, amount_exceeds_open_items: 409, agency_placement_conflict: 409,
  placement_already_recalled: 409, write_off_request_already_decided: 409,
  write_off_items_changed: 409, dunning_run_key_taken: 409, dispute_transition_not_allowed: 409,
  credit_memo_needs_manager_approval: 403, approver_must_not_be_requester: 403,
  role_may_not_approve_write_offs: 403, write_off_exceeds_approval_limit: 403,
  email_not_configured: 503,
  date_invalid: 422, amount_must_be_positive: 422, text_required: 422, value_not_allowed: 422,
  item_not_on_account: 422, promise_date_before_today: 422, recipient_missing: 422,
  dispute_status_invalid: 422, resolution_required: 422, resolution_only_when_resolving: 422,
};

/** Codes of the scheduled jobs, the sales-rep digest and the collections reports. */
const JOBS_AND_REPORTS_ERROR_STATUS = {
  job_not_found: 404, sales_rep_not_found: 404, date_range_invalid: 422,
} as const;

/**
 * THE map from error codes to HTTP statuses: the ledger's, cash application's, auth's,
 * collections' and the HTTP layer's. A code missing here falls back on its name: `*_not_found` 404,
 * `*_conflict`/`*_taken` 409, else 422.
 */
export const ERROR_STATUS: Readonly<Record<string, number>> = {
  ...CASHAPP_ERROR_STATUS,
  ...COLLECTIONS_ERROR_STATUS,
  ...JOBS_AND_REPORTS_ERROR_STATUS,
  ...LEDGER_ERROR_STATUS,
  ...AUTH_ERROR_STATUS,
  ...HTTP_ERROR_STATUS,
};

export function statusOf(code: string): number {
  const known = ERROR_STATUS[code];
  if (known !== undefined) return known;
  if (code.endsWith('_not_found')) return 404;
  if (code.endsWith('_conflict') || code.endsWith('_taken')) return 409;
  return 422;
}

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

export const ProblemSchema = Type.Object({
  type: Type.String({ description: 'urn:arc:problem:<code>' }),
  title: Type.String(),
  status: Type.Integer(),
  detail: Type.String(),
  code: Type.String({ description: 'the rule that failed, as the use cases name it' }),
}, { additionalProperties: true, description: 'RFC 9457 problem details' });

export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: string;
  [extension: string]: unknown;
}

/** "customer_not_found" -> "Customer not found". */
function titleOf(code: string): string {
  const words = code.replace(/_/g, ' ');
  return words.charAt(0).toUpperCase() + words.slice(1);
}

export function problemOf(
  code: string, detail: string, extensions: Record<string, unknown> = {},
): Problem {
  return {
    ...extensions, type: `urn:arc:problem:${code}`, title: titleOf(code), status: statusOf(code),
    detail, code,
  };
}

export function sendProblem(
  reply: FastifyReply, code: string, detail: string, extensions?: Record<string, unknown>,
): FastifyReply {
  const problem = problemOf(code, detail, extensions);
  return reply.code(problem.status).type(PROBLEM_CONTENT_TYPE).send(problem);
}

/** "amount exceeds open balance (debitId 4; openCents 500)": the rule, then its values. */
export function describeError(e: { code: string }): string {
  if (e.code in AUTH_ERROR_STATUS) return describeAuthError(e as AuthCapabilityError);
  const details = Object.entries(e).filter(([k]) => k !== 'code')
    .map(([k, v]) => `${k} ${Array.isArray(v) ? v.join(',') : String(v)}`);
  const rule = e.code.replace(/_/g, ' ');
  return details.length === 0 ? rule : `${rule} (${details.join('; ')})`;
}

/** Answers a use case's error result: its code, a sentence, and its fields as extensions. */
export function sendError(reply: FastifyReply, error: { code: string }): FastifyReply {
  const { code: _code, ...fields } = error as { code: string } & Record<string, unknown>;
  return sendProblem(reply, error.code, describeError(error), fields);
}

/** Statuses Fastify itself raises, with the code they get here. */
const FRAMEWORK_CODES: Record<number, string> = {
  400: 'request_invalid', 404: 'route_not_found', 405: 'method_not_allowed',
  413: 'payload_too_large', 415: 'media_type_unsupported',
};

/** Every error and every unknown route answers problem+json. */
export function registerProblems(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError, request, reply) => {
    if (error.validation) {
      const errors = error.validation.map((v) => ({
        in: error.validationContext ?? 'body', path: v.instancePath, message: v.message ?? '',
      }));
      return sendProblem(reply, 'request_invalid', error.message, { errors });
    }
    const status = error.statusCode ?? 500;
    if (status < 500) {
      return sendProblem(reply, FRAMEWORK_CODES[status] ?? 'request_invalid', error.message);
    }
    request.log.error({ err: error }, 'request failed');
    return sendProblem(reply, 'internal', 'the server failed to answer; the error is logged');
  });
  app.setNotFoundHandler((request, reply) =>
    sendProblem(reply, 'route_not_found', `no route ${request.method} ${request.url}`));
}

/** Declares the problem+json answers on every route with a schema (4xx and 5xx). */
export function addProblemResponses(route: RouteOptions): void {
  const schema = route.schema;
  if (!schema || (schema as { hide?: boolean }).hide) return;
  const response = (schema.response ?? {}) as Record<string, unknown>;
  const problem = {
    description: 'RFC 9457 problem details',
    content: { [PROBLEM_CONTENT_TYPE]: { schema: ProblemSchema } },
  };
  response['4xx'] ??= problem;
  response['5xx'] ??= problem;
  schema.response = response;
}
