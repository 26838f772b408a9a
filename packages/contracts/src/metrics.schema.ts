import { Type } from '@sinclair/typebox';

// What a trial may report besides its epoch, lr and seconds: any numeric metric by name, as
// W&B's wandb.log, Ray Tune and Optuna take them. train_loss, val_loss and val_acc keep their
// meaning (and their own columns); every other name travels in an epoch's `metrics`.

/** The metrics the built-in trainer reports, each in its own column. */
export const METRICS = ['val_loss', 'val_acc', 'train_loss'] as const;
export type Metric = (typeof METRICS)[number];

/**
 * A metric's name: a Python identifier, optionally with `/`, `.` or `-` as W&B's names have
 * (`val/f1`). Bounded, so an epoch row and a CSV header stay small.
 */
export const METRIC_NAME_PATTERN = '^[A-Za-z_][A-Za-z0-9_./-]*$';
export const MAX_METRIC_NAME_LENGTH = 64;
/** Metrics one epoch may report, the three named ones included. */
export const MAX_METRICS_PER_EPOCH = 32;
/** Keys of a report that are not metrics: a metric may not take their names. */
export const RESERVED_METRIC_NAMES = ['type', 'epoch', 'lr', 'seconds', 'metrics'] as const;

export const MetricName = Type.String({ pattern: METRIC_NAME_PATTERN, minLength: 1, maxLength: MAX_METRIC_NAME_LENGTH });

export const ExtraMetrics = Type.Record(Type.String(), Type.Number(), {
  description: "the epoch's metrics other than train_loss, val_loss and val_acc, by name (a script's own: val_f1, perplexity)",
});

/** Why `name` cannot be a metric's name, or null when it can. */
export function metricNameIssue(name: string): string | null {
  if (name.length > MAX_METRIC_NAME_LENGTH) return `metric name '${name.slice(0, MAX_METRIC_NAME_LENGTH)}...' is longer than ${MAX_METRIC_NAME_LENGTH} characters`;
  if (!new RegExp(METRIC_NAME_PATTERN).test(name)) return `metric name '${name}' is not a name (letters, digits, _ . / -, not starting with a digit)`;
  if ((RESERVED_METRIC_NAMES as readonly string[]).includes(name)) return `'${name}' is not a metric's name: ${RESERVED_METRIC_NAMES.join(', ')} are the report's own fields`;
  return null;
}

export function isBuiltinMetric(name: string): name is Metric {
  return (METRICS as readonly string[]).includes(name);
}

/** An epoch's value of metric `name` (a named column or one of its `metrics`); undefined when it did not report it. */
export function metricOf(row: { train_loss: number | null; val_loss: number | null; val_acc: number | null; metrics?: Record<string, number> }, name: string): number | undefined {
  const value = isBuiltinMetric(name) ? row[name] : row.metrics?.[name];
  return value ?? undefined;
}

/** Every metric an epoch reported, by name: the named three that it reported, then its others. */
export function metricsOf(row: { train_loss: number | null; val_loss: number | null; val_acc: number | null; metrics?: Record<string, number> }): Record<string, number> {
  const named = Object.fromEntries(METRICS.flatMap((m) => (row[m] === null ? [] : [[m, row[m]]])));
  return { ...named, ...row.metrics };
}
