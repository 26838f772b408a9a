import { describe, expect, it } from 'vitest';
import type { SweepDetail } from '../api-client.ts';
import { palette } from '../format/color.ts';
import { sweepFields } from './status.command.ts';

const sweep = (seeds: SweepDetail['spec']['seeds']): SweepDetail => ({
  id: 's1',
  name: 'race',
  status: 'running',
  trials: { total: 9, queued: 2, running: 0, completed: 7, failed: 0, diverged: 0, cancelled: 0 },
  progress: 7 / 9,
  objective: { metric: 'val_loss', mode: 'min' },
  createdAt: '2026-12-01T00:00:00.000Z',
  startedAt: null,
  finishedAt: null,
  spec: { name: 'race', task: { dataset: 'spirals', model: { type: 'mlp', hidden: [8] }, epochs: 3, batchSize: 32, optimizer: { type: 'SGD', lr: 0.1 } }, schedules: [{ type: 'StepLR' }], seeds },
});

describe('sweepFields', () => {
  it("shows a seed race's bounds and where to read why seeds were added", () => {
    const text = sweepFields(sweep({ min: 3, max: 10 }), palette(false));
    expect(text).toMatch(/seeds\s+race: 3 per schedule, then one more at a time to those still tied with the best, up to 10 \(lrsweep trials ID says why each was added\)/);
  });

  it('has no seeds line for fixed seeds', () => {
    expect(sweepFields(sweep(3), palette(false))).not.toMatch(/^seeds/m);
    expect(sweepFields(sweep([0, 4]), palette(false))).not.toMatch(/^seeds/m);
  });
});
