// `lrsweep <command> ...`: each command lives in its own file and is loaded only when used,
// so `lrsweep schedule` never pays for Fastify, BullMQ or tfjs.
import { CliError } from './cli-error.ts';

type Command = { describe: string; load: () => Promise<{ run: (argv: string[]) => Promise<number> }> };

const commands: Record<string, Command> = {
  schedule: { describe: 'print or plot PyTorch lr trajectories for case files', load: () => import('./commands/schedule.command.ts') },
  serve: { describe: 'migrate, then run the API and N workers (--port P --workers N)', load: () => import('./commands/serve.command.ts') },
  api: { describe: 'run the API alone (--port P --host H)', load: () => import('./commands/api.command.ts') },
  worker: { describe: 'run one training worker (--gpu N), or one per GPU (--gpus 0,1,2,3)', load: () => import('./commands/worker.command.ts') },
  migrate: { describe: 'apply prisma/migrations to DATABASE_URL', load: () => import('./commands/migrate.command.ts') },
  keys: { describe: 'API keys: create --project P, list, revoke ID (against DATABASE_URL)', load: () => import('./commands/keys.command.ts') },
  submit: { describe: 'submit a JSON or YAML sweep file (--watch: follow it to the leaderboard)', load: () => import('./commands/submit.command.ts') },
  status: { describe: 'one sweep in detail, or the recent sweeps', load: () => import('./commands/status.command.ts') },
  leaderboard: { describe: "a sweep's schedules ranked over seeds (--format table|json|csv)", load: () => import('./commands/leaderboard.command.ts') },
  best: { describe: 'the best schedule as a PyTorch call, with mean ± std and n', load: () => import('./commands/best.command.ts') },
  trials: { describe: "a sweep's trials (--state S)", load: () => import('./commands/trials.command.ts') },
  cancel: { describe: 'cancel a sweep', load: () => import('./commands/cancel.command.ts') },
  rerun: { describe: "run a sweep's failed and cancelled trials again (--state S, --fresh)", load: () => import('./commands/rerun.command.ts') },
  extend: { describe: 'add the schedules and/or seeds of FILE to a sweep', load: () => import('./commands/extend.command.ts') },
  queue: { describe: 'trial queue counts and connected workers', load: () => import('./commands/queue.command.ts') },
  workers: { describe: 'the registered training workers', load: () => import('./commands/workers.command.ts') },
  export: { describe: 'every epoch of every trial as CSV or JSON (--out FILE)', load: () => import('./commands/export.command.ts') },
};

function usage(): string {
  const rows = Object.entries(commands).map(([name, c]) => `  ${name.padEnd(12)} ${c.describe}`);
  return ['usage: lrsweep <command> [options]', '', 'commands:', ...rows].join('\n');
}

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h') {
    process.stdout.write(usage() + '\n');
    return name ? 0 : 2;
  }
  const command = commands[name];
  if (!command) {
    process.stderr.write(`lrsweep: unknown command '${name}'\n${usage()}\n`);
    return 2;
  }
  const mod = await command.load();
  return mod.run(rest);
}

try {
  process.exitCode = await main(process.argv.slice(2));
} catch (err) {
  if (err instanceof CliError) {
    // One line per problem (an invalid sweep names each bad field), each prefixed for grep.
    for (const line of err.message.split('\n')) process.stderr.write(`lrsweep: ${line}\n`);
    process.exitCode = err.exitCode;
  } else {
    throw err;
  }
}
