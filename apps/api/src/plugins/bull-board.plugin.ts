import type { FastifyPluginAsync } from 'fastify';
import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { FastifyAdapter } from '@bull-board/fastify';

export const BULL_BOARD_PATH = '/admin/queues';

/**
 * Bull Board over the trial queue, read-only: Postgres decides what a trial is, so retrying,
 * promoting or deleting a job from here would desynchronise the two (a deleted job strands
 * its trial until the reconciler re-enqueues it). Use the API (cancel) to change things.
 */
export const bullBoardPlugin: FastifyPluginAsync = async (app) => {
  const serverAdapter = new FastifyAdapter();
  serverAdapter.setBasePath(BULL_BOARD_PATH);
  createBullBoard({
    queues: [new BullMQAdapter(app.trialQueue, { readOnlyMode: true })],
    // @bull-board/fastify pins its own patch release of @bull-board/api; the adapter contract is the same.
    serverAdapter: serverAdapter as unknown as Parameters<typeof createBullBoard>[0]['serverAdapter'],
    options: { uiConfig: { boardTitle: 'lrsweep queues' } },
  });
  await app.register(serverAdapter.registerPlugin(), { prefix: BULL_BOARD_PATH });
};
