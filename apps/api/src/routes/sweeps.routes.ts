import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import {
  BestEntry,
  CreateSweepBody,
  CreateSweepReply,
  ErrorBody,
  Leaderboard,
  SweepDetail,
  SweepList,
  TrialList,
  TrialListQuery,
  isExternalTask,
} from '@lrsweep/contracts';
import { type NewTrial, cancelSweep, createSweepWithTrials, getSweep, halvingSummary, leaderboard, listSweeps, listTrials } from '@lrsweep/db';
import { enqueueTrials, listTrainers, removeTrialJobs } from '@lrsweep/queue';
import { ApiError, invalid, notFound } from '../errors.ts';
import { planSweep } from '../sweeps/plan-sweep.ts';
import { createLeaderboardCache } from '../sweeps/leaderboard-cache.ts';
import { publishSweepCancelled, publishSweepCreated } from './events.routes.ts';
import { halvingView, leaderboardView, sweepView, trialView } from '../views.ts';

/** Sweeps up to this many trials are fully queued before the POST answers. */
const ENQUEUE_INLINE_MAX = 1_000;

const IdParams = Type.Object({ id: Type.String({ format: 'uuid' }) });
const PageQuery = Type.Object(
  {
    // Bounded so the row offset stays an exact integer (page=1e20 is not).
    page: Type.Optional(Type.Integer({ minimum: 1, maximum: 1_000_000, default: 1 })),
    pageSize: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 50 })),
  },
  { additionalProperties: false },
);
const errors = { 400: ErrorBody, 404: ErrorBody, 503: ErrorBody };

const trainerOf = (body: CreateSweepBody): string | undefined => (isExternalTask(body.task) ? body.task.trainer : undefined);

