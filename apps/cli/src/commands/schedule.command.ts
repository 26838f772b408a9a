// `lrsweep schedule FILE [--plot]`: PyTorch lr (and momentum) trajectories for case files,
// as JSON in the reference file's convention, or drawn in the terminal.
import { defineCommand, type CommandInput } from '../command.ts';
import { plotChart, type PlotSeries } from '../plot.chart.ts';
import { readCaseFile, runCases } from './schedule-cases.ts';

const OPTIONS = {
  plot: { type: 'boolean', description: 'draw the curves in the terminal instead of printing JSON' },
  width: { type: 'integer', value: 'N', min: 20, description: "chart width in columns; without it the terminal's, or 80" },
  height: { type: 'integer', value: 'N', min: 4, default: 16, description: 'chart height in rows' },
} as const;

export const command = defineCommand({
  summary: 'print or plot PyTorch lr trajectories for case files',
  args: ['FILE'],
  description: `Reads a case file (one case, or {"cases": [...]}; FILE "-" reads stdin) in the format of
shared/reference/lr-trajectories.json:
  {"id": "cos", "optimizer": {"type": "SGD", "lr": 0.1}, "scheduler": {"type": "CosineAnnealingLR", "T_max": 10}, "steps": 20}
and prints {"cases": [{"id", "lr": [[...]], "momentum": [[...]]}]}: lr[k][g] is group g's lr
after k (optimizer.step(); scheduler.step()) pairs; momentum only where the optimizer has one.`,
  options: OPTIONS,
  environment: { NO_COLOR: 'set: --plot draws without colour' },
  run,
});

async function run(input: CommandInput<typeof OPTIONS>): Promise<number> {
  const { plot, width: columns, height } = input.options;
  const results = runCases(await readCaseFile(input.args[0]!));
  if (!plot) {
    process.stdout.write(JSON.stringify({ cases: results }) + '\n');
    return 0;
  }
  const series: PlotSeries[] = results.flatMap((t, i) => {
    const groups = t.lr[0]?.length ?? 0;
    const name = t.id ?? `case #${i}`;
    return Array.from({ length: groups }, (_, g) => ({ label: groups > 1 ? `${name} group ${g}` : name, values: t.lr.map((row) => row[g]!) }));
  });
  const width = columns ?? process.stdout.columns ?? 80;
  process.stdout.write(plotChart(series, { width, height, color: process.stdout.isTTY === true && !input.env.NO_COLOR }));
  return 0;
}
