import type { Logger } from '@lrsweep/config';
import type { EpochRow } from '@lrsweep/contracts';
import type { ClaimedTrial, FinishTrialInput, Prisma } from '@lrsweep/db';

/** Why the lifecycle stops a trial early: cancelled (by a user), or given back at shutdown. */
export type StopReason = 'cancel' | 'shutdown';

/** A claimed trial as a runner sees it. */
export interface RunnerTrial {
  claimed: ClaimedTrial;
  log: Logger;
  /** Aborted, with a StopReason as its reason, when the trial should stop at its next chance. */
  stop: AbortSignal;
}

/**
 * What a runner reports through; every write goes through the lifecycle (and its store), so a
 * runner never touches Postgres. `i` is the trial's index in the list `run` was given.
 */
export interface RunnerIO {
  /** Records a finished epoch with the state to resume after it (one statement); may abort the trial's `stop`. */
  epoch(i: number, row: EpochRow, checkpoint?: Prisma.InputJsonValue | null): Promise<void>;
  /** A checkpoint that arrives apart from its epoch. */
  checkpoint(i: number, checkpoint: Prisma.InputJsonValue): Promise<void>;
  /** Forgets the trial's stored epochs and checkpoint: it trains again from epoch 0 (its checkpoint is lost). */
  restart(i: number): Promise<void>;
  /** The epochs stored by earlier attempts. */
  storedEpochs(i: number): Promise<EpochRow[]>;
  /** A script's notes on the trial: its output tail, the first lr that differs from the spec. */
  notes(i: number, notes: { outputTail?: string; lrMismatch?: string }): Promise<void>;
}

/** How one trial's training ended, as the runner saw it; the lifecycle records it. */
export type RunOutcome =
  | { status: 'completed'; final: EpochRow }
  /** `epoch`: the epoch whose loss went non-finite; it was not recorded. */
  | { status: 'diverged'; epoch: number; reason: string }
  /** Stopped because `stop` was aborted; its reason says whether cancelled or handed back. */
  | { status: 'stopped'; epoch?: number }
  /** `retryable`: another attempt may succeed (a crash), unlike a hang or a spec no attempt can run. */
  | { status: 'failed'; error: Error; retryable: boolean };

/**
 * Trains claimed trials and nothing else: claiming, recording, cancel checks, outcomes, retries,
 * hand-back and hooks are the lifecycle's (trial-lifecycle.ts). The built-in trainer is one
 * runner (builtin.runner.ts), a user's script another (external/script.runner.ts).
 */
export interface TrialRunner {
  /** Recorded as the trial's backend when it is claimed. */
  backend: string;
  /** Recorded as the trial's trainer after the claim (external trainers only). */
  trainer?: string;
  /**
   * How often the lifecycle looks for a cancellation between epochs, for runners whose epochs
   * can be long or that can stop mid-epoch; otherwise it looks only as each epoch is recorded.
   */
  pollCancelMs?: number;
  /** Why this runner cannot train a claimed trial (never retried), or null when it can. */
  refuse?(trial: ClaimedTrial): string | null;
  /** Trains the trials together and resolves to one outcome each, in order; a throw fails them all. */
  run(trials: RunnerTrial[], io: RunnerIO): Promise<RunOutcome[]>;
  /**
   * Called once a trial has ended for good (not for a retry or a hand-back), in `state`: drop
   * what a resume would need (a rerun resumes failed, cancelled and diverged trials).
   */
  cleanUp?(trial: ClaimedTrial, state: FinishTrialInput['state']): Promise<void>;
}
