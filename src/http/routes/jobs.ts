import { Type } from 'typebox';
import { isoDateOf } from '../../domain/dates.ts';
import { listJobRuns } from '../../jobs/job-runs.ts';
import { JOBS } from '../../jobs/jobs.ts';
import { runJobNow, type JobDeps } from '../../jobs/run-job.ts';
import { requestActor } from '../auth-plugin.ts';
import { sendError } from '../problem.ts';
import { InstantSchema, IsoDateSchema } from '../schemas.ts';
import type { RouteModule } from '../server.ts';

// The scheduled jobs (src/jobs/) for managers: what ran, when, with what result; and running
// one now (the slot of today, so a day's job still runs once).

const JOB_NAMES = JOBS.map((j) => j.name);

const JobRunSchema = Type.Object({
  id: Type.Integer(),
  job: Type.String(),
  slot: Type.String({ description: '"2026-11-20" (daily), "2026-W47" (weekly) or a chosen key' }),
  status: Type.Enum(['running', 'succeeded', 'failed']),
  attempts: Type.Integer(),
  asOf: IsoDateSchema,
  startedBy: Type.String(),
  startedAt: InstantSchema,
  heartbeatAt: InstantSchema,
  finishedAt: Type.Union([InstantSchema, Type.Null()]),
  result: Type.Unknown({ description: "the job's report (JSON), or null" }),
  error: Type.Union([Type.String(), Type.Null()], { description: 'the last failure' }),
});

export const jobRoutes: RouteModule = async (app, { deps }) => {
  const jobDeps: JobDeps = { db: deps.db, mail: deps.config.mail, jobs: deps.config.jobs,
    clock: deps.clock, log: (message, fields) => app.log.error(fields, message) };

  app.get('/jobs/runs', {
    config: { permission: 'collections.supervise' },
    schema: {
      summary: 'Runs of the scheduled jobs, newest first', tags: ['jobs'],
      querystring: Type.Object({
        job: Type.Optional(Type.Enum(JOB_NAMES)),
        status: Type.Optional(Type.Enum(['running', 'succeeded', 'failed'])),
        limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 50 })),
      }),
      response: { 200: Type.Object({ items: Type.Array(JobRunSchema) }) },
    },
  }, async (request) => ({ items: await listJobRuns(deps.db, {
    job: request.query.job, status: request.query.status, limit: request.query.limit ?? 50 }) }));

  app.post('/jobs/:job/runs', {
    config: { permission: 'collections.supervise' },
    schema: {
      summary: 'Run a scheduled job now (today\'s slot unless one is named)', tags: ['jobs'],
      description: 'Answers 201 with the run when it ran (its status may be failed, with the '
        + 'error), 200 with ran=false and the existing run when the slot already ran or is '
        + 'running.',
      params: Type.Object({ job: Type.Enum(JOB_NAMES) }),
      body: Type.Optional(Type.Object({ slot: Type.Optional(Type.String({ minLength: 1,
        maxLength: 100 })) }, { additionalProperties: false })),
      response: {
        200: Type.Object({ ran: Type.Boolean(), run: Type.Union([JobRunSchema, Type.Null()]) }),
        201: Type.Object({ ran: Type.Boolean(), run: JobRunSchema }),
      },
    },
  }, async (request, reply) => {
    const r = await runJobNow(jobDeps, request.params.job, { actor: requestActor(request),
      asOf: isoDateOf(deps.clock.now()), slot: request.body?.slot });
    if (!r.ok) return sendError(reply, r.error);
    if (r.value.ran) return reply.code(201).send({ ran: true, run: r.value.run });
    return { ran: false, run: r.value.run ?? null };
  });
};
