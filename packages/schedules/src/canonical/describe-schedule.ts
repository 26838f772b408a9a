/** `StepLR(step_size=2, gamma=0.5)`: a schedule as a PyTorch user would write it. */
export function describeSchedule(schedule: Record<string, unknown>): string {
  // `lr` is no scheduler's parameter: a sweep that searches optimizer.lr stores each trial's there.
  const { type, interval, lr, ...params } = schedule;
  const args = orderLikePyTorch(String(type), Object.keys(params)).map((k) => `${k}=${formatValue(params[k])}`);
  const call = `${String(type)}(${args.join(', ')})`;
  const stepped = interval ? `${call} per ${String(interval)}` : call;
  return lr === undefined ? stepped : `${stepped} at lr=${formatValue(lr)}`;
}

/**
 * Each scheduler's keyword parameters in the order of its `torch.optim.lr_scheduler` signature.
 * Schedules come back from Postgres (jsonb) with their keys re-sorted, so without this the same
 * schedule would read `StepLR(gamma=0.5, step_size=2)` one day and the other way round the next.
 */
const SIGNATURES: Record<string, string[]> = {
  LambdaLR: ['lr_lambda'],
  MultiplicativeLR: ['lr_lambda'],
  StepLR: ['step_size', 'gamma'],
  MultiStepLR: ['milestones', 'gamma'],
  ConstantLR: ['factor', 'total_iters'],
  LinearLR: ['start_factor', 'end_factor', 'total_iters'],
  ExponentialLR: ['gamma'],
  SequentialLR: ['schedulers', 'milestones'],
  PolynomialLR: ['total_iters', 'power'],
  CosineAnnealingLR: ['T_max', 'eta_min'],
  ChainedScheduler: ['schedulers'],
  ReduceLROnPlateau: ['mode', 'factor', 'patience', 'threshold', 'threshold_mode', 'cooldown', 'min_lr', 'eps'],
  CyclicLR: ['base_lr', 'max_lr', 'step_size_up', 'step_size_down', 'mode', 'gamma', 'scale_fn', 'scale_mode', 'cycle_momentum', 'base_momentum', 'max_momentum'],
  CosineAnnealingWarmRestarts: ['T_0', 'T_mult', 'eta_min'],
  OneCycleLR: ['max_lr', 'total_steps', 'epochs', 'steps_per_epoch', 'pct_start', 'anneal_strategy', 'cycle_momentum', 'base_momentum', 'max_momentum', 'div_factor', 'final_div_factor', 'three_phase'],
};

/** Known parameters in signature order, then any others alphabetically. */
function orderLikePyTorch(type: string, keys: string[]): string[] {
  const order = SIGNATURES[type] ?? [];
  const rank = (k: string) => (order.includes(k) ? order.indexOf(k) : order.length);
  return [...keys].sort((a, b) => rank(a) - rank(b) || (rank(a) === order.length ? a.localeCompare(b) : 0));
}

function formatValue(v: unknown): string {
  if (Array.isArray(v)) return '[' + v.map(formatValue).join(', ') + ']';
  if (typeof v === 'object' && v !== null && 'type' in v) return describeSchedule(v as Record<string, unknown>);
  if (typeof v === 'string') return JSON.stringify(v);
  if (typeof v === 'boolean') return v ? 'True' : 'False';
  return String(v);
}
