import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { ErrorBody, PreviewBody, PreviewReply } from '@lrsweep/contracts';
import { naturalInterval, trajectory, validateSchedule, type ScheduleSpec } from '@lrsweep/schedules';
import { invalid } from '../errors.ts';

/** A preview's reply holds one lr per step: 10^5 is about 2 MB of JSON, and 10^9 would exhaust the heap. */
export const MAX_PREVIEW_STEPS = 100_000;

export const schedulesRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.post(
    '/schedules/preview',
    { schema: { summary: "A schedule's lr (and momentum) at every step from construction on", body: PreviewBody, response: { 200: PreviewReply, 400: ErrorBody } } },
    async (request) => {
      const { schedule, lr = 0.1, epochs, stepsPerEpoch = 1 } = request.body;
      const optimizer = request.body.optimizer ?? { type: 'SGD', lr };
      const issues = validateSchedule(schedule, optimizer);
      if (issues.length > 0) throw invalid(issues.map((i) => ({ path: '/schedule' + i.path, message: i.message })));
      const spec = schedule as ScheduleSpec;
      const interval = spec.interval ?? naturalInterval(spec);
      const steps = interval === 'step' ? epochs * stepsPerEpoch : epochs;
      if (steps > MAX_PREVIEW_STEPS) {
        throw invalid([{ path: interval === 'step' ? '/stepsPerEpoch' : '/epochs', message: `the preview would have ${steps} steps (epochs x stepsPerEpoch); the limit is ${MAX_PREVIEW_STEPS}` }]);
      }
      // Plateau schedules need a metric; a flat one shows how they behave when nothing improves.
      const run = (() => {
        try {
          return trajectory({ optimizer, scheduler: spec, steps, metrics: Array(steps).fill(1) });
        } catch (err) {
          if (err instanceof Error && 'path' in err) throw invalid([{ path: '/schedule' + String(err.path), message: (err as { reason?: string }).reason ?? err.message }]);
          throw err;
        }
      })();
      // One value per training step: the rate in effect while step k runs (row k of the trajectory).
      return { lr: run.lr.slice(0, steps).map((row) => row[0]!), momentum: run.momentum?.slice(0, steps).map((row) => row[0]!), interval };
    },
  );
};
