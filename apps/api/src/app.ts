import Fastify, { type FastifyBaseLogger } from 'fastify';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { Logger } from '@lrsweep/config';
import { installErrorHandler } from './errors.ts';
import { schemaCompiler } from './validation.ts';
import { servicesPlugin, type Services } from './plugins/services.plugin.ts';
import { frameworkErrors, securityPlugin } from './plugins/security.plugin.ts';
import { authPlugin } from './plugins/auth.plugin.ts';
import { sweepsRoutes } from './routes/sweeps.routes.ts';
import { sweepGrowthRoutes } from './routes/sweep-growth.routes.ts';
import { trialsRoutes } from './routes/trials.routes.ts';
import { queueRoutes } from './routes/queue.routes.ts';
import { healthRoutes } from './routes/health.routes.ts';
import { schedulesRoutes } from './routes/schedules.routes.ts';
import { eventsRoutes } from './routes/events.routes.ts';
import { metricsRoutes } from './routes/metrics.routes.ts';
import { metricsPlugin } from './plugins/metrics.plugin.ts';
import { bullBoardPlugin } from './plugins/bull-board.plugin.ts';
import { dashboardPlugin } from './plugins/dashboard.plugin.ts';
import { workersRoutes } from './routes/workers.routes.ts';
import { reconcilerPlugin } from './reconciler.ts';

export interface AppOptions extends Services {
  logger: Logger;
}

/** Builds the API without listening: the server calls listen, tests call inject. */
export async function buildApp({ logger, ...services }: AppOptions) {
  const app = Fastify({
    // pino's Logger is a superset of Fastify's logger interface; Fastify types it narrowly.
    loggerInstance: logger as FastifyBaseLogger,
    bodyLimit: 1024 * 1024,
    frameworkErrors,
    // Behind a TLS-terminating proxy: request.protocol (the Bull Board cookie's Secure) and request.ip (rate limits) from X-Forwarded-*.
    trustProxy: services.config.trustProxy,
    ajv: { customOptions: { allErrors: true } },
  }).withTypeProvider<TypeBoxTypeProvider>();
  app.setValidatorCompiler(schemaCompiler());
  installErrorHandler(app);
  await app.register(servicesPlugin, services);
  // Before any route: headers, CORS, the JSON parser and auth are global hooks, and rate
  // limits attach to each route as it is added, so /docs and every route after are covered.
  await app.register(securityPlugin);
  await app.register(authPlugin);
  // Before the routes too: its onResponse hook times every request.
  await app.register(metricsPlugin);

  await app.register(swagger, {
    openapi: {
      info: { title: 'lrsweep', version: '0.1.0', description: 'Sweep PyTorch learning-rate schedules and rank them.' },
    },
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });

  await app.register(healthRoutes);
  await app.register(sweepsRoutes, { prefix: '/v1' });
  await app.register(sweepGrowthRoutes, { prefix: '/v1' });
  await app.register(trialsRoutes, { prefix: '/v1' });
  await app.register(queueRoutes, { prefix: '/v1' });
  await app.register(schedulesRoutes, { prefix: '/v1' });
  await app.register(eventsRoutes, { prefix: '/v1' });
  await app.register(metricsRoutes);
  await app.register(bullBoardPlugin);
  await app.register(dashboardPlugin);
  await app.register(workersRoutes, { prefix: '/v1' });
  await app.register(reconcilerPlugin);
  return app;
}
