import { runInForeground } from '../run-app.ts';

/** `lrsweep api [--port P] [--host H]`: the API alone. */
export async function run(argv: string[]): Promise<number> {
  return runInForeground('api', argv);
}
