import type { Redis } from 'ioredis';
import { LEADERBOARD_EVENT_TOP, type SweepFinishedEvent, type SweepEvent } from '@lrsweep/contracts';
import { getSweep, leaderboard, type Leaderboard, type PrismaClient } from '@lrsweep/db';
import { appendFinishedTrials, appendManySweepEvents, type SweepEventsAppend } from '@lrsweep/queue';
import { coalesce } from './coalesce.ts';
import type { TrialHooks } from './trial-hooks.ts';

export interface EventsHooksOptions {
  /** A fail-fast (producer) connection: an event is best-effort and must never hold up training. */
  redis: Redis;
  prefix: string;
  db: PrismaClient;
  worker: string;
}

const at = () => new Date().toISOString();

/** Sweeps up to this size get a leaderboard event after every completed trial. */
export const LIVE_BOARD_MAX_TRIALS = 200;

export function boardEvent(board: Leaderboard) {
  return {
    metric: board.metric,
    mode: board.mode,
    entries: board.entries.slice(0, LEADERBOARD_EVENT_TOP).map((e) => ({ ...e, schedule: e.schedule as Record<string, unknown> })),
  };
}

/** The closing event, read after the last trial's events were appended, so it counts every trial. */
export async function sweepFinishedEvent(db: PrismaClient, sweepId: string): Promise<SweepFinishedEvent | null> {
  const [sweep, board] = await Promise.all([getSweep(db, sweepId), leaderboard(db, sweepId)]);
  if (!sweep || !board) return null;
  return { type: 'sweep.finished', sweepId, status: sweep.status, trials: sweep.trials, progress: sweep.progress, leaderboard: boardEvent(board), at: at() };
}

/**
 * Publishes a trial's live events to its sweep's Redis stream (see @lrsweep/queue
 * sweep-events): running, every epoch, the final state, the leaderboard after a completion,
 * and `sweep.finished` from whichever worker finishes the sweep's last trial.
 */
export function createEventsHooks({ redis, prefix, db, worker }: EventsHooksOptions): TrialHooks {
  let connecting: Promise<void> | undefined;
  const ready = async () => {
    // The connection is lazy; commands on it fail at once while Redis is away (no offline queue).
    if (redis.status === 'wait') {
      connecting ??= redis.connect().catch(() => {
        connecting = undefined;
      });
    }
    await connecting;
  };
  // The events of every trial this process runs at once go out in one pipeline.
  const batched = coalesce(async (appends: SweepEventsAppend[]) => {
    await ready();
    return appendManySweepEvents(redis, prefix, appends);
  });
  const append = (sweepId: string, events: SweepEvent[]) => batched({ sweepId, events });
  const totals = new Map<string, number>();
  // A leaderboard after every completion is what a person watching wants, but on a sweep of
  // thousands of trials it costs a ranking query per trial: there, at most one a second.
  const boardAt = new Map<string, number>();
  const boardDue = (sweepId: string, total: number) => {
    const last = boardAt.get(sweepId) ?? 0;
    if (total > LIVE_BOARD_MAX_TRIALS && Date.now() - last < 1_000) return false;
    if (boardAt.size > 1_000) boardAt.clear();
    boardAt.set(sweepId, Date.now());
    return true;
  };
  const totalOf = async (sweepId: string) => {
    let total = totals.get(sweepId);
    if (total === undefined) {
      total = (await getSweep(db, sweepId))?.trials.total ?? Number.POSITIVE_INFINITY;
      if (totals.size > 1_000) totals.clear();
      totals.set(sweepId, total);
    }
    return total;
  };

  return {
    async started({ sweepId, trialId, attempt, backend }) {
      await append(sweepId, [{ type: 'trial.state', sweepId, trialId, state: 'running', attempt, worker, backend, at: at() }]);
    },
    async epoch({ sweepId, trialId }, row, epochs) {
      const { epoch, lr, train_loss, val_loss, val_acc, metrics, seconds } = row;
      await append(sweepId, [{ type: 'trial.epoch', sweepId, trialId, epoch, epochs, lr, train_loss, val_loss, val_acc, ...(metrics ? { metrics } : {}), seconds, at: at() }]);
    },
    async finished({ sweepId, trialId }, result) {
      if (result.state === 'skipped') return;
      const events: SweepEvent[] = [
        { type: 'trial.state', sweepId, trialId, state: result.state, ...(result.detail ? { error: result.detail } : {}), at: at() },
      ];
      if (result.state === 'completed' && boardDue(sweepId, await totalOf(sweepId))) {
        const board = await leaderboard(db, sweepId);
        if (board) events.push({ type: 'leaderboard', sweepId, ...boardEvent(board), at: at() });
      }
      // `batched` connects first, so the end marker below finds the connection ready.
      await appendFinishedTrials(redis, prefix, sweepId, events, [trialId], await totalOf(sweepId), () => sweepFinishedEvent(db, sweepId), batched);
    },
  };
}
