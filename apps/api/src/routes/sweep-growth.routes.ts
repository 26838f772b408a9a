import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { ErrorBody, ExtendSweepBody, ExtendSweepReply, RerunSweepBody, RerunSweepReply, isExternalTask, type CreateSweepBody, type Issue } from '@lrsweep/contracts';
import { extendSweep, getSweep, rerunTrials, type Prisma } from '@lrsweep/db';
import { requeueTrials } from '@lrsweep/queue';
import { describeSchedule, scheduleKey, type ScheduleSpec } from '@lrsweep/schedules';
import { ApiError, invalid, notFound } from '../errors.ts';
import { planSweep, seedList } from '../sweeps/plan-sweep.ts';
import { publishSweepReopened } from './events.routes.ts';

// A sweep is not over when it ends: rerun its failed or cancelled trials, or extend it with
// more schedules or seeds. Both answer 404 for a sweep of another project.

const IdParams = Type.Object({ id: Type.String({ format: 'uuid' }) });
const errors = { 400: ErrorBody, 404: ErrorBody, 503: ErrorBody };
const DEFAULT_RERUN_STATES = ['failed', 'cancelled'] as const;

export const sweepGrowthRoutes: FastifyPluginAsyncTypebox = async (app) => {
  // Refuse before writing when Redis is down, so no trial is queued in Postgres without its job.
  const redisUp = () =>
    app.redis.ping().catch(() => {
      throw new ApiError('LRS_UNAVAILABLE', 'the queue (Redis) is unreachable; nothing was written, retry shortly', 503);
    });
  const queueOf = (spec: CreateSweepBody) => app.trialQueueFor(isExternalTask(spec.task) ? spec.task.trainer : undefined);

  app.post(
    '/sweeps/:id/rerun',
    {
      schema: {
        summary: "Run a sweep's failed and cancelled trials again (diverged ones when named), resuming from their last checkpoint unless `fresh`",
        params: IdParams,
        body: RerunSweepBody,
        response: { 200: RerunSweepReply, ...errors },
      },
      // No body at all means every default: `lrsweep rerun ID` and a bare curl -X POST.
      preValidation: async (request) => {
        request.body ??= {};
      },
    },
    async (request) => {
      const sweep = await getSweep(app.db, request.params.id, request.project);
      if (!sweep) throw notFound('sweep', request.params.id);
      await redisUp();
      const states = request.body.states ?? DEFAULT_RERUN_STATES;
      const result = await rerunTrials(app.db, { sweepId: sweep.id, project: request.project, states, fresh: request.body.fresh ?? false });
      if (!result) throw notFound('sweep', request.params.id);
      if (result.trialIds.length > 0) {
        await publishSweepReopened(app, { sweepId: sweep.id, reason: 'rerun', queuedTrials: result.trialIds.length, trials: result.totalTrials }, result.trialIds);
        // A finished job under the trial's id (its attempts spent) would make a plain add a no-op.
        await requeueTrials(queueOf(sweep.spec as CreateSweepBody), app.redis, result.trialIds.map((trialId) => ({ trialId, sweepId: sweep.id })));
      }
      request.log.info({ sweepId: sweep.id, requeued: result.trialIds.length, states }, 'sweep rerun');
      return { requeued: result.trialIds.length };
    },
  );

  app.post(
    '/sweeps/:id/extend',
    {
      schema: {
        summary: 'Add schedules and/or seeds to a sweep: new configurations x all seeds, and new seeds x all configurations',
        params: IdParams,
        body: ExtendSweepBody,
        response: { 200: ExtendSweepReply, ...errors },
      },
    },
    async (request) => {
      const sweep = await getSweep(app.db, request.params.id, request.project);
      if (!sweep) throw notFound('sweep', request.params.id);
      const { schedules = [], seeds } = request.body;
      if (schedules.length === 0 && seeds === undefined) throw invalid([{ path: '', message: 'name more `schedules`, more `seeds`, or both' }]);
      // Planned exactly as a new sweep with the sweep's own task and objective, so an extension
      // is held to the same checks; its seeds are placed below, against the sweep's.
      const spec = sweep.spec as CreateSweepBody;
      // A halving sweep's rungs are decided from the configurations it started with.
      if (spec.early_stopping) throw invalid([{ path: '', message: 'a successive-halving sweep (early_stopping) cannot be extended: submit a new sweep' }]);
      const objective = { metric: sweep.objectiveMetric, mode: sweep.objectiveMode } as CreateSweepBody['objective'];
      // A searched sweep's extension draws with the sweep's search; its entries' random streams
      // start past the sweep's trial count, so they draw afresh rather than repeat the first draws.
      const planned = planSweep({ ...spec, schedules, seeds: [0], objective }, app.config.maxTrials, sweep.trials.total);
      if ('issues' in planned) throw invalid(planned.issues);
      const configurations = planned.plan.trials.map(({ schedule, scheduleKey, path, source }) => ({ schedule: schedule as Prisma.InputJsonValue, scheduleKey, path, source }));
      const newSeeds = seeds === undefined ? [] : seedList(seeds);
      await redisUp();
      const result = await extendSweep(app.db, {
        sweepId: sweep.id,
        project: request.project,
        configurations,
        seeds: newSeeds,
        maxTrials: app.config.maxTrials,
        keyOf: (schedule) => scheduleKey(schedule as unknown as ScheduleSpec),
      });
      if (!result) throw notFound('sweep', request.params.id);
      if ('overLimit' in result) {
        throw invalid([{ path: '', message: `the sweep would have ${result.overLimit} trials in all; the limit is ${app.config.maxTrials}` }]);
      }
      const duplicates: Issue[] = [
        ...configurations
          .filter((c) => result.knownKeys.has(c.scheduleKey))
          .map((c) => ({ path: c.path, message: `${c.source}: ${describeSchedule(c.schedule as Record<string, unknown>)} is already in the sweep` })),
        ...(Array.isArray(seeds) ? seeds.map((s, i) => ({ s, path: `/seeds/${i}` })) : newSeeds.map((s) => ({ s, path: '/seeds' })))
          .filter(({ s }) => result.knownSeeds.has(s))
          .map(({ s, path }) => ({ path, message: `seed ${s} is already in the sweep` })),
      ];
      if (result.trialIds.length > 0) {
        await publishSweepReopened(app, { sweepId: sweep.id, reason: 'extend', queuedTrials: result.trialIds.length, trials: result.totalTrials });
        await requeueTrials(queueOf(spec), app.redis, result.trialIds.map((trialId) => ({ trialId, sweepId: sweep.id })));
      }
      request.log.info({ sweepId: sweep.id, added: result.trialIds.length, duplicates: duplicates.length }, 'sweep extended');
      return { added: result.trialIds.length, duplicates };
    },
  );
};
