// Plain PyTorch's loop (scripts/bench-pytorch-plain.py, no lrsweep) over a sweep's trials, split
// over `processes` processes of one thread each (OMP_NUM_THREADS=1): the reference the service's
// figures are measured against in the same run.
import { spawn, spawnSync } from 'node:child_process';
import path from 'node:path';
import { expandEntry, gridOf } from '@lrsweep/schedules';
import { median, root } from './bench-service.ts';

export const PYTHON = '/usr/bin/python3';

/** Whether PYTHON imports torch; where it does not, the reason, as one line to print. */
export function torchMissing(): string | undefined {
  const probe = spawnSync(PYTHON, ['-c', 'import torch'], { stdio: 'ignore' });
  return probe.status === 0 ? undefined : `plain PyTorch skipped: ${PYTHON} cannot import torch (install it: apt-get install python3-torch)`;
}

/** The trials (schedule x seed) of a sweep file's schedules, as the API expands them. */
export function sweepTrials(bench: { schedules: object[]; seeds: number }): Array<{ schedule: object; seed: number }> {
  const trials: Array<{ schedule: object; seed: number }> = [];
  bench.schedules.forEach((entry, i) => {
    for (const { schedule } of expandEntry(entry as never, gridOf(entry as never, `/schedules/${i}`).grid, `/schedules/${i}`)) {
      for (let seed = 0; seed < bench.seeds; seed++) trials.push({ schedule, seed });
    }
  });
  return trials;
}

/** `task`: the script trainer's shape ({ args: { hidden, batch_size }, epochs, optimizer }). */
export async function plainPytorchLoop(task: object, trials: Array<{ schedule: object; seed: number }>, processes: number) {
  const started = Date.now();
  const shards = Array.from({ length: processes }, (_, w) => trials.filter((_, i) => i % processes === w));
  const results = await Promise.all(
    shards.map(
      (shard) =>
        new Promise<Array<{ seconds: number; val_loss: number }>>((resolve, reject) => {
          const child = spawn(PYTHON, [path.join(root, 'scripts/bench-pytorch-plain.py')], { env: { ...process.env, OMP_NUM_THREADS: '1' }, stdio: ['pipe', 'pipe', 'inherit'] });
          let out = '';
          child.stdout.on('data', (c: Buffer) => (out += c.toString()));
          child.on('exit', (code) => (code === 0 ? resolve(out.trim().split('\n').map((l) => JSON.parse(l))) : reject(new Error(`plain loop exited ${code}`))));
          child.stdin.end(JSON.stringify({ task, trials: shard }));
        }),
    ),
  );
  const rows = results.flat();
  return { trials: rows.length, wallSeconds: (Date.now() - started) / 1000, medianTrainingSeconds: median(rows.map((r) => r.seconds)), bestValLoss: Math.min(...rows.map((r) => r.val_loss)) };
}
