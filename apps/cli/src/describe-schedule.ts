/** `StepLR(step_size=2, gamma=0.5)`: a schedule as a PyTorch user would write it. */
export function describeSchedule(schedule: Record<string, unknown>): string {
  const { type, interval, ...params } = schedule;
  const args = Object.entries(params).map(([k, v]) => `${k}=${formatValue(v)}`);
  const call = `${String(type)}(${args.join(', ')})`;
  return interval ? `${call} per ${String(interval)}` : call;
}

function formatValue(v: unknown): string {
  if (Array.isArray(v)) return '[' + v.map(formatValue).join(', ') + ']';
  if (typeof v === 'object' && v !== null && 'type' in v) return describeSchedule(v as Record<string, unknown>);
  if (typeof v === 'string') return JSON.stringify(v);
  if (typeof v === 'boolean') return v ? 'True' : 'False';
  return String(v);
}
