// `lrsweep trials ID [--state S]`: every trial of a sweep, paged through the API.
import { TRIAL_STATES, type TrialSummary } from '@lrsweep/contracts';
import { CliError } from '../cli-error.ts';
import { listAllTrials, parseApiCommand, seg, SHARED_HELP, type SweepDetail } from '../api-client.ts';
import { describeSchedule } from '@lrsweep/schedules';
import { paintState } from '../format/color.ts';
import { formatMetric, print, printJson, stdoutPalette } from '../format/output.ts';
import { renderTable } from '../format/table.ts';

const HELP = `usage: lrsweep trials ID [--state STATE]

Every trial of the sweep: index, state, seed, epochs done, final metrics, seconds, worker and
schedule (--json: the API's trial objects, as one array).

options:
  --state S     only trials in state S: ${TRIAL_STATES.join(', ')}
${SHARED_HELP}`;

export async function run(argv: string[]): Promise<number> {
  const cmd = parseApiCommand('trials', argv, { help: HELP, options: { state: { type: 'string' } }, positionals: { min: 1, max: 1 } });
  if (!cmd) return 0;
  const state = cmd.values.state;
  if (state !== undefined && !TRIAL_STATES.includes(state as never)) throw new CliError(`trials: --state must be one of ${TRIAL_STATES.join(', ')}, got '${state}'`);
  const id = cmd.positionals[0]!;
  // The sweep first: an unknown id is one clear 404, and its spec gives the epochs per trial.
  const sweep = await cmd.client.get<SweepDetail>(`/v1/sweeps/${seg(id)}`);
  const trials = await listAllTrials(cmd.client, id, state);
  if (cmd.json) {
    printJson(trials);
    return 0;
  }
  if (trials.length === 0) {
    print(state ? `no ${state} trials` : 'no trials');
    return 0;
  }
  print(trialsTable(trials, sweep.spec.task.epochs));
  return 0;
}

function trialsTable(trials: TrialSummary[], epochs: number): string {
  const p = stdoutPalette();
  const rows = trials.map((t) => [
    String(t.index),
    paintState(p, t.state),
    String(t.seed),
    `${t.epochsDone}/${epochs}`,
    formatMetric(t.metrics.val_loss),
    formatMetric(t.metrics.val_acc),
    formatMetric(t.metrics.train_loss),
    t.seconds === null ? '-' : t.seconds.toFixed(1),
    t.worker ?? '-',
    describeSchedule(t.schedule) + (t.error ? p.dim(`  (${t.error.split('\n')[0]})`) : ''),
  ]);
  const right = (header: string) => ({ header, align: 'right' as const });
  return renderTable(
    [right('#'), { header: 'state' }, right('seed'), right('epochs'), right('val_loss'), right('val_acc'), right('train_loss'), right('seconds'), { header: 'worker' }, { header: 'schedule' }],
    rows,
  );
}