export const sweepsRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const cachedLeaderboard = createLeaderboardCache();
  // Workers advertise the trainers their operator declared; a sweep names one of those or is refused.
  const checkTrainer = async (trainer: string): Promise<void> => {
    const known = await listTrainers(app.redis, app.config.queuePrefix);
    if (known.includes(trainer)) return;
    const offered = known.length ? `workers offer ${known.map((k) => `'${k}'`).join(', ')}` : 'no worker has declared a trainer yet (still starting?)';
    throw invalid([{ path: '/task/trainer', message: `unknown trainer '${trainer}': ${offered} (trainers are declared in the workers' lrsweep.config.yaml)` }]);
  };

  app.post(
    '/sweeps',
    { schema: { summary: 'Submit a sweep', body: CreateSweepBody, response: { 201: CreateSweepReply, ...errors } } },
    async (request, reply) => {
      const planned = planSweep(request.body, app.config.maxTrials);
      if ('issues' in planned) throw invalid(planned.issues);
      const trainer = trainerOf(request.body);
      if (trainer !== undefined) await checkTrainer(trainer);
      const { objective, trials } = planned.plan;
      // Refuse before writing when Redis is down, so a sweep is never stored without its jobs.
      await app.redis.ping().catch(() => {
        throw new ApiError('LRS_UNAVAILABLE', 'the queue (Redis) is unreachable; nothing was written, retry shortly', 503);
      });
      const created = await createSweepWithTrials(app.db, {
        project: request.project,
        name: request.body.name,
        spec: request.body,
        objectiveMetric: objective.metric,
        objectiveMode: objective.mode,
        trials: trials as NewTrial[],
      });
      await publishSweepCreated(app, { id: created.id, name: request.body.name, trials: trials.length });
      const jobs = created.trialIds.map((trialId) => ({ trialId, sweepId: created.id }));
      if (jobs.length <= ENQUEUE_INLINE_MAX) {
        await enqueueTrials(app.trialQueueFor(trainer), jobs);
      } else {
        // Once the trials are committed they cannot be lost: a large grid is answered now and its
        // jobs stream into Redis behind the reply; anything that fails to arrive, the
        // reconciler enqueues on its next pass.
        void enqueueTrials(app.trialQueueFor(trainer), jobs).catch((err) =>
          request.log.warn({ sweepId: created.id, err: (err as Error).message }, 'enqueue incomplete; the reconciler will finish it'),
        );
      }
      request.log.info({ sweepId: created.id, trials: trials.length }, 'sweep submitted');
      return reply.status(201).send({ id: created.id, trials: trials.length });
    },
  );

  app.get('/sweeps', { schema: { summary: 'List sweeps, newest first', querystring: PageQuery, response: { 200: SweepList, ...errors } } }, async (request) => {
    const { page = 1, pageSize = 50 } = request.query;
    const { items, total } = await listSweeps(app.db, { project: request.project, page, pageSize });
    return { items: items.map(sweepView), total };
  });

  app.get('/sweeps/:id', { schema: { summary: 'One sweep with trial counts', params: IdParams, response: { 200: SweepDetail, ...errors } } }, async (request) => {
    const sweep = await getSweep(app.db, request.params.id, request.project);
    if (!sweep) throw notFound('sweep', request.params.id);
    const spec = sweep.spec as unknown as CreateSweepBody;
    const halving = spec.early_stopping ? halvingView(spec, await halvingSummary(app.db, sweep.id)) : undefined;
    return { ...sweepView(sweep), spec: sweep.spec as never, ...(halving ? { halving } : {}) };
  });

  app.get(
    '/sweeps/:id/trials',
    { schema: { summary: "A sweep's trials", params: IdParams, querystring: TrialListQuery, response: { 200: TrialList, ...errors } } },
    async (request) => {
      const sweep = await getSweep(app.db, request.params.id, request.project);
      if (!sweep) throw notFound('sweep', request.params.id);
      const { page = 1, pageSize = 50, state } = request.query;
      const { items, total } = await listTrials(app.db, request.params.id, { page, pageSize, state });
      return { items: items.map(trialView), total };
    },
  );

  app.get(
    '/sweeps/:id/leaderboard',
    { schema: { summary: 'Schedules ranked by the mean final objective over seeds, with 95% intervals and the difference to the best paired by seed', params: IdParams, response: { 200: Leaderboard, ...errors } } },
    async (request, reply) => {
      const cached = await cachedLeaderboard(`${request.project}:${request.params.id}`, () => leaderboard(app.db, request.params.id, request.project));
      if (!cached) throw notFound('sweep', request.params.id);
      // Already the response's JSON (leaderboardView): sent as it is, not serialised again.
      return reply.type('application/json; charset=utf-8').send(cached.json() as never);
    },
  );

  app.get(
    '/sweeps/:id/best',
    { schema: { summary: 'The best schedule so far, and the schedules the seeds cannot tell from it', params: IdParams, response: { 200: BestEntry, ...errors } } },
    async (request) => {
      const board = (await cachedLeaderboard(`${request.project}:${request.params.id}`, () => leaderboard(app.db, request.params.id, request.project)))?.board;
      if (!board) throw notFound('sweep', request.params.id);
      const [best, ...rest] = leaderboardView(board).entries;
      if (!best) throw new ApiError('LRS_NO_RESULTS', 'no trial of this sweep has completed yet', 404);
      return { ...best, metric: board.metric, mode: board.mode, tied: rest.filter((e) => e.tiedWithBest === true) };
    },
  );

  app.post(
    '/sweeps/:id/cancel',
    { schema: { summary: 'Cancel: queued trials are removed, running ones stop at their next epoch', params: IdParams, response: { 200: SweepDetail, ...errors } } },
    async (request) => {
      const result = await cancelSweep(app.db, request.params.id, request.project);
      if (!result) throw notFound('sweep', request.params.id);
      const sweep = await getSweep(app.db, request.params.id, request.project);
      if (!sweep) throw notFound('sweep', request.params.id);
      await removeTrialJobs(app.trialQueueFor(trainerOf(sweep.spec as CreateSweepBody)), result.cancelledTrialIds);
      await publishSweepCancelled(app, sweep.id, result, sweep.trials.total);
      return { ...sweepView(sweep), spec: sweep.spec as never };
    },
  );
};
