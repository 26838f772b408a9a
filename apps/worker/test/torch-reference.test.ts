import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { tabulateExpressions, type TrajectoryCase } from '@lrsweep/trainer';
import { PYTHON_DIR } from '../src/external/script-env.ts';
import { systemPart } from '../../api/test/system-parts.ts';

// trial.scheduler(optimizer) in python/lrsweep builds PyTorch's own scheduler classes from our
// specs: every reference case (torch.optim.lr_scheduler's trajectories) must come out the same.
// Runs where Debian's torch is installed (CI installs it); skipped elsewhere, with one line saying so.

const root = path.resolve(fileURLToPath(new URL('../../..', import.meta.url)));
const PYTHON = '/usr/bin/python3';
const hasTorch = systemPart(
  "Debian's PyTorch (import torch in /usr/bin/python3)",
  spawnSync(PYTHON, ['-c', 'import torch'], { stdio: 'ignore' }).status === 0,
  'apt-get install -y python3-torch libopenblas0-pthread',
);

type Case = TrajectoryCase & { id: string; expected: { lr: number[][]; momentum?: number[][] } };

describe.skipIf(!hasTorch)('trial.scheduler against the PyTorch reference', () => {
  const cases = (JSON.parse(readFileSync(path.resolve(root, '../shared/reference/lr-trajectories.json'), 'utf8')) as { cases: Case[] }).cases;
  const input = cases.map((c) => ({ ...c, scheduler: tabulateExpressions(c.scheduler, c.steps + 2) }));
  const run = spawnSync(PYTHON, [fileURLToPath(new URL('./torch-reference.py', import.meta.url))], {
    input: JSON.stringify(input),
    env: { ...process.env, PYTHONPATH: PYTHON_DIR },
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  const got = new Map<string, { lr: number[][]; momentum: number[][] }>(run.status === 0 ? (JSON.parse(run.stdout) as Array<{ id: string; lr: number[][]; momentum: number[][] }>).map((r) => [r.id, r]) : []);

  it('runs the Python side', () => {
    expect(run.status, run.stderr).toBe(0);
    expect(got.size).toBe(cases.length);
  });

  const close = (a: number[][], b: number[][]) => {
    expect(a.length).toBe(b.length);
    a.forEach((row, k) => row.forEach((v, g) => expect(Math.abs(v - b[k]![g]!), `step ${k} group ${g}: ${v} vs ${b[k]![g]}`).toBeLessThanOrEqual(1e-12 * Math.max(1, Math.abs(b[k]![g]!)))));
  };

  it.each(cases.map((c) => [c.id, c] as const))('%s', (_id, c) => {
    const r = got.get(c.id);
    expect(r, 'no result').toBeDefined();
    close(r!.lr, c.expected.lr);
    if (c.expected.momentum) close(r!.momentum, c.expected.momentum);
  });
});
