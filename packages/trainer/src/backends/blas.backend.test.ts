import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { blas } from '../blas/blas-addon.ts';
import { BackendUnavailableError } from '../errors.ts';
import { spiralsTask } from '../training/test-helpers.ts';
import { train } from '../index.ts';
import { activeBackend, selectBackend } from './select-backend.ts';

const missing = { blas: { addonPath: '/nonexistent/lrsweep_blas.node' } };

describe('the blas backend', () => {
  it('is chosen by name, reporting its sgemm kernels as the version, and tfjs on wasm for the rest', async () => {
    const info = await selectBackend('blas');
    expect(info).toEqual({ name: 'blas', version: expect.stringMatching(/^\d+\.\d+\.\d+\+(avx512|avx2|portable)$/) });
    expect(info.version).toMatch(new RegExp(`\\+${blas().kernels()}$`));
    expect(tf.getBackend()).toBe('wasm');
  });

  it('comes before wasm in the default order where its addon is built', async () => {
    await selectBackend('cpu');
    const info = await selectBackend();
    expect(['tensorflow-gpu', 'tensorflow', 'blas']).toContain(info.name);
  });

  it('is skipped, falling back to wasm, when the addon was not built', async () => {
    const info = await selectBackend(undefined, missing);
    expect(info.name).toBe('wasm');
    expect(activeBackend()).toEqual(info);
    // ...and training then runs on tfjs.
    const rows: number[] = [];
    const task = spiralsTask({ epochs: 1 });
    const [outcome] = await train({ task, trials: [{ schedule: { type: 'StepLR', step_size: 9 }, seed: 1 }], onEpoch: (_i, r) => void rows.push(r.val_loss) });
    expect(outcome!.status).toBe('completed');
  });

  it('asked for by name without its addon, fails naming blas and how to build it', async () => {
    await selectBackend('wasm');
    const err = await selectBackend('blas', missing).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BackendUnavailableError);
    expect((err as BackendUnavailableError).backend).toBe('blas');
    expect((err as Error).message).toMatch(/not built.*npm run build:native/);
  });
});
