// `npm run bench:checkpoint`: what a pack's checkpoints cost per pack-epoch, for packs of 12 and
// 36 MNIST MLP trials (784-128-10, SGD momentum, batch 64), against the pack-epoch's training
// time measured in the same run. Three ways to store them, each as the extra time of the
// epoch's write over the same write without checkpoints (one statement for the pack's rows):
//   files  - what the worker does (builtin-checkpoints.ts): each checkpoint encoded to a file of
//            the checkpoint directory (.tmp, rename), a pointer in the rows' statement, older files pruned;
//   bytea  - the alternative: the encoded checkpoints in a bytea column (STORAGE EXTERNAL, no
//            TOAST compression) in the rows' statement, sent as binary parameters by node-postgres
//            (through Prisma's adapter they travel as text: ~4x slower, measured while choosing);
//   json   - what earlier versions did: base64 JSON into Trial.checkpoint (jsonb).
// Not a timed test: figures, run by hand. Needs Postgres (DATABASE_URL's server, a scratch
// database it drops after). Options: --reps 11 --packs 12,36 --dir DIR (default: a tmp dir).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { claimTrials, createSweepWithTrials, recordEpochs, type EpochWrite, type Prisma } from '@lrsweep/db';
import { createTestDatabase } from '@lrsweep/db/testing';
import { encodeCheckpoint, selectBackend, train, type Checkpoint, type EpochRow } from '@lrsweep/trainer';
import { createCheckpointFiles } from '../src/builtin-checkpoints.ts';

const { values } = parseArgs({ options: { reps: { type: 'string', default: '11' }, packs: { type: 'string', default: '12,36' }, dir: { type: 'string' } } });
const REPS = Number(values.reps);
const PACKS = values.packs.split(',').map(Number);
const MAX = Math.max(...PACKS);
// Issue 15's target: the 12 x 3 sweep (360 trial-epochs) at the machine's FLOP limit, ~6.5 s,
// i.e. ~18 ms a trial-epoch once trials are packed; shown beside the measured (unpacked) time.
const PACKED_TARGET_S_PER_TRIAL_EPOCH = 6.5 / 360;

const backend = await selectBackend(process.env.LRSWEEP_BACKEND);
process.stdout.write(`backend ${backend.name}: training ${MAX} MNIST MLP trials for 2 epochs (epoch 1 is the steady one)...\n`);
const rows: EpochRow[] = [];
const checkpoints: Checkpoint[] = [];
await train({
  task: { dataset: 'mnist', model: { type: 'mlp', hidden: [128] }, epochs: 2, batchSize: 64, optimizer: { type: 'SGD', lr: 0.05, momentum: 0.9 } },
  trials: Array.from({ length: MAX }, (_, seed) => ({ schedule: { type: 'StepLR', step_size: 1000, gamma: 1 }, seed })),
  checkpoint: true,
  onEpoch(i, row, ckpt) {
    if (row.epoch !== 1) return;
    rows[i] = row;
    checkpoints[i] = ckpt!;
  },
});

const database = await createTestDatabase();
const client = new pg.Client({ connectionString: database.url });
await client.connect();
await client.query('ALTER TABLE "Trial" ADD COLUMN "checkpointBlob" bytea');
await client.query('ALTER TABLE "Trial" ALTER COLUMN "checkpointBlob" SET STORAGE EXTERNAL');
const dir = values.dir ?? mkdtempSync(path.join(tmpdir(), 'lrsweep-bench-ckpt-'));
const files = createCheckpointFiles(dir);
const schedule = { type: 'StepLR', step_size: 1 };
const { trialIds } = await createSweepWithTrials(database.db, {
  name: 'bench-checkpoint',
  spec: {},
  objectiveMetric: 'val_loss',
  objectiveMode: 'min',
  trials: Array.from({ length: MAX }, (_, index) => ({ index, schedule, scheduleKey: 'k', seed: index })),
});
await claimTrials(database.db, trialIds, { worker: 'bench', backend: backend.name });

let epoch = 0; // every write is a new epoch, as in training: rows are inserted, not updated
const row = (i: number): EpochRow => ({ ...rows[i]!, epoch });

/** The pack's rows with blobs (or nulls) in one statement over node-postgres, binary parameters. */
async function byteaStatement(ids: string[], blobs: (Uint8Array | null)[]): Promise<void> {
  const pairs = blobs.map((_, k) => `(${k + 1}, $${k + 3}::bytea)`).join(', ');
  await client.query(
    `WITH i AS (SELECT * FROM unnest($1::uuid[]) WITH ORDINALITY AS i("trialId", n)),
          e AS (INSERT INTO "Epoch" ("trialId", epoch, lr, "trainLoss", "valLoss", "valAcc", seconds)
                SELECT "trialId", $2::int, 0.05, 1, 1, 0.5, 1 FROM i
                ON CONFLICT ("trialId", epoch) DO UPDATE SET lr = EXCLUDED.lr)
     UPDATE "Trial" t SET "checkpointBlob" = COALESCE(b.blob, t."checkpointBlob"), "epochsDone" = $2::int + 1
       FROM i JOIN (VALUES ${pairs}) AS b(n, blob) ON b.n = i.n WHERE t.id = i."trialId"`,
    [ids, epoch, ...blobs.map((b) => (b ? Buffer.from(b.buffer, b.byteOffset, b.byteLength) : null))],
  );
}

