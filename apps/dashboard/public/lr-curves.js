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
  return inBatches(schedules, 4, async (stored) => {
    // A sweep that searches optimizer.lr keeps each configuration's lr in its schedule (`lr`);
    // the task's lr is then an axis or a distribution, not a number.
    const { lr: trialLr, ...schedule } = stored;
    const base = typeof trialLr === 'number' ? trialLr : typeof task?.optimizer?.lr === 'number' ? task.optimizer.lr : 0.1;
    const optimizer = task?.optimizer ? { ...task.optimizer, lr: base } : undefined;
    try {
      const { lr, interval } = await api('/v1/schedules/preview', {
        method: 'POST',
        body: { schedule, lr: base, epochs: task?.epochs ?? 10, stepsPerEpoch: spe, ...(optimizer ? { optimizer } : {}) },
      });
      const per = interval === 'step' ? spe : 1;
      return { x: lr.map((_, k) => k / per), y: lr, error: null };
    } catch (err) {
      return { x: [], y: [], error: err.issues?.[0]?.message ?? err.message };
    }
  });
}
