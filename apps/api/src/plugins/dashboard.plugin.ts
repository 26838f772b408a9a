import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { FastifyPluginAsync } from 'fastify';
import fastifyStatic from '@fastify/static';

const require = createRequire(import.meta.url);

/**
 * The web dashboard (apps/dashboard/public: plain ES modules, no build step) at `/`, and
 * uPlot's browser build, which the dashboard imports from `/vendor/uplot/`. Found through
 * node_modules like any dependency, so the API serves it wherever the workspace is installed.
 */
export const dashboardPlugin: FastifyPluginAsync = async (app) => {
  const dashboardPackage = require.resolve('@lrsweep/dashboard/package.json');
  const dashboard = join(dirname(dashboardPackage), 'public');
  // uPlot is the dashboard's dependency, so it is resolved from there.
  const uplot = join(dirname(createRequire(dashboardPackage).resolve('uplot/package.json')), 'dist');
  await app.register(fastifyStatic, { root: dashboard, prefix: '/', index: 'index.html', cacheControl: true, maxAge: 0 });
  await app.register(fastifyStatic, { root: uplot, prefix: '/vendor/uplot/', decorateReply: false, allowedPath: (path) => /^\/uPlot\.(esm\.js|min\.css)$/.test(path) });
};