const legacyJson = (c: Checkpoint) => {
  const b64 = (a: Float32Array | null) => (a ? Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString('base64') : null);
  const slots = Object.fromEntries(Object.entries(c.optimizerState.slots).map(([k, v]) => [k, v.map(b64)]));
  return { ...c, format: 1, weights: c.weights.map(b64), optimizerState: { ...c.optimizerState, slots } } as unknown as Prisma.InputJsonValue;
};

type Way = 'files' | 'bytea' | 'json';
/** One pack-epoch's write, with checkpoints (`on`) or without: ms of wall time, and of this process's CPU (its I/O threads included). */
async function write(way: Way, n: number, on: boolean): Promise<[number, number]> {
  const ids = trialIds.slice(0, n);
  epoch++;
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  const done = (): [number, number] => {
    const cpu = process.cpuUsage(cpu0);
    return [performance.now() - t0, (cpu.user + cpu.system) / 1000];
  };
  if (way === 'bytea') {
    await byteaStatement(ids, ids.map((_, i) => (on ? encodeCheckpoint({ ...checkpoints[i]!, epoch }) : null)));
  } else {
    const pointers = way === 'files' && on ? await Promise.all(ids.map((id, i) => files.write(id, { ...checkpoints[i]!, epoch }))) : null;
    const writes: EpochWrite[] = ids.map((trialId, i) => ({
      trialId,
      row: row(i),
      checkpoint: !on ? null : way === 'json' ? legacyJson(checkpoints[i]!) : (pointers![i] as unknown as Prisma.InputJsonValue),
    }));
    await recordEpochs(database.db, writes);
    // As the runner does: the prune is not waited for, but its work is this write's.
    const pruned = pointers ? Promise.all(ids.map((id) => files.prune(id, epoch))) : null;
    const [ms] = done();
    await pruned;
    return [ms, done()[1]];
  }
  return done();
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const WAYS: Way[] = ['files', 'bytea', 'json'];
const table: Record<string, string | number>[] = [];
for (const n of PACKS) {
  const trainS = rows.slice(0, n).reduce((s, r) => s + r.seconds, 0);
  const bytes = checkpoints.slice(0, n).reduce((s, c) => s + encodeCheckpoint(c).length, 0);
  const cost = new Map<Way, number[]>(WAYS.map((w) => [w, []]));
  const cpuCost = new Map<Way, number[]>(WAYS.map((w) => [w, []]));
  const pace = n * PACKED_TARGET_S_PER_TRIAL_EPOCH * 1000;
  for (const w of WAYS) {
    // Each way in a block of its own, after Postgres has flushed what the one before wrote
    // (interleaved, the WAL of bytea and json writes competed with the files' page cache for
    // the disk), and one write per packed pack-epoch, as training would pace them.
    await client.query('CHECKPOINT');
    await write(w, n, true); // warm: the first write of each way pays for its plan and its directories
    for (let r = 0; r < REPS; r++) {
      await sleep(pace);
      const [wall, cpu] = await write(w, n, true);
      await sleep(pace);
      const [baseWall, baseCpu] = await write(w, n, false);
      cost.get(w)!.push(wall - baseWall);
      cpuCost.get(w)!.push(cpu - baseCpu);
    }
  }
  for (const w of WAYS) {
    const ms = median(cost.get(w)!);
    table.push({
      pack: n,
      way: w,
      'MB/pack-epoch': +(bytes / 1e6).toFixed(1),
      'ckpt ms': +ms.toFixed(1),
      'best ms': +Math.min(...cost.get(w)!).toFixed(1),
      'client cpu ms': +median(cpuCost.get(w)!).toFixed(1),
      'train ms (measured, unpacked)': Math.round(trainS * 1000),
      '% of measured': +((100 * ms) / (trainS * 1000)).toFixed(2),
      '% of packed target': +((100 * ms) / (n * PACKED_TARGET_S_PER_TRIAL_EPOCH * 1000)).toFixed(1),
    });
  }
}
console.table(table);
process.stdout.write(
  `ckpt ms (best ms): median (least) over ${REPS} of (the pack's epoch write with checkpoints) - (the same write without), encoding included; one write per packed pack-epoch.\n` +
    `client cpu ms: the same difference in this process's CPU time (its I/O threads included; Postgres's own work is not in it): for files, the whole cost.\n` +
    `train ms: the pack's trials' epoch 1 on ${backend.name}, trained one after another in this run; packed target: ${(PACKED_TARGET_S_PER_TRIAL_EPOCH * 1000).toFixed(0)} ms a trial-epoch (issue 15).\n`,
);
await client.end();
await database.drop();
if (!values.dir) rmSync(dir, { recursive: true, force: true });
