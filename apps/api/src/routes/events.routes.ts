import type { FastifyInstance } from 'fastify';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { ErrorBody, LEADERBOARD_EVENT_TOP, type EventsMissedEvent, type SweepEvent, type SweepFinishedEvent, type SweepReopenedEvent } from '@lrsweep/contracts';
import { getSweep, leaderboard, type CancelSweepResult } from '@lrsweep/db';
import { appendFinishedTrials, appendSweepEvents, compareStreamIds, isStreamId, oldestSweepEventId, readSweepEvents, reopenSweepEvents, sweepEventsState } from '@lrsweep/queue';
import { invalid, notFound } from '../errors.ts';
import { leaderboardView } from '../views.ts';

/** A comment line this often keeps proxies and load balancers from closing a quiet stream. */
export const KEEP_ALIVE_MS = 15_000;
/** A sweep finished this long ago in Postgres whose stream has no end will never get one. */
const ORPHAN_AFTER_MS = 60_000;
const IdParams = Type.Object({ id: Type.String({ format: 'uuid' }) });
const at = () => new Date().toISOString();

/**
 * `GET /v1/sweeps/:id/events`: the sweep's Redis stream as Server-Sent Events. Each client
 * gets its own reader connection, because XREAD BLOCK holds a connection for as long as it
 * waits and the producer connection must stay free for requests. The stream ends after
 * `sweep.finished`; a reconnect past it is answered 204, which tells EventSource to stop.
 */
export const eventsRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const open = new Set<() => void>();
  // Open streams would keep app.close() waiting forever; end them before the server closes.
  app.addHook('preClose', async () => {
    for (const close of open) close();
  });

  app.get(
    '/sweeps/:id/events',
    {
      schema: {
        summary:
          "A sweep's live events (text/event-stream); send Last-Event-ID to resume after an event. An `events.missed` event first means events after it were trimmed: re-read the REST resources",
        params: IdParams,
        response: { 204: Type.Null({ description: 'the stream has ended: nothing after Last-Event-ID' }), 400: ErrorBody, 404: ErrorBody },
      },
    },
    async (request, reply) => {
      const lastEventId = request.headers['last-event-id'];
      if (lastEventId !== undefined && (typeof lastEventId !== 'string' || !isStreamId(lastEventId))) {
        throw invalid([{ path: '/headers/last-event-id', message: 'must be an event id this stream sent (like 1764358800000-0)' }]);
      }
      const sweepId = request.params.id;
      const sweep = await getSweep(app.db, sweepId, request.project);
      if (!sweep) throw notFound('sweep', sweepId);
      const prefix = app.config.queuePrefix;
      const after = lastEventId ?? '0-0';
      const state = await sweepEventsState(app.redis, prefix, sweepId);
      // Ended, or finished so long ago that its events have expired: nothing more will come.
      if ((state.endId && compareStreamIds(after, state.endId) >= 0) || (!state.exists && sweep.finishedAt)) return reply.status(204).send(null);
      // Finished in Postgres long ago but never ended in Redis (its last publisher died in
      // between): send what is there and stop, rather than keep a client waiting forever.
      const orphaned = !state.endId && sweep.finishedAt !== null && Date.now() - sweep.finishedAt.getTime() > ORPHAN_AFTER_MS;
      if (orphaned && (await readSweepEvents(app.redis, prefix, sweepId, after, { count: 1 })).length === 0) return reply.status(204).send(null);

      const reader = app.redis.duplicate({ connectionName: `${prefix}:events` });
      reader.on('error', (err) => request.log.debug({ err: err.message }, 'events reader connection error'));
      reply.hijack();
      const res = reply.raw;
      res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache, no-transform', connection: 'keep-alive', 'x-accel-buffering': 'no' });
      let closed = false;
      const close = () => {
        if (closed) return;
        closed = true;
        open.delete(close);
        clearInterval(keepAlive);
        reader.disconnect(); // aborts a pending XREAD BLOCK at once
        res.end();
      };
      open.add(close);
      res.on('close', close); // the client went away, or the response ended
      res.on('error', close);
      /** Writes, and waits while the client is slower than the stream (a long replay). */
      const send = async (text: string) => {
        if (!closed && !res.write(text)) await new Promise((resolve) => res.once('drain', resolve).once('close', resolve));
      };
      const keepAlive = setInterval(() => void send(': keep-alive\n\n'), KEEP_ALIVE_MS);
      keepAlive.unref();

      await send('retry: 2000\n\n');
      try {
        // The stream is capped (SWEEP_EVENTS.maxLen): a client resuming from an event trimmed
        // since is told so, without an id, so that its next reconnect still resumes where it is.
        const oldest = lastEventId === undefined ? null : await oldestSweepEventId(app.redis, prefix, sweepId);
        if (oldest !== null && compareStreamIds(oldest, after) > 0) {
          const missed: EventsMissedEvent = { type: 'events.missed', sweepId, after, oldest, at: at() };
          await send(`event: ${missed.type}\ndata: ${JSON.stringify(missed)}\n\n`);
        }
        await reader.connect();
        let cursor = after;
        while (!closed) {
          const entries = await readSweepEvents(reader, prefix, sweepId, cursor, orphaned ? {} : { blockMs: 30_000 });
          if (orphaned && entries.length === 0) return;
          for (const { id, event } of entries) {
            await send(`id: ${id}\nevent: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`);
            cursor = id;
            // A sweep rerun or extended after it finished continues past its first `sweep.finished`.
            if (event.type === 'sweep.finished' && (await readSweepEvents(app.redis, prefix, sweepId, id, { count: 1 })).length === 0) return;
          }
        }
      } catch (err) {
        // A lost Redis ends the stream; EventSource reconnects with Last-Event-ID and misses nothing.
        if (!closed) request.log.warn({ err: (err as Error).message, sweepId }, 'event stream ended by an error');
      } finally {
        close();
      }
    },
  );
};

