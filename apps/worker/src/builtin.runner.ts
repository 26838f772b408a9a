import type { Config } from '@lrsweep/config';
import type { Metric } from '@lrsweep/contracts';
import { selectBackend, train, type Checkpoint, type TrainTask } from '@lrsweep/trainer';
import { trialTraining } from './trial-training.ts';
import type { RunOutcome, TrialRunner } from './trial-runner.ts';

/**
 * The built-in trainer as a runner: the trials of one sweep share a task (of one rung, in a
 * successive-halving sweep), so they go to the trainer in one `train` call (packed together
 * once the trainer packs); trials of several sweeps train side by side, one call per sweep. A
 * sweep that searches optimizer.lr gives each trial its own lr, so its trials share a call only
 * with those of the same lr.
 */
export function createBuiltinRunner(backend: { name: string }, config: Pick<Readonly<Config>, 'noopEpochMs'>): TrialRunner {
  return {
    backend: backend.name,
    async run(trials, io) {
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
            trials: group.map((i) => {
              const { claimed, log } = trials[i]!;
              const resume = (claimed.checkpoint ?? undefined) as Checkpoint | undefined;
              if (resume) log.info({ fromEpoch: resume.epoch + 1 }, 'resuming from checkpoint');
              return { schedule: training[i]!.schedule, seed: claimed.seed, resume };
            }),
            objectiveMetric: sweep.objectiveMetric as Metric,
            checkpoint: true,
            noopEpochMs: config.noopEpochMs,
            onEpoch: (k, row, checkpoint) => io.epoch(group[k]!, row, (checkpoint ?? null) as never),
            shouldStop: (k) => trials[group[k]!]!.stop.aborted,
          });
          group.forEach((i, k) => (outcomes[i] = results[k] ?? { status: 'stopped' }));
        }),
      );
      return outcomes;
    },
  };
}

/** The runner for this process's backend (LRSWEEP_BACKEND), loaded once. */
export async function loadBuiltinRunner(config: Readonly<Config>): Promise<TrialRunner> {
  return createBuiltinRunner(await selectBackend(config.backend), config);
}
