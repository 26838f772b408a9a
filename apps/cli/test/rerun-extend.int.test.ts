import { spawn } from 'node:child_process';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStack, type Stack } from '../../api/test/stack.ts';

// `lrsweep rerun` and `lrsweep extend`, the real binary against a real API (no workers: the
// trials only need to be queued, not trained).

const bin = fileURLToPath(new URL('../bin/lrsweep.js', import.meta.url));
let stack: Stack;
let api: string;
let sweepId: string;

function cli(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [bin, ...args], { env: { ...process.env, LRSWEEP_API: api, NO_COLOR: '' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

beforeAll(async () => {
  stack = await startStack();
  api = await stack.app.listen({ port: 0, host: '127.0.0.1' });
  const res = await stack.app.inject({
    method: 'POST',
    url: '/v1/sweeps',
    payload: {
      name: 'cli-growth',
      task: { dataset: 'spirals', model: { type: 'mlp', hidden: [8] }, epochs: 2, batchSize: 32, optimizer: { type: 'SGD', lr: 0.1 } },
      schedules: [{ type: 'StepLR', step_size: 1 }],
      seeds: 2,
    },
  });
  sweepId = res.json().id;
  await stack.app.inject({ method: 'POST', url: `/v1/sweeps/${sweepId}/cancel` });
});
afterAll(async () => {
  await stack?.stop();
});

describe('lrsweep rerun', () => {
  it('refuses a state it does not know, naming it', async () => {
    const run = await cli(['rerun', sweepId, '--state', 'exploded']);
    expect(run.code).not.toBe(0);
    expect(run.stderr).toContain('/states/0');
  });

  it('queues the cancelled trials again', async () => {
    const run = await cli(['rerun', sweepId, '--state', 'cancelled']);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain('2 trials queued again');
    expect((await stack.app.inject({ url: `/v1/sweeps/${sweepId}` })).json()).toMatchObject({ status: 'running', trials: { queued: 2 } });
    expect((await cli(['rerun', sweepId, '--json'])).stdout).toBe('{\n  "requeued": 0\n}\n');
  });
});

describe('lrsweep extend', () => {
  it('adds what FILE names and names what the sweep had already', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'lrsweep-extend-'));
    const file = join(dir, 'more.yaml');
    await writeFile(file, 'schedules:\n  - {type: StepLR, step_size: 1, gamma: 0.1}\n  - {type: ExponentialLR, gamma: 0.9}\nseeds: [1, 2]\n');
    const run = await cli(['extend', sweepId, file]);
    expect(run.code, run.stderr).toBe(0);
    // ExponentialLR x {0, 1, 2} + StepLR x {2}
    expect(run.stdout).toContain('4 trials added');
    expect(run.stdout).toContain('already in the sweep, not added: /schedules/0: StepLR(step_size=1, gamma=0.1)');
    expect(run.stdout).toContain('seed 1 is already in the sweep');
    expect((await stack.app.inject({ url: `/v1/sweeps/${sweepId}` })).json().trials.total).toBe(6);
  });
});
