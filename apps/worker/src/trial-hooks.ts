import type { EpochRow } from '@lrsweep/contracts';
import type { SweepStatus } from '@lrsweep/db';

export interface TrialRef {
  sweepId: string;
  trialId: string;
}

export type TrialResult = { state: 'completed' | 'diverged' | 'cancelled' | 'failed' | 'skipped'; detail?: string };

/**
 * What else happens around a trial besides training and Postgres: live events, metrics, the
 * worker registry. Each concern is one hooks object; the lifecycle (runTrials) calls them in order and a hook
 * that throws is logged, never allowed to fail the trial.
 */
export interface TrialHooks {
  started?(trial: TrialRef & { attempt: number; backend: string }): Promise<void> | void;
  epoch?(trial: TrialRef, row: EpochRow, epochs: number): Promise<void> | void;
  finished?(trial: TrialRef, result: TrialResult, sweepStatus: SweepStatus | null): Promise<void> | void;
}
