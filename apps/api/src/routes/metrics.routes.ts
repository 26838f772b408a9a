import type { FastifyPluginAsync } from 'fastify';

/** Prometheus' text format; left out of the OpenAPI document, which describes the product API. */
export const metricsRoutes: FastifyPluginAsync = async (app) => {
  app.get('/metrics', { schema: { hide: true } }, async (_request, reply) => {
    const text = await app.metrics.metrics();
    return reply.type(app.metrics.contentType).send(text);
  });
};
