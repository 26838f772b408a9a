import { api, inBatches } from './api.js';
import { stepsPerEpoch } from './format.js';

/**
 * The lr of each schedule by (fractional) epoch, from POST /v1/schedules/preview: PyTorch's
 * exact trajectory over the task's whole training. Per-step schedules get one point per
 * step (x = step / steps per epoch), per-epoch ones one per epoch.
 * Returns [{ x, y }] in the order of `schedules` (empty where the preview refused it).
 */
export async function lrCurves(schedules, task) {
  const spe = stepsPerEpoch(task);
  const optimizer = task?.optimizer;
  return inBatches(schedules, 4, async (schedule) => {
    try {
      const { lr, interval } = await api('/v1/schedules/preview', {
        method: 'POST',
        body: { schedule, lr: optimizer?.lr ?? 0.1, epochs: task?.epochs ?? 10, stepsPerEpoch: spe, ...(optimizer ? { optimizer } : {}) },
      });
      const per = interval === 'step' ? spe : 1;
      return { x: lr.map((_, k) => k / per), y: lr, error: null };
    } catch (err) {
      return { x: [], y: [], error: err.issues?.[0]?.message ?? err.message };
    }
  });
}
