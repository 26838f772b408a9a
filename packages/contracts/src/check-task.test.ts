import { describe, expect, it } from 'vitest';
import { REFUSED_TASKS, VALID_TASK } from '@lrsweep/contracts/testing';
import { AdamOptimizer, BuiltinTask, CnnModel, MlpModel, SgdOptimizer, builtinTaskIssues, stepsPerEpoch } from './index.ts';

describe('builtinTaskIssues', () => {
  it('accepts a valid task, and a CNN as deep as the mnist image allows', () => {
    expect(builtinTaskIssues(VALID_TASK)).toEqual([]);
    expect(builtinTaskIssues({ ...VALID_TASK, dataset: 'mnist', model: { type: 'cnn' } })).toEqual([]);
    expect(builtinTaskIssues({ ...VALID_TASK, dataset: 'mnist', model: { type: 'cnn', channels: [4, 4] } })).toEqual([]);
    expect(builtinTaskIssues({ ...VALID_TASK, optimizer: { type: 'AdamW', lr: 0.01, betas: [0.9, 0.99] } })).toEqual([]);
  });

  it.each(REFUSED_TASKS.map((c) => [c.name, c] as const))('refuses %s, naming the field', (_name, c) => {
    const issues = builtinTaskIssues(c.task);
    expect(issues.map((i) => i.path)).toContain(c.path);
    expect(issues.every((i) => i.message.length > 0)).toBe(true);
  });

  it('says which types a discriminated union accepts', () => {
    const [issue] = builtinTaskIssues({ ...VALID_TASK, optimizer: { type: 'RMSprop', lr: 0.1 } });
    expect(issue).toEqual({ path: '/optimizer/type', message: "Expected 'SGD' | 'Adam' | 'AdamW'" });
  });
});

describe('the refused-task table', () => {
  // Every field of a built-in task has at least one refusal, so the API's test of the table
  // covers every field the trainer can refuse.
  const fields = [
    ...Object.keys(BuiltinTask.properties).map((k) => `/${k}`),
    ...[MlpModel, CnnModel].flatMap((s) => Object.keys(s.properties).map((k) => `/model/${k}`)),
    ...[SgdOptimizer, AdamOptimizer].flatMap((s) => Object.keys(s.properties).map((k) => `/optimizer/${k}`)),
  ];
  it.each(fields)('covers %s', (field) => {
    expect(REFUSED_TASKS.some((c) => c.path === field || c.path.startsWith(`${field}/`))).toBe(true);
  });
});

describe('stepsPerEpoch', () => {
  it('is one step per minibatch of the training split, the last one short', () => {
    expect(stepsPerEpoch({ ...VALID_TASK, dataset: 'mnist', batchSize: 64 })).toBe(125);
    expect(stepsPerEpoch({ ...VALID_TASK, dataset: 'spirals', batchSize: 100 })).toBe(8);
  });

  it("is what an external trainer's task says, or unknown", () => {
    const external = { trainer: 'x', epochs: 1, optimizer: { type: 'SGD' as const, lr: 0.1 } };
    expect(stepsPerEpoch({ ...external, stepsPerEpoch: 7 })).toBe(7);
    expect(stepsPerEpoch(external)).toBeUndefined();
  });
});
