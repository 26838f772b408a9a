import { isIP } from 'node:net';
import type { Config } from '@lrsweep/config';
import { BULL_BOARD_PATH } from '../plugins/bull-board.plugin.ts';

/** The project a request acts in when auth is off (Sweep.project's default). */
export const DEFAULT_PROJECT = 'default';

/** Health probes: open in every mode and never rate-limited, since load balancers poll them without a key. */
export const PROBE_ROUTES: ReadonlySet<string> = new Set(['/healthz', '/readyz']);

/**
 * The dashboard's static files (apps/dashboard/public and uPlot, served by @fastify/static):
 * public code and no data. A browser cannot attach a header to a page load, so the page loads
 * without a key, asks for one, and sends it with every API call it makes.
 */
export const DASHBOARD_ROUTES: ReadonlySet<string> = new Set(['/*', '/vendor/uplot/*']);

/**
 * Routes anyone may call in every mode, by route pattern. Everything else, including routes
 * added later (/metrics, /admin/queues, /docs, every /v1 route), needs a key whenever auth is
 * on: adding a route never opens it by accident. ADMIN_ROUTES further need an admin key.
 */
export const OPEN_ROUTES: ReadonlySet<string> = new Set([...PROBE_ROUTES, ...DASHBOARD_ROUTES]);

/**
 * Routes that also take the key as `?key=`: a browser's EventSource cannot send headers.
 * Only these, because URLs end up in browser history and proxy logs (ours scrub it).
 */
export const QUERY_KEY_ROUTES: ReadonlySet<string> = new Set(['/v1/sweeps/:id/events']);

/**
 * Operator routes, which show every project's data at once (Prometheus series, Bull Board's
 * jobs with their trial ids): with auth on, only an admin key may call them. Bull Board
 * registers many routes (page, static files, its API), so it is matched by prefix.
 */
export const ADMIN_ROUTES: ReadonlySet<string> = new Set(['/metrics']);

/**
 * Whether a request is for Bull Board. `route` is the matched route pattern; when no route
 * matched (a 404) the path decides, so an unknown path under the prefix is still refused.
 */
export function isBullBoardRoute(route: string | undefined, path: string): boolean {
  const target = route ?? path;
  return target === BULL_BOARD_PATH || target.startsWith(BULL_BOARD_PATH + '/');
}

/** Whether a request needs an admin key whenever auth is on. */
export function isAdminRoute(route: string | undefined, path: string): boolean {
  return ADMIN_ROUTES.has(route ?? path) || isBullBoardRoute(route, path);
}

/**
 * The cookie a browser holds Bull Board's key in: a page load cannot send a header, so the
 * key comes once as `?key=` and is swapped for this cookie. It is sent to Bull Board only
 * (Path), never readable by scripts (HttpOnly) and never on a cross-site request (SameSite).
 */
export const ADMIN_COOKIE = 'lrsweep_admin';

/** The Set-Cookie value that stores `key` for Bull Board; `secure` over https. */
export function adminCookie(key: string, secure: boolean): string {
  return `${ADMIN_COOKIE}=${key}; Path=${BULL_BOARD_PATH}; HttpOnly; SameSite=Strict${secure ? '; Secure' : ''}`;
}

/** The value of cookie `name` in a Cookie header (RFC 6265: `a=1; b=2`), or undefined. */
export function cookieValue(header: string | undefined, name: string): string | undefined {
  if (header === undefined) return undefined;
  for (const pair of header.split(';')) {
    const eq = pair.indexOf('=');
    if (eq === -1 || pair.slice(0, eq).trim() !== name) continue;
    const value = pair.slice(eq + 1).trim();
    return value.length >= 2 && value.startsWith('"') && value.endsWith('"') ? value.slice(1, -1) : value;
  }
  return undefined;
}

/** Whether `host` only accepts connections from this machine (127.0.0.0/8, ::1, localhost). */
export function isLoopbackHost(host: string): boolean {
  const h = host.trim().toLowerCase().replace(/^\[(.*)\]$/, '$1');
  if (h === 'localhost') return true;
  if (isIP(h) === 4) return h.startsWith('127.');
  if (isIP(h) === 6) return h === '::1' || h === '0:0:0:0:0:0:0:1' || /^::ffff:127\./.test(h);
  return false;
}

/** Auth is on when configured, and always when the API is reachable from other machines. */
export function authRequired(config: Pick<Config, 'auth' | 'host'>): boolean {
  return config.auth === 'required' || !isLoopbackHost(config.host);
}
