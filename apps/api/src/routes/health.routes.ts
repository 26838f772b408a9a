import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';

const Health = Type.Object({ ok: Type.Boolean(), postgres: Type.Optional(Type.Boolean()), redis: Type.Optional(Type.Boolean()) });

async function reachable(check: () => Promise<unknown>): Promise<boolean> {
  try {
    await Promise.race([check(), new Promise((_, reject) => setTimeout(() => reject(new Error('timeout')), 2_000))]);
    return true;
  } catch {
    return false;
  }
}

export const healthRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get('/healthz', { schema: { summary: 'The process is up', response: { 200: Health } } }, async () => ({ ok: true }));

  app.get('/readyz', { schema: { summary: 'Postgres and Redis answer', response: { 200: Health, 503: Health } } }, async (_request, reply) => {
    const [postgres, redis] = await Promise.all([
      reachable(() => app.db.$queryRaw`SELECT 1`),
      reachable(() => app.redis.ping()),
    ]);
    const ok = postgres && redis;
    return reply.status(ok ? 200 : 503).send({ ok, postgres, redis });
  });
};
