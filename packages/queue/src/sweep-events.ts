import type { Redis } from 'ioredis';
import type { SweepEvent, SweepFinishedEvent, SweepReopenedEvent } from '@lrsweep/contracts';

/**
 * One Redis stream per sweep carries its live events (contracts' SweepEvent) from any worker
 * or API process to any API instance streaming them. Appends go through two small scripts so
 * that the stream has a definite end: `sweep.finished` is appended by whoever marks the last
 * trial finished, and nothing is appended after it, however the processes race.
 */
export const SWEEP_EVENTS = {
  /** Entries kept per sweep (trimmed approximately): ~10 epochs x 10,000 trials. */
  maxLen: 200_000,
  /** A live stream expires after a week without events, so an abandoned sweep leaves nothing behind. */
  liveTtlS: 7 * 24 * 3600,
  /** Kept this long after `sweep.finished`, for late readers; the REST resources hold everything after. */
  endedTtlS: 24 * 3600,
} as const;

export function sweepEventKeys(prefix: string, sweepId: string) {
  const stream = `${prefix}:events:${sweepId}`;
  return { stream, finished: `${stream}:finished`, end: `${stream}:end`, total: `${stream}:total` };
}

/** Refuses once the end marker exists; returns the new ids followed by the finished-trial count. */
const APPEND = `
if redis.call('EXISTS', KEYS[3]) == 1 then return false end
local n = tonumber(ARGV[3])
local out = {}
for i = 1, n do out[i] = redis.call('XADD', KEYS[1], 'MAXLEN', '~', ARGV[1], '*', 'e', ARGV[3 + i]) end
for i = 4 + n, #ARGV do redis.call('SADD', KEYS[2], ARGV[i]) end
redis.call('EXPIRE', KEYS[1], ARGV[2])
local finished = redis.call('SCARD', KEYS[2])
if finished > 0 then redis.call('EXPIRE', KEYS[2], ARGV[2]) end
out[n + 1] = finished
return out`;

/**
 * Appends the final event once, records its id as the end marker and starts the expiry clock.
 * Refused while fewer trials are marked finished than the caller's total or the total a
 * reopen recorded: a rerun or an extension landed after the caller counted.
 */
const END = `
if redis.call('EXISTS', KEYS[3]) == 1 then return false end
local finished = redis.call('SCARD', KEYS[2])
if finished < tonumber(ARGV[4]) or finished < tonumber(redis.call('GET', KEYS[4]) or '0') then return false end
local id = redis.call('XADD', KEYS[1], 'MAXLEN', '~', ARGV[1], '*', 'e', ARGV[3])
redis.call('SET', KEYS[3], id, 'EX', ARGV[2])
redis.call('EXPIRE', KEYS[1], ARGV[2])
redis.call('EXPIRE', KEYS[2], ARGV[2])
redis.call('EXPIRE', KEYS[4], ARGV[2])
return id`;

/**
 * Lifts the end marker, forgets that the given trials finished (they run again) and appends
 * the event saying so, all at once: a stream that had ended continues.
 */
const REOPEN = `
redis.call('DEL', KEYS[3])
redis.call('SET', KEYS[4], ARGV[4], 'EX', ARGV[2])
for i = 5, #ARGV do redis.call('SREM', KEYS[2], ARGV[i]) end
local id = redis.call('XADD', KEYS[1], 'MAXLEN', '~', ARGV[1], '*', 'e', ARGV[3])
redis.call('EXPIRE', KEYS[1], ARGV[2])
if redis.call('EXISTS', KEYS[2]) == 1 then redis.call('EXPIRE', KEYS[2], ARGV[2]) end
return id`;

export interface AppendResult {
  ids: string[];
  /** Distinct trials marked finished so far (idempotent per trial id). */
  finishedTrials: number;
}

/**
 * Appends `events` and marks `finishedTrialIds` finished, atomically.
 * @returns null when the sweep's stream has already ended.
 */
