import type { InjectOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStack, type Stack } from './stack.ts';

// Hostile and malformed requests, one table: each is answered 4xx with our error body and a
// message that says what is wrong; afterwards the server still serves and nothing was written.
// sweep-validation.int.test.ts covers the ordinary spec mistakes; these are the nastier ones.

const task = { dataset: 'spirals', model: { type: 'mlp', hidden: [8] }, epochs: 3, batchSize: 32, optimizer: { type: 'SGD', lr: 0.1 } };
const valid = { name: 'bad-input', task, schedules: [{ type: 'StepLR', step_size: 1 }] };
const UNKNOWN = '00000000-0000-4000-8000-000000000000';

const post = (payload: unknown): InjectOptions => ({ method: 'POST', url: '/v1/sweeps', payload: payload as object });
/** A body sent as these exact bytes, for what JSON.stringify cannot produce. */
const raw = (body: string | Buffer, contentType = 'application/json'): InjectOptions => ({
  method: 'POST',
  url: '/v1/sweeps',
  headers: { 'content-type': contentType },
  payload: body,
});
const withTask = (patch: object) => post({ ...valid, task: { ...task, ...patch } });
const withSchedule = (schedule: object, extra: object = {}) => post({ ...valid, schedules: [schedule], ...extra });
const lambda = (lr_lambda: unknown) => withSchedule({ type: 'LambdaLR', lr_lambda });
const nested = (depth: number) => '['.repeat(depth) + '1' + ']'.repeat(depth);
const validJson = JSON.stringify(valid);

interface Case {
  request: InjectOptions;
  status: number;
  /** Our stable error code. */
  code: string;
  /** What the message (or, for validation errors, the issue at `path`) must say. */
  says: RegExp;
  path?: string;
}

const LAMBDA = '/schedules/0/lr_lambda';
const code = (status: number, code: string, says: RegExp, path?: string) => ({ status, code, says, ...(path ? { path } : {}) });
const invalid = (path: string, says: RegExp) => code(400, 'LRS_VALIDATION', says, path);

