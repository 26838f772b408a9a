import type { EpochRow } from '@lrsweep/contracts';

/**
 * The columns `lrsweep export` adds for the metrics a script reported besides train_loss,
 * val_loss and val_acc: one per name any epoch has, sorted, so a sweep's columns do not
 * depend on which trial came first. A name that is already a column of the export (a metric
 * called `rank` or `seed`) is written `metrics.<name>`, so no value hides another.
 */
export function metricColumns(epochs: Iterable<Pick<EpochRow, 'metrics'>>, taken: readonly string[]): { column: string; metric: string }[] {
  const names = new Set<string>();
  for (const e of epochs) for (const name of Object.keys(e.metrics ?? {})) names.add(name);
  return [...names].sort().map((metric) => ({ metric, column: taken.includes(metric) ? `metrics.${metric}` : metric }));
}

/** An epoch's cells for those columns: null where it did not report the metric. */
export function metricCells(e: Pick<EpochRow, 'metrics'>, columns: { column: string; metric: string }[]): Record<string, number | null> {
  return Object.fromEntries(columns.map(({ column, metric }) => [column, e.metrics?.[metric] ?? null]));
}
