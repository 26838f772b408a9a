import type { EpochRow } from '@lrsweep/contracts';
import type { ClaimedTrial, Prisma } from '@lrsweep/db';
import type { StopReason } from './trial-runner.ts';

// What crosses between the worker and its training child (pack.child.ts, pack-children.ts),
// over Node's IPC channel with `serialization: 'advanced'` (structured clone: Dates survive).

/** An error as it crosses: its name and code keep a config error a config error (no retry). */
export interface WireError {
  message: string;
  name?: string;
  code?: string;
}

/** How a trial's training ended, with its error as it crosses. */
export type WireOutcome =
  | { status: 'completed'; final: EpochRow }
  | { status: 'diverged'; epoch: number; reason: string }
  | { status: 'stopped'; epoch?: number }
  | { status: 'failed'; error: WireError; retryable: boolean };

export type ToChild =
  /** Train these claimed trials in one runner call. */
  | { type: 'run'; runId: number; trials: ClaimedTrial[] }
  /** Trial `i` of run `runId` stops at its next epoch boundary. */
  | { type: 'stop'; runId: number; i: number; reason: StopReason }
  /** Epoch `seq` is recorded (or, with `error`, could not be: the run fails). */
  | { type: 'ack'; seq: number; error?: WireError };

export type FromChild =
  | { type: 'ready'; backend: string }
  /** A finished epoch of trial `i`; training waits for its `ack`, as it waits for a write in process. */
  | { type: 'epoch'; runId: number; seq: number; i: number; row: EpochRow; checkpoint: Prisma.InputJsonValue | null }
  /** Trial `i`'s checkpoint is lost: drop its progress (RunnerIO.restart), then `ack`. */
  | { type: 'restart'; runId: number; seq: number; i: number }
  | { type: 'done'; runId: number; outcomes: WireOutcome[] }
  | { type: 'failed'; runId: number; error: WireError };

export function toWire(err: unknown): WireError {
  const e = err as { message?: unknown; name?: unknown; code?: unknown };
  return {
    message: typeof e?.message === 'string' ? e.message : String(err),
    ...(typeof e?.name === 'string' ? { name: e.name } : {}),
    ...(typeof e?.code === 'string' ? { code: e.code } : {}),
  };
}

export function fromWire(w: WireError): Error {
  const err = new Error(w.message) as Error & { code?: string };
  if (w.name) err.name = w.name;
  if (w.code) err.code = w.code;
  return err;
}
