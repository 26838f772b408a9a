import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { trajectory } from '@lrsweep/schedules';
import { startStack, waitFor, type Stack } from './stack.ts';

// The whole path against the real Postgres and Redis: POST -> BullMQ -> two real worker
// processes training on spirals -> epochs in Postgres -> leaderboard, then a restart.

const optimizer = { type: 'SGD', lr: 0.1, momentum: 0.9 } as const;
const sweepBody = {
  name: 'spirals-lifecycle',
  task: { dataset: 'spirals', model: { type: 'mlp', hidden: [16] }, epochs: 4, batchSize: 32, optimizer },
  schedules: [
    { type: 'StepLR', step_size: 2, gamma: { values: [0.5, 0.1] } },
    { type: 'CosineAnnealingLR', T_max: 4, eta_min: 0.001 },
    { type: 'ReduceLROnPlateau', factor: 0.5, patience: 0 },
  ],
  seeds: 2,
  objective: { metric: 'val_loss', mode: 'min' },
};

type Trial = { id: string; state: string; schedule: Record<string, unknown>; seed: number; epochsDone: number; metrics: { val_loss: number } };

let stack: Stack;
let sweepId: string;

beforeAll(async () => {
  stack = await startStack();
});
afterAll(async () => {
  await stack?.stop();
});

