// `npm run bench -w @lrsweep/schedules`: nanoseconds per scheduler.step() for one instance of
// each type, since a sweep steps millions of times. A plain script, not a vitest bench.
import { createScheduler, type OptimizerSpec, type ScheduleSpec } from '../src/index.ts';

const STEPS = 3_000_000;
const SGD: OptimizerSpec = { type: 'SGD', lr: 0.1, momentum: 0.9 };

// Parameters keep every rate in the normal float range for all STEPS (no denormals, no
// OneCycleLR past total_steps), so the numbers measure the schedule, not the FPU's slow path.
const SPECS: ScheduleSpec[] = [
  { type: 'LambdaLR', lr_lambda: '0.5 * (1 + math.cos(math.pi * (epoch % 1000) / 1000))' },
  { type: 'MultiplicativeLR', lr_lambda: '1.0 if epoch % 2 else 0.9999999' },
  { type: 'StepLR', step_size: 1000, gamma: 0.9999 },
  { type: 'MultiStepLR', milestones: [10, 1000, 100000], gamma: 0.5 },
  { type: 'ConstantLR', factor: 0.5, total_iters: 1000 },
  { type: 'LinearLR', start_factor: 0.1, total_iters: 1_000_000 },
  { type: 'ExponentialLR', gamma: 0.9999999 },
  { type: 'SequentialLR', schedulers: [{ type: 'LinearLR', start_factor: 0.1, total_iters: 1000 }, { type: 'CosineAnnealingLR', T_max: 5000 }], milestones: [1000] },
  { type: 'PolynomialLR', total_iters: 1_000_000, power: 2 },
  { type: 'CosineAnnealingLR', T_max: 5000, eta_min: 0.001 },
  { type: 'ChainedScheduler', schedulers: [{ type: 'ConstantLR', factor: 0.5, total_iters: 1000 }, { type: 'ExponentialLR', gamma: 0.9999999 }] },
  { type: 'ReduceLROnPlateau', patience: 5, factor: 0.5, min_lr: 1e-6 },
  { type: 'CyclicLR', base_lr: 0.001, max_lr: 0.1, step_size_up: 2000 },
  { type: 'CosineAnnealingWarmRestarts', T_0: 1000, T_mult: 1 },
  { type: 'OneCycleLR', max_lr: 0.1, total_steps: STEPS + 10 },
];

const rows: string[] = [];
let sink = 0;
for (const spec of SPECS) {
  const metric = spec.type === 'ReduceLROnPlateau';
  const time = (): number => {
    const s = createScheduler(spec, SGD);
    const t0 = process.hrtime.bigint();
    if (metric) for (let i = 0; i < STEPS; i++) s.step((i * 7919) % 1000);
    else for (let i = 0; i < STEPS; i++) s.step();
    const t1 = process.hrtime.bigint();
    sink += s.lrs[0]!;
    return Number(t1 - t0) / STEPS;
  };
  time(); // warm-up: let V8 optimise the step path before measuring
  const ns = Math.min(time(), time());
  rows.push(`${spec.type.padEnd(28)} ${ns.toFixed(1).padStart(8)} ns/step`);
}
process.stdout.write(`scheduler.step(), best of 2 runs x ${STEPS.toLocaleString('en')} steps\n${rows.join('\n')}\n`);
if (!Number.isFinite(sink)) process.stdout.write('(non-finite lr seen)\n');
