// `lrsweep best ID`: the winning schedule as the PyTorch call to paste into a training script.
import type { BestEntry } from '@lrsweep/contracts';
import { parseApiCommand, seg, SHARED_HELP } from '../api-client.ts';
import { bestLine } from '../best-line.ts';
import { print, printJson, stdoutPalette } from '../format/output.ts';

const HELP = `usage: lrsweep best ID

The best schedule so far as a PyTorch call (first line), then its objective's mean ± std over
n seeds, e.g.
  StepLR(step_size=2, gamma=0.5)
  val_loss 0.4127 ± 0.0153 (min) over n=3 seeds
When the seeds cannot tell other schedules from it (their difference to it, paired by seed,
is not significant at 95%), the first line names them:
  StepLR(step_size=2, gamma=0.5), tied with 2 others: CosineAnnealingLR(T_max=10), ...

options:
${SHARED_HELP}`;

export async function run(argv: string[]): Promise<number> {
  const cmd = parseApiCommand('best', argv, { help: HELP, positionals: { min: 1, max: 1 } });
  if (!cmd) return 0;
  const best = await cmd.client.get<BestEntry>(`/v1/sweeps/${seg(cmd.positionals[0]!)}/best`);
  if (cmd.json) {
    printJson(best);
    return 0;
  }
  const p = stdoutPalette();
  print(bestLine(best, p.bold));
  print(`${best.metric} ${best.mean.toFixed(4)} ± ${best.std.toFixed(4)} (${best.mode}) over n=${best.n} seed${best.n === 1 ? '' : 's'}`);
  return 0;
}
