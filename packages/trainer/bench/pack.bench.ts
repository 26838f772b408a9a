// Packed vs one by one on the blas backend: the 12-schedule x 3-seed MNIST MLP [128] sweep
// (SGD momentum 0.9, batch 64) trained as one `train()` call of 36 trials (3 packs of 12, one
// per seed) and as 36 calls of one trial, in the same process, alternately. Prints CPU-seconds
// (user + system) per trial-epoch, which on the shared 2-core machine depend far less on other
// work than wall time does, and the load average.
//   npm run bench:pack -w @lrsweep/trainer [-- --epochs 2 --rounds 2]
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { readFileSync } from 'node:fs';
import { expandEntry, gridOf, type ScheduleSpec } from '@lrsweep/schedules';
import { loadDataset, selectBackend, train, type TrainTask } from '../src/index.ts';

const { values } = parseArgs({ options: { epochs: { type: 'string', default: '2' }, rounds: { type: 'string', default: '2' } } });
const E = Number(values.epochs);
const task: TrainTask = { dataset: 'mnist', model: { type: 'mlp', hidden: [128] }, epochs: E, batchSize: 64, optimizer: { type: 'SGD', lr: 0.1, momentum: 0.9 } };
// examples/bench-mnist.json's 12 schedules, as the service benchmark trains them (written for 10
// epochs; a shorter run only times fewer of their steps).
const sweep = JSON.parse(readFileSync(new URL('../../../examples/bench-mnist.json', import.meta.url), 'utf8')) as { schedules: Array<Record<string, unknown>> };
const SCHEDULES = sweep.schedules.flatMap((entry, i) => [...expandEntry(entry, gridOf(entry, `/schedules/${i}`).grid, `/schedules/${i}`)].map((c) => c.schedule as ScheduleSpec));
const TRIALS = [0, 1, 2].flatMap((seed) => SCHEDULES.map((schedule) => ({ schedule, seed })));

/** CPU and wall seconds of `fn`, and the val_acc of every trial it trained. */
async function measure(fn: (onAcc: (acc: number) => void) => Promise<void>) {
  const accs: number[] = [];
  const [cpu0, t0] = [process.cpuUsage(), performance.now()];
  await fn((acc) => accs.push(acc));
  const cpu = process.cpuUsage(cpu0);
  return { cpu: (cpu.user + cpu.system) / 1e6, wall: (performance.now() - t0) / 1000, accs };
}

const packed = () =>
  measure(async (onAcc) => {
    await train({ task, trials: TRIALS, onEpoch: (_i, row) => void (row.epoch === E - 1 && onAcc(row.val_acc)) });
  });
const oneByOne = () =>
  measure(async (onAcc) => {
    for (const trial of TRIALS) await train({ task, trials: [trial], onEpoch: (_i, row) => void (row.epoch === E - 1 && onAcc(row.val_acc)) });
  });

const info = await selectBackend('blas');
await loadDataset('mnist');
await train({ task: { ...task, epochs: 1 }, trials: TRIALS.slice(0, 2), onEpoch: () => {} }); // warm-up
const load0 = loadavg()[0]!;
const results = { packed: [] as Awaited<ReturnType<typeof packed>>[], alone: [] as Awaited<ReturnType<typeof packed>>[] };
for (let r = 0; r < Number(values.rounds); r++) {
  results.alone.push(await oneByOne());
  results.packed.push(await packed());
}
const trialEpochs = TRIALS.length * E;
const best = (xs: { cpu: number; wall: number }[]) => ({ cpu: Math.min(...xs.map((x) => x.cpu)), wall: Math.min(...xs.map((x) => x.wall)) });
const [p, a] = [best(results.packed), best(results.alone)];
const meanAcc = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;
console.log(`bench:pack: MNIST MLP [128], ${SCHEDULES.length} schedules x 3 seeds, ${E} epochs, batch 64, SGD momentum 0.9; blas ${info.version}`);
console.log(`best of ${values.rounds} rounds each, alternating; load average ${load0.toFixed(1)} -> ${loadavg()[0]!.toFixed(1)} on ${(await import('node:os')).cpus().length} cores`);
console.log('way                      CPU s/trial-epoch   wall s/trial-epoch   CPU s (36 trials)   mean final val_acc');
for (const [name, x, accs] of [['one call per trial', a, results.alone[0]!.accs], ['packed (36 in one call)', p, results.packed[0]!.accs]] as const) {
  console.log(
    `${name.padEnd(24)} ${(x.cpu / trialEpochs).toFixed(4).padStart(17)} ${(x.wall / trialEpochs).toFixed(4).padStart(20)} ${x.cpu.toFixed(2).padStart(19)} ${meanAcc(accs).toFixed(4).padStart(20)}`,
  );
}
console.log(`packing: ${(a.cpu / p.cpu).toFixed(2)}x less CPU per trial-epoch (${(a.wall / p.wall).toFixed(2)}x wall)`);
