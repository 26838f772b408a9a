import { isIP } from 'node:net';
import type { Config } from '@lrsweep/config';

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
 * on: adding a route never opens it by accident.
 */
export const OPEN_ROUTES: ReadonlySet<string> = new Set([...PROBE_ROUTES, ...DASHBOARD_ROUTES]);

/**
 * Routes that also take the key as `?key=`: a browser's EventSource cannot send headers.
 * Only these, because URLs end up in browser history and proxy logs (ours scrub it).
 */
export const QUERY_KEY_ROUTES: ReadonlySet<string> = new Set(['/v1/sweeps/:id/events']);

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
