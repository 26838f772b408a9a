import { trajectory } from '@lrsweep/schedules';
import type { PrismaClient } from '@lrsweep/db';

export interface SweepChecks {
  trials: number;
  epochs: number;
  problems: string[];
}

/**
 * What must hold once the sweep has settled, whatever was injected: every trial completed
 * once (one terminal state, every epoch counted), every epoch row exactly once with the lr the
 * schedule's PyTorch-exact trajectory gives, nothing queued or running, the sweep completed.
 */
export async function checkSweep(
  db: PrismaClient,
  sweepId: string,
  { expectedTrials, epochs, optimizer }: { expectedTrials: number; epochs: number; optimizer: { type: string; lr: number } },
): Promise<SweepChecks> {
  const problems: string[] = [];
  const sweep = await db.sweep.findUniqueOrThrow({ where: { id: sweepId } });
  if (sweep.status !== 'completed' || !sweep.finishedAt) problems.push(`sweep is ${sweep.status} (finishedAt ${sweep.finishedAt?.toISOString() ?? 'null'}), not completed`);
  const trials = await db.trial.findMany({ where: { sweepId }, orderBy: { index: 'asc' } });
  if (trials.length !== expectedTrials) problems.push(`${trials.length} trials, expected ${expectedTrials}`);
  const rows = await db.epoch.findMany({ where: { trial: { sweepId } }, orderBy: [{ trialId: 'asc' }, { epoch: 'asc' }] });
  const byTrial = new Map<string, typeof rows>();
  for (const r of rows) byTrial.set(r.trialId, [...(byTrial.get(r.trialId) ?? []), r]);
  const lrOf = new Map<string, number[]>();
  for (const t of trials) {
    if (t.state !== 'completed') problems.push(`trial ${t.index} is ${t.state}${t.error ? ` (${t.error})` : ''}`);
    if (t.epochsDone !== epochs || !t.finishedAt) problems.push(`trial ${t.index}: epochsDone ${t.epochsDone}, finishedAt ${t.finishedAt?.toISOString() ?? 'null'}`);
    const mine = byTrial.get(t.id) ?? [];
    const want = [...Array(epochs).keys()];
    if (mine.map((r) => r.epoch).join() !== want.join()) problems.push(`trial ${t.index}: epoch rows ${mine.map((r) => r.epoch).join(',')}, expected ${want.join(',')}`);
    const key = JSON.stringify(t.schedule);
    if (!lrOf.has(key)) lrOf.set(key, trajectory({ optimizer: optimizer as never, scheduler: t.schedule as never, steps: epochs - 1 }).lr.map((row) => row[0]!));
    const expected = lrOf.get(key)!;
    mine.forEach((r, i) => {
      if (r.lr !== expected[i]) problems.push(`trial ${t.index} epoch ${r.epoch}: lr ${r.lr}, scheduled ${expected[i]}`);
    });
  }
  return { trials: trials.length, epochs: rows.length, problems: problems.slice(0, 20).concat(problems.length > 20 ? [`... and ${problems.length - 20} more`] : []) };
}