async function finishedEvent(app: FastifyInstance, sweepId: string): Promise<SweepFinishedEvent | null> {
  const [sweep, board] = await Promise.all([getSweep(app.db, sweepId), leaderboard(app.db, sweepId)]);
  if (!sweep || !board) return null;
  const { metric, mode, entries } = leaderboardView(board);
  return {
    type: 'sweep.finished', sweepId, status: sweep.status, trials: sweep.trials, progress: sweep.progress,
    leaderboard: { metric, mode, entries: entries.slice(0, LEADERBOARD_EVENT_TOP) }, at: at(),
  };
}

/** Events are best-effort next to Postgres: a failed publish is logged, never fails the request. */
async function bestEffort(app: FastifyInstance, what: string, publish: () => Promise<unknown>): Promise<void> {
  await publish().catch((err: Error) => app.log.warn({ err: err.message }, `could not publish ${what}`));
}

/** Call before the trials are enqueued, so `sweep.created` precedes every trial's events. */
export function publishSweepCreated(app: FastifyInstance, sweep: { id: string; name: string; trials: number }): Promise<void> {
  const event: SweepEvent = { type: 'sweep.created', sweepId: sweep.id, name: sweep.name, trials: sweep.trials, at: at() };
  return bestEffort(app, 'sweep.created', () => appendSweepEvents(app.redis, app.config.queuePrefix, sweep.id, [event]));
}

/** Queued trials the cancel removed count as finished; with none running, the stream ends here. */
export function publishSweepCancelled(app: FastifyInstance, sweepId: string, result: CancelSweepResult, totalTrials: number): Promise<void> {
  if (result.status !== 'cancelled') return Promise.resolve();
  const event: SweepEvent = { type: 'sweep.cancelled', sweepId, cancelledTrials: result.cancelledTrialIds.length, runningTrials: result.runningTrialIds.length, at: at() };
  return bestEffort(app, 'sweep.cancelled', () =>
    appendFinishedTrials(app.redis, app.config.queuePrefix, sweepId, [event], result.cancelledTrialIds, totalTrials, () => finishedEvent(app, sweepId)),
  );
}

/** A rerun or an extension gave the sweep work again: its stream, ended or not, goes on. */
export function publishSweepReopened(app: FastifyInstance, event: Omit<SweepReopenedEvent, 'type' | 'at'>, rerunTrialIds: string[] = []): Promise<void> {
  return bestEffort(app, 'sweep.reopened', () => reopenSweepEvents(app.redis, app.config.queuePrefix, event.sweepId, { type: 'sweep.reopened', ...event, at: at() }, rerunTrialIds));
}
