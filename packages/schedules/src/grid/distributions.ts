/**
 * Distributions a search draws a parameter from, with Weights & Biases' names and fields:
 * `{"distribution": "uniform", "min": 0.1, "max": 0.9}` and so on. Each maps a number u in
 * [0, 1) (uniform random, or one coordinate of a Sobol point) to a value, so random and
 * quasi-random search share them.
 */

export const DISTRIBUTIONS = ['uniform', 'log_uniform_values', 'int_uniform', 'q_uniform', 'q_log_uniform_values'] as const;
export type DistributionName = (typeof DISTRIBUTIONS)[number];

type Issue = { path: string; message: string };

/** An object with a `distribution` key is a distribution (and never a literal parameter). */
export function isDistribution(value: unknown): value is { distribution: unknown } {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && 'distribution' in value;
}

/** Decimal noise from q * k (0.1 * 3 = 0.30000000000000004) would make 0.3 and 0.3 two configurations. */
const tidy = (x: number): number => Number(x.toPrecision(12));

/** The nearest multiple of q to x that lies in [min, max] (W&B's round(x / q) * q, kept in bounds). */
function quantize(x: number, q: number, min: number, max: number): number {
  const lo = Math.ceil(tidy(min / q));
  const hi = Math.floor(tidy(max / q));
  return tidy(Math.min(hi, Math.max(lo, Math.round(x / q))) * q);
}

const logUniform = (u: number, min: number, max: number) => Math.exp(Math.log(min) + u * (Math.log(max) - Math.log(min)));

/**
 * A distribution's sampler, or the issues that make it unusable, each at a JSON pointer under
 * `at` (the distribution's own location in the request).
 */
export function parseDistribution(value: Record<string, unknown>, at: string): { draw: (u: number) => number } | { issues: Issue[] } {
  const name = value.distribution;
  if (!DISTRIBUTIONS.includes(name as DistributionName)) {
    return { issues: [{ path: `${at}/distribution`, message: `unknown distribution ${JSON.stringify(name)}; one of ${DISTRIBUTIONS.join(', ')}` }] };
  }
  const quantized = name === 'q_uniform' || name === 'q_log_uniform_values';
  const allowed = new Set(['distribution', 'min', 'max', ...(quantized ? ['q'] : [])]);
  const issues: Issue[] = Object.keys(value)
    .filter((k) => !allowed.has(k))
    .map((k) => ({ path: `${at}/${k}`, message: `${name} takes ${[...allowed].slice(1).join(', ')}, not ${k}` }));
  for (const k of ['min', 'max'] as const) {
    if (typeof value[k] !== 'number' || !Number.isFinite(value[k])) issues.push({ path: `${at}/${k}`, message: `${name} needs a number ${k}` });
    else if (name === 'int_uniform' && !Number.isInteger(value[k])) issues.push({ path: `${at}/${k}`, message: `int_uniform's ${k} must be an integer` });
  }
  const q = value.q ?? 1;
  if (quantized && !(typeof q === 'number' && q > 0)) issues.push({ path: `${at}/q`, message: 'q must be a positive number' });
  if (issues.length > 0) return { issues };
  const min = value.min as number;
  const max = value.max as number;
  if (min > max) return { issues: [{ path: `${at}/min`, message: `min (${min}) is greater than max (${max})` }] };
  const log = name === 'log_uniform_values' || name === 'q_log_uniform_values';
  if (log && min <= 0) return { issues: [{ path: `${at}/min`, message: `${name} draws the logarithm, so min must be positive, not ${min}` }] };
  if (quantized && Math.ceil(tidy(min / (q as number))) > Math.floor(tidy(max / (q as number)))) {
    return { issues: [{ path: `${at}/q`, message: `no multiple of q (${q}) lies between min (${min}) and max (${max})` }] };
  }
  switch (name as DistributionName) {
    case 'uniform':
      return { draw: (u) => min + u * (max - min) };
    case 'log_uniform_values':
      return { draw: (u) => Math.min(max, logUniform(u, min, max)) };
    case 'int_uniform':
      // Every integer in [min, max] gets an equal share of [0, 1).
      return { draw: (u) => Math.min(max, min + Math.floor(u * (max - min + 1))) };
    case 'q_uniform':
      return { draw: (u) => quantize(min + u * (max - min), q as number, min, max) };
    case 'q_log_uniform_values':
      return { draw: (u) => quantize(logUniform(u, min, max), q as number, min, max) };
  }
}
