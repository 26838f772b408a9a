import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { startStack, waitFor, type Stack } from '../../api/test/stack.ts';
import { systemPart } from '../../api/test/system-parts.ts';

// The dashboard in a real headless Chromium (Debian's package, never a downloaded browser)
// against the real API, a real worker and the live event stream. The worker uses the noop
// backend with slow epochs, so the sweep is still running while the page is looked at.

const CHROMIUM = '/usr/bin/chromium';
const hasChromium = systemPart(`Chromium (${CHROMIUM})`, existsSync(CHROMIUM), 'apt-get install -y chromium');
const EPOCHS = 20;
const sweepBody = {
  name: 'dashboard-live',
  task: { dataset: 'spirals', model: { type: 'mlp', hidden: [8] }, epochs: EPOCHS, batchSize: 64, optimizer: { type: 'SGD', lr: 0.1 } },
  schedules: [{ type: 'StepLR', step_size: 4, gamma: 0.5 }, { type: 'OneCycleLR', max_lr: 0.3, total_steps: EPOCHS * 12, interval: 'step' }],
  seeds: 2,
};
const shot = (name: string) => join(tmpdir(), `lrsweep-dashboard-${name}.png`);

let stack: Stack;
let browser: Browser;
let page: Page;
let base: string;
let sweepId: string;

beforeAll(async () => {
  if (!hasChromium) return; // the suite below is skipped
  stack = await startStack();
  base = await stack.app.listen({ port: 0, host: '127.0.0.1' });
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  const errors: string[] = [];
  page.on('pageerror', (err) => errors.push(err.message));
  page.on('console', (m) => m.type() === 'error' && !/Failed to load resource/.test(m.text()) && errors.push(m.text()));
  (page as Page & { jsErrors?: string[] }).jsErrors = errors;

  const res = await stack.app.inject({ method: 'POST', url: '/v1/sweeps', payload: sweepBody });
  expect(res.statusCode, res.body).toBe(201);
  sweepId = res.json().id;
  stack.startWorker({ LRSWEEP_BACKEND: 'noop', LRSWEEP_NOOP_EPOCH_MS: '250' });
  // Looked at mid-sweep: one trial done (a leaderboard), the next one training.
  await waitFor('a completed trial and a running one', async () => {
    const s = (await stack.app.inject({ url: `/v1/sweeps/${sweepId}` })).json();
    return s.trials.completed >= 1 && s.trials.running >= 1;
  }, 60_000);
});
afterAll(async () => {
  await browser?.close();
  await stack?.stop();
});

const jsErrors = () => (page as Page & { jsErrors?: string[] }).jsErrors ?? [];
const chart = (id: string) =>
  page.$eval(`#${id}`, (el) => ({
    series: Number((el as HTMLElement).dataset.series),
    points: Number((el as HTMLElement).dataset.points),
    canvas: el.querySelector('canvas') !== null,
    legend: [...el.querySelectorAll('.u-legend .u-series th, .u-legend .u-series .u-label')].map((n) => n.textContent ?? '').filter((t) => t !== ''),
  }));

