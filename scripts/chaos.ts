// `npm run chaos -- --seed N`: one bounded chaos run (see README, "Chaos run"). Exits 0 when
// every check held, 1 otherwise; the last line is the summary.
import { parseArgs } from 'node:util';
import { runChaos } from './chaos/run-chaos.ts';

const { values } = parseArgs({
  options: {
    seed: { type: 'string', default: '1' },
    seeds: { type: 'string', default: '50' },
    workers: { type: 'string', default: '3' },
    faults: { type: 'string', default: '10' },
    'window-s': { type: 'string', default: '60' },
    'timeout-s': { type: 'string', default: '240' },
  },
});
const int = (name: keyof typeof values) => {
  const n = Number(values[name]);
  if (!Number.isInteger(n) || n < 0) throw new Error(`--${name} must be a whole number, got '${values[name]}'`);
  return n;
};
const result = await runChaos({
  seed: int('seed'),
  seeds: int('seeds'),
  workers: Math.max(1, int('workers')),
  faults: int('faults'),
  windowMs: int('window-s') * 1000,
  timeoutMs: int('timeout-s') * 1000,
  say: (line) => process.stdout.write(`chaos: ${line}\n`),
});
for (const p of result.problems) process.stdout.write(`chaos: problem: ${p}\n`);
if (!result.ok) process.stdout.write(`chaos: process output kept in ${result.logFile}\n`);
process.stdout.write(`${result.summary}\n`);
process.exit(result.ok ? 0 : 1);
