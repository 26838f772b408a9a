import { appendFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getExternalTrialNotes } from '@lrsweep/db';
import { advertiseTrainers, createTrialQueue, listTrainers } from '@lrsweep/queue';
import { startStack, waitFor, type Stack } from '../../api/test/stack.ts';

// External trainers end to end with real processes: real workers run a standard-library
// Python script (no torch) per trial against the real Postgres and Redis.

const fakeTrainer = fileURLToPath(new URL('./fake-trainer.py', import.meta.url));
const dir = mkdtempSync(path.join(tmpdir(), 'lrsweep-external-'));
const fakeLog = path.join(dir, 'runs.log');
appendFileSync(fakeLog, '');

function writeConfig(name: string, trainer: string): string {
  const file = path.join(dir, `${name}.yaml`);
  writeFileSync(
    file,
    [
      'trainers:',
      `  ${trainer}:`,
      `    command: ${JSON.stringify(fakeTrainer)}`,
      '    interpreter: /usr/bin/python3',
      `    env: {FAKE_LOG: ${JSON.stringify(fakeLog)}}`,
      'checkpointDir: checkpoints',
      'killGraceSeconds: 1',
    ].join('\n'),
  );
  return file;
}

const workerEnv = (config: string, concurrency = 1) => ({ LRSWEEP_CONFIG: config, LRSWEEP_LOCK_MS: '2000', LRSWEEP_WORKER_CONCURRENCY: String(concurrency) });

const sweep = (trainer: string, args: object, task: object = {}, schedules: object[] = [{ type: 'StepLR', step_size: 1, gamma: 0.5 }]) => ({
  name: `external-${trainer}`,
  task: { trainer, args, epochs: 3, optimizer: { type: 'SGD', lr: 0.1 }, ...task },
  schedules,
  seeds: 1,
});

type Epoch = { epoch: number; lr: number; val_loss: number };
type Trial = { id: string; state: string; error: string | null; attempts: number; epochsDone: number; divergedEpoch: number | null; metrics: { val_loss: number | null }; epochs: Epoch[] };

let stack: Stack;

async function submit(body: object): Promise<string> {
  const res = await stack.app.inject({ method: 'POST', url: '/v1/sweeps', payload: body });
  expect(res.statusCode, res.body).toBe(201);
  return res.json().id;
}

async function onlyTrial(sweepId: string): Promise<Trial> {
  const [t] = (await stack.app.inject({ url: `/v1/sweeps/${sweepId}/trials` })).json().items;
  return (await stack.app.inject({ url: `/v1/trials/${t.id}` })).json();
}

async function finished(sweepId: string, timeoutMs = 60_000): Promise<Trial> {
  return waitFor(`sweep ${sweepId} to finish`, async () => {
    const t = await onlyTrial(sweepId);
    return ['completed', 'failed', 'diverged', 'cancelled'].includes(t.state) ? t : null;
  }, timeoutMs);
}

beforeAll(async () => {
  stack = await startStack();
});
afterAll(async () => {
  for (const trainer of ['fake', 'fake-resume']) await createTrialQueue(stack.app.redis, stack.prefix, trainer).obliterate({ force: true }).catch(() => {});
  await stack?.stop();
});

