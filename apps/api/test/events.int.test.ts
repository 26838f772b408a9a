import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import type { SweepEvent } from '@lrsweep/contracts';
import { startStack, waitFor, type Stack } from './stack.ts';

// The live event stream over real HTTP (fastify listening, undici fetch, a small SSE parser)
// while real worker processes train a spirals sweep and publish through Redis.

const EPOCHS = 3;
const sweepBody = (name: string) => ({
  name,
  task: { dataset: 'spirals', model: { type: 'mlp', hidden: [8] }, epochs: EPOCHS, batchSize: 64, optimizer: { type: 'SGD', lr: 0.1 } },
  schedules: [{ type: 'StepLR', step_size: 1, gamma: { values: [0.5, 0.9] } }],
  seeds: 2,
});

interface Received {
  id: string | undefined;
  type: string;
  data: SweepEvent;
}

/** Reads Server-Sent Events from a fetch body, one parsed event at a time. */
async function* sseEvents(body: ReadableStream<Uint8Array>): AsyncGenerator<Received> {
  const decoder = new TextDecoder();
  let buffer = '';
  for await (const chunk of body as unknown as AsyncIterable<Uint8Array>) {
    buffer += decoder.decode(chunk, { stream: true });
    let end: number;
    while ((end = buffer.indexOf('\n\n')) >= 0) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      let id: string | undefined;
      let type = 'message';
      const data: string[] = [];
      for (const line of block.split('\n')) {
        if (line.startsWith(':')) continue; // comment: keep-alive
        const colon = line.indexOf(':');
        const field = colon < 0 ? line : line.slice(0, colon);
        const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
        if (field === 'id') id = value;
        else if (field === 'event') type = value;
        else if (field === 'data') data.push(value);
      }
      if (data.length > 0) yield { id, type, data: JSON.parse(data.join('\n')) as SweepEvent };
    }
  }
}

let stack: Stack;
let base: string;
let client: Redis | undefined;
const redis = () => (client ??= new Redis(stack.app.config.redisUrl));
const open = (sweepId: string, init: { lastEventId?: string; signal?: AbortSignal } = {}) =>
  fetch(`${base}/v1/sweeps/${sweepId}/events`, {
    headers: init.lastEventId ? { 'last-event-id': init.lastEventId } : {},
    ...(init.signal ? { signal: init.signal } : {}),
  });
const collect = async (res: Response, until?: (e: Received) => boolean) => {
  const out: Received[] = [];
  for await (const e of sseEvents(res.body!)) {
    out.push(e);
    if (until?.(e)) break;
  }
  return out;
};
const post = async (body: object) => {
  const res = await stack.app.inject({ method: 'POST', url: '/v1/sweeps', payload: body });
  expect(res.statusCode, res.body).toBe(201);
  return res.json() as { id: string; trials: number };
};

beforeAll(async () => {
  stack = await startStack();
  base = await stack.app.listen({ port: 0, host: '127.0.0.1' });
});
afterAll(async () => {
  client?.disconnect();
  await stack?.stop();
});

