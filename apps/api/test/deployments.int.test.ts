import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readDeploymentId } from '@lrsweep/db';
import { deploymentKey } from '@lrsweep/queue';
import { startStack, waitFor, type Stack } from './stack.ts';

// Two deployments (two databases) on one Redis: with two prefixes they never touch each
// other's keys; a process given one deployment's prefix and the other's database refuses to
// start instead of swallowing trials its database does not have.

const require = createRequire(import.meta.url);
const bin = require.resolve('@lrsweep/cli/bin/lrsweep.js');
const env = { LRSWEEP_BACKEND: 'noop', LRSWEEP_RECONCILE_MS: '1000', LRSWEEP_LOCK_MS: '2000' };
const body = (name: string) => ({
  name,
  task: { dataset: 'spirals', model: { type: 'mlp', hidden: [8] }, epochs: 2, batchSize: 32, optimizer: { type: 'SGD', lr: 0.1 } },
  schedules: [{ type: 'StepLR', step_size: 1 }],
  seeds: 6,
});

let a: Stack;
let b: Stack;
beforeAll(async () => {
  // Each stack renews its cloned database's deployment id, so these are two deployments.
  [a, b] = await Promise.all([startStack({ env }), startStack({ env })]);
});
afterAll(async () => {
  await Promise.all([a?.stop(), b?.stop()]);
});

/** Runs `lrsweep <args>` to its exit, with its output. */
function run(args: string[], extra: Record<string, string>): Promise<{ code: number | null; output: string }> {
  const child = spawn(process.execPath, [bin, ...args], { env: { ...process.env, ...env, ...extra }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (d) => (output += d));
  child.stderr.on('data', (d) => (output += d));
  const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
  return new Promise((resolve) => child.on('exit', (code) => (clearTimeout(timer), resolve({ code, output }))));
}

async function runSweep(s: Stack, name: string): Promise<string> {
  const res = await s.app.inject({ method: 'POST', url: '/v1/sweeps', payload: body(name) });
  expect(res.statusCode, res.body).toBe(201);
  return res.json().id;
}

const completed = (s: Stack, id: string) =>
  waitFor(`sweep ${id} to complete`, async () => {
    const res = await s.app.inject({ url: `/v1/sweeps/${id}` });
    return res.json().status === 'completed' ? (res.json() as { trials: { completed: number } }) : null;
  });

describe('two deployments on one Redis', () => {
  it('with two prefixes, each binds its own, runs its own sweep and touches no key of the other', async () => {
    a.startWorker();
    b.startWorker();
    const [sa, sb] = await Promise.all([runSweep(a, 'a'), runSweep(b, 'b')]);
    const [da, dbv] = await Promise.all([completed(a, sa), completed(b, sb)]);
    expect(da.trials.completed).toBe(6);
    expect(dbv.trials.completed).toBe(6);
    expect(await readDeploymentId(a.db)).not.toBe(await readDeploymentId(b.db));
    expect(await a.app.redis.get(deploymentKey(a.prefix))).toBe(await readDeploymentId(a.db));
    expect(await a.app.redis.get(deploymentKey(b.prefix))).toBe(await readDeploymentId(b.db));
    // Every job under a prefix is a trial of that prefix's own database.
    const aTrials = new Set((await a.db.trial.findMany({ select: { id: true } })).map((t) => t.id));
    const bTrials = new Set((await b.db.trial.findMany({ select: { id: true } })).map((t) => t.id));
    const aJobs = (await a.app.trialQueue.getJobs(['completed', 'failed', 'waiting', 'active'])).map((j) => j.id!);
    const bJobs = (await b.app.trialQueue.getJobs(['completed', 'failed', 'waiting', 'active'])).map((j) => j.id!);
    expect(aJobs.length).toBe(6);
    expect(bJobs.length).toBe(6);
    expect(aJobs.every((id) => aTrials.has(id) && !bTrials.has(id))).toBe(true);
    expect(bJobs.every((id) => bTrials.has(id) && !aTrials.has(id))).toBe(true);
    await Promise.all([a.stopWorkers(), b.stopWorkers()]);
  });

  it("a worker or an API given one deployment's prefix and the other's database refuses to start, naming what to change", async () => {
    await a.app.redis.set(deploymentKey(a.prefix), await readDeploymentId(a.db), 'NX');
    for (const args of [['worker'], ['api', '--port', '0']]) {
      const { code, output } = await run(args, { DATABASE_URL: b.databaseUrl, LRSWEEP_QUEUE_PREFIX: a.prefix, LOG_LEVEL: 'warn' });
      expect(code, output).toBe(1);
      expect(output).toContain(`queue prefix '${a.prefix}' in this Redis belongs to another deployment`);
      expect(output).toMatch(/LRSWEEP_QUEUE_PREFIX.*DATABASE_URL/);
    }
    // The binding is untouched and b's sweeps never reached a's queue.
    expect(await a.app.redis.get(deploymentKey(a.prefix))).toBe(await readDeploymentId(a.db));
  });
});