export async function appendSweepEvents(
  redis: Redis,
  prefix: string,
  sweepId: string,
  events: SweepEvent[],
  finishedTrialIds: string[] = [],
): Promise<AppendResult | null> {
  const [result] = await appendManySweepEvents(redis, prefix, [{ sweepId, events, finishedTrialIds }]);
  return result ?? null;
}

export interface SweepEventsAppend {
  sweepId: string;
  events: SweepEvent[];
  finishedTrialIds?: string[];
}

/**
 * appendSweepEvents for several appends (of any sweeps) in one pipeline: one round trip for
 * the events of every trial a worker runs at once. The appends of one sweep go in one script
 * call, in order; each answer carries its own event ids and the sweep's count after the call.
 */
export async function appendManySweepEvents(redis: Redis, prefix: string, appends: SweepEventsAppend[]): Promise<Array<AppendResult | null>> {
  const bySweep = new Map<string, number[]>();
  appends.forEach((a, i) => bySweep.set(a.sweepId, [...(bySweep.get(a.sweepId) ?? []), i]));
  const groups = [...bySweep].map(([sweepId, indexes]) => ({
    sweepId,
    indexes,
    events: indexes.flatMap((i) => appends[i]!.events),
    finishedTrialIds: indexes.flatMap((i) => appends[i]!.finishedTrialIds ?? []),
  }));
  const pipeline = redis.pipeline();
  for (const { sweepId, events, finishedTrialIds } of groups) {
    const k = sweepEventKeys(prefix, sweepId);
    pipeline.eval(
      APPEND,
      3,
      k.stream,
      k.finished,
      k.end,
      SWEEP_EVENTS.maxLen,
      SWEEP_EVENTS.liveTtlS,
      events.length,
      ...events.map((e) => JSON.stringify(e)),
      ...finishedTrialIds,
    );
  }
  const replies = (await pipeline.exec()) ?? [];
  const results = new Array<AppendResult | null>(appends.length).fill(null);
  groups.forEach((group, g) => {
    const [err, reply] = replies[g] ?? [null, null];
    if (err) throw err;
    const out = reply as Array<string | number> | null;
    if (!out) return;
    let at = 0;
    for (const i of group.indexes) {
      const n = appends[i]!.events.length;
      results[i] = { ids: out.slice(at, at + n).map(String), finishedTrials: Number(out.at(-1)) };
      at += n;
    }
  });
  return results;
}

/**
 * Appends `sweep.finished` unless the stream has ended already, or fewer than `totalTrials`
 * trials (or than a reopen's total) are marked finished; returns its id or null.
 */
export async function endSweepEvents(redis: Redis, prefix: string, sweepId: string, event: SweepFinishedEvent, totalTrials = 0): Promise<string | null> {
  const k = sweepEventKeys(prefix, sweepId);
  const id = await redis.eval(END, 4, k.stream, k.finished, k.end, k.total, SWEEP_EVENTS.maxLen, SWEEP_EVENTS.endedTtlS, JSON.stringify(event), totalTrials);
  return id === null ? null : String(id);
}

/**
 * A sweep got work again (trials rerun or added): appends `event`, and a stream that had ended
 * with `sweep.finished` continues; it ends again when the sweep finishes again.
 * @returns the event's id.
 */
export async function reopenSweepEvents(redis: Redis, prefix: string, sweepId: string, event: SweepReopenedEvent, rerunTrialIds: string[]): Promise<string> {
  const k = sweepEventKeys(prefix, sweepId);
  return String(await redis.eval(REOPEN, 4, k.stream, k.finished, k.end, k.total, SWEEP_EVENTS.maxLen, SWEEP_EVENTS.liveTtlS, JSON.stringify(event), event.trials, ...rerunTrialIds));
}

/** The id of the oldest event the sweep's stream still holds (older ones are trimmed), or null. */
export async function oldestSweepEventId(redis: Redis, prefix: string, sweepId: string): Promise<string | null> {
  const first = (await redis.xrange(sweepEventKeys(prefix, sweepId).stream, '-', '+', 'COUNT', 1)) as Array<[string, string[]]>;
  return first[0]?.[0] ?? null;
}

