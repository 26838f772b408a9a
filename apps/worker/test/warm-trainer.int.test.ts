import { appendFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getExternalTrialNotes } from '@lrsweep/db';
import { createTrialQueue, listTrainers } from '@lrsweep/queue';
import { startStack, waitFor, type Stack } from '../../api/test/stack.ts';

// Warm processes end to end: a real worker runs a standard-library script (warm-trainer.py)
// trial after trial in one process per slot, against the real Postgres and Redis. Each trial
// logs its process id, so the tests see which trials shared a process.

const script = fileURLToPath(new URL('./warm-trainer.py', import.meta.url));
const dir = mkdtempSync(path.join(tmpdir(), 'lrsweep-warm-'));
const log = path.join(dir, 'pids.log');
appendFileSync(log, '');

const config = path.join(dir, 'lrsweep.config.yaml');
const trainer = (name: string, extra: string[] = []) => [
  `  ${name}:`,
  `    command: ${JSON.stringify(script)}`,
  '    interpreter: /usr/bin/python3',
  `    env: {WARM_LOG: ${JSON.stringify(log)}}`,
  ...extra.map((l) => `    ${l}`),
];
writeFileSync(
  config,
  ['trainers:', ...trainer('warm'), ...trainer('cold', ['reuse: false']), ...trainer('capped', ['maxTrialsPerProcess: 2']), 'checkpointDir: checkpoints', 'killGraceSeconds: 2'].join('\n'),
);

const sweep = (trainerName: string, args: object, seeds = 1, task: object = {}) => ({
  name: `warm-${trainerName}`,
  task: { trainer: trainerName, args, epochs: 3, optimizer: { type: 'SGD', lr: 0.1 }, ...task },
  schedules: [{ type: 'ConstantLR', factor: 1, total_iters: 0 }],
  seeds,
});

type Trial = { id: string; seed: number; state: string; error: string | null; attempts: number; epochsDone: number; epochs: Array<{ epoch: number; train_loss: number; val_acc: number }> };

let stack: Stack;

async function submit(body: object): Promise<string> {
  const res = await stack.app.inject({ method: 'POST', url: '/v1/sweeps', payload: body });
  expect(res.statusCode, res.body).toBe(201);
  return res.json().id;
}

async function trials(sweepId: string): Promise<Trial[]> {
  const items: Array<{ id: string }> = (await stack.app.inject({ url: `/v1/sweeps/${sweepId}/trials` })).json().items;
  return Promise.all(items.map(async (t) => (await stack.app.inject({ url: `/v1/trials/${t.id}` })).json() as Trial));
}

async function finished(sweepId: string, timeoutMs = 90_000): Promise<Trial[]> {
  return waitFor(`sweep ${sweepId} to finish`, async () => {
    const ts = await trials(sweepId);
    return ts.every((t) => ['completed', 'failed', 'diverged', 'cancelled'].includes(t.state)) ? ts.sort((a, b) => a.seed - b.seed) : null;
  }, timeoutMs);
}

/** The process ids each trial ran in, one per attempt, in the order they ran. */
function pidsOf(...ts: Trial[]): number[][] {
  const lines = readFileSync(log, 'utf8').trim().split('\n').map((l) => l.split(' '));
  return ts.map((t) => lines.filter(([id]) => id === t.id).map(([, pid]) => Number(pid)));
}

beforeAll(async () => {
  stack = await startStack();
  stack.startWorker({ LRSWEEP_CONFIG: config, LRSWEEP_LOCK_MS: '2000', LRSWEEP_WORKER_CONCURRENCY: '1' });
  await waitFor('the worker to advertise its trainers', async () => (await listTrainers(stack.app.redis, stack.prefix)).includes('capped'));
});
afterAll(async () => {
  for (const name of ['warm', 'cold', 'capped']) await createTrialQueue(stack.app.redis, stack.prefix, name).obliterate({ force: true }).catch(() => {});
  await stack?.stop();
});

