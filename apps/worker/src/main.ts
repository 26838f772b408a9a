import { parseArgs } from 'node:util';
import { createLogger, loadConfig } from '@lrsweep/config';
import { parseGpus, superviseWorkers } from './supervisor.ts';
import { startWorker } from './worker.ts';

try {
  const { values } = parseArgs({ options: { gpu: { type: 'string' }, trainer: { type: 'string', multiple: true }, gpus: { type: 'string' } } });
  if (values.gpus !== undefined) {
    if (values.gpu !== undefined) throw new Error('give --gpu N (one worker) or --gpus 0,1,... (one worker per GPU), not both');
    const gpus = parseGpus(values.gpus);
    process.exit(await superviseWorkers(gpus, createLogger('worker-supervisor', loadConfig().logLevel)));
  }
  const gpu = values.gpu === undefined ? undefined : Number(values.gpu);
  if (gpu !== undefined && !(Number.isInteger(gpu) && gpu >= 0)) throw new Error(`--gpu must be a GPU index (0, 1, ...), got '${values.gpu}'`);
  await startWorker({ gpu, trainerFlags: values.trainer });
} catch (err) {
  process.stderr.write(`lrsweep worker: ${(err as Error).message}\n`);
  process.exit(1);
}
