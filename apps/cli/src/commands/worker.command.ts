import { runInForeground } from '../run-app.ts';

/**
 * `lrsweep worker [--gpu N]`: one training worker; `lrsweep worker --gpus 0,1,2,3`: one per GPU,
 * supervised and restarted with backoff when one crashes (apps/worker/src/supervisor.ts).
 */
export async function run(argv: string[]): Promise<number> {
  return runInForeground('worker', argv);
}
