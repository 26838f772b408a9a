import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '@lrsweep/config';
import { createSweepWithTrials, getTrial, listEpochs, recordEpochs } from '@lrsweep/db';
import { createTestDatabase, type TestDatabase } from '@lrsweep/db/testing';
import type { TrialHooks } from '../trial-hooks.ts';
import { runTrials, type LifecycleContext } from '../trial-lifecycle.ts';
import { createTrialStore } from '../trial-store.ts';
import type { TrainerConfig, WorkerConfig } from '../worker-config.ts';
import { createScriptPool, type ScriptPool } from './script-pool.ts';
import { PYTHON_DIR } from './script-env.ts';
import { createScriptRunner } from './script.runner.ts';

// The window of a worker killed mid-trial, staged instead of timed: the script has written
// epoch 2's checkpoint file, but the worker died before recording epoch 2, so Postgres still
// points at epoch 1's. The retry must restore epoch 1 and report epoch 2 again.

const fakeTrainer = fileURLToPath(new URL('../../test/fake-trainer.py', import.meta.url));
const dir = mkdtempSync(path.join(tmpdir(), 'lrsweep-script-runner-'));
const fakeLog = path.join(dir, 'runs.log');
const logger = createLogger('worker-test', 'silent');
const trainer: TrainerConfig = { name: 'fake', argv: ['/usr/bin/python3', fakeTrainer], cwd: dir, env: { FAKE_LOG: fakeLog }, reuse: false, maxTrialsPerProcess: null };
const worker: WorkerConfig = { file: null, trainers: new Map([['fake', trainer]]), checkpointDir: path.join(dir, 'checkpoints'), killGraceMs: 1_000 };
const lrOf = (epoch: number) => 0.1 * 0.5 ** epoch; // StepLR(step_size=1, gamma=0.5), as fake-trainer.py computes it
const rowOf = (epoch: number) => ({ epoch, lr: lrOf(epoch), train_loss: 1 / (epoch + 1), val_loss: 1.1 / (epoch + 1), val_acc: 0.5 + 0.01 * epoch, seconds: 0 });

let database: TestDatabase;
let pool: ScriptPool;
let ctx: LifecycleContext;

/** Checkpoints of epochs 0..last as lrsweep's Trial.checkpoint() writes them (fake-trainer.py's state `w`); their paths. */
function writeCheckpoints(trialDir: string, last: number): string[] {
  mkdirSync(trialDir, { recursive: true });
  const code = [
    'import json, sys',
    'from lrsweep import Trial',
    'trial = Trial({"id": "t", "seed": 0, "epochs": 4, "args": {}, "optimizer": {"type": "SGD", "lr": 0.1}, "schedule": None,',
    '               "objective": {"metric": "val_loss", "mode": "min"}, "steps_per_epoch": None, "checkpoint_dir": sys.argv[1], "resume": None}, None)',
    'paths = []',
    'for epoch in range(int(sys.argv[2]) + 1):',
    '    trial.report(epoch, train_loss=1.0, val_loss=1.0, val_acc=0.5, lr=0.1)',
    '    paths.append(trial.checkpoint(w=epoch + 1.0))',
    'print(json.dumps(paths))',
  ].join('\n');
  const out = execFileSync('/usr/bin/python3', ['-c', code, trialDir, String(last)], { env: { ...process.env, PYTHONPATH: PYTHON_DIR }, stdio: ['ignore', 'pipe', 'pipe'] });
  return JSON.parse(out.toString()) as string[];
}

beforeAll(async () => {
  database = await createTestDatabase();
  pool = createScriptPool(trainer, worker, undefined, logger);
  ctx = { store: createTrialStore(database.db, 'test-worker'), logger };
});
afterAll(async () => {
  await pool?.close();
  await database?.drop();
});

describe('a script resumed after its worker was killed between writing a checkpoint and recording its epoch', () => {
  it('restores the epoch Postgres points to, reports the next one again, and deletes older files only after a newer pointer', async () => {
    const schedule = { type: 'StepLR', step_size: 1, gamma: 0.5 };
    const { trialIds } = await createSweepWithTrials(database.db, {
      name: 'checkpoint-window',
      spec: { task: { trainer: 'fake', args: { mode: 'ok', epoch_seconds: 0 }, epochs: 4, optimizer: { type: 'SGD', lr: 0.1 } }, schedules: [schedule] },
      objectiveMetric: 'val_loss',
      objectiveMode: 'min',
      trials: [{ index: 0, schedule, scheduleKey: JSON.stringify(schedule), seed: 0 }],
    });
    const id = trialIds[0]!;
    const trialDir = path.join(worker.checkpointDir, id);
    // The killed attempt: epochs 0 and 1 recorded with the pointer to epoch 1's file; epoch 2's file written, its row not.
    const paths = writeCheckpoints(trialDir, 2);
    await recordEpochs(database.db, [{ trialId: id, row: rowOf(0), checkpoint: { format: 'external', epoch: 0, path: paths[0]! } }]);
    await recordEpochs(database.db, [{ trialId: id, row: rowOf(1), checkpoint: { format: 'external', epoch: 1, path: paths[1]! } }]);
    expect(readdirSync(trialDir).sort()).toEqual(['checkpoint-0.json', 'checkpoint-1.json', 'checkpoint-2.json']);

    // What the directory holds as each epoch is recorded (the hook runs after the epoch's row is written).
    const seen = new Map<number, string[]>();
    const look: TrialHooks = { epoch: (_t, row) => void seen.set(row.epoch, readdirSync(trialDir).sort()) };
    const [end] = await runTrials([{ trialId: id, lastAttempt: false, hooks: [look] }], createScriptRunner(trainer, worker, pool), ctx);

    expect(end).toEqual({ end: 'done', result: { state: 'completed' } });
    const starts = readFileSync(fakeLog, 'utf8').split('\n').filter((l) => l.startsWith(id));
    expect(starts).toEqual([`${id} start 2`]); // restored epoch 1's file, not the newer epoch 2 beside it
    expect((await listEpochs(database.db, id)).map((e) => e.epoch)).toEqual([0, 1, 2, 3]);
    expect((await getTrial(database.db, id))?.state).toBe('completed');
    // Epoch 2 recorded, its pointer not yet: epoch 1's file is still there for a resume.
    expect(seen.get(2)).toContain('checkpoint-1.json');
    // Epoch 3 recorded, so the pointer to epoch 2 was committed before it: the older files are gone.
    expect(seen.get(3)?.filter((name) => name < 'checkpoint-2')).toEqual([]);
    expect(seen.get(3)).toContain('checkpoint-2.json');
    expect(existsSync(trialDir)).toBe(false); // the trial's directory goes when it ends
  });
});
