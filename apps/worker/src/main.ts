import { parseArgs } from 'node:util';
import { startWorker } from './worker.ts';

try {
  const { values } = parseArgs({ options: { gpu: { type: 'string' }, trainer: { type: 'string', multiple: true } } });
  const gpu = values.gpu === undefined ? undefined : Number(values.gpu);
  if (gpu !== undefined && !(Number.isInteger(gpu) && gpu >= 0)) throw new Error(`--gpu must be a GPU index (0, 1, ...), got '${values.gpu}'`);
  await startWorker({ gpu, trainerFlags: values.trainer });
} catch (err) {
  process.stderr.write(`lrsweep worker: ${(err as Error).message}\n`);
  process.exit(1);
}
