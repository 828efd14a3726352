import { Type } from 'typebox';
import { smtpMailer } from '../../collections/mailer.ts';
import { sendSalesRepDigests } from '../../collections/sales-rep-digest.ts';
import { isoDateOf } from '../../domain/dates.ts';
import {
  reportCsv, reportJson, reportXlsx,
} from '../../reports/collections-report-output.ts';
import {
  collectionsReport, COLLECTIONS_REPORTS, DEFAULT_RANGE_DAYS, RANGE_DAYS_MAX,
} from '../../reports/collections-reports.ts';
import { requestActor } from '../auth-plugin.ts';
import { sendError } from '../problem.ts';
import { IsoDateSchema } from '../schemas.ts';
import type { RouteModule } from '../server.ts';

// Collections reports for managers (JSON, or CSV/XLSX downloads, like GET /aging) and the
// sales-rep digest sent by hand.

const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

const SUMMARIES: Record<(typeof COLLECTIONS_REPORTS)[number], string> = {
  promises: 'Promises to pay per collector per day: count, amount, kept, broken, paid',
  agency: 'Agency placements: placed, commission rate, recoveries, commission due, net',
  'write-offs': 'Write-off requests by reason and approver: requested, approved, rejected, posted',
  scorecard: 'Collector scorecard: contacts a day, promised, kept rate, past due managed',
};

const Value = Type.Union([Type.String(), Type.Number(), Type.Null()]);
const ReportJsonSchema = Type.Object({
  name: Type.String(), title: Type.String(), from: IsoDateSchema, to: IsoDateSchema,
  columns: Type.Array(Type.Object({ key: Type.String(), header: Type.String(),
    kind: Type.Enum(['text', 'date', 'count', 'money', 'percent', 'decimal']) })),
  rows: Type.Array(Type.Record(Type.String(), Value)),
  totals: Type.Array(Type.Record(Type.String(), Value)),
  notes: Type.Array(Type.String()),
});

export const collectionsReportRoutes: RouteModule = async (app, { deps }) => {
  const today = () => isoDateOf(deps.clock.now());

  for (const name of COLLECTIONS_REPORTS) {
    app.get(`/reports/collections/${name}`, {
      config: { permission: 'collections.supervise' },
      schema: {
        summary: SUMMARIES[name], tags: ['reports'],
        description: `From and to are both included (default: the ${DEFAULT_RANGE_DAYS} days `
          + `to today; at most ${RANGE_DAYS_MAX}). Money as decimal strings in each row's `
          + 'currency, rates as percent strings; totals per currency.',
        querystring: Type.Object({
          from: Type.Optional(IsoDateSchema), to: Type.Optional(IsoDateSchema),
          currency: Type.Optional(Type.String({ pattern: '^[A-Z]{3}$',
            description: 'the scorecard\'s currency (default: the base currency)' })),
          format: Type.Optional(Type.Enum(['json', 'csv', 'xlsx'], { default: 'json' })),
        }),
        response: {
          200: {
            description: 'the report, in the format asked for',
            content: {
              'application/json': { schema: ReportJsonSchema },
              'text/csv': { schema: Type.String() },
              [XLSX_TYPE]: { schema: Type.Unsafe<Buffer>({ type: 'string', format: 'binary' }) },
            },
          },
        },
      },
    }, async (request, reply) => {
      const q = request.query;
      const r = await collectionsReport(deps.db, name, { from: q.from, to: q.to,
        currency: q.currency, today: today() });
      if (!r.ok) return sendError(reply, r.error);
      const format = q.format ?? 'json';
      if (format === 'json') return reportJson(r.value);
      const file = `collections-${name}-${r.value.from}-to-${r.value.to}.${format}`;
      reply.header('content-disposition', `attachment; filename="${file}"`);
      if (format === 'csv') return reply.type('text/csv; charset=utf-8').send(reportCsv(r.value));
      return reply.type(XLSX_TYPE).send(await reportXlsx(r.value));
    });
  }

  app.post('/sales-rep-digests', {
    config: { permission: 'collections.supervise' },
    schema: {
      summary: 'Email each sales rep the digest of their accounts now', tags: ['collections'],
      description: 'New credit holds, broken promises, disputes waiting on them, accounts past '
        + '60/90 days since their previous digest, top outstanding. dryRun renders the emails '
        + '(200) without sending or logging; otherwise 201 with what was sent.',
      body: Type.Optional(Type.Object({
        dryRun: Type.Optional(Type.Boolean()),
        salesRep: Type.Optional(Type.String({ minLength: 1, maxLength: 200,
          description: "one rep's display name" })),
      }, { additionalProperties: false })),
      response: { 200: Type.Object({ run: Type.Unknown() }),
        201: Type.Object({ run: Type.Unknown() }) },
    },
  }, async (request, reply) => {
    const body = request.body ?? {};
    const mailer = body.dryRun ? undefined : smtpMailer(deps.config.mail);
    try {
      const r = await sendSalesRepDigests(deps.db, requestActor(request), mailer,
        deps.config.mail.companyName, { asOf: today(), now: deps.clock.now(),
          periodDays: deps.config.jobs.digest === 'daily' ? 1 : 7, dryRun: body.dryRun,
          salesRep: body.salesRep });
      if (!r.ok) return sendError(reply, r.error);
      return reply.code(body.dryRun ? 200 : 201).send({ run: r.value });
    } finally {
      mailer?.close();
    }
  });
};
