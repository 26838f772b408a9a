import fp from 'fastify-plugin';
import { Registry, collectDefaultMetrics } from 'prom-client';
import { httpMetrics } from '../metrics/http.metrics.ts';
import { stateMetrics } from '../metrics/state.metrics.ts';

declare module 'fastify' {
  interface FastifyInstance {
    /** This app's Prometheus registry: one per instance, so apps built side by side in tests never share series. */
    metrics: Registry;
  }
}

/** Registered before the routes, so its onResponse hook times every one of them. */
export const metricsPlugin = fp(async (app) => {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const http = httpMetrics(registry);
  stateMetrics(registry, { db: app.db, trialQueue: app.trialQueue, log: app.log });
  app.decorate('metrics', registry);
  app.addHook('onResponse', async (request, reply) => {
    http.observe(request.routeOptions.url, request.method, reply.statusCode, reply.elapsedTime);
  });
});
