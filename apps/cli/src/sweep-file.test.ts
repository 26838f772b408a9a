import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CliError } from './cli-error.ts';
import { parseSweepText, readSweepFile } from './sweep-file.ts';

const yaml = `# a comment YAML allows
name: spirals
task:
  dataset: spirals
  model: {type: mlp, hidden: [16]}
  epochs: 3
  batchSize: 32
  optimizer: {type: SGD, lr: 0.1}
schedules:
  - type: StepLR
    step_size: 2
    gamma: {values: [0.5, 0.1]}
seeds: 2
`;

describe('sweep files', () => {
  it('reads YAML into the same object as the JSON body', () => {
    expect(parseSweepText(yaml, 'sweep.yaml')).toEqual({
      name: 'spirals',
      task: { dataset: 'spirals', model: { type: 'mlp', hidden: [16] }, epochs: 3, batchSize: 32, optimizer: { type: 'SGD', lr: 0.1 } },
      schedules: [{ type: 'StepLR', step_size: 2, gamma: { values: [0.5, 0.1] } }],
      seeds: 2,
    });
  });

  it('reads JSON files as JSON', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'lrsweep-cli-'));
    await writeFile(join(dir, 's.json'), '{"name": "x", "seeds": 1}');
    expect(await readSweepFile(join(dir, 's.json'))).toEqual({ name: 'x', seeds: 1 });
  });

  it('names the file and the place of a syntax error in one line', () => {
    const err = (() => {
      try {
        parseSweepText('name: x\n  bad: [1, 2\n', 'broken.yaml');
      } catch (e) {
        return e as CliError;
      }
    })();
    expect(err).toBeInstanceOf(CliError);
    expect(err!.exitCode).toBe(2);
    expect(err!.message).toMatch(/^broken\.yaml: .*line \d+/);
    expect(err!.message).not.toContain('\n');
    expect(() => parseSweepText('{"name": }', 'b.json')).toThrow(/^b\.json: /);
  });

  it('refuses a file that is not one object', () => {
    expect(() => parseSweepText('- a\n- b\n', 'list.yaml')).toThrow(/one object.*a list/);
    expect(() => parseSweepText('', 'empty.yaml')).toThrow(/one object.*nothing/);
  });

  it('says when the file does not exist', async () => {
    await expect(readSweepFile('/nonexistent/sweep.yaml')).rejects.toThrow('/nonexistent/sweep.yaml: no such file');
  });
});
