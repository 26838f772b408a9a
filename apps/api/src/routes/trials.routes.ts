import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { ErrorBody, TrialDetail } from '@lrsweep/contracts';
import { getTrial } from '@lrsweep/db';
import { notFound } from '../errors.ts';
import { trialDetailView } from '../views.ts';

export const trialsRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/trials/:id',
    {
      schema: {
        summary: 'One trial with every epoch (lr is the rate in effect at the start of the epoch)',
        params: Type.Object({ id: Type.String({ format: 'uuid' }) }),
        response: { 200: TrialDetail, 400: ErrorBody, 404: ErrorBody },
      },
    },
    async (request) => {
      const trial = await getTrial(app.db, request.params.id, request.project);
      if (!trial) throw notFound('trial', request.params.id);
      return trialDetailView(trial);
    },
  );
};
