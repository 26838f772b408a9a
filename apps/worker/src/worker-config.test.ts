import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadWorkerConfig } from './worker-config.ts';

const dir = mkdtempSync(path.join(tmpdir(), 'lrsweep-config-'));
const file = (name: string, text: string) => {
  writeFileSync(path.join(dir, name), text);
  return path.join(dir, name);
};

describe('loadWorkerConfig', () => {
  it('reads trainers from LRSWEEP_CONFIG, paths relative to the file', () => {
    const f = file('a.yaml', 'trainers:\n  mnist-torch:\n    command: train.py --fast\n    interpreter: /usr/bin/python3\n    cwd: sub\n    env: {OMP_NUM_THREADS: 1}\ncheckpointDir: ck\nkillGraceSeconds: 2\n');
    const c = loadWorkerConfig({ env: { LRSWEEP_CONFIG: f }, cwd: '/' });
    expect(c.file).toBe(f);
    expect(c.trainers.get('mnist-torch')).toEqual({ name: 'mnist-torch', argv: ['/usr/bin/python3', 'train.py', '--fast'], cwd: path.join(dir, 'sub'), env: { OMP_NUM_THREADS: '1' }, reuse: true, maxTrialsPerProcess: null });
    expect(c.checkpointDir).toBe(path.join(dir, 'ck'));
    expect(c.killGraceMs).toBe(2000);
    // LRSWEEP_CHECKPOINT_DIR wins over the file's, relative to the working directory.
    expect(loadWorkerConfig({ env: { LRSWEEP_CONFIG: f, LRSWEEP_CHECKPOINT_DIR: 'vol/ck' }, cwd: '/srv' }).checkpointDir).toBe('/srv/vol/ck');
  });

  it('finds lrsweep.config.yaml in the working directory, and has no trainers without one', () => {
    file('lrsweep.config.yaml', 'trainers:\n  t:\n    command: [./run, --x]\n');
    expect([...loadWorkerConfig({ env: {}, cwd: dir }).trainers.keys()]).toEqual(['t']);
    const empty = mkdtempSync(path.join(tmpdir(), 'lrsweep-none-'));
    expect(loadWorkerConfig({ env: {}, cwd: empty })).toMatchObject({ file: null, trainers: new Map() });
  });

  it('adds --trainer NAME=COMMAND, run in the working directory', () => {
    const c = loadWorkerConfig({ env: {}, cwd: '/srv', trainerFlags: ['my-model=python3 train.py --lr-free'] });
    expect(c.trainers.get('my-model')).toEqual({ name: 'my-model', argv: ['python3', 'train.py', '--lr-free'], cwd: '/srv', env: {}, reuse: true, maxTrialsPerProcess: null });
  });

  it('reads reuse and maxTrialsPerProcess per trainer, and refuses a limit below 1', () => {
    const f = file('warm.yaml', 'trainers:\n  leaky:\n    command: train.py\n    maxTrialsPerProcess: 5\n  cold:\n    command: train.py\n    reuse: false\n');
    const c = loadWorkerConfig({ env: { LRSWEEP_CONFIG: f }, cwd: '/' });
    expect(c.trainers.get('leaky')).toMatchObject({ reuse: true, maxTrialsPerProcess: 5 });
    expect(c.trainers.get('cold')).toMatchObject({ reuse: false, maxTrialsPerProcess: null });
    const zero = file('zero.yaml', 'trainers:\n  t:\n    command: train.py\n    maxTrialsPerProcess: 0\n');
    expect(() => loadWorkerConfig({ env: { LRSWEEP_CONFIG: zero }, cwd: '/' })).toThrow(/maxTrialsPerProcess/);
  });

  it('refuses bad names and bad files, naming the problem', () => {
    expect(() => loadWorkerConfig({ env: {}, cwd: '/', trainerFlags: ['Bad Name=x'] })).toThrow(/--trainer wants NAME=COMMAND/);
    expect(() => loadWorkerConfig({ env: {}, cwd: '/', trainerFlags: ['noequals'] })).toThrow(/NAME=COMMAND/);
    const bad = file('bad.yaml', 'trainers:\n  t:\n    comand: x\n');
    expect(() => loadWorkerConfig({ env: { LRSWEEP_CONFIG: bad }, cwd: '/' })).toThrow(new RegExp(`${bad}: /trainers/t`));
    const broken = file('broken.yaml', 'trainers: [\n');
    expect(() => loadWorkerConfig({ env: { LRSWEEP_CONFIG: broken }, cwd: '/' })).toThrow(broken);
  });
});
