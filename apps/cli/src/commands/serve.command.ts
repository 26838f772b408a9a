import type { ChildProcess } from 'node:child_process';
import { parseArgs } from 'node:util';
import { loadConfig } from '@lrsweep/config';
import { migrate } from '@lrsweep/db';
import { CliError } from '../cli-error.ts';
import { spawnApp } from '../run-app.ts';

/**
 * `lrsweep serve`: migrates, then runs the API and N worker processes in the foreground.
 * Ctrl-C (or SIGTERM) is passed to every child, which each shut down in order; if one child
 * dies on its own, the others are stopped too, so nothing is left half-running.
 */
export async function run(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: { port: { type: 'string' }, host: { type: 'string' }, workers: { type: 'string', default: '2' } },
  });
  const workers = Number(values.workers);
  if (!Number.isInteger(workers) || workers < 0 || workers > 64) throw new CliError(`--workers must be an integer 0..64, got '${values.workers}'`);
  const config = loadConfig();
  await migrate(config.databaseUrl);

  const apiArgs = [...(values.port ? ['--port', values.port] : []), ...(values.host ? ['--host', values.host] : [])];
  const children: ChildProcess[] = [spawnApp('api', apiArgs)];
  for (let i = 0; i < workers; i++) children.push(spawnApp('worker', []));

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
