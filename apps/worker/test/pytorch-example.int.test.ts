import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getExternalTrialNotes } from '@lrsweep/db';
import { createTrialQueue, listTrainers } from '@lrsweep/queue';
import { startStack, waitFor, type Stack } from '../../api/test/stack.ts';
import { systemPart } from '../../api/test/system-parts.ts';

// The repository's own lrsweep.config.yaml and examples/pytorch-mnist, swept briefly by real
// workers with Debian's torch: a small subset (args.per_digit) and two epochs keep it quick.

const root = path.resolve(fileURLToPath(new URL('../../..', import.meta.url)));
const hasTorch = systemPart(
  "Debian's PyTorch (import torch in /usr/bin/python3)",
  spawnSync('/usr/bin/python3', ['-c', 'import torch'], { stdio: 'ignore' }).status === 0,
  'apt-get install -y python3-torch libopenblas0-pthread',
);

type Trial = { id: string; state: string; error: string | null; schedule: { type: string }; epochs: Array<{ epoch: number; lr: number; val_acc: number }> };

describe.skipIf(!hasTorch)('the PyTorch MNIST example as trainer mnist-torch', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack();
    const env = { LRSWEEP_CONFIG: path.join(root, 'lrsweep.config.yaml') };
    stack.startWorker(env);
    stack.startWorker(env);
    await waitFor('mnist-torch to be advertised', async () => (await listTrainers(stack.app.redis, stack.prefix)).includes('mnist-torch'));
  });
  afterAll(async () => {
    await createTrialQueue(stack.app.redis, stack.prefix, 'mnist-torch').obliterate({ force: true }).catch(() => {});
    await stack?.stop();
  });

  it('sweeps schedules through the script and ranks them', async () => {
    // 100 samples per digit: 800 train, batches of 32 -> 25 optimizer steps per epoch.
    const body = {
      name: 'pytorch-mnist',
      task: { trainer: 'mnist-torch', args: { per_digit: 100, hidden: 32, batch_size: 32 }, epochs: 2, stepsPerEpoch: 25, optimizer: { type: 'SGD', lr: 0.1, momentum: 0.9 } },
      schedules: [
        { type: 'StepLR', step_size: 1, gamma: 0.5 },
        { type: 'OneCycleLR', max_lr: 0.2, total_steps: 50 },
        { type: 'ReduceLROnPlateau', factor: 0.5, patience: 0 },
      ],
      seeds: 1,
    };
    const res = await stack.app.inject({ method: 'POST', url: '/v1/sweeps', payload: body });
    expect(res.statusCode, res.body).toBe(201);
    const id = res.json().id;
    await waitFor('the sweep to finish', async () => ['completed', 'failed'].includes((await stack.app.inject({ url: `/v1/sweeps/${id}` })).json().status), 150_000);

    const items: Trial[] = (await stack.app.inject({ url: `/v1/sweeps/${id}/trials` })).json().items;
    for (const item of items) {
      const t: Trial = (await stack.app.inject({ url: `/v1/trials/${item.id}` })).json();
      expect(t.state, t.error ?? '').toBe('completed');
      expect(t.epochs.map((e) => e.epoch)).toEqual([0, 1]);
      expect(t.epochs.at(-1)!.val_acc).toBeGreaterThan(0.5); // it learned something
      // The lrs read from torch's optimizer agree with packages/schedules' trajectory.
      expect(await getExternalTrialNotes(stack.db, t.id)).toMatchObject({ trainer: 'mnist-torch', lrMismatch: null });
      if (t.schedule.type === 'StepLR') expect(t.epochs.map((e) => e.lr)).toEqual([0.1, 0.05]);
      if (t.schedule.type === 'OneCycleLR') expect(t.epochs[0]!.lr).toBeCloseTo(0.2 / 25, 12);
    }
    const board = (await stack.app.inject({ url: `/v1/sweeps/${id}/leaderboard` })).json();
    expect(board.entries).toHaveLength(3);
  });
});
