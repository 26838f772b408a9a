// Runs the real `lrsweep` binary: output, exit codes and one-line errors of `lrsweep schedule`.
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../..');
const bin = path.join(repoRoot, 'apps/cli/bin/lrsweep.js');
const referenceFile = path.resolve(repoRoot, '../shared/reference/lr-trajectories.json');

interface Result {
  code: number;
  stdout: string;
  stderr: string;
}

function lrsweep(args: string[], stdin?: string): Promise<Result> {
  return new Promise((resolve) => {
    const child = execFile(process.execPath, [bin, ...args], { cwd: repoRoot, env: { ...process.env, NO_COLOR: '1' } }, (err, stdout, stderr) => {
      resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
    child.stdin?.end(stdin ?? '');
  });
}

const oneCase = (extra: Record<string, unknown> = {}) =>
  JSON.stringify({ id: 'c', optimizer: { type: 'SGD', lr: 0.1, momentum: 0.9 }, scheduler: { type: 'OneCycleLR', max_lr: 1, total_steps: 10 }, steps: 9, ...extra });

describe('lrsweep schedule', () => {
  it('reproduces the reference file as JSON', async () => {
    const { code, stdout } = await lrsweep(['schedule', referenceFile]);
    expect(code).toBe(0);
    const out = JSON.parse(stdout) as { cases: Array<{ id: string; lr: number[][]; momentum?: number[][] }> };
    const ref = JSON.parse(readFileSync(referenceFile, 'utf8')) as { cases: Array<{ id: string; expected: { lr: number[][]; momentum?: number[][] } }> };
    expect(out.cases.map((c) => c.id)).toEqual(ref.cases.map((c) => c.id));
    out.cases.forEach((c, i) => {
      const want = ref.cases[i]!.expected;
      c.lr.flat().forEach((v, j) => expect(Math.abs(v - want.lr.flat()[j]!)).toBeLessThanOrEqual(1e-12 * Math.abs(want.lr.flat()[j]!) + 1e-15));
      expect(c.momentum === undefined).toBe(want.momentum === undefined);
    });
  }, 30_000);

  it('reads one case from stdin with -', async () => {
    const { code, stdout } = await lrsweep(['schedule', '-'], oneCase());
    expect(code).toBe(0);
    const out = JSON.parse(stdout) as { cases: Array<{ id: string; lr: number[][]; momentum: number[][] }> };
    expect(out.cases[0]!.id).toBe('c');
    expect(out.cases[0]!.lr).toHaveLength(10);
    expect(out.cases[0]!.momentum[0]).toEqual([0.95]);
  });

  it('exits 2 with one line naming the case and the JSON pointer for an invalid schedule', async () => {
    const bad = JSON.stringify({
      cases: [{ id: 'bad', optimizer: { type: 'SGD', lr: 0.1 }, scheduler: { type: 'SequentialLR', schedulers: [{ type: 'CosineAnnealingLR', T_max: -1 }], milestones: [] }, steps: 3 }],
    });
    const { code, stdout, stderr } = await lrsweep(['schedule', '-'], bad);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toBe('lrsweep: case "bad": /schedulers/0/T_max: T_max must be a positive integer, got -1\n');
  });

  it('exits 2 for a missing file, invalid JSON, a bad case envelope and a step error', async () => {
    const missing = await lrsweep(['schedule', '/nonexistent/cases.json']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/^lrsweep: cannot read \/nonexistent\/cases.json: .*\n$/);
    const json = await lrsweep(['schedule', '-'], '{"cases": [');
    expect(json.code).toBe(2);
    expect(json.stderr).toMatch(/^lrsweep: stdin: invalid JSON: .*\n$/);
    const steps = await lrsweep(['schedule', '-'], oneCase({ steps: 'x' }));
    expect(steps.stderr).toBe('lrsweep: case "c": steps: must be a non-negative integer, got "x"\n');
    const past = await lrsweep(['schedule', '-'], oneCase({ steps: 12 }));
    expect(past.code).toBe(2);
    expect(past.stderr).toBe('lrsweep: case "c": Tried to step 11 times. The specified number of total steps is 10\n');
  });

  it('--plot draws braille curves with axes and a legend', async () => {
    const { code, stdout } = await lrsweep(['schedule', referenceFile, '--plot', '--width', '72']);
    expect(code).toBe(0);
    expect(stdout).toMatch(/[\u2801-\u28ff]/);
    expect(stdout).toMatch(/┤/);
    expect(stdout).toMatch(/└─+/);
    expect(stdout).toContain('step-size1-2groups group 1');
    expect(stdout).toContain('  step\n');
  });

  it('--help prints usage and exits 0; unknown options exit 2', async () => {
    const help = await lrsweep(['schedule', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('usage: lrsweep schedule FILE');
    const bad = await lrsweep(['schedule', '--nope', referenceFile]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toBe("lrsweep: schedule: Unknown option '--nope' (see lrsweep schedule --help)\n");
  });
});
