import { Histogram, type Registry } from 'prom-client';

/** Request latency by route pattern (never the raw URL, which would make a series per id). */
export function httpMetrics(registry: Registry) {
  const duration = new Histogram({
    name: 'lrsweep_http_request_duration_seconds',
    help: 'API request latency, by route pattern, method and status code',
    labelNames: ['route', 'method', 'status_code'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  return {
    observe(route: string | undefined, method: string, statusCode: number, ms: number) {
      duration.observe({ route: route ?? 'unmatched', method, status_code: String(statusCode) }, ms / 1000);
    },
  };
}
