import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStack, waitFor, type Stack } from '../../api/test/stack.ts';

// `npm install -g` of the checkout's CLI, as the README has a user do once, then `lrsweep
// worker` and `lrsweep api` run in the user's own project directory, outside this repository,
// with their lrsweep.config.yaml beside their script.

const cliDir = fileURLToPath(new URL('..', import.meta.url));
const prefix = mkdtempSync(path.join(tmpdir(), 'lrsweep-global-'));
const project = mkdtempSync(path.join(tmpdir(), 'my-model-'));
const lrsweep = path.join(prefix, 'bin', 'lrsweep');

// The user's script imports a module of theirs and reads a file of theirs, both by relative path.
writeFileSync(path.join(project, 'helper.py'), 'def loss(epoch):\n    return 1.0 / (epoch + 1)\n');
writeFileSync(path.join(project, 'scale.txt'), '2.0\n');
writeFileSync(
  path.join(project, 'train.py'),
  [
    'import lrsweep',
    'from helper import loss',
    'trial = lrsweep.init()',
    "scale = float(open('scale.txt').read())",
    'for epoch in range(trial.epochs):',
    "    trial.report(epoch, train_loss=scale * loss(epoch), val_loss=scale * loss(epoch), val_acc=0.5, lr=trial.optimizer_spec['lr'])",
  ].join('\n'),
);
writeFileSync(path.join(project, 'lrsweep.config.yaml'), 'trainers:\n  mine:\n    command: train.py\n    interpreter: /usr/bin/python3\n');

let stack: Stack;
const children: ChildProcess[] = [];
const run = (args: string[]) => {
  const child = spawn(lrsweep, args, {
    cwd: project,
    env: { ...process.env, DATABASE_URL: stack.databaseUrl, LRSWEEP_QUEUE_PREFIX: stack.prefix, LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  children.push(child);
  return child;
};

beforeAll(async () => {
  const install = spawnSync('npm', ['install', '--global', '--offline', '--prefix', prefix, cliDir], { encoding: 'utf8' });
  expect(install.status, install.stderr).toBe(0);
  stack = await startStack();
}, 120_000);
afterAll(async () => {
  await Promise.all(children.map((c) => new Promise((r) => (c.exitCode !== null || c.signalCode !== null ? r(null) : (c.once('exit', r), c.kill('SIGTERM'))))));
  // The trainer's queue, under this file's prefix (this package does not import @lrsweep/queue).
  const keys = await stack.app.redis.keys(`${stack.prefix}:trials.mine:*`);
  if (keys.length) await stack.app.redis.del(...keys);
  await stack?.stop();
});

describe('the CLI installed once, run in a project outside the repository', () => {
  it("runs a worker there that trains the project's script with the project's config", async () => {
    run(['worker']);
    const body = { name: 'mine', task: { trainer: 'mine', epochs: 2, optimizer: { type: 'SGD', lr: 0.1 } }, schedules: [{ type: 'ConstantLR', factor: 1, total_iters: 0 }], seeds: 1 };
    // Until the worker has advertised its trainer, the API refuses the sweep (400).
    const res = await waitFor('the worker to offer trainer mine', async () => {
      const r = await stack.app.inject({ method: 'POST', url: '/v1/sweeps', payload: body });
      return r.statusCode === 201 ? r : null;
    }, 60_000);
    const trial = await waitFor('the trial to finish', async () => {
      const [t] = (await stack.app.inject({ url: `/v1/sweeps/${res.json().id}/trials` })).json().items;
      const full = (await stack.app.inject({ url: `/v1/trials/${t.id}` })).json();
      return ['completed', 'failed'].includes(full.state) ? full : null;
    }, 60_000);
    expect(trial.state, trial.error ?? '').toBe('completed');
    expect(trial.epochs.map((e: { train_loss: number }) => e.train_loss)).toEqual([2, 1]);
  });

  it('runs the API there', async () => {
    const port = await new Promise<number>((resolve) => {
      const s = createServer().listen(0, '127.0.0.1', () => {
        const { port: p } = s.address() as AddressInfo;
        s.close(() => resolve(p));
      });
    });
    run(['api', '--port', String(port)]);
    const health = await waitFor('the API to answer', async () => fetch(`http://127.0.0.1:${port}/healthz`).then((r) => (r.ok ? r.json() : null)).catch(() => null), 60_000);
    expect(health).toEqual({ ok: true });
  });
});