const cases: Record<string, Case> = {
  // --- lr_lambda: our own parser, which never hands anything to JavaScript ---------------
  "python import": { request: lambda("__import__('os')"), ...invalid(LAMBDA, /NameError: name '__import__' is not defined/) },
  'python dunder walk': { request: lambda('().__class__.__bases__[0].__subclasses__()'), ...invalid(LAMBDA, /SyntaxError/) },
  'Function via constructor': { request: lambda("constructor.constructor('return process')()"), ...invalid(LAMBDA, /NameError: name 'constructor'/) },
  'process.exit': { request: lambda('process.exit()'), ...invalid(LAMBDA, /NameError: name 'process'/) },
  'this': { request: lambda('this'), ...invalid(LAMBDA, /NameError: name 'this'/) },
  'globalThis': { request: lambda('globalThis.process.env'), ...invalid(LAMBDA, /NameError: name 'globalThis'/) },
  'require': { request: lambda("require('child_process').execSync('id')"), ...invalid(LAMBDA, /NameError: name 'require'/) },
  'eval': { request: lambda("eval('1')"), ...invalid(LAMBDA, /NameError: name 'eval'/) },
  'attribute of epoch': { request: lambda('epoch.constructor'), ...invalid(LAMBDA, /AttributeError/) },
  'prototype through math': { request: lambda('math.__proto__'), ...invalid(LAMBDA, /AttributeError: module 'math' has no allowed attribute '__proto__'/) },
  'template literal': { request: lambda('${process.exit()}'), ...invalid(LAMBDA, /unexpected character "\$"/) },
  'statement after the expression': { request: lambda('epoch; process.exit()'), ...invalid(LAMBDA, /unexpected character ";"/) },
  'a Python lambda': { request: lambda('lambda epoch: 0.95 ** epoch'), ...invalid(LAMBDA, /'lambda' is not allowed/) },
  'code in an untaken branch': { request: lambda("1 if epoch >= 0 else __import__('os')"), ...invalid(LAMBDA, /NameError/) },
  'a 2,000-character expression': { request: lambda('1+'.repeat(1000) + '1'), ...invalid(LAMBDA, /longer than 1000 characters/) },
  'a 100 KB expression': { request: lambda('1+'.repeat(50_000) + '1'), ...invalid('/schedules/0', /bytes as JSON; the limit is 4096/) },
  '150 nested parentheses': { request: lambda('('.repeat(150) + 'epoch' + ')'.repeat(150)), ...invalid(LAMBDA, /nests deeper than 100 levels/) },
  'a number, not an expression': { request: lambda(0.5), ...invalid(LAMBDA, /string/) },
  'code in a grid value': { request: lambda({ values: ['0.95 ** epoch', 'process.exit()'] }), ...invalid(LAMBDA, /NameError.*values\/1/) },
  'code in MultiplicativeLR': { request: withSchedule({ type: 'MultiplicativeLR', lr_lambda: 'hasOwnProperty(epoch)' }), ...invalid(LAMBDA, /NameError: name 'hasOwnProperty'/) },
  'code in a preview': {
    request: { method: 'POST', url: '/v1/schedules/preview', payload: { schedule: { type: 'LambdaLR', lr_lambda: 'process.exit()' }, epochs: 3 } },
    ...invalid('/schedule/lr_lambda', /NameError/),
  },

  // --- wrong types and out-of-range values ---------------------------------------------
  'name is a number': { request: post({ ...valid, name: 42 }), ...invalid('/name', /string/) },
  'name is empty': { request: post({ ...valid, name: '' }), ...invalid('/name', /fewer than 1/) },
  'name is too long': { request: post({ ...valid, name: 'x'.repeat(201) }), ...invalid('/name', /more than 200/) },
  'task is an array': { request: post({ ...valid, task: [task] }), ...invalid('/task', /object/) },
  'fractional epochs': { request: withTask({ epochs: 2.5 }), ...invalid('/task/epochs', /integer/) },
  'too many epochs': { request: withTask({ epochs: 1001 }), ...invalid('/task/epochs', /<= 1000/) },
  'negative batch size': { request: withTask({ batchSize: -32 }), ...invalid('/task/batchSize', />= 1/) },
  'zero learning rate': { request: withTask({ optimizer: { type: 'SGD', lr: 0 } }), ...invalid('/task/optimizer/lr', /> 0/) },
  'lr as the string NaN': { request: withTask({ optimizer: { type: 'SGD', lr: 'NaN' } }), ...invalid('/task/optimizer/lr', /number/) },
  'momentum above 1': { request: withTask({ optimizer: { type: 'SGD', lr: 0.1, momentum: 1.5 } }), ...invalid('/task/optimizer/momentum', /<= 1/) },
  'zero seeds': { request: post({ ...valid, seeds: 0 }), ...invalid('/seeds', />= 1|integer|array/) },
  'duplicate seeds': { request: post({ ...valid, seeds: [1, 1] }), ...invalid('/seeds', /duplicate|array|integer/) },
  'negative seed': { request: post({ ...valid, seeds: [-1] }), ...invalid('/seeds', />= 0|integer/) },
  'schedules is an object': { request: post({ ...valid, schedules: { type: 'StepLR' } }), ...invalid('/schedules', /array/) },
  'schedule type empty': { request: withSchedule({ type: '' }), ...invalid('/schedules/0/type', /fewer than 1/) },
  'schedule without a type': { request: withSchedule({ step_size: 1 }), ...invalid('/schedules/0/type', /required/) },
  'gamma as a string': { request: withSchedule({ type: 'StepLR', step_size: 1, gamma: '0.5' }), ...invalid('/schedules/0/gamma', /number/) },
  'fractional step_size': { request: withSchedule({ type: 'StepLR', step_size: 1.5 }), ...invalid('/schedules/0/step_size', /integer/) },
  'unknown objective metric': { request: post({ ...valid, objective: { metric: 'accuracy', mode: 'max' } }), ...invalid('/objective/metric', /the built-in trainer reports val_loss, val_acc, train_loss; 'accuracy'/) },
  'a million-trial grid': {
    request: withSchedule({ type: 'StepLR', step_size: { values: [...Array(100).keys()].map((i) => i + 1) }, gamma: { values: [...Array(100).keys()].map((i) => (i + 1) / 101) }, last_epoch: { values: Array(100).fill(-1) } }),
    ...invalid('/schedules', /1000000 trials/),
  },
  'a 20 KB schedule': { request: withSchedule({ type: 'MultiStepLR', milestones: [...Array(4000).keys()].map((i) => i + 1) }), ...invalid('/schedules/0', /bytes as JSON; the limit is 4096/) },
  'a preview of 10^8 steps': {
    request: { method: 'POST', url: '/v1/schedules/preview', payload: { schedule: { type: 'OneCycleLR', max_lr: 0.1, total_steps: 100_000_000 }, epochs: 1000, stepsPerEpoch: 100_000 } },
    ...invalid('/stepsPerEpoch', /limit is 100000/),
  },

  // --- bodies ---------------------------------------------------------------------------
  'a body over 1 MiB': { request: post({ ...valid, name: 'x'.repeat(1024 * 1024) }), ...code(413, 'LRS_BODY_TOO_LARGE', /too large/) },
  'invalid UTF-8 bytes': {
    request: raw(Buffer.concat([Buffer.from('{"name":"'), Buffer.from([0xc3, 0x28, 0xff]), Buffer.from(validJson.slice(validJson.indexOf('",')))])),
    ...code(400, 'LRS_BAD_BODY', /not valid UTF-8/),
  },
  'text/plain': { request: raw(validJson, 'text/plain'), ...code(415, 'LRS_UNSUPPORTED_MEDIA_TYPE', /must be application\/json, not 'text\/plain'/) },
  'a form': { request: raw('name=x&task=y', 'application/x-www-form-urlencoded'), ...code(415, 'LRS_UNSUPPORTED_MEDIA_TYPE', /application\/json/) },
  '__proto__ at the top': { request: raw(`{"__proto__": {"isAdmin": true}, ${validJson.slice(1)}`), ...code(400, 'LRS_BAD_BODY', /"__proto__"/) },
  'constructor.prototype in a schedule': {
    request: raw(JSON.stringify({ ...valid, schedules: [{ type: 'StepLR', step_size: 1, constructor: { prototype: { polluted: 1 } } }] })),
    ...code(400, 'LRS_BAD_BODY', /"constructor"/),
  },
  '__proto__ spelled with escapes': { request: raw(`{"\\u005f_proto__": {"x": 1}, ${validJson.slice(1)}`), ...code(400, 'LRS_BAD_BODY', /"__proto__"/) },
  'a number that overflows to Infinity': { request: raw(validJson.replace('"lr":0.1', '"lr":1e999')), ...code(400, 'LRS_BAD_BODY', /too large/) },
  'NaN as a bare token': { request: raw(validJson.replace('"lr":0.1', '"lr":NaN')), ...code(400, 'LRS_BAD_BODY', /not valid JSON/) },
  'trailing garbage': { request: raw(validJson + ' x'), ...code(400, 'LRS_BAD_BODY', /not valid JSON/) },
  'an array body': { request: post([valid]), ...invalid('/', /object/) },
  'a null body': { request: raw('null'), ...invalid('/', /object/) },
  'nesting 10,000 deep': { request: raw(validJson.replace('"step_size":1', `"step_size":1,"x":${nested(10_000)}`)), ...code(400, 'LRS_BAD_BODY', /deeper than 32 levels/) },
  'an empty JSON body': { request: raw(''), ...code(400, 'LRS_BAD_BODY', /empty/) },

  // --- ids in paths ------------------------------------------------------------------------
  'SQL in an id': { request: { url: "/v1/sweeps/1'%20OR%20'1'='1" }, ...invalid('/params/id', /uuid/) },
  'path traversal in an id': { request: { url: '/v1/trials/..%2F..%2Fetc%2Fpasswd' }, ...invalid('/params/id', /uuid/) },
  'a NUL byte as an id': { request: { url: '/v1/sweeps/%00/leaderboard' }, ...invalid('/params/id', /uuid/) },
  'an almost-uuid': { request: { url: `/v1/sweeps/${UNKNOWN.slice(0, -1)}g/trials` }, ...invalid('/params/id', /uuid/) },
  'a broken percent-escape': { request: { url: '/v1/sweeps/%E0%A4%A' }, ...code(400, 'LRS_BAD_URL', /percent-escape/) },
  'a 300-character id': { request: { method: 'POST', url: `/v1/sweeps/${'a'.repeat(300)}/cancel` }, ...code(414, 'LRS_BAD_URL', /longer than 100 characters/) },
  'cancel with a bad id': { request: { method: 'POST', url: '/v1/sweeps/undefined/cancel' }, ...invalid('/params/id', /uuid/) },

  // --- query strings ---------------------------------------------------------------------
  'a repeated page': { request: { url: '/v1/sweeps?page=1&page=2' }, ...invalid('/querystring/page', /integer/) },
  'an unknown parameter': { request: { url: '/v1/sweeps?orderBy=id' }, ...invalid('/querystring/orderBy', /unknown field/) },
  'an operator object': { request: { url: '/v1/sweeps?page[$gt]=1' }, ...invalid('/querystring/page[$gt]', /unknown field/) },
  '__proto__ in the query': { request: { url: '/v1/sweeps?__proto__[admin]=1' }, ...invalid('/querystring/__proto__[admin]', /unknown field/) },
  'page 10^20': { request: { url: '/v1/sweeps?page=100000000000000000000' }, ...invalid('/querystring/page', /<= 1000000/) },
  'a negative page': { request: { url: '/v1/sweeps?page=-1' }, ...invalid('/querystring/page', />= 1/) },
  'pageSize NaN': { request: { url: '/v1/sweeps?pageSize=NaN' }, ...invalid('/querystring/pageSize', /integer/) },
  'an unknown trial state': { request: { url: `/v1/sweeps/${UNKNOWN}/trials?state=exploded` }, ...invalid('/querystring/state', /constant|equal/) },
};

