import fp from 'fastify-plugin';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { verifyApiKey } from '@lrsweep/db';
import {
  ADMIN_COOKIE,
  adminCookie,
  authRequired,
  cookieValue,
  DEFAULT_PROJECT,
  isAdminRoute,
  isBullBoardRoute,
  OPEN_ROUTES,
  PROBE_ROUTES,
  QUERY_KEY_ROUTES,
} from '../auth/auth-mode.ts';
import { bearerToken } from '../auth/bearer-token.ts';

declare module 'fastify' {
  interface FastifyRequest {
    /** The project this request acts in: its key's, or 'default' when auth is off. Routes scope every lookup by it. */
    project: string;
    /** The API key that authenticated the request; null when auth is off or the route is open. */
    apiKeyId: string | null;
    /** Whether the request may see every project's data: its key's admin flag, or true when auth is off (a loopback operator). */
    admin: boolean;
  }
}

/**
 * Answers 401 from the hook itself rather than throwing: plugins with their own error handler
 * (Bull Board's) would otherwise reword it, and every 401 should read the same.
 */
function unauthorized(reply: FastifyReply, message: string): FastifyReply {
  return reply.code(401).header('www-authenticate', 'Bearer realm="lrsweep"').send({ error: { code: 'LRS_UNAUTHORIZED', message } });
}

/** 403 from the hook, for the same reason as unauthorized(). */
function forbidden(reply: FastifyReply, message: string): FastifyReply {
  return reply.code(403).send({ error: { code: 'LRS_FORBIDDEN', message } });
}

interface Credential {
  key: string;
  /** `query` on Bull Board is a browser's first page load: the key is swapped for a cookie. */
  source: 'header' | 'query' | 'cookie';
}

/**
 * The request's key: from the Authorization header; else from `?key=` on the routes that allow
 * it (removed from the query either way); else, on Bull Board only, from its cookie.
 */
function credentialOf(request: FastifyRequest, route: string | undefined, bullBoard: boolean): Credential | undefined {
  const query = request.query as Record<string, unknown> | undefined;
  const takesQueryKey = (route !== undefined && QUERY_KEY_ROUTES.has(route)) || (bullBoard && request.method === 'GET');
  const fromQuery = takesQueryKey && typeof query?.key === 'string' ? query.key : undefined;
  if (takesQueryKey && query) delete query.key;

  const fromHeader = bearerToken(request.headers.authorization);
  if (fromHeader !== undefined) return { key: fromHeader, source: 'header' };
  if (fromQuery !== undefined) return { key: fromQuery, source: 'query' };
  const fromCookie = bullBoard ? cookieValue(request.headers.cookie, ADMIN_COOKIE) : undefined;
  return fromCookie === undefined ? undefined : { key: fromCookie, source: 'cookie' };
}

/** `url` without its `key` query parameter; the path is kept byte for byte. */
function withoutKeyParam(url: string): string {
  const q = url.indexOf('?');
  if (q === -1) return url;
  const params = new URLSearchParams(url.slice(q + 1));
  params.delete('key');
  const rest = params.toString();
  return url.slice(0, q) + (rest ? `?${rest}` : '');
}

/**
 * API keys, as one global onRequest hook: every route, including ones registered later by
 * other plugins, needs a key unless its pattern is in OPEN_ROUTES, and an admin key on
 * ADMIN_ROUTES. A key acts in its own project only. With auth off (loopback and not required)
 * every request acts in 'default', as an admin.
 */
export const authPlugin = fp(async (app) => {
  const required = authRequired(app.config);
  app.decorateRequest('project', DEFAULT_PROJECT);
  app.decorateRequest('apiKeyId', null);
  app.decorateRequest('admin', !required);
  app.log.info(
    { auth: required ? 'required' : 'off', host: app.config.host },
    required
      ? `auth: required: every route but ${[...PROBE_ROUTES].join(', ')} and the dashboard's static files needs "Authorization: Bearer <key>" (lrsweep keys create --project P); /metrics and /admin/queues need an admin key (--admin)`
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
    const path = request.url.split('?', 1)[0]!;
    const bullBoard = isBullBoardRoute(route, path);
    const credential = credentialOf(request, route, bullBoard);
    if (credential === undefined) {
      return unauthorized(reply, 'an API key is required: send "Authorization: Bearer <key>" (create one with `lrsweep keys create --project P`)');
    }
    const found = await verifyApiKey(app.db, credential.key);
    if (!found) return unauthorized(reply, 'the API key is not valid: it is unknown or was revoked');
    if (!found.admin && isAdminRoute(route, path)) {
      return forbidden(reply, `${route ?? path} shows every project's data and needs an admin key (lrsweep keys create --project P --admin)`);
    }
    if (bullBoard && credential.source === 'query') {
      // Out of the address bar (and history) at once; the browser sends the cookie from now on.
      return reply.code(302).header('set-cookie', adminCookie(credential.key, request.protocol === 'https')).header('location', withoutKeyParam(request.url)).send();
    }
    request.project = found.project;
    request.apiKeyId = found.id;
    request.admin = found.admin;
  });
});
