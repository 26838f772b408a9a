import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TrainerConfig } from '../worker-config.ts';

/** python/ in this repository: `import lrsweep` works in any script with nothing installed. */
export const PYTHON_DIR = path.resolve(fileURLToPath(new URL('../../../../python', import.meta.url)));

// The worker's own credentials are not the script's business.
const PRIVATE = /^(DATABASE_URL|REDIS_URL|TEST_DATABASE_URL)$|^LRSWEEP_/;

/** The script's environment: the worker's minus its secrets, the trainer's own, lrsweep on PYTHONPATH, pinned to the worker's GPU. */
export function scriptEnv(trainer: Pick<TrainerConfig, 'env'>, gpu: number | undefined, base: NodeJS.ProcessEnv = process.env): Record<string, string | undefined> {
  const env: Record<string, string | undefined> = {};
  for (const [k, v] of Object.entries(base)) if (!PRIVATE.test(k)) env[k] = v;
  Object.assign(env, trainer.env);
  env.PYTHONPATH = [PYTHON_DIR, env.PYTHONPATH].filter(Boolean).join(path.delimiter);
  env.PYTHONUNBUFFERED = '1';
  if (gpu !== undefined) env.CUDA_VISIBLE_DEVICES = String(gpu);
  return env;
}
