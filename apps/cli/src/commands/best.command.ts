// `lrsweep best ID`: the winning schedule as the PyTorch call to paste into a training script.
import type { LeaderboardEntry } from '@lrsweep/contracts';
import { API_ENVIRONMENT, API_OPTIONS, apiClient, seg } from '../api-client.ts';
import { defineCommand, type CommandInput } from '../command.ts';
import { describeSchedule } from '@lrsweep/schedules';
import { print, printJson, stdoutPalette } from '../format/output.ts';

type Best = LeaderboardEntry & { metric: string; mode: string };

export const command = defineCommand({
  summary: 'the best schedule as a PyTorch call, with mean ± std and n',
  args: ['ID'],
  description: `The best schedule so far as a PyTorch call (first line), then its objective's mean ± std over
n seeds, e.g.
  StepLR(step_size=2, gamma=0.5)
  val_loss 0.4127 ± 0.0153 (min) over n=3 seeds`,
  options: API_OPTIONS,
  environment: API_ENVIRONMENT,
  run,
});

async function run(input: CommandInput<typeof API_OPTIONS>): Promise<number> {
  const best = await apiClient(input).get<Best>(`/v1/sweeps/${seg(input.args[0]!)}/best`);
  if (input.options.json) {
    printJson(best);
    return 0;
  }
  const p = stdoutPalette();
  print(p.bold(describeSchedule(best.schedule)));
  print(`${best.metric} ${best.mean.toFixed(4)} ± ${best.std.toFixed(4)} (${best.mode}) over n=${best.n} seed${best.n === 1 ? '' : 's'}`);
  return 0;
}
