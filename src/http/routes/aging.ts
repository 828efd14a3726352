import { Type } from 'typebox';
import {
  AGING_BASES, AGING_GROUPINGS, DEFAULT_THRESHOLDS, parseThresholds,
} from '../../domain/aging.ts';
import { isoDateOf } from '../../domain/dates.ts';
import { customerScopeFor } from '../../domain/permissions.ts';
import { agingCsv, agingJson, agingXlsx } from '../../formats/aging-output.ts';
import { agingReport, type AgingQueryError, type AgingReport } from '../../reports/aging.ts';
import { assert } from '../../domain/result.ts';
import { viewerOf } from '../auth-plugin.ts';
import { AmountSchema } from '../ledger-schemas.ts';
import { sendError } from '../problem.ts';
import { readKey, sendKept } from '../read-cache.ts';
import { IsoDateSchema } from '../schemas.ts';
import type { RouteModule } from '../server.ts';

// The aging report: the CLI's parameters and JSON shape (`arc aging --json`), or the same report
// as a CSV or XLSX download. A sales rep's report holds only their customers.

const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

const LineSchema = {
  total: AmountSchema, unapplied: AmountSchema, amounts: Type.Array(AmountSchema),
};
const AgingItemSchema = Type.Object({
  number: Type.String(), type: Type.String(), documentDate: IsoDateSchema,
  dueDate: IsoDateSchema, daysPastDue: Type.Integer(), open: AmountSchema, bucket: Type.String(),
});
const AgingJsonSchema = Type.Object({
  asOf: IsoDateSchema,
  by: Type.Enum(AGING_GROUPINGS),
  basis: Type.Enum(AGING_BASES),
  currency: Type.String(),
  buckets: Type.Array(Type.String()),
  rows: Type.Array(Type.Object({
    key: Type.String(), name: Type.String(), ...LineSchema,
    items: Type.Optional(Type.Array(AgingItemSchema)),
  })),
  totals: Type.Object(LineSchema),
});

export const agingRoutes: RouteModule = async (app, { deps }) => {
  app.get('/aging', {
    config: { permission: 'aging.read' },
    schema: {
      summary: 'Aging report (JSON, or a CSV/XLSX download)', tags: ['reports'],
      description: 'Same parameters and JSON shape as `arc aging --json`.',
      querystring: Type.Object({
        asOf: Type.Optional(IsoDateSchema),
        by: Type.Optional(Type.Enum(AGING_GROUPINGS, { default: 'customer' })),
        basis: Type.Optional(Type.Enum(AGING_BASES, { default: 'due' })),
        buckets: Type.Optional(Type.String({
          maxLength: 100, description: `thresholds in days (default ${DEFAULT_THRESHOLDS})`,
        })),
        currency: Type.Optional(Type.String({ pattern: '^[A-Z]{3}$' })),
        detail: Type.Optional(Type.Boolean({ description: "list each row's open items" })),
        format: Type.Optional(Type.Enum(['json', 'csv', 'xlsx'], { default: 'json' })),
      }),
      response: {
        200: {
          description: 'the report, in the format asked for',
          content: {
            'application/json': { schema: AgingJsonSchema },
            'text/csv': { schema: Type.String() },
            [XLSX_TYPE]: { schema: Type.Unsafe<Buffer>({ type: 'string', format: 'binary' }) },
          },
        },
      },
    },
  }, async (request, reply) => {
    const q = request.query;
    const thresholds = parseThresholds(q.buckets ?? DEFAULT_THRESHOLDS.join(','));
    if (!thresholds.ok) return sendError(reply, thresholds.error);
    const query = {
      asOf: q.asOf ?? isoDateOf(deps.clock.now()), by: q.by ?? 'customer',
      basis: q.basis ?? 'due', thresholds: thresholds.value, currency: q.currency ?? null,
      detail: q.detail ?? false, scope: customerScopeFor(viewerOf(request)),
    } as const;
    const format = q.format ?? 'json';
    let failed: AgingQueryError | undefined;
    // The same report at the same database snapshot (the aging page opened again, an export
    // after viewing) is sent from the read cache.
    const started = performance.now();
    let computed: { report: number; write: number } | undefined;
    const body = await deps.reads.bytes(readKey('aging', query, format), async () => {
      const r = await agingReport(deps.db, query);
      if (!r.ok) {
        failed = r.error;
        return undefined;
      }
      const report = r.value;
      const reported = performance.now();
      try {
        return await write(report);
      } finally {
        computed = { report: reported - started, write: performance.now() - reported };
      }
    });
    // Where the time went (browsers' developer tools show it): the report (the database and
    // its rows), writing the format, or neither (sent as kept: "cache").
    reply.header('server-timing', computed
      ? `report;dur=${computed.report.toFixed(1)}, write;dur=${computed.write.toFixed(1)}`
      : `cache;dur=${(performance.now() - started).toFixed(1)}`);
    if (!body) {
      assert(failed, 'an aging report without a body failed');
      return sendError(reply, failed);
    }
    if (format === 'json') return sendKept(request, reply, body);
    const file = `aging-${query.asOf}-${query.by}.${format}`;
    reply.header('content-disposition', `attachment; filename="${file}"`);
    if (format === 'csv') return sendKept(request, reply, body, 'text/csv; charset=utf-8');
    return reply.type(XLSX_TYPE).send(body);

    async function write(report: AgingReport): Promise<Buffer> {
      // The body is built to the schema already (agingJson); by customer it holds ~50,000 rows,
      // which JSON.stringify writes about four times faster than the schema's serializer.
      if (format === 'json') {
        return Buffer.from(JSON.stringify({ ...agingJson(report), basis: report.basis }));
      }
      if (format === 'csv') return Buffer.from(agingCsv(report));
      return agingXlsx(report);
    }
  });
};
