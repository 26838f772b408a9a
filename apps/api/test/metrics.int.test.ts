import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import { freePort, startStack, waitFor, type Stack } from './stack.ts';

// /metrics on the API and on a real worker process, parsed as Prometheus parses them, before
// and after a spirals sweep runs: the gauges and counters must move with what happened.

interface Sample {
  value?: string;
  labels?: Record<string, string>;
}
interface Family {
  name: string;
  type: string;
  metrics: Sample[];
}
const parse = createRequire(import.meta.url)('parse-prometheus-text-format') as (text: string) => Family[];

const EPOCHS = 3;
const sweepBody = {
  name: 'metrics',
  task: { dataset: 'spirals', model: { type: 'mlp', hidden: [8] }, epochs: EPOCHS, batchSize: 64, optimizer: { type: 'SGD', lr: 0.1 } },
  schedules: [{ type: 'StepLR', step_size: 1, gamma: { values: [0.5, 0.9] } }],
  seeds: 2,
};

/** The value of `name` whose labels include `labels`, or undefined. */
function valueOf(families: Family[], name: string, labels: Record<string, string> = {}): number | undefined {
  const sample = families
    .find((f) => f.name === name)
    ?.metrics.find((m) => Object.entries(labels).every(([k, v]) => m.labels?.[k] === v));
  const raw = sample?.value;
  return raw === undefined ? undefined : Number(raw);
}

/**
 * A histogram's `_count` for one label set, read from the text: parse-prometheus-text-format
 * merges a labelled histogram's series into one bucket map and drops their labels and counts.
 */
function histogramCount(text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  const line = text
    .split('\n')
    .find((l) => l.startsWith(`${name}_count`) && Object.entries(labels).every(([k, v]) => l.includes(`${k}="${v}"`)));
  return line === undefined ? undefined : Number(line.slice(line.lastIndexOf(' ') + 1));
}

let stack: Stack;
const scrapeApi = async () => {
  const res = await stack.app.inject({ url: '/metrics' });
  expect(res.statusCode).toBe(200);
  expect(res.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
  return { families: parse(res.body), text: res.body };
};

beforeAll(async () => {
  stack = await startStack();
});
afterAll(async () => {
  await stack?.stop();
});

describe('Prometheus metrics', () => {
  it('API and worker counters and gauges move when a sweep runs', async () => {
    const created = await stack.app.inject({ method: 'POST', url: '/v1/sweeps', payload: sweepBody });
    expect(created.statusCode, created.body).toBe(201);
    const { id, trials } = created.json();

    const { families: before, text: beforeText } = await scrapeApi();
    expect(valueOf(before, 'lrsweep_trials', { state: 'queued' })).toBe(trials);
    expect(valueOf(before, 'lrsweep_trials', { state: 'completed' })).toBe(0);
    expect(valueOf(before, 'lrsweep_sweeps', { status: 'queued' })).toBe(1);
    expect(valueOf(before, 'lrsweep_queue_jobs', { state: 'waiting' })).toBe(trials);
    expect(valueOf(before, 'lrsweep_workers')).toBe(0);
    expect(histogramCount(beforeText, 'lrsweep_http_request_duration_seconds', { route: '/v1/sweeps', method: 'POST', status_code: '201' })).toBe(1);

    const port = await freePort();
    stack.startWorker({ LRSWEEP_METRICS_PORT: String(port) });
    await waitFor('the sweep to complete', async () => (await stack.app.inject({ url: `/v1/sweeps/${id}` })).json().status === 'completed');
    // Postgres says completed as the last trial is written; BullMQ moves its job a moment later.
    await waitFor('every job completed in the queue', async () => valueOf((await scrapeApi()).families, 'lrsweep_queue_jobs', { state: 'completed' }) === trials);
    for (let i = 0; i < 3; i++) await stack.app.inject({ url: `/v1/sweeps/${id}` });

    const { families: after, text: afterText } = await scrapeApi();
    expect(valueOf(after, 'lrsweep_trials', { state: 'queued' })).toBe(0);
    expect(valueOf(after, 'lrsweep_trials', { state: 'completed' })).toBe(trials);
    expect(valueOf(after, 'lrsweep_sweeps', { status: 'completed' })).toBe(1);
    expect(valueOf(after, 'lrsweep_queue_jobs', { state: 'waiting' })).toBe(0);
    expect(valueOf(after, 'lrsweep_queue_jobs', { state: 'completed' })).toBe(trials);
    expect(valueOf(after, 'lrsweep_workers')).toBe(1);
    // Routes are labelled by pattern, never by id, and the polls above were counted.
    expect(histogramCount(afterText, 'lrsweep_http_request_duration_seconds', { route: '/v1/sweeps/:id', method: 'GET', status_code: '200' })).toBeGreaterThanOrEqual(4);
    expect(afterText).not.toContain(id);

    // The worker hears each trial's last report over its own channel, possibly after Postgres.
    const workerText = await waitFor('the worker /metrics to count every trial', async () => {
      const res = await fetch(`http://127.0.0.1:${port}/metrics`).catch(() => undefined);
      const text = res?.ok ? await res.text() : undefined;
      return text && valueOf(parse(text), 'lrsweep_worker_trials_finished_total', { state: 'completed' }) === trials ? text : undefined;
    });
    const worker = parse(workerText);
    expect(valueOf(worker, 'lrsweep_worker_trials_finished_total', { state: 'completed' })).toBe(trials);
    expect(valueOf(worker, 'lrsweep_worker_trials_finished_total', { state: 'failed' })).toBe(0);
    expect(histogramCount(workerText, 'lrsweep_worker_epoch_duration_seconds')).toBe(trials * EPOCHS);
    expect(histogramCount(workerText, 'lrsweep_worker_trial_duration_seconds', { state: 'completed' })).toBe(trials);
    expect(valueOf(worker, 'lrsweep_worker_samples_per_second')).toBeGreaterThan(0);
    expect(worker.some((f) => f.name === 'process_cpu_seconds_total')).toBe(true);
    expect((await fetch(`http://127.0.0.1:${port}/other`)).status).toBe(404);

    // Every series the Grafana dashboard plots exists under that name.
    const grafana = readFileSync(new URL('../../../deploy/grafana/lrsweep.json', import.meta.url), 'utf8');
    const plotted = new Set([...grafana.matchAll(/lrsweep_[a-z_]+/g)].map(([m]) => m.replace(/_(bucket|count|sum)$/, '')));
    const exported = new Set([...after, ...worker].map((f) => f.name));
    expect([...plotted].filter((name) => !exported.has(name))).toEqual([]);
    expect(plotted.size).toBeGreaterThanOrEqual(9);
  });
});
