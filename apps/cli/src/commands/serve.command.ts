import type { ChildProcess } from 'node:child_process';
import { loadConfig } from '@lrsweep/config';
import { defineCommand, type CommandInput } from '../command.ts';
import { migrateDatabase } from '../migrate-database.ts';
import { spawnApp } from '../run-app.ts';
import { LISTEN_OPTIONS, listenArgs, SERVICE_ENVIRONMENT } from '../service-options.ts';

const OPTIONS = {
  ...LISTEN_OPTIONS,
  workers: { type: 'integer', value: 'N', min: 0, max: 64, default: 2, description: 'training worker processes to run beside the API' },
} as const;

/**
 * `lrsweep serve`: migrates, then runs the API and N worker processes in the foreground.
 * Ctrl-C (or SIGTERM) is passed to every child, which each shut down in order; if one child
 * dies on its own, the others are stopped too, so nothing is left half-running.
 */
export const command = defineCommand({
  summary: 'migrate, then run the API and N workers',
  description: `Applies pending migrations to DATABASE_URL, then runs the API and N training workers in the
foreground. Ctrl-C stops them all; if one exits on its own, the others are stopped too.`,
  options: OPTIONS,
  environment: SERVICE_ENVIRONMENT,
  run,
});

async function run({ options }: CommandInput<typeof OPTIONS>): Promise<number> {
  const config = loadConfig();
  await migrateDatabase(config.databaseUrl);

  const children: ChildProcess[] = [spawnApp('api', listenArgs(options))];
  for (let i = 0; i < options.workers; i++) children.push(spawnApp('worker', []));

  return new Promise((resolve) => {
    let stopping = false;
    const stopAll = (signal: NodeJS.Signals) => {
      if (stopping) return;
      stopping = true;
      for (const c of children) if (c.exitCode === null) c.kill(signal);
    };
    let exited = 0;
    let failed = false;
    for (const child of children) {
      child.on('exit', (code) => {
        exited++;
        if (!stopping && code !== 0) {
          failed = true;
          process.stderr.write(`lrsweep serve: a child process exited with code ${code}; stopping the others\n`);
          stopAll('SIGTERM');
        }
        if (exited === children.length) resolve(failed ? 1 : 0);
      });
    }
    process.on('SIGINT', () => stopAll('SIGINT'));
    process.on('SIGTERM', () => stopAll('SIGTERM'));
  });
}