/** Whether the sweep's stream exists, and the id of its final event once it has one. */
export async function sweepEventsState(redis: Redis, prefix: string, sweepId: string): Promise<{ exists: boolean; endId: string | null }> {
  const k = sweepEventKeys(prefix, sweepId);
  const [exists, endId] = await Promise.all([redis.exists(k.stream), redis.get(k.end)]);
  return { exists: exists === 1, endId };
}

export interface SweepEventEntry {
  /** The stream entry id: the SSE `id:`, and what `Last-Event-ID` resumes after. */
  id: string;
  event: SweepEvent;
}

/**
 * Reads entries after `afterId` (exclusive), waiting up to `blockMs` for the first one (not at
 * all without it). Waiting blocks the connection: do it only on a connection of its own,
 * never the producer's.
 */
export async function readSweepEvents(
  reader: Redis,
  prefix: string,
  sweepId: string,
  afterId: string,
  { blockMs, count = 500 }: { blockMs?: number; count?: number } = {},
): Promise<SweepEventEntry[]> {
  const block = blockMs === undefined ? [] : ['BLOCK', blockMs];
  const reply = (await reader.xread('COUNT', count, ...(block as ['BLOCK', number]), 'STREAMS', sweepEventKeys(prefix, sweepId).stream, afterId)) as
    | Array<[string, Array<[string, string[]]>]>
    | null;
  const out: SweepEventEntry[] = [];
  for (const [id, fields] of reply?.[0]?.[1] ?? []) {
    const raw = fields[fields.indexOf('e') + 1];
    if (raw === undefined) continue;
    out.push({ id, event: JSON.parse(raw) as SweepEvent });
  }
  return out;
}

const STREAM_ID = /^(\d{1,20})-(\d{1,20})$/;

/** A Redis stream entry id (`1700000000000-0`), as `Last-Event-ID` must be. */
export function isStreamId(value: string): boolean {
  return STREAM_ID.test(value);
}

/** Orders two stream ids numerically (their parts exceed 2^53, hence BigInt). */
export function compareStreamIds(a: string, b: string): number {
  const [, ams = '0', aseq = '0'] = STREAM_ID.exec(a) ?? [];
  const [, bms = '0', bseq = '0'] = STREAM_ID.exec(b) ?? [];
  const d = BigInt(ams) - BigInt(bms) || BigInt(aseq) - BigInt(bseq);
  return d === 0n ? 0 : d < 0n ? -1 : 1;
}

/**
 * Appends the events of trials that just finished and, when that makes every trial of the
 * sweep finished, ends the stream with `finalEvent()` (read fresh, after the last append, so it
 * reflects every trial). Used by workers as trials end and by the API when a cancel finishes them.
 */
export async function appendFinishedTrials(
  redis: Redis,
  prefix: string,
  sweepId: string,
  events: SweepEvent[],
  trialIds: string[],
  totalTrials: number,
  finalEvent: () => Promise<SweepFinishedEvent | null>,
  /** A batching appender (a worker running many trials passes one); by default, one call. */
  append: (a: SweepEventsAppend) => Promise<AppendResult | null> = (a) => appendSweepEvents(redis, prefix, a.sweepId, a.events, a.finishedTrialIds),
): Promise<{ ended: boolean }> {
  const appended = await append({ sweepId, events, finishedTrialIds: trialIds });
  if (!appended || appended.finishedTrials < totalTrials) return { ended: false };
  const final = await finalEvent();
  // Postgres settles the sweep before its trials' events are appended, so a sweep it still
  // calls unfinished is not: a worker's cached total predates an extension, or a rerun
  // requeued trials after this one counted them finished.
  if (final === null || final.status === 'queued' || final.status === 'running') return { ended: false };
  return { ended: (await endSweepEvents(redis, prefix, sweepId, final, totalTrials)) !== null };
}