describe('GET /v1/sweeps/:id/events', () => {
  it('answers an unknown sweep 404 and a malformed Last-Event-ID 400, before streaming', async () => {
    const missing = await open('00000000-0000-4000-8000-000000000000');
    expect(missing.status).toBe(404);
    expect((await missing.json()).error.code).toBe('LRS_SWEEP_NOT_FOUND');
    const { id } = await post(sweepBody('events-bad-header'));
    const bad = await open(id, { lastEventId: 'yesterday' });
    expect(bad.status).toBe(400);
    expect((await bad.json()).error.issues[0].path).toBe('/headers/last-event-id');
    await stack.app.inject({ method: 'POST', url: `/v1/sweeps/${id}/cancel` });
  });

  it('streams every trial in order while workers train, and a reconnect with Last-Event-ID misses and repeats nothing', async () => {
    const { id: sweepId, trials } = await post(sweepBody('events-live'));
    const first = await open(sweepId);
    expect(first.status).toBe(200);
    expect(first.headers.get('content-type')).toMatch(/^text\/event-stream/);
    stack.startWorker();
    stack.startWorker();

    // Drop the connection mid-sweep (after the first epoch), as a flaky network would.
    const controller = new AbortController();
    const live = await open(sweepId, { signal: controller.signal });
    const before = await collect(live, (e) => e.type === 'trial.epoch');
    controller.abort();
    const resumed = await collect(await open(sweepId, { lastEventId: before.at(-1)!.id! }));
    const all = await collect(first); // the uninterrupted connection ends by itself after sweep.finished

    const ids = all.map((e) => e.id!);
    expect([...before, ...resumed].map((e) => e.id)).toEqual(ids);
    expect(new Set(ids).size).toBe(ids.length);

    expect(all[0]!.data).toMatchObject({ type: 'sweep.created', sweepId, trials });
    const last = all.at(-1)!.data;
    expect(last.type).toBe('sweep.finished');
    if (last.type !== 'sweep.finished') return;
    expect(last.status).toBe('completed');
    expect(last.trials.completed).toBe(trials);
    expect(last.leaderboard.entries).toHaveLength(2);
    expect(all.filter((e) => e.type === 'sweep.finished')).toHaveLength(1);
    for (const e of all) expect(e.type).toBe(e.data.type);

    // Per trial: running, epochs 0..n-1 with the epoch's metrics, then completed, in that order.
    const byTrial = new Map<string, SweepEvent[]>();
    for (const { data } of all) if ('trialId' in data) byTrial.set(data.trialId, [...(byTrial.get(data.trialId) ?? []), data]);
    expect(byTrial.size).toBe(trials);
    for (const [trialId, events] of byTrial) {
      expect(events.map((e) => (e.type === 'trial.state' ? e.state : `epoch ${e.type === 'trial.epoch' ? e.epoch : '?'}`))).toEqual([
        'running',
        ...Array.from({ length: EPOCHS }, (_, k) => `epoch ${k}`),
        'completed',
      ]);
      const detail = (await stack.app.inject({ url: `/v1/trials/${trialId}` })).json();
      const epochs = events.filter((e) => e.type === 'trial.epoch');
      expect(epochs.map((e) => [e.lr, e.val_loss, e.val_acc, e.train_loss])).toEqual(
        detail.epochs.map((e: { lr: number; val_loss: number; val_acc: number; train_loss: number }) => [e.lr, e.val_loss, e.val_acc, e.train_loss]),
      );
    }
    // A leaderboard after each completion, the last one ranking both schedules.
    const boards = all.filter((e) => e.type === 'leaderboard');
    expect(boards).toHaveLength(trials);

    // Past the end there is nothing more: 204 tells EventSource to stop reconnecting.
    expect((await open(sweepId, { lastEventId: ids.at(-1)! })).status).toBe(204);
    const replay = await collect(await open(sweepId, { lastEventId: ids[2]! }));
    expect(replay.map((e) => e.id)).toEqual(ids.slice(3));
  });

  it('announces a cancel and ends the stream when no trial is left running', async () => {
    await stack.stopWorkers();
    const { id: sweepId, trials } = await post(sweepBody('events-cancel'));
    const res = await open(sweepId);
    const cancel = await stack.app.inject({ method: 'POST', url: `/v1/sweeps/${sweepId}/cancel` });
    expect(cancel.statusCode).toBe(200);
    const events = await collect(res);
    expect(events.map((e) => e.type)).toEqual(['sweep.created', 'sweep.cancelled', 'sweep.finished']);
    expect(events[1]!.data).toMatchObject({ cancelledTrials: trials, runningTrials: 0 });
    expect(events[2]!.data).toMatchObject({ status: 'cancelled' });

    // Had its last publisher died before the end was written, a reader long after would get
    // what the stream holds and an end, not a wait forever.
    await redis().del(`${stack.prefix}:events:${sweepId}:end`);
    await stack.db.sweep.update({ where: { id: sweepId }, data: { finishedAt: new Date(Date.now() - 5 * 60_000) } });
    const replay = await collect(await open(sweepId));
    expect(replay.map((e) => e.id)).toEqual(events.map((e) => e.id));
    expect((await open(sweepId, { lastEventId: events.at(-1)!.id! })).status).toBe(204);
  });

  it('goes on past sweep.finished when the sweep is rerun', async () => {
    await stack.stopWorkers();
    const { id: sweepId, trials } = await post(sweepBody('events-rerun'));
    await stack.app.inject({ method: 'POST', url: `/v1/sweeps/${sweepId}/cancel` });
    const ended = await collect(await open(sweepId));
    expect(ended.at(-1)!.type).toBe('sweep.finished');
    const rerun = await stack.app.inject({ method: 'POST', url: `/v1/sweeps/${sweepId}/rerun` });
    expect(rerun.json()).toEqual({ requeued: trials });

    // A client that saw the end reconnects and gets what follows; one reading from the start
    // reads through the first end. Neither stops until the sweep finishes again.
    for (const lastEventId of [ended.at(-1)!.id!, undefined]) {
      const controller = new AbortController();
      const events = await collect(await open(sweepId, { ...(lastEventId ? { lastEventId } : {}), signal: controller.signal }), (e) => e.type === 'sweep.reopened');
      controller.abort();
      expect(events.at(-1)!.data).toMatchObject({ type: 'sweep.reopened', reason: 'rerun', queuedTrials: trials, trials });
      expect(events.map((e) => e.type).includes('sweep.finished')).toBe(lastEventId === undefined);
    }
    await stack.app.inject({ method: 'POST', url: `/v1/sweeps/${sweepId}/cancel` });
  });

  it('tells a client resuming from a trimmed event that it missed events, then replays what is held', async () => {
    await stack.stopWorkers();
    const { id: sweepId } = await post(sweepBody('events-trimmed'));
    const stream = `${stack.prefix}:events:${sweepId}`;
    const trialId = '00000000-0000-4000-8000-00000000000a';
    for (let epoch = 0; epoch < 4; epoch++) {
      await redis().xadd(stream, '*', 'e', JSON.stringify({ type: 'trial.epoch', sweepId, trialId, epoch, epochs: 4, lr: 0.1, train_loss: 1, val_loss: 1, val_acc: 0.5, seconds: 0.1, at: new Date().toISOString() }));
    }
    const ids = (await redis().xrange(stream, '-', '+')).map(([id]) => id); // sweep.created + 4 epochs
    await redis().xtrim(stream, 'MAXLEN', 2); // as the length cap would, much later

    const controller = new AbortController();
    const got = await collect(await open(sweepId, { lastEventId: ids[0]!, signal: controller.signal }), (e) => e.id === ids.at(-1));
    controller.abort();
    expect(got.map((e) => e.type)).toEqual(['events.missed', 'trial.epoch', 'trial.epoch']);
    expect(got[0]).toMatchObject({ id: undefined, data: { type: 'events.missed', sweepId, after: ids[0], oldest: ids[3] } });
    expect(got.slice(1).map((e) => e.id)).toEqual(ids.slice(3));

    // Resuming from an event still held misses nothing, and says nothing.
    const again = new AbortController();
    const held = await collect(await open(sweepId, { lastEventId: ids[3]!, signal: again.signal }), (e) => e.id === ids.at(-1));
    again.abort();
    expect(held.map((e) => e.type)).toEqual(['trial.epoch']);
    await stack.app.inject({ method: 'POST', url: `/v1/sweeps/${sweepId}/cancel` });
  });

  it('releases its Redis reader when the client goes away, and app.close() ends open streams', async () => {
    const redis = new Redis(stack.app.config.redisUrl);
    const readers = async () => String(await redis.client('LIST')).split('\n').filter((l) => l.includes(`name=${stack.prefix}:events`)).length;
    try {
      const { id: sweepId } = await post(sweepBody('events-close'));
      const controller = new AbortController();
      const a = await open(sweepId, { signal: controller.signal });
      const b = await open(sweepId);
      await waitFor('two reader connections', async () => (await readers()) === 2, 10_000);
      controller.abort();
      await waitFor('the aborted client to release its reader', async () => (await readers()) === 1, 10_000);

      const ended = collect(b);
      await stack.restartApi(); // app.close() must not wait on the open stream
      expect((await ended).map((e) => e.type)).toEqual(['sweep.created']);
      await waitFor('no reader left', async () => (await readers()) === 0, 10_000);
      await stack.app.inject({ method: 'POST', url: `/v1/sweeps/${sweepId}/cancel` });
    } finally {
      redis.disconnect();
    }
  });
});
