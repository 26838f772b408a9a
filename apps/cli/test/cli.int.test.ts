import { spawn, spawnSync } from 'node:child_process';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { createServer as createHttpServer } from 'node:http';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStack, waitFor, type Stack } from '../../api/test/stack.ts';
import { describeSchedule } from '@lrsweep/schedules';
import { systemPart } from '../../api/test/system-parts.ts';
import { parseCsv } from '../src/format/csv.ts';

// The real `lrsweep` binary, run as a user runs it, against a real API on an ephemeral port
// with two real workers training on spirals: every command's output, exit code and error line.

const bin = fileURLToPath(new URL('../bin/lrsweep.js', import.meta.url));

const sweepYaml = `# 4 schedules x 2 seeds = 8 trials of 4 epochs
name: cli-spirals
task:
  dataset: spirals
  model: {type: mlp, hidden: [16]}
  epochs: 4
  batchSize: 32
  optimizer: {type: SGD, lr: 0.1, momentum: 0.9}
schedules:
  - type: StepLR
    step_size: 2
    gamma: {values: [0.5, 0.1]}
  - {type: CosineAnnealingLR, T_max: 4, eta_min: 0.001}
  - {type: ReduceLROnPlateau, factor: 0.5, patience: 0}
seeds: 2
objective: {metric: val_loss, mode: min}
`;

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

let stack: Stack;
let api: string;
let dir: string;
let sweepId: string;

