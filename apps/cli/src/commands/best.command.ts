// `lrsweep best ID`: the winning schedule as a PyTorch call, and any schedules tied with it.
import type { BestEntry } from '@lrsweep/contracts';
import { API_ENVIRONMENT, API_OPTIONS, apiClient, seg } from '../api-client.ts';
import { bestLine } from '../best-line.ts';
import { defineCommand, type CommandInput } from '../command.ts';
import { print, printJson, stdoutPalette } from '../format/output.ts';

export const command = defineCommand({
  summary: 'the best schedule as a PyTorch call, with mean ± std and n, and the schedules tied with it',
  args: ['ID'],
  description: `The best schedule so far as a PyTorch call (first line), then its objective's mean ± std over
n seeds, e.g.
  StepLR(step_size=2, gamma=0.5)
  val_loss 0.4127 ± 0.0153 (min) over n=3 seeds
When the seeds cannot tell other schedules from it (their difference to it, paired by seed,
is not significant at 95%), the first line names them:
  StepLR(step_size=2, gamma=0.5), tied with 2 others: CosineAnnealingLR(T_max=10), ...`,
  options: API_OPTIONS,
  environment: API_ENVIRONMENT,
  run,
});

async function run(input: CommandInput<typeof API_OPTIONS>): Promise<number> {
  const best = await apiClient(input).get<BestEntry>(`/v1/sweeps/${seg(input.args[0]!)}/best`);
  if (input.options.json) {
    printJson(best);
    return 0;
  }
  const p = stdoutPalette();
  print(bestLine(best, p.bold));
  print(`${best.metric} ${best.mean.toFixed(4)} ± ${best.std.toFixed(4)} (${best.mode}) over n=${best.n} seed${best.n === 1 ? '' : 's'}`);
  return 0;
}
