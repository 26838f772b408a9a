import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { enqueueTrials } from '@lrsweep/queue';
import { freePort, startStack, waitFor, type Stack } from '../../api/test/stack.ts';

// A worker process sharing Redis and a queue prefix with another deployment's API gets jobs
// for trials its database does not hold. Through the real processor, such a job must
// fail at once, say why, and show on the worker's /metrics.

let stack: Stack;
let metricsUrl: string;
beforeAll(async () => {
  stack = await startStack();
  const port = await freePort();
  metricsUrl = `http://127.0.0.1:${port}/metrics`;
  stack.startWorker({ LRSWEEP_METRICS_PORT: String(port), HOST: '127.0.0.1' });
});
afterAll(async () => {
  await stack?.stop();
});

describe('a job whose trial is not in the worker database', () => {
  it('fails without a retry, naming the trial and the settings to check, and is counted on /metrics', async () => {
    const trialId = randomUUID();
    await enqueueTrials(stack.app.trialQueue, [{ trialId, sweepId: randomUUID() }]);
    const job = await waitFor('the job to fail', async () => {
      const j = await stack.app.trialQueue.getJob(trialId);
      return j && (await j.isFailed()) ? j : null;
    });
    expect(job.failedReason).toContain(`trial ${trialId} is not in this worker's database`);
    expect(job.failedReason).toMatch(/DATABASE_URL.*LRSWEEP_QUEUE_PREFIX/);
    expect(job.attemptsMade).toBe(1);
    // The worker counts the failure as BullMQ reports it, a moment after Redis holds it.
    const counted = (text: string | null) => (text && /^lrsweep_worker_unknown_trial_jobs_total 1$/m.test(text) ? text : null);
    const text = await waitFor('the worker /metrics to count it', () => fetch(metricsUrl).then((r) => r.text(), () => null).then(counted), 10_000);
    expect(text).toMatch(/^lrsweep_worker_trials_finished_total\{state="failed"\} 0$/m); // not a trial that failed
  });
});