describe('trials in warm processes', () => {
  it('runs trial after trial in one process, each as if alone: the same metrics as in fresh processes', async () => {
    const [warm, cold] = await Promise.all([submit(sweep('warm', { mode: 'ok' }, 3)), submit(sweep('cold', { mode: 'ok' }, 3))]);
    const [w, c] = [await finished(warm), await finished(cold)];
    for (const t of [...w, ...c]) expect(t.state, t.error ?? '').toBe('completed');
    expect(new Set(pidsOf(...w).flat()).size).toBe(1); // one process for the three
    expect(new Set(pidsOf(...c).flat()).size).toBe(3); // reuse: false, one each
    // The second and third warm trials ran after others (which left random, env, cwd and argv
    // changed) and report exactly what a fresh process reports for the same seed.
    expect(w.map((t) => t.epochs.map((e) => [e.train_loss, e.val_acc]))).toEqual(c.map((t) => t.epochs.map((e) => [e.train_loss, e.val_acc])));
  });

  it("keeps an exception the trial's: it fails after its retries, and the same process takes the next trial", async () => {
    const [failed] = await finished(await submit(sweep('warm', { mode: 'raise' })));
    expect(failed!.state).toBe('failed');
    expect(failed!.attempts).toBe(3);
    expect(failed!.error).toMatch(/exited with code 1/);
    expect(failed!.error).toContain('RuntimeError: boom from the warm trainer');
    const [next] = await finished(await submit(sweep('warm', { mode: 'ok' })));
    expect(next!.state, next!.error ?? '').toBe('completed');
    const [attempts, after] = pidsOf(failed!, next!);
    expect(new Set([...attempts!, ...after!]).size).toBe(1);
  });

  it('replaces a process that crashed: each attempt and the next trial get a fresh one', async () => {
    const [crashed] = await finished(await submit(sweep('warm', { mode: 'crash' })));
    expect(crashed!.state).toBe('failed');
    expect(crashed!.error).toMatch(/killed by SIGSEGV/);
    expect(crashed!.attempts).toBe(3);
    const [next] = await finished(await submit(sweep('warm', { mode: 'ok' })));
    expect(next!.state, next!.error ?? '').toBe('completed');
    const [attempts, after] = pidsOf(crashed!, next!);
    expect(new Set([...attempts!, ...after!]).size).toBe(4);
  });

  it('stops a cancelled trial, and reuses its process since the script returned', async () => {
    const id = await submit(sweep('warm', { mode: 'slow' }, 1, { epochs: 60 }));
    await waitFor('an epoch', async () => (await trials(id))[0]!.epochsDone >= 1);
    expect((await stack.app.inject({ method: 'POST', url: `/v1/sweeps/${id}/cancel` })).statusCode).toBe(200);
    const [cancelled] = await finished(id, 20_000);
    expect(cancelled!.state).toBe('cancelled');
    expect(cancelled!.epochsDone).toBeLessThan(60);
    await waitFor('the output tail', async () => (await getExternalTrialNotes(stack.db, cancelled!.id))?.outputTail?.includes('stopping after epoch'));
    const [next] = await finished(await submit(sweep('warm', { mode: 'ok' })));
    expect(next!.state, next!.error ?? '').toBe('completed');
    const [before, after] = pidsOf(cancelled!, next!);
    expect(after).toEqual(before);
  });

  it('starts a fresh process after maxTrialsPerProcess trials', async () => {
    const ts = await finished(await submit(sweep('capped', { mode: 'ok' }, 5)));
    for (const t of ts) expect(t.state, t.error ?? '').toBe('completed');
    const pids = pidsOf(...ts).flat();
    expect(pids).toHaveLength(5);
    const perProcess = [...new Set(pids)].map((pid) => pids.filter((p) => p === pid).length);
    expect(perProcess).toEqual([2, 2, 1]);
  });
});
