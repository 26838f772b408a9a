import { createScheduler } from '@lrsweep/schedules';
import { describe, expect, it } from 'vitest';
import { BackendUnavailableError } from '../errors.ts';
import { trainWith } from '../training/train.ts';
import type { EpochRow } from '../training/train.types.ts';
import { spiralsTask } from '../training/test-helpers.ts';
import { activeBackend, selectBackend } from './select-backend.ts';

describe('selectBackend', () => {
  it('picks the first backend that loads and says which', async () => {
    const info = await selectBackend();
    expect(['tensorflow-gpu', 'tensorflow', 'blas', 'wasm']).toContain(info.name);
    expect(info.version).toMatch(/^\d+\.\d+\.\d+/);
    expect(activeBackend()).toEqual(info);
  });

  it('forces a named backend', async () => {
    await expect(selectBackend('cpu')).resolves.toMatchObject({ name: 'cpu' });
    await expect(selectBackend('wasm')).resolves.toMatchObject({ name: 'wasm' });
  });

  it('fails with an error naming a backend that is unknown or cannot load', async () => {
    await expect(selectBackend('tpu')).rejects.toThrow(/backend 'tpu' is unavailable: unknown backend/);
    const missing = process.env.CUDA_VISIBLE_DEVICES === undefined ? 'tensorflow' : 'tensorflow-gpu';
    // tfjs-node is not installed here (its install script needs network); on a host that has
    // it this case is skipped, since success is then the right answer.
    const loaded = await selectBackend(missing).then(() => true, (e: unknown) => e);
    if (loaded !== true) {
      expect(loaded).toBeInstanceOf(BackendUnavailableError);
      expect((loaded as BackendUnavailableError).backend).toBe(missing);
    }
  });
});

describe('the noop backend', () => {
  it('reports deterministic metrics from the schedule lr and steps the scheduler per batch', async () => {
    await selectBackend('noop');
    const create = createScheduler;
    const rows: EpochRow[][] = [[], []];
    const schedules = [
      { type: 'StepLR', step_size: 1, gamma: 0.5 },
      { type: 'OneCycleLR', max_lr: 0.1, interval: 'step' as const },
    ];
    const outcomes = await trainWith(
      {
        task: spiralsTask({ epochs: 3, batchSize: 100 }),
        trials: schedules.map((schedule) => ({ schedule, seed: 1 })),
        noopEpochMs: 5,
        onEpoch: (i, row) => void rows[i]!.push(row),
      },
      create,
    );
    expect(outcomes.map((o) => o.status)).toEqual(['completed', 'completed']);
    expect(rows[0]!.map((r) => r.lr)).toEqual([0.1, 0.05, 0.025]);
    expect(rows[0]!.every((r) => r.seconds >= 0.004)).toBe(true);
    // OneCycleLR over 3 x 8 steps would throw if stepped past its total.
    expect(rows[1]!.map((r) => r.lr)[0]).toBeCloseTo(0.004, 12);
    const losses = rows[0]!.map((r) => r.train_loss);
    expect(losses[2]).toBeLessThan(losses[0]!);
    const again: EpochRow[] = [];
    await trainWith(
      { task: spiralsTask({ epochs: 3, batchSize: 100 }), trials: [{ schedule: schedules[0]!, seed: 1 }], onEpoch: (_i, r) => void again.push(r) },
      create,
    );
    expect(again.map((r) => r.val_loss)).toEqual(rows[0]!.map((r) => r.val_loss));
  });
});
