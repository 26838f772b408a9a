import type { Prisma } from '@lrsweep/db';
import { isConfigError } from './trial-lifecycle.ts';
import type { RunnerIO, RunOutcome, TrialRunner } from './trial-runner.ts';

/**
 * `runner`, with a pack that fails retried trial by trial: a throw fails a whole `run` call, so
 * one bad trial would fail every trial of its pack. Instead each trial then trains alone, from
 * the last checkpoint the pack recorded for it (or the one it was claimed with), and only its
 * own failure is its outcome. The retries run one after another: the pack's slot is theirs.
 */
export function retryPackAlone(runner: TrialRunner): TrialRunner {
  return {
    ...runner,
    async run(trials, io) {
      if (trials.length < 2) return runner.run(trials, io);
      const latest = new Map<number, Prisma.InputJsonValue>();
      // Trial i's epoch, remembering the last checkpoint recorded for it.
      const epoch: RunnerIO['epoch'] = async (i, row, checkpoint) => {
        await io.epoch(i, row, checkpoint);
        if (checkpoint) latest.set(i, checkpoint);
      };
      try {
        return await runner.run(trials, { ...io, epoch });
      } catch (err) {
        trials[0]!.log.warn({ err: (err as Error).message, trials: trials.length }, 'pack failed; retrying its trials one by one');
        const outcomes: RunOutcome[] = [];
        for (const [i, t] of trials.entries()) {
          const checkpoint = latest.get(i);
          const claimed = checkpoint === undefined ? t.claimed : { ...t.claimed, checkpoint: checkpoint as Prisma.JsonValue };
          const alone: RunnerIO = {
            epoch: (_k, row, checkpoint) => epoch(i, row, checkpoint),
            checkpoint: (_k, c) => io.checkpoint(i, c),
            storedEpochs: () => io.storedEpochs(i),
            notes: (_k, n) => io.notes(i, n),
            restart: () => io.restart(i),
          };
          outcomes.push(
            await runner.run([{ ...t, claimed }], alone).then(
              ([o]) => o ?? { status: 'stopped' },
              (e: unknown): RunOutcome => ({ status: 'failed', error: e instanceof Error ? e : new Error(String(e)), retryable: !isConfigError(e) }),
            ),
          );
        }
        return outcomes;
      }
    },
  };
}
