import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { SweepEvent, SweepFinishedEvent } from '@lrsweep/contracts';
import { connectRedis, createRedis } from './redis-connection.ts';
import { SWEEP_EVENTS, appendFinishedTrials, appendManySweepEvents, appendSweepEvents, endSweepEvents, readSweepEvents, reopenSweepEvents, sweepEventKeys, sweepEventsState } from './sweep-events.ts';

// The per-sweep stream's scripts against the real Redis, under a prefix of this file's own.

const prefix = `lrsweep-test-${randomUUID().slice(0, 8)}`;
const at = new Date().toISOString();
const running = (sweepId: string, trialId: string): SweepEvent => ({ type: 'trial.state', sweepId, trialId, state: 'running', at });
const finished = (sweepId: string): SweepFinishedEvent => ({
  type: 'sweep.finished',
  sweepId,
  status: 'completed',
  trials: { total: 2, queued: 0, running: 0, completed: 2, failed: 0, diverged: 0, cancelled: 0 },
  progress: 1,
  leaderboard: { metric: 'val_loss', mode: 'min', entries: [] },
  at,
});

let redis: Redis;
let reader: Redis;
beforeAll(async () => {
  redis = await connectRedis(createRedis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', 'producer'));
  reader = await connectRedis(redis.duplicate());
});
afterAll(async () => {
  const keys = await redis.keys(`${prefix}:*`);
  if (keys.length) await redis.del(...keys);
  redis.disconnect();
  reader.disconnect();
});

describe('sweep event streams', () => {
  it('appends many trials of several sweeps in one pipeline, each answer with its own ids, in order', async () => {
    const [s1, s2] = [randomUUID(), randomUUID()];
    const [a, b, c] = [randomUUID(), randomUUID(), randomUUID()];
    const out = await appendManySweepEvents(redis, prefix, [
      { sweepId: s1, events: [running(s1, a)] },
      { sweepId: s2, events: [running(s2, c)], finishedTrialIds: [c] },
      { sweepId: s1, events: [running(s1, b), running(s1, b)], finishedTrialIds: [a, b] },
    ]);
    expect(out.map((r) => r?.ids.length)).toEqual([1, 1, 2]);
    expect(out.map((r) => r?.finishedTrials)).toEqual([2, 1, 2]);
    const read = await readSweepEvents(reader, prefix, s1, '0');
    expect(read.map((e) => e.id)).toEqual([...out[0]!.ids, ...out[2]!.ids]);
    expect(read.map((e) => (e.event as { trialId: string }).trialId)).toEqual([a, b, b]);
    // An ended stream answers null for its appends and leaves the others alone.
    await endSweepEvents(redis, prefix, s2, finished(s2));
    const after = await appendManySweepEvents(redis, prefix, [{ sweepId: s2, events: [running(s2, c)] }, { sweepId: s1, events: [running(s1, a)] }]);
    expect(after[0]).toBeNull();
    expect(after[1]?.ids).toHaveLength(1);
  });

  it('appends in order, reads after an id exclusively, and counts each finished trial once', async () => {
    const sweepId = randomUUID();
    const [a, b] = [randomUUID(), randomUUID()];
    const first = await appendSweepEvents(redis, prefix, sweepId, [running(sweepId, a), running(sweepId, b)]);
    expect(first?.ids).toHaveLength(2);
    expect(first?.finishedTrials).toBe(0);
    expect((await appendSweepEvents(redis, prefix, sweepId, [], [a]))?.finishedTrials).toBe(1);
    expect((await appendSweepEvents(redis, prefix, sweepId, [], [a]))?.finishedTrials).toBe(1);

    const all = await readSweepEvents(reader, prefix, sweepId, '0-0', { blockMs: 100 });
    expect(all.map((e) => e.id)).toEqual(first!.ids);
    expect(all.map((e) => (e.event.type === 'trial.state' ? e.event.trialId : ''))).toEqual([a, b]);
    expect((await readSweepEvents(reader, prefix, sweepId, first!.ids[0]!, { blockMs: 100 })).map((e) => e.id)).toEqual([first!.ids[1]]);
    expect(await readSweepEvents(reader, prefix, sweepId, first!.ids[1]!, { blockMs: 100 })).toEqual([]);
    const ttl = await redis.ttl(sweepEventKeys(prefix, sweepId).stream);
    expect(ttl).toBeGreaterThan(SWEEP_EVENTS.endedTtlS);
  });

  it('ends once, when the last trial is marked finished, and refuses every append after the end', async () => {
    const sweepId = randomUUID();
    const [a, b] = [randomUUID(), randomUUID()];
    let finals = 0;
    const final = async () => (finals++, finished(sweepId));
    expect(await appendFinishedTrials(redis, prefix, sweepId, [running(sweepId, a)], [a], 2, final)).toEqual({ ended: false });
    expect(finals).toBe(0);
    expect(await appendFinishedTrials(redis, prefix, sweepId, [running(sweepId, b)], [b], 2, final)).toEqual({ ended: true });
    expect(finals).toBe(1);

    const state = await sweepEventsState(redis, prefix, sweepId);
    const events = await readSweepEvents(reader, prefix, sweepId, '0-0', { blockMs: 100 });
    expect(state.endId).toBe(events.at(-1)!.id);
    expect(events.at(-1)!.event.type).toBe('sweep.finished');

    expect(await appendSweepEvents(redis, prefix, sweepId, [running(sweepId, a)])).toBeNull();
    expect(await endSweepEvents(redis, prefix, sweepId, finished(sweepId))).toBeNull();
    expect(await readSweepEvents(reader, prefix, sweepId, '0-0', { blockMs: 100 })).toHaveLength(events.length);
    const ttl = await redis.ttl(sweepEventKeys(prefix, sweepId).stream);
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(SWEEP_EVENTS.endedTtlS);
  });

  it('goes on after a reopen, and ends again only when the rerun and added trials are finished', async () => {
    const sweepId = randomUUID();
    const [a, b, c] = [randomUUID(), randomUUID(), randomUUID()];
    const final = async () => finished(sweepId);
    await appendFinishedTrials(redis, prefix, sweepId, [], [a, b], 2, final);
    expect((await sweepEventsState(redis, prefix, sweepId)).endId).not.toBeNull();

    // b runs again and c is added: 3 trials, of which only a is still finished.
    await reopenSweepEvents(redis, prefix, sweepId, { type: 'sweep.reopened', sweepId, reason: 'extend', queuedTrials: 2, trials: 3, at }, [b]);
    expect((await sweepEventsState(redis, prefix, sweepId)).endId).toBeNull();
    // A worker that counted before the reopen (or still believes in 2 trials) cannot end it.
    expect(await endSweepEvents(redis, prefix, sweepId, finished(sweepId), 2)).toBeNull();
    expect(await appendFinishedTrials(redis, prefix, sweepId, [running(sweepId, b)], [b], 2, final)).toEqual({ ended: false });
    expect(await appendFinishedTrials(redis, prefix, sweepId, [running(sweepId, c)], [c], 3, final)).toEqual({ ended: true });
    const types = (await readSweepEvents(reader, prefix, sweepId, '0-0')).map((e) => e.event.type);
    expect(types).toEqual(['sweep.finished', 'sweep.reopened', 'trial.state', 'trial.state', 'sweep.finished']);
  });
});
