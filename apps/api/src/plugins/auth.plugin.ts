import fp from 'fastify-plugin';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { verifyApiKey } from '@lrsweep/db';
import { authRequired, DEFAULT_PROJECT, OPEN_ROUTES, PROBE_ROUTES, QUERY_KEY_ROUTES } from '../auth/auth-mode.ts';
import { bearerToken } from '../auth/bearer-token.ts';

declare module 'fastify' {
  interface FastifyRequest {
    /** The project this request acts in: its key's, or 'default' when auth is off. Routes scope every lookup by it. */
    project: string;
    /** The API key that authenticated the request; null when auth is off or the route is open. */
    apiKeyId: string | null;
  }
}

/**
 * Answers 401 from the hook itself rather than throwing: plugins with their own error handler
 * (Bull Board's) would otherwise reword it, and every 401 should read the same.
 */
function unauthorized(reply: FastifyReply, message: string): FastifyReply {
  return reply.code(401).header('www-authenticate', 'Bearer realm="lrsweep"').send({ error: { code: 'LRS_UNAUTHORIZED', message } });
}

/** The key from the Authorization header, or from `?key=` on the routes that allow it (removed from the query either way). */
function keyOf(request: FastifyRequest, route: string | undefined): string | undefined {
  const fromHeader = bearerToken(request.headers.authorization);
  if (route === undefined || !QUERY_KEY_ROUTES.has(route)) return fromHeader;
  const query = request.query as Record<string, unknown> | undefined;
  const fromQuery = query?.key;
  if (query) delete query.key;
  return fromHeader ?? (typeof fromQuery === 'string' ? fromQuery : undefined);
}

/**
 * API keys, as one global onRequest hook: every route, including ones registered later by
 * other plugins, needs a key unless its pattern is in OPEN_ROUTES. A key acts in its own
 * project only. With auth off (loopback and not required) every request acts in 'default'.
 */
export const authPlugin = fp(async (app) => {
  const required = authRequired(app.config);
  app.decorateRequest('project', DEFAULT_PROJECT);
  app.decorateRequest('apiKeyId', null);
  app.log.info(
    { auth: required ? 'required' : 'off', host: app.config.host },
    required
      ? `auth: required: every route but ${[...PROBE_ROUTES].join(', ')} and the dashboard's static files needs "Authorization: Bearer <key>" (lrsweep keys create --project P)`
      : `auth: off: listening on loopback only, every request acts in project '${DEFAULT_PROJECT}' (LRSWEEP_AUTH=required turns keys on)`,
  );
  if (!required) return;
  app.addHook('onReady', async () => {
    const live = await app.db.apiKey.count({ where: { revokedAt: null } }).catch(() => undefined);
    if (live === 0) app.log.warn('auth is required but no API key exists yet: create one with `lrsweep keys create --project default`');
  });

  app.addHook('onRequest', async (request, reply) => {
    const route = request.routeOptions.url;
    if (route !== undefined && OPEN_ROUTES.has(route)) return;
    const key = keyOf(request, route);
    if (key === undefined) {
      return unauthorized(reply, 'an API key is required: send "Authorization: Bearer <key>" (create one with `lrsweep keys create --project P`)');
    }
    const found = await verifyApiKey(app.db, key);
    if (!found) return unauthorized(reply, 'the API key is not valid: it is unknown or was revoked');
    request.project = found.project;
    request.apiKeyId = found.id;
  });
});
