import { REFUSED_TASKS } from '@lrsweep/contracts/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStack, type Stack } from './stack.ts';

// Bad input is answered 400 with every bad field named by JSON pointer, and nothing is written.

const valid = {
  name: 'v',
  task: { dataset: 'spirals', model: { type: 'mlp', hidden: [8] }, epochs: 3, batchSize: 32, optimizer: { type: 'SGD', lr: 0.1 } },
  schedules: [{ type: 'StepLR', step_size: 1 }],
};

const withTask = (patch: object) => ({ ...valid, task: { ...valid.task, ...patch } });
const withSchedules = (schedules: object[], extra: object = {}) => ({ ...valid, schedules, ...extra });

const cases: Array<[string, object, string, RegExp?]> = [
  ['unknown top-level field', { ...valid, colour: 'red' }, '/colour', /unknown field/],
  ['unknown task field', withTask({ gpu: true }), '/task/gpu', /unknown field/],
  ['string where an integer belongs', withTask({ epochs: '10' }), '/task/epochs'],
  ['zero epochs', withTask({ epochs: 0 }), '/task/epochs'],
  ['unknown dataset', withTask({ dataset: 'imagenet' }), '/task/dataset'],
  ['a CNN deeper than a 28x28 image allows', withTask({ dataset: 'mnist', model: { type: 'cnn', channels: [4, 4, 4, 4] } }), '/task/model/channels', /at most 2 entries for a 28x28 image/],
  ['a CNN on flat data', withTask({ model: { type: 'cnn' } }), '/task/model/type', /image data/],
  ['negative lr', withTask({ optimizer: { type: 'SGD', lr: -1 } }), '/task/optimizer'],
  ['missing schedules', { name: 'x', task: valid.task }, '/schedules', /required/],
  ['unknown scheduler type', withSchedules([{ type: 'WarmupLR' }]), '/schedules/0/type', /StepLR/],
  ['invalid PyTorch parameter', withSchedules([{ type: 'CosineAnnealingWarmRestarts', T_0: 0 }]), '/schedules/0/T_0', /T_0/],
  ['bad value inside a grid axis', withSchedules([{ type: 'StepLR', step_size: { values: [2, -1] } }]), '/schedules/0/step_size', /values\/1/],
  ['empty grid axis', withSchedules([{ type: 'StepLR', step_size: { values: [] } }]), '/schedules/0/step_size/values', /at least one/],
  ['error in a nested scheduler', withSchedules([{ type: 'SequentialLR', schedulers: [{ type: 'ConstantLR' }, { type: 'CosineAnnealingLR', T_max: -3 }], milestones: [2] }]), '/schedules/0/schedulers/1/T_max'],
  ['OneCycleLR shorter than training', withSchedules([{ type: 'OneCycleLR', max_lr: 0.1, total_steps: 10 }]), '/schedules/0', /total steps|Tried to step/i],
  ['code in lr_lambda', withSchedules([{ type: 'LambdaLR', lr_lambda: "__import__('os').system('id')" }]), '/schedules/0/lr_lambda'],
  ['plateau mode against the objective', withSchedules([{ type: 'ReduceLROnPlateau' }], { objective: { metric: 'val_acc', mode: 'max' } }), '/schedules/0/mode', /max/],
  ['count with a grid', withSchedules([{ type: 'StepLR', step_size: 1 }], { search: { method: 'grid', count: 5 } }), '/search/count', /random.*sobol/],
  ['a distribution under a grid', withSchedules([{ type: 'ExponentialLR', gamma: { distribution: 'uniform', min: 0.5, max: 0.9 } }]), '/schedules/0/gamma', /not enumerated/],
  ['min > max', withSchedules([{ type: 'ExponentialLR', gamma: { distribution: 'uniform', min: 0.9, max: 0.5 } }], { search: { method: 'random', count: 2 } }), '/schedules/0/gamma/min', /greater than max/],
  ['a non-positive log bound', withTask({ optimizer: { type: 'SGD', lr: { distribution: 'log_uniform_values', min: 0, max: 1 } } }), '/task/optimizer/lr/min', /positive/],
  ['an unknown search method', withSchedules([{ type: 'StepLR', step_size: 1 }], { search: { method: 'bayes', count: 5 } }), '/search/method'],
  ['a random search over the trial limit', withSchedules([{ type: 'ExponentialLR', gamma: { distribution: 'uniform', min: 0.5, max: 0.9 } }], { search: { method: 'sobol', count: 200 }, seeds: 100 }), '/search/count', /20000 trials/],
  ['an objective the built-in trainer does not report', { ...valid, objective: { metric: 'val_f1', mode: 'max' } }, '/objective/metric', /the built-in trainer reports val_loss, val_acc, train_loss; 'val_f1'/],
  ['an objective metric that is not a name', { ...valid, objective: { metric: 'f1 score', mode: 'max' } }, '/objective/metric'],
  ['a script objective named as a report field', { ...valid, task: { trainer: 'any', epochs: 3, optimizer: { type: 'SGD', lr: 0.1 } }, objective: { metric: 'seconds', mode: 'min' } }, '/objective/metric', /report's own fields/],
  ['successive halving with eta < 2', { ...valid, early_stopping: { type: 'successive_halving', min_epochs: 1, eta: 1 } }, '/early_stopping/eta'],
  ['successive halving whose first rung is the whole run', { ...valid, early_stopping: { type: 'successive_halving', min_epochs: 3, eta: 3 } }, '/early_stopping/min_epochs', /less than the task's epochs \(3\)/],
  [
    'successive halving whose worst case is over the trial limit',
    withSchedules([{ type: 'StepLR', step_size: { values: Array.from({ length: 100 }, (_, i) => i + 1) } }], { seeds: 90, early_stopping: { type: 'successive_halving', min_epochs: 1, eta: 2 } }),
    '/early_stopping',
    /up to 16020 trials/,
  ],
  [
    'successive halving of a schedule that cannot be rescaled',
    withSchedules([{ type: 'MultiplicativeLR', lr_lambda: '1 - 0.01 * epoch' }], { early_stopping: { type: 'successive_halving', min_epochs: 2, eta: 2 } }),
    '/schedules/0/lr_lambda',
    /cannot be rescaled to the 2-epoch rung: .*2 divides 3.*"rescale": false/,
  ],
  ['grid over the trial limit', withSchedules([{ type: 'StepLR', step_size: { values: Array.from({ length: 200 }, (_, i) => i + 1) } }], { seeds: 100 }), '/schedules', /20000 trials/],
];

let stack: Stack;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(async () => {
  await stack?.stop();
});

describe('POST /v1/sweeps refuses bad input', () => {
  it.each(cases)('%s', async (_name, payload, path, message) => {
    const res = await stack.app.inject({ method: 'POST', url: '/v1/sweeps', payload });
    expect(res.statusCode, res.body).toBe(400);
    const { error } = res.json();
    expect(error.code).toBe('LRS_VALIDATION');
    const issue = error.issues.find((i: { path: string }) => i.path === path);
    expect(issue, `no issue at ${path} in ${res.body}`).toBeDefined();
    if (message) expect(issue.message).toMatch(message);
  });

  // The table the trainer's tests run too: a task the worker would refuse is refused here, by
  // the same field, instead of failing every trial after a 201.
  it.each(REFUSED_TASKS.map((c) => [c.name, c] as const))('every field the trainer refuses is a 400 at submit: %s', async (_name, c) => {
    const res = await stack.app.inject({ method: 'POST', url: '/v1/sweeps', payload: { ...valid, task: c.task } });
    expect(res.statusCode, res.body).toBe(400);
    const { error } = res.json();
    expect(error.code).toBe('LRS_VALIDATION');
    expect(error.issues.map((i: { path: string }) => i.path), res.body).toContain(`/task${c.path}`);
  });

  it('names every bad field at once', async () => {
    const res = await stack.app.inject({ method: 'POST', url: '/v1/sweeps', payload: { ...withTask({ epochs: 0, batchSize: 'x' }), extra: 1 } });
    const paths = res.json().error.issues.map((i: { path: string }) => i.path);
    expect(paths).toEqual(expect.arrayContaining(['/task/epochs', '/task/batchSize', '/extra']));
  });

  it('answers malformed JSON with 400', async () => {
    const res = await stack.app.inject({ method: 'POST', url: '/v1/sweeps', headers: { 'content-type': 'application/json' }, payload: '{"name": ' });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.message).toMatch(/JSON/i);
  });

  it('wrote nothing and enqueued nothing', async () => {
    expect(await stack.db.sweep.count()).toBe(0);
    expect(await stack.db.trial.count()).toBe(0);
    expect((await stack.app.inject({ url: '/v1/queue' })).json().waiting).toBe(0);
  });
});

describe('ids and paging', () => {
  it('answers a malformed id with 400 and an unknown one with 404', async () => {
    expect((await stack.app.inject({ url: '/v1/sweeps/not-a-uuid' })).statusCode).toBe(400);
    const res = await stack.app.inject({ url: '/v1/sweeps/00000000-0000-4000-8000-000000000000' });
    expect(res.statusCode).toBe(404);
    expect(res.json().error.code).toBe('LRS_SWEEP_NOT_FOUND');
    expect((await stack.app.inject({ url: '/v1/trials/00000000-0000-4000-8000-000000000000' })).statusCode).toBe(404);
  });

  it('refuses a bad page size', async () => {
    expect((await stack.app.inject({ url: '/v1/sweeps?pageSize=0' })).statusCode).toBe(400);
    expect((await stack.app.inject({ url: '/v1/sweeps?page=abc' })).statusCode).toBe(400);
  });
});

describe('cancel', () => {
  it('removes queued trials and marks the sweep cancelled', async () => {
    const created = (await stack.app.inject({ method: 'POST', url: '/v1/sweeps', payload: { ...valid, seeds: 5 } })).json();
    expect((await stack.app.inject({ url: '/v1/queue' })).json().waiting).toBe(5);
    const res = await stack.app.inject({ method: 'POST', url: `/v1/sweeps/${created.id}/cancel` });
    expect(res.statusCode).toBe(200);
    expect(res.json().status).toBe('cancelled');
    expect(res.json().trials.cancelled).toBe(5);
    expect((await stack.app.inject({ url: '/v1/queue' })).json().waiting).toBe(0);
  });

  it('lists sweeps newest first with paging', async () => {
    await stack.app.inject({ method: 'POST', url: '/v1/sweeps', payload: { ...valid, name: 'second' } });
    const page = (await stack.app.inject({ url: '/v1/sweeps?pageSize=1' })).json();
    expect(page.total).toBe(2);
    expect(page.items).toHaveLength(1);
    expect(page.items[0].name).toBe('second');
  });
});

describe('health and preview', () => {
  it('is ready when Postgres and Redis answer', async () => {
    const res = await stack.app.inject({ url: '/readyz' });
    expect(res.json()).toEqual({ ok: true, postgres: true, redis: true });
  });

  it('previews a schedule per epoch', async () => {
    const res = await stack.app.inject({ method: 'POST', url: '/v1/schedules/preview', payload: { schedule: { type: 'StepLR', step_size: 2, gamma: 0.5 }, lr: 0.1, epochs: 5 } });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().lr).toEqual([0.1, 0.1, 0.05, 0.05, 0.025]);
  });

  it('serves the OpenAPI document', async () => {
    const res = await stack.app.inject({ url: '/docs/json' });
    expect(res.statusCode).toBe(200);
    expect(Object.keys(res.json().paths)).toEqual(expect.arrayContaining(['/v1/sweeps', '/v1/sweeps/{id}/leaderboard']));
  });
});
