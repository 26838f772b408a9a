import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { PYTHON_DIR, scriptEnv } from './script-env.ts';

const trainer = { name: 't', argv: ['x'], cwd: '/', env: { OMP_NUM_THREADS: '1' } };

describe('scriptEnv', () => {
  it("pins the script to the worker's GPU and puts lrsweep on PYTHONPATH", () => {
    const env = scriptEnv(trainer, 3, { PATH: '/bin', PYTHONPATH: '/mine', CUDA_VISIBLE_DEVICES: '0,1,2,3' });
    expect(env).toMatchObject({ PATH: '/bin', OMP_NUM_THREADS: '1', CUDA_VISIBLE_DEVICES: '3', PYTHONUNBUFFERED: '1' });
    expect(env.PYTHONPATH).toBe([PYTHON_DIR, '/mine'].join(path.delimiter));
    expect(path.basename(PYTHON_DIR)).toBe('python');
  });

  it("keeps the worker's credentials from the script", () => {
    const env = scriptEnv(trainer, undefined, { DATABASE_URL: 'postgresql://u:p@h/db', REDIS_URL: 'redis://h', LRSWEEP_CONFIG: 'x', HOME: '/root' });
    expect(Object.keys(env).sort()).toEqual(['HOME', 'OMP_NUM_THREADS', 'PYTHONPATH', 'PYTHONUNBUFFERED']);
  });
});