function cli(args: string[], env: Record<string, string> = {}): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [bin, ...args], {
      env: { ...process.env, LRSWEEP_API: api, NO_COLOR: '', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** The binary on a pseudo-terminal, through util-linux `script`, as a person at a terminal runs it. */
function cliOnTty(args: string[]): Promise<Run> {
  const command = [process.execPath, bin, ...args].map((a) => `'${a}'`).join(' ');
  return new Promise((resolve, reject) => {
    const child = spawn('script', ['-qfec', command, '/dev/null'], { env: { ...process.env, LRSWEEP_API: api, NO_COLOR: '' }, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr: '' }));
  });
}
const hasScript = systemPart("util-linux's `script` (runs the CLI on a terminal)", spawnSync('script', ['--version']).status === 0, 'apt-get install -y bsdutils');

type Board = { metric: string; entries: { rank: number; schedule: Record<string, unknown>; mean: number; std: number; n: number; trials: string[]; tiedWithBest: boolean | null }[] };
const apiBoard = async (): Promise<Board> => (await stack.app.inject({ url: `/v1/sweeps/${sweepId}/leaderboard` })).json();

const json = <T = unknown>(run: Run): T => {
  expect(run.code, run.stderr).toBe(0);
  return JSON.parse(run.stdout) as T;
};

beforeAll(async () => {
  stack = await startStack();
  await stack.app.listen({ port: 0, host: '127.0.0.1' });
  api = `http://127.0.0.1:${(stack.app.server.address() as AddressInfo).port}`;
  dir = await mkdtemp(join(tmpdir(), 'lrsweep-cli-'));
  await writeFile(join(dir, 'sweep.yaml'), sweepYaml);
  stack.startWorker();
  stack.startWorker();
});
afterAll(async () => {
  await stack?.stop();
});

describe('lrsweep against a running API', () => {
  it('submits a YAML sweep, watches it to the end and prints the leaderboard', async () => {
    const run = await cli(['submit', join(dir, 'sweep.yaml'), '--watch', '--interval', '0.2']);
    expect(run.code, run.stderr).toBe(0);
    const id = /submitted sweep ([0-9a-f-]{36}): 8 trials/.exec(run.stdout)?.[1];
    expect(id).toBeDefined();
    sweepId = id!;
    // not a terminal: plain progress lines, no cursor movement, no colour
    expect(run.stdout).not.toMatch(/\x1b\[/);
    expect(run.stdout).toMatch(/^cli-spirals (queued|running) \[[█░]{24}\] \d\/8 trials \d+% {2}running \d {2}queued \d/m);
    expect(run.stdout).toMatch(/cli-spirals completed \[█{24}\] 8\/8 trials 100%/);
    expect(run.stdout).toMatch(/^rank {2}val_loss \(min\) \[95% CI\] +n {2}vs best \[95% CI\] +tied {2}schedule$/m);
    expect(run.stdout).toMatch(/^ +1 {2}\d\.\d{4} \[-?\d\.\d{4}, \d\.\d{4}\] +2 +best {2}\S+\(/m);
    expect(run.stdout).toMatch(/^best: [A-Z]\w+\(.*\) {2}val_loss \d\.\d{4} ± \d\.\d{4} over n=2$/m);
  });

  it.skipIf(!hasScript)('on a terminal, redraws the progress in place with a bar per running trial, in colour', async () => {
    const file = join(dir, 'small.yaml');
    // 2 trials, long enough (200 epochs) that a poll finds them running
    await writeFile(file, sweepYaml.replace('epochs: 4', 'epochs: 200').replace(/gamma: \{values: \[0\.5, 0\.1\]\}[\s\S]*?seeds: 2/, 'gamma: 0.5\nseeds: 2'));
    const run = await cliOnTty(['submit', file, '--watch', '--interval', '0.1']);
    expect(run.code, run.stdout).toBe(0);
    expect(run.stdout).toMatch(/submitted sweep [0-9a-f-]{36}: 2 trials/);
    expect(run.stdout).toMatch(/\x1b\[\d+A\r\x1b\[J/); // climbs back over the previous frame
    expect(run.stdout).toContain("\x1b[1mcli-spirals\x1b[22m");
    expect(run.stdout).toMatch(/^ {2}#[01] +\[[█░]{10}\] epoch \d+\/200 {2}seed [01] {2}StepLR\(step_size=2, gamma=0\.5\)/m);
    expect(run.stdout).toContain('\x1b[32mcompleted\x1b[39m');
    expect(run.stdout).toMatch(/best: \x1b\[1mStepLR\(step_size=2, gamma=0\.5\)\x1b\[22m/);
  });

  it('watches a successive-halving sweep rung by rung and ranks by the rung reached', async () => {
    const file = join(dir, 'halving.yaml');
    await writeFile(file, sweepYaml.replace('epochs: 4', 'epochs: 3') + 'early_stopping: {type: successive_halving, min_epochs: 1, eta: 3}\n');
    const run = await cli(['submit', file, '--watch', '--interval', '0.2']);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/submitted sweep [0-9a-f-]{36}: 8 trials/);
    expect(run.stdout).toMatch(/^ {2}rungs 0 \(1 ep\): 4 schedules {2}epochs \d+ of the grid's 24$/m);
    // ceil(4 / 3) = 2 go on, and one more when the seeds cannot tell it from the best.
    expect(run.stdout).toMatch(/^ {2}rungs 0 \(1 ep\): 4 schedules, [12] stopped \| 1 \(3 ep\): [23] schedules {2}epochs \d+ of the grid's 24$/m);
    expect(run.stdout).toMatch(/^rank {2}rung {2}val_loss/m);
    expect(run.stdout).toMatch(/ stopped {2}\S+\(/);
  });

  it('shows one sweep and the list of sweeps', async () => {
    const [one, oneJson, list] = await Promise.all([cli(['status', sweepId]), cli(['status', sweepId, '--json']), cli(['status'])]);
    expect(one.code, one.stderr).toBe(0);
    expect(one.stdout).toMatch(/^status +completed$/m);
    expect(one.stdout).toMatch(/^trials +8 \(8 completed\)$/m);
    expect(one.stdout).toMatch(/^finished +\d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ \(took \d+/m);
    expect(json<{ progress: number }>(oneJson).progress).toBe(1);
    expect(list.code, list.stderr).toBe(0);
    expect(list.stdout).toMatch(new RegExp(`^${sweepId} +cli-spirals +completed +\\[█{10}\\] 100% +8/8 `, 'm'));
  });

  it('prints the leaderboard as a table, JSON and CSV that agree', async () => {
    const [asJson, table, asCsv] = await Promise.all([cli(['leaderboard', sweepId, '--format', 'json']), cli(['leaderboard', sweepId]), cli(['leaderboard', sweepId, '--format', 'csv'])]);
    const board = json<Board>(asJson);
    expect(board).toEqual(await apiBoard());
    expect(board.entries.map((e) => e.rank)).toEqual([1, 2, 3, 4]);

    const lines = table.stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(2 + 4);
    expect(lines[2]).toContain(describeSchedule(board.entries[0]!.schedule));

    const csv = parseCsv(asCsv.stdout);
    expect(csv[0]).toEqual(['rank', 'schedule_call', 'schedule', 'metric', 'mode', 'mean', 'std', 'n', 'ci_lo', 'ci_hi', 'vs_best_diff', 'vs_best_lo', 'vs_best_hi', 'vs_best_method', 'vs_best_pairs', 'tied_with_best', 'diverged', 'failed']);
    expect(csv.slice(1).map((r) => ({ rank: Number(r[0]), schedule: JSON.parse(r[2]!), mean: Number(r[5]), std: Number(r[6]), n: Number(r[7]) }))).toEqual(
      board.entries.map(({ rank, schedule, mean, std, n }) => ({ rank, schedule, mean, std, n })),
    );
  });

  it('prints the best schedule as a PyTorch call, the schedules tied with it, and mean ± std and n', async () => {
    const [board, best] = await Promise.all([apiBoard(), cli(['best', sweepId])]);
    expect(best.code, best.stderr).toBe(0);
    const [call, stats] = best.stdout.split('\n');
    const tied = board.entries.filter((e) => e.rank > 1 && e.tiedWithBest === true).map((e) => describeSchedule(e.schedule));
    const others = `${tied.length} other${tied.length === 1 ? '' : 's'}`;
    expect(call).toBe(describeSchedule(board.entries[0]!.schedule) + (tied.length ? `, tied with ${others}: ${tied.join(', ')}` : ''));
    expect(stats).toBe(`val_loss ${board.entries[0]!.mean.toFixed(4)} ± ${board.entries[0]!.std.toFixed(4)} (min) over n=2 seeds`);
  });

  it('lists every trial, and filters by state', async () => {
    const [table, completed, running, bad] = await Promise.all([
      cli(['trials', sweepId]),
      cli(['trials', sweepId, '--state', 'completed', '--json']),
      cli(['trials', sweepId, '--state', 'running']),
      cli(['trials', sweepId, '--state', 'done']),
    ]);
    expect(table.code, table.stderr).toBe(0);
    const rows = table.stdout.trimEnd().split('\n').slice(2);
    expect(rows).toHaveLength(8);
    for (const row of rows) expect(row).toMatch(/^ *\d+ {2}completed +\d +4\/4 +\d\.\d{4} +\d\.\d{4} +\d\.\d{4} +\d+\.\d +\S+ {2}[A-Z]\w+\(/);

    expect(json<unknown[]>(completed)).toHaveLength(8);
    expect(running.stdout).toBe('no running trials\n');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/^lrsweep: trials: --state must be one of queued, running, completed/);
  });

  it('exports every epoch of every trial as CSV and JSON', async () => {
    const out = join(dir, 'epochs.csv');
    const [run, jsonRun] = await Promise.all([cli(['export', sweepId, '--format', 'csv', '--out', out]), cli(['export', sweepId, '--format', 'json'])]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toBe(`wrote 32 rows (8 trials) to ${out}\n`);
    const csv = parseCsv(await readFile(out, 'utf8'));
    expect(csv[0]).toEqual([
      'sweep_id', 'trial_id', 'trial_index', 'state', 'schedule_call', 'schedule', 'seed', 'epoch', 'lr', 'train_loss', 'val_loss', 'val_acc', 'seconds',
      'rank', 'schedule_mean', 'schedule_ci_lo', 'schedule_ci_hi', 'vs_best_diff', 'vs_best_lo', 'vs_best_hi', 'tied_with_best',
    ]);
    const rows = csv.slice(1);
    expect(rows).toHaveLength(8 * 4);
    expect(new Set(rows.map((r) => r[1])).size).toBe(8);
    for (const r of rows) expect(r[0]).toBe(sweepId);
    // a schedule survives the CSV quoting as JSON, and the lr column follows it
    const step = rows.filter((r) => JSON.parse(r[5]!).type === 'StepLR' && JSON.parse(r[5]!).gamma === 0.5 && r[6] === '0');
    expect(step.map((r) => r[4])).toEqual(Array(4).fill('StepLR(step_size=2, gamma=0.5)'));
    expect(step.map((r) => Number(r[8]))).toEqual([0.1, 0.1, 0.05, 0.05]);

    const asJson = json<Record<string, unknown>[]>(jsonRun);
    expect(asJson).toHaveLength(32);
    expect(asJson[0]).toMatchObject({ sweep_id: sweepId, trial_index: 0, epoch: 0, schedule: { type: expect.any(String) } });
    // Every row carries its schedule's standing on the leaderboard.
    const board = await apiBoard();
    for (const r of asJson) {
      const entry = board.entries.find((e) => e.trials.includes(r.trial_id as string))!;
      expect(r).toMatchObject({ rank: entry.rank, schedule_mean: entry.mean, tied_with_best: entry.tiedWithBest });
    }
  });

  it('shows the queue and the live workers', async () => {
    // Workers write their trial counts to the registry on their next heartbeat: wait for the
    // counts to agree with the queue's before reading both through the CLI.
    await waitFor('the registry to count every completed job', async () => {
      const [queue, listed] = await Promise.all(['/v1/queue', '/v1/workers'].map(async (url) => (await stack.app.inject({ url })).json()));
      return listed.items.reduce((n: number, w: { trialsDone: number }) => n + w.trialsDone, 0) === queue.completed;
    }, 30_000);
    const [q, qJson, workers, workersJson] = await Promise.all([cli(['queue']), cli(['queue', '--json']), cli(['workers']), cli(['workers', '--json'])]);
    const queue = (await stack.app.inject({ url: '/v1/queue' })).json();
    expect(q.code, q.stderr).toBe(0);
    // A column per queue: these workers also offer the repository's own trainer, mnist-torch.
    expect(Object.keys(queue.trainers)).toEqual(['mnist-torch']);
    expect(q.stdout).toMatch(/^ +built-in +mnist-torch$/m);
    expect(q.stdout).toMatch(/^workers +2 +2$/m);
    expect(q.stdout).toMatch(new RegExp(`^completed +${queue.completed} +0$`, 'm'));
    expect(json(qJson)).toEqual(queue);

    expect(workers.code, workers.stderr).toBe(0);
    const rows = workers.stdout.trimEnd().split('\n');
    expect(rows[0]).toMatch(/^worker +gpu +backend +running +done +samples\/s +up +last seen$/);
    expect(rows.slice(2)).toHaveLength(2);
    for (const row of rows.slice(2)) expect(row).toMatch(/^\S+ +- +\S+ +0 +\d+ +[\d,]+ +\S+ +\S+ ago$/);
    const listed = json<{ items: { trialsDone: number }[] }>(workersJson).items;
    expect(listed.reduce((n, w) => n + w.trialsDone, 0)).toBe(queue.completed);
  });

  it('cancels a sweep: queued trials are removed', async () => {
    await stack.stopWorkers(); // nothing may start, so every trial is still queued
    const submitted = json<{ id: string; trials: number }>(await cli(['submit', join(dir, 'sweep.yaml'), '--json']));
    expect(submitted.trials).toBe(8);
    const run = await cli(['cancel', submitted.id]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toBe(`cancelled sweep ${submitted.id} (cli-spirals): 8 trials cancelled; 0 completed kept\n`);
    const [status, again] = await Promise.all([cli(['status', submitted.id]), cli(['cancel', sweepId])]);
    expect(status.stdout).toMatch(/^status +cancelled$/m);
    expect((await stack.app.inject({ url: '/v1/queue' })).json().waiting).toBe(0);
    expect(again.stdout).toBe(`sweep ${sweepId} is already completed; nothing to cancel\n`);
  });
});

describe('lrsweep submit of a search', () => {
  it('submits a random search file: count configurations x seeds, each trial with its drawn values and lr', async () => {
    const file = join(dir, 'random.yaml');
    await writeFile(
      file,
      sweepYaml
        .replace('name: cli-spirals', 'name: cli-random')
        .replace('lr: 0.1,', 'lr: {distribution: log_uniform_values, min: 0.01, max: 0.5},')
        .replace(/schedules:[\s\S]*seeds: 2/, 'schedules:\n  - {type: StepLR, step_size: {distribution: int_uniform, min: 1, max: 3}, gamma: {distribution: uniform, min: 0.1, max: 0.9}}\nsearch: {method: random, count: 3, seed: 11}\nseeds: 2'),
    );
    const submitted = json<{ id: string; trials: number }>(await cli(['submit', file, '--json']));
    expect(submitted.trials).toBe(6);
    const [status, trials] = await Promise.all([cli(['status', submitted.id]), cli(['trials', submitted.id])]);
    expect(status.stdout).toMatch(/^search +random, 3 per schedule entry, seed 11$/m);
    expect(status.stdout).toMatch(/lr=\{.*"distribution":"log_uniform_values"/);
    expect(trials.stdout.match(/StepLR\(step_size=\d, gamma=[\d.]+\) at lr=0\.\d+/g)).toHaveLength(6);
    await cli(['cancel', submitted.id]);
  });
});

describe('lrsweep errors', () => {
  it('names each bad field of an invalid sweep file and exits 2', async () => {
    const badSchedule = join(dir, 'bad-schedule.yaml');
    const badTask = join(dir, 'bad-task.yaml');
    await writeFile(badSchedule, sweepYaml.replace('step_size: 2', 'step_size: 0'));
    await writeFile(badTask, sweepYaml.replace('batchSize: 32', 'batchSize: 0\n  colour: blue'));
    const sweepsBefore = (await stack.app.inject({ url: '/v1/sweeps' })).json().total;
    const [schedule, task] = await Promise.all([cli(['submit', badSchedule]), cli(['submit', badTask])]);
    expect(schedule.code).toBe(2);
    // one line per issue (here one per grid value it was expanded with), each naming the field
    for (const line of schedule.stderr.trimEnd().split('\n')) expect(line).toMatch(/^lrsweep: \/schedules\/0\/step_size: .*step_size must be a positive integer/);
    expect(task.code).toBe(2);
    const lines = task.stderr.trimEnd().split('\n');
    for (const line of lines) expect(line).toMatch(/^lrsweep: \/\S*: /);
    expect(lines).toContain('lrsweep: /task/colour: unknown field');
    expect(lines.find((l) => l.startsWith('lrsweep: /task/batchSize: '))).toBeDefined();
    // nothing was written
    expect((await stack.app.inject({ url: '/v1/sweeps' })).json().total).toBe(sweepsBefore);
  });

  it('refuses a file that does not parse or does not exist, and an unknown id, with exit 2', async () => {
    const file = join(dir, 'broken.yaml');
    await writeFile(file, 'name: x\n  task: [1, 2\n');
    const [broken, missing, unknown] = await Promise.all([
      cli(['submit', file]),
      cli(['submit', join(dir, 'nope.json')]),
      cli(['leaderboard', '00000000-0000-4000-8000-000000000000']),
    ]);
    expect(broken.code).toBe(2);
    expect(broken.stderr).toMatch(new RegExp(`^lrsweep: ${file}: .*line \\d+.*\\n$`));
    expect(missing.code).toBe(2);
    expect(missing.stderr).toBe(`lrsweep: ${join(dir, 'nope.json')}: no such file\n`);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toBe('lrsweep: sweep 00000000-0000-4000-8000-000000000000 not found\n');
  });

  it('says when an older API has no worker registry, in one line', async () => {
    // what an API from before GET /v1/workers answers: its not-found handler's body
    const older = createHttpServer((req, res) => {
      res.writeHead(404, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: { code: 'LRS_ROUTE_NOT_FOUND', message: `no route GET ${req.url}` } }));
    });
    await new Promise<void>((resolve) => older.listen(0, '127.0.0.1', resolve));
    try {
      const url = `http://127.0.0.1:${(older.address() as AddressInfo).port}`;
      const run = await cli(['workers', '--api', url]);
      expect(run.code).toBe(1);
      expect(run.stderr).toBe(`lrsweep: the API at ${url} does not list workers (it predates GET /v1/workers); lrsweep queue shows how many are connected\n`);
    } finally {
      await new Promise((resolve) => older.close(resolve));
    }
  });

  it('says when the API is unreachable and exits 1', async () => {
    const port = await new Promise<number>((resolve) => {
      const server = createServer().listen(0, '127.0.0.1', () => {
        const { port } = server.address() as AddressInfo;
        server.close(() => resolve(port));
      });
    });
    const url = `http://127.0.0.1:${port}`;
    const run = await cli(['status'], { LRSWEEP_API: url });
    expect(run.code).toBe(1);
    expect(run.stderr).toBe(`lrsweep: cannot reach the lrsweep API at ${url}: is \`npx lrsweep serve\` running?\n`);
    // --api wins over the environment
    expect((await cli(['queue', '--api', url])).code).toBe(1);
  });
});
