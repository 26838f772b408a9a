import { defineCommand, type CommandInput } from '../command.ts';
import { runInForeground } from '../run-app.ts';
import { LISTEN_OPTIONS, listenArgs, SERVICE_ENVIRONMENT } from '../service-options.ts';

/** `lrsweep api [--port P] [--host H]`: the API alone. */
export const command = defineCommand({
  summary: 'run the API alone',
  description: 'Runs the REST API (and the dashboard at /) in the foreground until Ctrl-C. It does not migrate:\nrun `lrsweep migrate` first, or use `lrsweep serve`.',
  options: LISTEN_OPTIONS,
  environment: SERVICE_ENVIRONMENT,
  run: ({ options }: CommandInput<typeof LISTEN_OPTIONS>) => runInForeground('api', listenArgs(options)),
});
