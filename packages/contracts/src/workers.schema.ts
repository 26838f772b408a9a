import { Type, type Static } from '@sinclair/typebox';

/** One live worker process as it last reported itself (GET /v1/workers, the worker registry). */
export const WorkerInfo = Type.Object({
  /** The worker's name, `host:pid` unless LRSWEEP_WORKER_NAME says otherwise; trials record it. */
  id: Type.String(),
  host: Type.String(),
  pid: Type.Integer(),
  /** The GPU it is pinned to (`--gpu N`), or null. */
  gpu: Type.Union([Type.Integer({ minimum: 0 }), Type.Null()]),
  /** The training backend its last trial ran on; null before its first trial. */
  backend: Type.Union([Type.String(), Type.Null()]),
  /** Trials it is training now (several with LRSWEEP_WORKER_CONCURRENCY > 1). */
  currentTrials: Type.Array(Type.String({ format: 'uuid' })),
  /** Trials it has finished since it started. */
  trialsDone: Type.Integer({ minimum: 0 }),
  /** Training samples per second over its last epoch; null before one. */
  samplesPerSecond: Type.Union([Type.Number(), Type.Null()]),
  startedAt: Type.String({ format: 'date-time' }),
  lastSeenAt: Type.String({ format: 'date-time' }),
});

export const WorkerList = Type.Object({ items: Type.Array(WorkerInfo) });

export type WorkerInfo = Static<typeof WorkerInfo>;
export type WorkerList = Static<typeof WorkerList>;
