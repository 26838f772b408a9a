import fp from 'fastify-plugin';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import cors from '@fastify/cors';
import helmet from '@fastify/helmet';
import rateLimit from '@fastify/rate-limit';
import { ApiError } from '../errors.ts';
import { PROBE_ROUTES } from '../auth/auth-mode.ts';

/** Deeper than any sweep needs (a SequentialLR child's grid axis is about 8 levels) and shallow enough for every recursive walk after. */
export const MAX_JSON_DEPTH = 32;
/** Keys that would rewrite prototypes if any code ever merged a body into an object. */
const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor']);
const utf8 = new TextDecoder('utf-8', { fatal: true });

const badBody = (message: string) => new ApiError('LRS_BAD_BODY', message, 400);

/** Whether `text` nests objects or arrays deeper than `max`, by one pass over it (strings skipped). */
export function nestsDeeperThan(text: string, max: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++; // a backslash escapes the next character, a quote included
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x7b || c === 0x5b) {
      if (++depth > max) return true;
    } else if (c === 0x7d || c === 0x5d) depth--;
  }
  return false;
}

/**
 * The one JSON body parser. Stricter than Fastify's: bytes that are not UTF-8 are refused
 * rather than turned into U+FFFD, nesting is capped before anything recurses over it, and a
 * `__proto__` or `constructor` key anywhere is refused with a message saying so.
 */
export function parseJsonBody(body: Buffer): unknown {
  if (body.length === 0) throw badBody('the body is empty but content-type is application/json');
  let text: string;
  try {
    text = utf8.decode(body);
  } catch {
    throw badBody('the body is not valid UTF-8');
  }
  if (nestsDeeperThan(text, MAX_JSON_DEPTH)) throw badBody(`the body nests objects or arrays deeper than ${MAX_JSON_DEPTH} levels`);
  try {
    return JSON.parse(text, (key, value: unknown) => {
      if (FORBIDDEN_KEYS.has(key)) throw badBody(`the body has a field named "${key}", which is never allowed`);
      // JSON has no Infinity, but 1e999 parses to it: refuse rather than let it reach a formula.
      if (typeof value === 'number' && !Number.isFinite(value)) throw badBody(`the body has a number too large for a double${key ? ` at "${key}"` : ''}`);
      return value;
    });
  } catch (err) {
    if (err instanceof ApiError) throw err;
    // V8's message quotes the input; ours says only what is wrong.
    throw badBody('the body is not valid JSON');
  }
}

/**
 * Security headers, CORS, rate limits and the strict JSON parser. Registered before every
 * route, because @fastify/rate-limit attaches itself to routes as they are added.
 */
export const securityPlugin = fp(async (app) => {
  const { config } = app;

  // Helmet's defaults, except: no upgrade-insecure-requests (the API is often plain http on
  // localhost, where it would break /docs), and scripts, styles and fetches from this origin
  // only, with inline styles (Swagger UI, Bull Board and the dashboard set them) but never inline scripts.
  await app.register(helmet, {
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        baseUri: ["'self'"],
        connectSrc: ["'self'"],
        // Bull Board (/admin/queues) loads its fonts from Google Fonts.
        fontSrc: ["'self'", 'data:', 'https://fonts.gstatic.com'],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
        imgSrc: ["'self'", 'data:'],
        objectSrc: ["'none'"],
        scriptSrc: ["'self'"],
        scriptSrcAttr: ["'none'"],
        styleSrc: ["'self'", "'unsafe-inline'", 'https://fonts.googleapis.com'],
      },
    },
  });

  // No origins, no CORS headers: browsers then refuse cross-origin reads, which is the default we want.
  if (config.corsOrigins.length > 0) {
    await app.register(cors, {
      origin: config.corsOrigins,
      methods: ['GET', 'HEAD', 'POST'],
      allowedHeaders: ['authorization', 'content-type', 'last-event-id'],
      exposedHeaders: ['retry-after', 'x-ratelimit-limit', 'x-ratelimit-remaining', 'x-ratelimit-reset'],
      maxAge: 600,
    });
  }

  if (config.rateLimitMax > 0) {
    await app.register(rateLimit, {
      global: true,
      max: config.rateLimitMax,
      timeWindow: config.rateLimitWindowMs,
      // Counted in Redis so every API replica shares one budget per key.
      redis: app.redis,
      nameSpace: `${config.queuePrefix}:rate-limit:`,
      // A Redis outage shows in /readyz; it must not also turn every read into a 500.
      skipOnError: true,
      // Route hooks run after the global auth hook, so the key is known here.
      keyGenerator: (request) => (request.apiKeyId ? `key:${request.apiKeyId}` : `ip:${request.ip}`),
      allowList: (request) => PROBE_ROUTES.has(request.routeOptions.url ?? ''),
      errorResponseBuilder: (_request, context) =>
        new ApiError('LRS_RATE_LIMITED', `rate limit reached: ${context.max} requests per ${config.rateLimitWindowMs / 1000} s; retry in ${context.after}`, 429),
    });
  }

  // JSON is the only body the API takes: text/plain would reach a route as a string.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (_request, body, done) => {
    try {
      done(null, parseJsonBody(body as Buffer));
    } catch (err) {
      done(err as Error, undefined);
    }
  });
  app.addContentTypeParser('*', (request, _payload, done) => {
    const type = String(request.headers['content-type'] ?? 'none').slice(0, 100);
    done(new ApiError('LRS_UNSUPPORTED_MEDIA_TYPE', `the body must be application/json, not '${type}'`, 415), undefined);
  });
});

/**
 * Fastify's router answers a malformed URL or an over-long path parameter before any route
 * or error handler runs; this gives those answers our error body too (Fastify's
 * `frameworkErrors` option, set in app.ts).
 */
export function frameworkErrors(error: FastifyError, _request: FastifyRequest, reply: FastifyReply): void {
  const status = error.statusCode && error.statusCode < 500 ? error.statusCode : 400;
  // Fastify's own messages quote the whole path; ours say what is wrong without echoing it.
  const message =
    error.code === 'FST_ERR_MAX_PARAM_LENGTH'
      ? 'a path parameter is longer than 100 characters'
      : error.code === 'FST_ERR_BAD_URL'
        ? 'the URL is not valid: a percent-escape does not decode to UTF-8'
        : 'the request could not be routed';
  void reply.code(status).send({ error: { code: 'LRS_BAD_URL', message } });
}
