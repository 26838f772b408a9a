// `lrsweep schedule FILE [--plot]`: PyTorch lr (and momentum) trajectories for case files,
// as JSON in the reference file's convention, or drawn in the terminal.
import { CliError } from '../cli-error.ts';
import { plotChart, type PlotSeries } from '../plot.chart.ts';
import { readCaseFile, runCases } from './schedule-cases.ts';

const HELP = `usage: lrsweep schedule FILE [--plot] [--width N] [--height N]

Reads a case file (one case, or {"cases": [...]}; FILE "-" reads stdin) in the format of
shared/reference/lr-trajectories.json:
  {"id": "cos", "optimizer": {"type": "SGD", "lr": 0.1}, "scheduler": {"type": "CosineAnnealingLR", "T_max": 10}, "steps": 20}
and prints {"cases": [{"id", "lr": [[...]], "momentum": [[...]]}]}: lr[k][g] is group g's lr
after k (optimizer.step(); scheduler.step()) pairs; momentum only where the optimizer has one.

options:
  --plot        draw the curves in the terminal instead of printing JSON
  --width N     chart width in columns (default: the terminal's, or 80)
  --height N    chart height in rows (default 16)
  -h, --help    show this help
`;

interface Args {
  file: string;
  plot: boolean;
  width: number | undefined;
  height: number | undefined;
}

function parseArgs(argv: string[]): Args | null {
  const args: Args = { file: '', plot: false, width: undefined, height: undefined };
  const files: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '-h' || a === '--help') return null;
    if (a === '--plot') args.plot = true;
    else if (a === '--width' || a === '--height') {
      const n = Number(argv[++i]);
      if (!Number.isInteger(n) || n < 20) throw new CliError(`${a} needs a whole number of at least 20`);
      args[a === '--width' ? 'width' : 'height'] = n;
    } else if (a.startsWith('-') && a !== '-') throw new CliError(`schedule: unknown option ${a} (see lrsweep schedule --help)`);
    else files.push(a);
  }
  if (files.length !== 1) throw new CliError('schedule: expected exactly one FILE (or - for stdin); see lrsweep schedule --help');
  args.file = files[0]!;
  return args;
}

export async function run(argv: string[]): Promise<number> {
  const args = parseArgs(argv);
  if (!args) {
    process.stdout.write(HELP);
    return 0;
  }
  const results = runCases(await readCaseFile(args.file));
  if (!args.plot) {
    process.stdout.write(JSON.stringify({ cases: results }) + '\n');
    return 0;
  }
  const series: PlotSeries[] = results.flatMap((t, i) => {
    const groups = t.lr[0]?.length ?? 0;
    const name = t.id ?? `case #${i}`;
    return Array.from({ length: groups }, (_, g) => ({ label: groups > 1 ? `${name} group ${g}` : name, values: t.lr.map((row) => row[g]!) }));
  });
  const width = args.width ?? process.stdout.columns ?? 80;
  process.stdout.write(plotChart(series, { width, height: args.height, color: process.stdout.isTTY === true && !process.env.NO_COLOR }));
  return 0;
}