describe('a sweep trained by a script', () => {
  it('refuses a trainer no worker declared, naming it', async () => {
    const res = await stack.app.inject({ method: 'POST', url: '/v1/sweeps', payload: sweep('not-declared', {}) });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.issues).toEqual([expect.objectContaining({ path: '/task/trainer', message: expect.stringContaining("'not-declared'") })]);
  });

  it('resumes from the checkpoint after its worker is killed mid-trial, without duplicated epochs', async () => {
    const config = writeConfig('resume', 'fake-resume');
    const first = stack.startWorker(workerEnv(config));
    await waitFor('the worker to advertise its trainer', async () => (await listTrainers(stack.app.redis, stack.prefix)).includes('fake-resume'));
    const id = await submit(sweep('fake-resume', { mode: 'ok', epoch_seconds: 0.5 }, { epochs: 6 }));
    const running = await waitFor('two epochs', async () => {
      const t = await onlyTrial(id);
      return t.epochsDone >= 2 ? t : null;
    });
    first.kill('SIGKILL');
    stack.startWorker(workerEnv(config));
    const t = await finished(id);
    expect(t.state, t.error ?? '').toBe('completed');
    expect(t.epochs.map((e) => e.epoch)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(t.epochsDone).toBe(6);
    const starts = readFileSync(fakeLog, 'utf8').split('\n').filter((l) => l.startsWith(running.id)).map((l) => Number(l.split(' ')[2]));
    expect(starts[0]).toBe(0);
    expect(starts.length).toBe(2);
    expect(starts[1]).toBeGreaterThanOrEqual(2); // the second run started after the checkpointed epochs
    await stack.stopWorkers();
  });

  it('gives a running trial back when its worker shuts down, and another worker resumes it', async () => {
    const config = writeConfig('resume', 'fake-resume');
    stack.startWorker(workerEnv(config));
    await waitFor('the worker to advertise its trainer', async () => (await listTrainers(stack.app.redis, stack.prefix)).includes('fake-resume'));
    const id = await submit(sweep('fake-resume', { mode: 'ok', epoch_seconds: 0.5 }, { epochs: 6 }));
    const running = await waitFor('an epoch', async () => {
      const t = await onlyTrial(id);
      return t.epochsDone >= 1 ? t : null;
    });
    await stack.stopWorkers(); // SIGTERM: the script stops after its epoch, the trial is released
    const released = await onlyTrial(id);
    expect(released.state).toBe('queued');
    expect(released.epochsDone).toBeLessThan(6);
    stack.startWorker(workerEnv(config));
    const t = await finished(id);
    expect(t.state, t.error ?? '').toBe('completed');
    expect(t.epochs.map((e) => e.epoch)).toEqual([0, 1, 2, 3, 4, 5]);
    const starts = readFileSync(fakeLog, 'utf8').split('\n').filter((l) => l.startsWith(running.id)).map((l) => Number(l.split(' ')[2]));
    expect(starts).toEqual([0, released.epochsDone]);
    await stack.stopWorkers();
  });

  describe('on one worker', () => {
    beforeAll(async () => {
      stack.startWorker(workerEnv(writeConfig('main', 'fake'), 8));
      await waitFor('the worker to advertise its trainer', async () => (await listTrainers(stack.app.redis, stack.prefix)).includes('fake'));
    });

    // Submitted together; each test awaits its own.
    const sweeps: Record<string, Promise<string>> = {};
    const start = (name: string, body: object) => (sweeps[name] ??= submit(body));
    beforeAll(() => {
      start('ok', sweep('fake', { mode: 'ok' }));
      start('garbage', sweep('fake', { mode: 'garbage' }));
      start('twice', sweep('fake', { mode: 'twice' }));
      start('crash', sweep('fake', { mode: 'crash' }));
      start('hang', sweep('fake', { mode: 'hang' }, { timeoutSeconds: 2 }));
      start('wrong-lr', sweep('fake', { mode: 'wrong-lr' }, { epochs: 4 }, [{ type: 'StepLR', step_size: 2, gamma: 0.5 }]));
      start('nan', sweep('fake', { mode: 'nan' }));
      start('cancel', sweep('fake', { mode: 'ok', epoch_seconds: 0.5 }, { epochs: 40 }));
      start('searched-lr', sweep('fake', { mode: 'ok' }, { optimizer: { type: 'SGD', lr: { values: [0.2] } } }));
    });

    it('leaves a trainer\'s trials to the workers that declare it', async () => {
      // As if a worker on another host offered 'elsewhere': accepted, but this worker never takes it.
      await advertiseTrainers(stack.app.redis, stack.prefix, ['elsewhere'], 'another-host');
      const id = await submit(sweep('elsewhere', { mode: 'ok' }));
      await new Promise((r) => setTimeout(r, 3_000));
      expect(await onlyTrial(id)).toMatchObject({ state: 'queued', attempts: 0 });
      // GET /v1/queue counts it in that trainer's own queue, where it waits.
      const queue = (await stack.app.inject({ url: '/v1/queue' })).json();
      expect(queue.trainers.elsewhere).toMatchObject({ waiting: 1, active: 0, workers: 0 });
      expect(queue.waiting).toBe(0);
      await createTrialQueue(stack.app.redis, stack.prefix, 'elsewhere').obliterate({ force: true });
    });

    it('records every reported epoch with the lr read from the script, and the output tail', async () => {
      const t = await finished(await sweeps.ok!);
      expect(t.state, t.error ?? '').toBe('completed');
      expect(t.epochs.map((e) => e.epoch)).toEqual([0, 1, 2]);
      expect(t.epochs.map((e) => e.lr)).toEqual([0.1, 0.05, 0.025]);
      expect(t.metrics.val_loss).toBeCloseTo(t.epochs[2]!.val_loss, 12);
      const notes = await getExternalTrialNotes(stack.db, t.id);
      expect(notes).toMatchObject({ trainer: 'fake', lrMismatch: null });
      expect(notes?.outputTail).toContain('fake trainer: done');
      const board = (await stack.app.inject({ url: `/v1/sweeps/${await sweeps.ok!}/leaderboard` })).json();
      expect(board.entries).toHaveLength(1);
    });

    it("sends the script the trial's own lr when the sweep searches it, and checks the lrs against it", async () => {
      const t = await finished(await sweeps['searched-lr']!);
      expect(t.state, t.error ?? '').toBe('completed');
      expect(t.epochs.map((e) => e.lr)).toEqual([0.2, 0.1, 0.05]);
      expect(await getExternalTrialNotes(stack.db, t.id)).toMatchObject({ lrMismatch: null });
    });

    it('ignores whatever the script prints on stdout', async () => {
      const t = await finished(await sweeps.garbage!);
      expect(t.state, t.error ?? '').toBe('completed');
      expect(t.epochs.map((e) => e.epoch)).toEqual([0, 1, 2]);
      expect((await getExternalTrialNotes(stack.db, t.id))?.outputTail).toContain('"epoch": 99');
    });

    it('keeps one row for an epoch reported twice', async () => {
      const t = await finished(await sweeps.twice!);
      expect(t.state, t.error ?? '').toBe('completed');
      expect(t.epochs.map((e) => e.epoch)).toEqual([0, 1, 2]);
      expect(t.epochsDone).toBe(3);
    });

    it('fails a crashing script after its retries, with its stderr tail', async () => {
      const t = await finished(await sweeps.crash!);
      expect(t.state).toBe('failed');
      expect(t.error).toMatch(/exited with code 3/);
      expect(t.error).toContain('RuntimeError: boom from the fake trainer');
      expect(t.attempts).toBe(3);
    });

    it('kills a hung script at task.timeoutSeconds', async () => {
      const t = await finished(await sweeps.hang!);
      expect(t.state).toBe('failed');
      expect(t.error).toMatch(/timeoutSeconds = 2 s/);
      expect(t.attempts).toBe(1);
    });

    it('flags lrs that differ from the spec, and keeps the trial', async () => {
      const t = await finished(await sweeps['wrong-lr']!);
      expect(t.state, t.error ?? '').toBe('completed');
      expect((await getExternalTrialNotes(stack.db, t.id))?.lrMismatch).toMatch(/^epoch 1: the script's lr 0.05 differs from StepLR's 0.1/);
    });

    it('ends a non-finite loss as diverged', async () => {
      const t = await finished(await sweeps.nan!);
      expect(t.state).toBe('diverged');
      expect(t.divergedEpoch).toBe(1);
    });

    it('stops a cancelled trial', async () => {
      const id = await sweeps.cancel!;
      await waitFor('an epoch', async () => (await onlyTrial(id)).epochsDone >= 1);
      expect((await stack.app.inject({ method: 'POST', url: `/v1/sweeps/${id}/cancel` })).statusCode).toBe(200);
      const t = await finished(id, 20_000);
      expect(t.state).toBe('cancelled');
      expect(t.epochsDone).toBeLessThan(40);
      // The script saw should_stop() (SIGTERM and the channel) and ended its loop itself.
      await waitFor('the output tail', async () => (await getExternalTrialNotes(stack.db, t.id))?.outputTail?.includes('stopping after epoch'));
    });
  });
});