describe.skipIf(!hasChromium)('the dashboard', () => {
  it('lists sweeps with their progress and opens a running one', async () => {
    await page.goto(base + '/');
    const row = page.locator(`tr[data-id="${sweepId}"]`);
    await row.waitFor();
    expect(await row.textContent()).toContain('dashboard-live');
    expect(await row.locator('.badge').textContent()).toBe('running');
    expect(Number(await row.locator('[role=progressbar]').getAttribute('aria-valuenow'))).toBeGreaterThan(0);
    await page.screenshot({ path: shot('sweeps') });
    await row.locator('a').click();
    await page.waitForURL(`**/#/sweeps/${sweepId}`);
  });

  it('shows the leaderboard and both charts with data, and a new epoch arrives without a reload', async () => {
    await page.locator('#board table.board tbody tr').first().waitFor();
    expect(await page.locator('#board').textContent()).toMatch(/StepLR|OneCycleLR/);
    expect(await page.locator('#board').textContent()).toMatch(/±/);

    await page.waitForFunction(() => Number((document.querySelector('#loss-chart') as HTMLElement | null)?.dataset.points) > 0);
    const lr = await chart('lr-chart');
    expect(lr.canvas).toBe(true);
    expect(lr.series).toBe(2);
    // OneCycleLR steps per optimizer step: one point per step; StepLR one per epoch.
    expect(lr.points).toBe(EPOCHS + EPOCHS * 12);
    expect(lr.legend.join(' ')).toContain('OneCycleLR(');
    const loss = await chart('loss-chart');
    expect(loss.canvas).toBe(true);
    expect(loss.series).toBe(4);
    expect(loss.legend.join(' ')).toContain('seed 1');

    // No reload: a marker set on this window must still be there when the chart has grown.
    await page.evaluate(() => ((window as unknown as { marker: number }).marker = 42));
    await page.waitForFunction((n) => Number((document.querySelector('#loss-chart') as HTMLElement).dataset.points) > n, loss.points, { timeout: 20_000 });
    expect(await page.evaluate(() => (window as unknown as { marker?: number }).marker)).toBe(42);
    expect(await page.locator('#live').textContent()).toMatch(/live|finished/);
    expect(await page.locator('#trials tbody tr').count()).toBe(4);
    // The chart draws any metric the trials reported, the objective first.
    await page.waitForFunction(() => document.querySelectorAll('#metric option').length === 3);
    expect(await page.locator('#metric option').allTextContents()).toEqual(['val_loss', 'val_acc', 'train_loss']);
    await page.selectOption('#metric', 'val_acc');
    await page.waitForFunction(() => (document.querySelector('#loss-chart') as HTMLElement).getAttribute('aria-label')?.startsWith('val_acc:'));
    expect((await chart('loss-chart')).series).toBe(4);
    await page.screenshot({ path: shot('sweep'), fullPage: true });
    expect(jsErrors()).toEqual([]);
  });

  it('shows the queue', async () => {
    await page.goto(`${base}/#/queue`);
    await page.locator('[data-count="workers"] b').waitFor();
    expect(Number(await page.locator('[data-count="workers"] b').textContent())).toBeGreaterThanOrEqual(1);
    await page.locator('#workers table').waitFor();
    await page.screenshot({ path: shot('queue') });
  });

  it('links Bull Board, which shows the trial queue read-only', async () => {
    await page.goto(`${base}/admin/queues`);
    await page.getByText('trials', { exact: true }).first().waitFor({ timeout: 15_000 });
    await page.screenshot({ path: shot('bull-board') });
  });

  it('previews the schedules of a sweep being written, shows bad fields by JSON pointer and line, then submits', async () => {
    await page.goto(`${base}/#/new`);
    const spec = page.locator('#spec');
    await spec.waitFor();
    const body = { ...sweepBody, name: 'from-the-form', schedules: [{ type: 'StepLR', step_size: { values: [2, -1] }, gamma: 0.5 }] };
    await spec.fill(JSON.stringify(body, null, 2));
    // The live preview draws the grid's concrete schedules, and names the one PyTorch would refuse.
    await page.waitForFunction(() => Number((document.querySelector('#preview') as HTMLElement | null)?.dataset.series) === 1);
    expect(await page.locator('#preview').getAttribute('data-points')).toBe(String(EPOCHS));
    expect(await page.locator('#preview-note').textContent()).toMatch(/1 not shown: StepLR\(step_size=-1/);

    // A field the schema does not know: refused by the API's schema, shown on its line.
    const unknown = JSON.stringify({ ...body, epochz: 3 }, null, 2);
    await spec.fill(unknown);
    await page.locator('#submit').click();
    const schemaIssue = page.locator('#issues li[data-path="/epochz"]');
    await schemaIssue.waitFor();
    expect(await schemaIssue.textContent()).toMatch(/unknown field/);
    expect(await schemaIssue.locator('button').textContent()).toBe(`line ${unknown.split('\n').findIndex((l) => l.includes('"epochz"')) + 1}`);

    // A schedule parameter PyTorch would refuse, at the grid value that is wrong.
    await spec.fill(JSON.stringify(body, null, 2));
    await page.locator('#submit').click();
    const issue = page.locator('#issues li[data-path="/schedules/0/step_size"]');
    await issue.waitFor();
    expect(await issue.textContent()).toMatch(/step_size/);
    const line = JSON.stringify(body, null, 2).split('\n').findIndex((l) => l.includes('"step_size"')) + 1;
    expect(await issue.locator('button').textContent()).toBe(`line ${line}`);
    expect(await spec.getAttribute('aria-invalid')).toBe('true');
    await page.screenshot({ path: shot('form-error'), fullPage: true });

    await spec.fill(JSON.stringify({ ...body, schedules: [{ type: 'StepLR', step_size: 2, gamma: 0.5 }] }, null, 2));
    await page.locator('#submit').click();
    await page.waitForURL(/#\/sweeps\/[0-9a-f-]{36}$/);
    const created = page.url().split('/').pop()!;
    expect((await stack.app.inject({ url: `/v1/sweeps/${created}` })).json().name).toBe('from-the-form');
    await stack.app.inject({ method: 'POST', url: `/v1/sweeps/${created}/cancel` });
  });

  it('reruns the cancelled trials of a sweep from its page', async () => {
    const res = await stack.app.inject({ method: 'POST', url: '/v1/sweeps', payload: { ...sweepBody, name: 'dashboard-rerun', schedules: [sweepBody.schedules[0]], seeds: 1 } });
    const id: string = res.json().id;
    await stack.app.inject({ method: 'POST', url: `/v1/sweeps/${id}/cancel` });
    await page.goto(`${base}/#/sweeps/${id}`);
    await page.locator('#rerun').click();
    const sweep = await waitFor('the sweep to run again', async () => {
      const s = (await stack.app.inject({ url: `/v1/sweeps/${id}` })).json();
      return s.status === 'running' ? s : null;
    }, 10_000);
    expect(sweep.trials.cancelled).toBe(0);
    // The page refreshes itself: nothing is left to rerun, so the button goes.
    await page.locator('#rerun').waitFor({ state: 'detached', timeout: 10_000 });
    expect(jsErrors()).toEqual([]);
    await stack.app.inject({ method: 'POST', url: `/v1/sweeps/${id}/cancel` });
  });

  it("draws a random search's configurations, each at its own lr", async () => {
    const random = {
      ...sweepBody,
      name: 'dashboard-random',
      task: { ...sweepBody.task, optimizer: { type: 'SGD', lr: { distribution: 'log_uniform_values', min: 0.01, max: 0.5 } } },
      schedules: [{ type: 'StepLR', step_size: { distribution: 'int_uniform', min: 2, max: 6 }, gamma: 0.5 }],
      search: { method: 'random', count: 3, seed: 1 },
      seeds: 1,
    };
    const res = await stack.app.inject({ method: 'POST', url: '/v1/sweeps', payload: random });
    expect(res.statusCode, res.body).toBe(201);
    const id: string = res.json().id;
    await page.goto(`${base}/#/sweeps/${id}`);
    await page.waitForFunction(() => Number((document.querySelector('#lr-chart') as HTMLElement | null)?.dataset.points) > 0);
    const lr = await chart('lr-chart');
    expect(lr.series).toBe(3);
    expect(lr.points).toBe(3 * EPOCHS);
    expect(new Set(lr.legend.filter((l) => / at lr=0\.\d+/.test(l))).size).toBe(3);
    expect(jsErrors()).toEqual([]);
    await stack.app.inject({ method: 'POST', url: `/v1/sweeps/${id}/cancel` });
  });

  it('fits a phone screen without sideways scrolling', async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto(`${base}/#/sweeps/${sweepId}`);
    await page.waitForFunction(() => Number((document.querySelector('#loss-chart') as HTMLElement | null)?.dataset.points) > 0);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    await page.screenshot({ path: shot('phone'), fullPage: true });
    expect(overflow).toBeLessThanOrEqual(0);
    expect(jsErrors()).toEqual([]);
  });

  it('shows a successive-halving sweep\'s rungs, the rung each schedule reached and the stopped trials', async () => {
    const body = {
      name: 'dashboard-halving',
      task: { ...sweepBody.task, epochs: 2 },
      schedules: ['1', '0.5', '0.2'].map((f) => ({ type: 'LambdaLR', lr_lambda: f })),
      seeds: 2,
      early_stopping: { type: 'successive_halving', min_epochs: 1, eta: 3 },
    };
    const res = await stack.app.inject({ method: 'POST', url: '/v1/sweeps', payload: body });
    expect(res.statusCode, res.body).toBe(201);
    const id: string = res.json().id;
    // Queued behind the live sweep's trials on the one worker.
    await waitFor('the halving sweep to complete', async () => (await stack.app.inject({ url: `/v1/sweeps/${id}` })).json().status === 'completed', 120_000);
    await page.setViewportSize({ width: 1280, height: 800 });
    await page.goto(`${base}/#/sweeps/${id}`);
    await page.locator('#rungs').waitFor();
    expect(await page.locator('#rungs').textContent()).toMatch(/rung 0 \(1 epochs\): 3 schedules, 2 stopped · rung 1 \(2 epochs\): 1 schedule · 10 of the full grid's 12 epochs/);
    const board = page.locator('#board table.board tbody tr');
    await board.first().waitFor();
    expect(await board.count()).toBe(3);
    expect(await board.nth(0).textContent()).toMatch(/best/);
    expect(await board.nth(2).textContent()).toMatch(/stopped/);
    expect(await page.locator('#trials').textContent()).toMatch(/rung 0 \(1 epochs\): ranked 2 of 3: not in the best 1/);
    expect(jsErrors()).toEqual([]);
  }, 150_000);
});
