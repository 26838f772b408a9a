import { describe, expect, it } from 'vitest';
import { warmArgv } from './script-pool.ts';

describe('warmArgv', () => {
  it('runs a python script through lrsweep.host, interpreter flags first', () => {
    expect(warmArgv(['/usr/bin/python3', 'train.py', '--fast'])).toEqual(['/usr/bin/python3', '-m', 'lrsweep.host', 'train.py', '--fast']);
    expect(warmArgv(['/venv/bin/python', '-u', 'train.py'])).toEqual(['/venv/bin/python', '-u', '-m', 'lrsweep.host', 'train.py']);
  });

  it('refuses what it cannot reuse: not python, not a .py script, -c or -m', () => {
    expect(warmArgv(['./train.sh'])).toBeNull();
    expect(warmArgv(['bash', 'train.py'])).toBeNull();
    expect(warmArgv(['python3', '-c', 'print(1)'])).toBeNull();
    expect(warmArgv(['python3', '-m', 'mypkg.train'])).toBeNull();
    expect(warmArgv(['python3', 'train'])).toBeNull();
    expect(warmArgv(['python3'])).toBeNull();
  });
});
