import type { Config } from '@lrsweep/config';
import type { Metric } from '@lrsweep/contracts';
import { selectBackend, train, type Checkpoint, type TrainTask } from '@lrsweep/trainer';
import { createCheckpointFiles, type CheckpointFiles } from './builtin-checkpoints.ts';
import { trialTraining } from './trial-training.ts';
import type { RunnerIO, RunnerTrial, RunOutcome, TrialRunner } from './trial-runner.ts';
import { loadWorkerConfig } from './worker-config.ts';

/**
 * The built-in trainer as a runner: the trials of one sweep share a task (of one rung, in a
 * successive-halving sweep), so they go to the trainer in one `train` call (packed together
 * once the trainer packs); trials of several sweeps train side by side, one call per sweep. A
 * sweep that searches optimizer.lr gives each trial its own lr, so its trials share a call only
 * with those of the same lr.
 */
export function createBuiltinRunner(
  backend: { name: string },
  config: Pick<Readonly<Config>, 'noopEpochMs'> & { checkpointDir: string },
): TrialRunner {
  const files = createCheckpointFiles(config.checkpointDir);
  return {
    backend: backend.name,
    async run(trials, io) {
      const resumes = await Promise.all(trials.map((t, i) => resumeFrom(t, i, io, files)));
      const outcomes: RunOutcome[] = new Array(trials.length);
      const groups = new Map<string, number[]>();
      // One task per group: a sweep's, with one lr, or a halving sweep's rung's (its length differs).
      const training = trials.map(({ claimed }) => trialTraining(claimed));
      trials.forEach((t, i) => {
        const key = `${t.claimed.sweepId}/${training[i]!.task.epochs}/${training[i]!.task.optimizer.lr}`;
        groups.set(key, [...(groups.get(key) ?? []), i]);
      });
      await Promise.all(
        [...groups.values()].map(async (group) => {
          const sweep = trials[group[0]!]!.claimed.sweep;
          const results = await train({
            task: training[group[0]!]!.task as TrainTask,
            trials: group.map((i) => ({ schedule: training[i]!.schedule, seed: trials[i]!.claimed.seed, resume: resumes[i] })),
            objectiveMetric: sweep.objectiveMetric as Metric,
            checkpoint: true,
            noopEpochMs: config.noopEpochMs,
            async onEpoch(k, row, checkpoint) {
              const { claimed, log } = trials[group[k]!]!;
              // The file first, then its pointer with the row in one statement (builtin-checkpoints.ts).
              const pointer = checkpoint ? await files.write(claimed.id, checkpoint) : null;
              await io.epoch(group[k]!, row, pointer as never);
              // Only files before the previous epoch: in a training process `io.epoch` resolves once
              // the epoch before this one is committed (pack-children.ts keeps one write in flight),
              // and Postgres may still point at that one. Not awaited: nobody waits on a delete.
              if (pointer) void files.prune(claimed.id, pointer.epoch - 1).catch((err: Error) => log.warn({ err: err.message }, 'old checkpoint files not removed'));
            },
            shouldStop: (k) => trials[group[k]!]!.stop.aborted,
          });
          group.forEach((i, k) => (outcomes[i] = results[k] ?? { status: 'stopped' }));
        }),
      );
      return outcomes;
    },
    cleanUp: cleanUpCheckpoints(files),
  };
}

/** After a trial is recorded: a completed one's checkpoint files go; a rerun resumes failed, cancelled and diverged trials from theirs. */
export function cleanUpCheckpoints(files: CheckpointFiles): NonNullable<TrialRunner['cleanUp']> {
  return async (trial, state) => {
    if (state === 'completed') await files.remove(trial.id);
  };
}

/**
 * The checkpoint a claimed trial resumes from. One that cannot be read (a host without the
 * file, a file cut short) costs the trial its progress, not its run: it trains again from
 * epoch 0, its old epoch rows dropped, with a warning.
 */
async function resumeFrom(t: RunnerTrial, i: number, io: RunnerIO, files: CheckpointFiles): Promise<Checkpoint | undefined> {
  const stored = await files.read(t.claimed.checkpoint);
  if ('lost' in stored) {
    t.log.warn({ reason: stored.lost, epochsDone: t.claimed.epochsDone }, 'checkpoint lost: the trial trains again from epoch 0');
    await io.restart(i);
    return undefined;
  }
  if (stored.resume) t.log.info({ fromEpoch: stored.resume.epoch + 1, ...(stored.legacy ? { format: 'json (older version)' } : {}) }, 'resuming from checkpoint');
  return stored.resume;
}

/** The runner for this process's backend (LRSWEEP_BACKEND), loaded once. */
export async function loadBuiltinRunner(config: Readonly<Config>): Promise<TrialRunner> {
  // The checkpoint directory is the worker config file's (checkpointDir), shared with users' scripts.
  return createBuiltinRunner(await selectBackend(config.backend), { ...config, checkpointDir: loadWorkerConfig().checkpointDir });
}
