import { runInForeground } from '../run-app.ts';

/** `lrsweep worker [--gpu N]`: one training worker. */
export async function run(argv: string[]): Promise<number> {
  return runInForeground('worker', argv);
}
