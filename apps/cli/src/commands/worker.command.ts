import { defineCommand, type CommandInput } from '../command.ts';
import { runInForeground } from '../run-app.ts';
import { SERVICE_ENVIRONMENT } from '../service-options.ts';

const OPTIONS = {
  gpu: { type: 'integer', value: 'N', min: 0, description: 'pin the worker to GPU N: it sets CUDA_VISIBLE_DEVICES' },
  gpus: {
    type: 'string',
    value: 'LIST',
    pattern: { test: /^\d+(,\d+)*$/, means: 'a comma-separated list of GPU indexes (0,1,2)' },
    description: 'one worker per GPU in LIST (0,1,2,3), restarted with backoff when one crashes',
  },
  trainer: {
    type: 'string',
    value: 'NAME=COMMAND',
    multiple: true,
    description: "an external trainer besides lrsweep.config.yaml's, run in this directory",
  },
} as const;

/**
 * `lrsweep worker [--gpu N]`: one training worker; `lrsweep worker --gpus 0,1,2,3`: one per GPU,
 * supervised and restarted with backoff when one crashes (apps/worker/src/supervisor.ts).
 */
export const command = defineCommand({
  summary: 'run one training worker (--gpu N), or one per GPU (--gpus 0,1,2,3)',
  description: `Trains the trials it takes from the queue, until Ctrl-C.`,
  options: OPTIONS,
  environment: {
    LRSWEEP_CONFIG: 'the trainers file (default lrsweep.config.yaml in this directory, if there is one)',
    ...SERVICE_ENVIRONMENT,
  },
  run,
});

/** The worker process parses these again: the CLI checked them, it passes them on as given. */
async function run({ options }: CommandInput<typeof OPTIONS>): Promise<number> {
  const args = [
    ...(options.gpu === undefined ? [] : ['--gpu', String(options.gpu)]),
    ...(options.gpus === undefined ? [] : ['--gpus', options.gpus]),
    ...options.trainer.flatMap((t) => ['--trainer', t]),
  ];
  return runInForeground('worker', args);
}