describe('a sweep end to end', () => {
  it('accepts the sweep and expands the grid into trials', async () => {
    const res = await stack.app.inject({ method: 'POST', url: '/v1/sweeps', payload: sweepBody });
    expect(res.statusCode, res.body).toBe(201);
    const body = res.json();
    expect(body.trials).toBe(8); // (2 StepLR + cosine + plateau) x 2 seeds
    sweepId = body.id;
    const counts = await stack.app.inject({ url: '/v1/queue' });
    expect(counts.json().waiting).toBe(8);
  });

  it('trains every trial on real workers and records each epoch with the scheduled lr', async () => {
    stack.startWorker();
    stack.startWorker();
    const seen = new Set<string>();
    const done = await waitFor('the sweep to finish', async () => {
      const s = (await stack.app.inject({ url: `/v1/sweeps/${sweepId}` })).json();
      seen.add(s.status);
      if (s.trials.running > 0) expect(s.status).toBe('running'); // never "queued" while trials train
      return s.status === 'completed' ? s : null;
    }, 170_000);
    expect(done.trials.completed).toBe(8);
    expect(done.progress).toBe(1);
    expect(seen).toContain('running');

    const trials: Trial[] = (await stack.app.inject({ url: `/v1/sweeps/${sweepId}/trials?pageSize=100` })).json().items;
    expect(trials).toHaveLength(8);
    for (const t of trials) {
      expect(t.state).toBe('completed');
      const detail = (await stack.app.inject({ url: `/v1/trials/${t.id}` })).json();
      expect(detail.epochs.map((e: { epoch: number }) => e.epoch)).toEqual([0, 1, 2, 3]);
      expect(detail.epochs.at(-1).val_loss).toBeCloseTo(t.metrics.val_loss, 12);
      if (t.schedule.type !== 'ReduceLROnPlateau') {
        // lr at the start of epoch k is the schedule after k steps
        const expected = trajectory({ optimizer, scheduler: t.schedule as never, steps: 3 }).lr.map((row) => row[0]);
        expect(detail.epochs.map((e: { lr: number }) => e.lr)).toEqual(expected);
      } else {
        // the plateau scheduler saw val_loss: the lr only drops after an epoch that did not improve
        const lrs = detail.epochs.map((e: { lr: number }) => e.lr);
        for (let k = 1; k < lrs.length; k++) {
          const improved = detail.epochs[k - 1].val_loss < Math.min(Infinity, ...detail.epochs.slice(0, k - 1).map((e: { val_loss: number }) => e.val_loss));
          expect(lrs[k]).toBeCloseTo(improved || k === 1 ? lrs[k - 1] : lrs[k - 1] * 0.5, 15);
        }
      }
    }
    const stepTrial = trials.find((t) => t.schedule.type === 'StepLR' && t.schedule.gamma === 0.5)!;
    const stepEpochs = (await stack.app.inject({ url: `/v1/trials/${stepTrial.id}` })).json().epochs;
    expect(stepEpochs.map((e: { lr: number }) => e.lr)).toEqual([0.1, 0.1, 0.05, 0.05]);
  });

  it('ranks schedules by the mean final objective over seeds', async () => {
    const trials: Trial[] = (await stack.app.inject({ url: `/v1/sweeps/${sweepId}/trials?pageSize=100` })).json().items;
    const board = (await stack.app.inject({ url: `/v1/sweeps/${sweepId}/leaderboard` })).json();
    expect(board.metric).toBe('val_loss');
    expect(board.entries).toHaveLength(4);
    for (const e of board.entries) {
      const losses = trials.filter((t) => e.trials.includes(t.id)).map((t) => t.metrics.val_loss);
      expect(losses).toHaveLength(2);
      const mean = (losses[0]! + losses[1]!) / 2;
      expect(e.mean).toBeCloseTo(mean, 10);
      expect(e.std).toBeCloseTo(Math.abs(losses[0]! - losses[1]!) / Math.SQRT2, 10);
    }
    const means = board.entries.map((e: { mean: number }) => e.mean);
    expect(means).toEqual([...means].sort((a, b) => a - b));
    expect(board.entries.map((e: { rank: number }) => e.rank)).toEqual([1, 2, 3, 4]);
    const best = (await stack.app.inject({ url: `/v1/sweeps/${sweepId}/best` })).json();
    expect(best.schedule).toEqual(board.entries[0].schedule);

    // Every schedule trained on seeds 0 and 1: each is compared with the best pair by pair.
    type Entry = { mean: number; ci: [number, number]; tiedWithBest: boolean; diverged: number; failed: number; vsBest: { diff: number; ci: [number, number]; method: string; pairs: number } };
    const [first, ...rest] = board.entries as Entry[];
    expect(first).toMatchObject({ tiedWithBest: true, vsBest: { diff: 0, ci: [0, 0], method: 'paired', pairs: 2 }, diverged: 0, failed: 0 });
    for (const e of board.entries as Entry[]) expect(e.ci[0]).toBeLessThanOrEqual(e.mean), expect(e.ci[1]).toBeGreaterThanOrEqual(e.mean);
    for (const e of rest) {
      expect(e.vsBest).toMatchObject({ method: 'paired', pairs: 2 });
      expect(e.vsBest.diff).toBeCloseTo(e.mean - first!.mean, 10); // the same seeds: the mean difference is the difference of means
      expect(e.tiedWithBest).toBe(e.vsBest.ci[0] <= 0 && e.vsBest.ci[1] >= 0);
    }
    expect(best.tied).toEqual(rest.filter((e) => e.tiedWithBest));

    const doc = (await stack.app.inject({ url: '/docs/json' })).json();
    const entrySchema = doc.paths['/v1/sweeps/{id}/leaderboard'].get.responses['200'].content['application/json'].schema.properties.entries.items;
    expect(Object.keys(entrySchema.properties)).toEqual(expect.arrayContaining(['ci', 'vsBest', 'tiedWithBest', 'diverged', 'failed']));
    expect(JSON.stringify(doc.paths['/v1/sweeps/{id}/best'])).toContain('"tied"');
  });

  it('reports the same results after the whole stack restarts', async () => {
    const before = (await stack.app.inject({ url: `/v1/sweeps/${sweepId}/leaderboard` })).json();
    await stack.stopWorkers();
    await stack.restartApi();
    stack.startWorker();
    const after = (await stack.app.inject({ url: `/v1/sweeps/${sweepId}/leaderboard` })).json();
    expect(after).toEqual(before);
    const sweep = (await stack.app.inject({ url: `/v1/sweeps/${sweepId}` })).json();
    expect(sweep.status).toBe('completed');
    expect(sweep.trials.completed).toBe(8);
  });
});
