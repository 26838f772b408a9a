import type { Config } from '@lrsweep/config';
import type { Metric } from '@lrsweep/contracts';
import { selectBackend, train, type Checkpoint, type TrainTask } from '@lrsweep/trainer';
import { trialTraining } from './halving/trial-training.ts';
import type { RunOutcome, TrialRunner } from './trial-runner.ts';

/**
 * The built-in trainer as a runner: the trials of one sweep share a task (of one rung, in a
 * successive-halving sweep), so they go to the trainer in one `train` call (packed together
 * once the trainer packs); trials of several sweeps train side by side, one call per sweep.
 */
export function createBuiltinRunner(backend: { name: string }, config: Pick<Readonly<Config>, 'noopEpochMs'>): TrialRunner {
  return {
    backend: backend.name,
    async run(trials, io) {
      const outcomes: RunOutcome[] = new Array(trials.length);
      const bySweep = new Map<string, number[]>();
      // One task per group: a sweep's, or a halving sweep's rung's (its length differs).
      const taskOf = (t: (typeof trials)[number]) => `${t.claimed.sweepId}/${t.claimed.budgetEpochs ?? ''}`;
      trials.forEach((t, i) => bySweep.set(taskOf(t), [...(bySweep.get(taskOf(t)) ?? []), i]));
      await Promise.all(
        [...bySweep.values()].map(async (group) => {
          const first = trials[group[0]!]!.claimed;
          const sweep = first.sweep;
          const results = await train({
            task: trialTraining(first).task as TrainTask,
            trials: group.map((i) => {
              const { claimed, log } = trials[i]!;
              const resume = (claimed.checkpoint ?? undefined) as Checkpoint | undefined;
              if (resume) log.info({ fromEpoch: resume.epoch + 1 }, 'resuming from checkpoint');
              return { schedule: trialTraining(claimed).schedule, seed: claimed.seed, resume };
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
