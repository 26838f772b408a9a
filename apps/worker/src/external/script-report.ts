import { MAX_METRICS_PER_EPOCH, isBuiltinMetric, metricNameIssue, type EpochRow } from '@lrsweep/contracts';

// A script's `report` message (python/lrsweep/trial.py's Trial.report) read and judged. The
// wire is flat JSON: `{"type": "report", "epoch", "lr", "seconds", ...metrics}`, every other
// key a metric by name. JSON has no NaN: non-finite values travel as "nan", "inf", "-inf".

/** A report as the script sent it: every metric by name, non-finite ones included. */
export interface ScriptReport {
  type: 'report';
  epoch: number;
  lr: number;
  seconds: number;
  metrics: Record<string, number>;
}

/** A report that cannot be read as one: the trial fails with `error`, since the script would send it again. */
export interface BadReport {
  type: 'bad-report';
  error: string;
}

const NON_FINITE: Record<string, number> = { nan: NaN, inf: Infinity, '-inf': -Infinity };
const REPORT_FIELDS = new Set(['type', 'epoch', 'lr', 'seconds']);
const num = (v: unknown) => (typeof v === 'number' ? v : typeof v === 'string' && v in NON_FINITE ? NON_FINITE[v]! : undefined);

/** Reads a `report` message, or says what is wrong with it. */
export function parseReport(m: Record<string, unknown>): ScriptReport | BadReport {
  const epochOk = Number.isInteger(m.epoch) && (m.epoch as number) >= 0;
  const bad = (error: string): BadReport => ({ type: 'bad-report', error: `a bad report${epochOk ? ` at epoch ${m.epoch as number}` : ''}: ${error}` });
  if (!epochOk) return bad(`epoch ${JSON.stringify(m.epoch)} is not a whole number from 0`);
  const lr = num(m.lr);
  if (lr === undefined || !Number.isFinite(lr)) return bad(`lr ${JSON.stringify(m.lr)} is not a finite number`);
  const names = Object.keys(m).filter((k) => !REPORT_FIELDS.has(k));
  if (names.length > MAX_METRICS_PER_EPOCH) return bad(`${names.length} metrics; at most ${MAX_METRICS_PER_EPOCH}`);
  const metrics: Record<string, number> = {};
  for (const name of names) {
    const issue = metricNameIssue(name);
    if (issue) return bad(issue);
    const value = num(m[name]);
    if (value === undefined) return bad(`metric ${name} is ${JSON.stringify(m[name])}, not a number`);
    metrics[name] = value;
  }
  return { type: 'report', epoch: m.epoch as number, lr, seconds: num(m.seconds) ?? 0, metrics };
}

/**
 * What a report's non-finite values mean. A non-finite train_loss, val_loss or objective is
 * divergence, as it always was. Any other metric must be finite: a NaN F1 is a bug in the
 * script's metric, not a property of the schedule, so the trial fails and says which.
 */
export function judgeReport(r: ScriptReport, objective: string): { diverged: string } | { bad: string } | { row: EpochRow } {
  const nonFinite = Object.entries(r.metrics).filter(([, v]) => !Number.isFinite(v));
  const losses = nonFinite.filter(([name]) => name === 'train_loss' || name === 'val_loss');
  if (losses.length > 0) {
    const reported = (['train_loss', 'val_loss'] as const).filter((n) => n in r.metrics).map((n) => `${n} ${r.metrics[n]}`);
    return { diverged: `non-finite loss at epoch ${r.epoch} (${reported.join(', ')})` };
  }
  if (nonFinite.some(([name]) => name === objective)) return { diverged: `non-finite objective at epoch ${r.epoch} (${objective} ${r.metrics[objective]})` };
  if (nonFinite.length > 0) {
    const [name, value] = nonFinite[0]!;
    return { bad: `epoch ${r.epoch} reported ${name} = ${value}: metrics must be finite numbers (a non-finite train_loss, val_loss or objective ${objective} means the trial diverged)` };
  }
  const others = Object.fromEntries(Object.entries(r.metrics).filter(([name]) => !isBuiltinMetric(name)));
  return {
    row: {
      epoch: r.epoch,
      lr: r.lr,
      train_loss: r.metrics.train_loss ?? null,
      val_loss: r.metrics.val_loss ?? null,
      val_acc: r.metrics.val_acc ?? null,
      ...(Object.keys(others).length > 0 ? { metrics: others } : {}),
      seconds: r.seconds,
    },
  };
}