let stack: Stack;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(async () => {
  await stack?.stop();
});

describe('malformed and hostile requests', () => {
  it('are at least 40', () => {
    expect(Object.keys(cases).length).toBeGreaterThanOrEqual(40);
  });

  it.each(Object.entries(cases))('%s', async (_name, c) => {
    const res = await stack.app.inject(c.request);
    expect(res.statusCode, res.body.slice(0, 500)).toBe(c.status);
    const { error } = res.json();
    expect(error.code).toBe(c.code);
    if (c.path === undefined) {
      expect(error.message).toMatch(c.says);
    } else {
      const issue = error.issues?.find((i: { path: string }) => i.path === c.path);
      expect(issue, `no issue at ${c.path} in ${res.body.slice(0, 500)}`).toBeDefined();
      expect(issue.message).toMatch(c.says);
    }
    // A refusal never echoes a megabyte back.
    expect(res.body.length).toBeLessThan(4096);
  });

  it('wrote nothing and enqueued nothing', async () => {
    expect(await stack.db.sweep.count()).toBe(0);
    expect(await stack.db.trial.count()).toBe(0);
    expect((await stack.app.inject({ url: '/v1/queue' })).json()).toMatchObject({ waiting: 0, active: 0, delayed: 0 });
  });

  it('left the server serving', async () => {
    const res = await stack.app.inject(post(valid));
    expect(res.statusCode, res.body).toBe(201);
    expect((await stack.app.inject({ url: `/v1/sweeps/${res.json().id}` })).json().name).toBe('bad-input');
    expect((await stack.app.inject({ url: '/readyz' })).statusCode).toBe(200);
  });
});
