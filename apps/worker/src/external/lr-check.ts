import { createScheduler, type OptimizerSpec, type Scheduler, type ScheduleSpec } from '@lrsweep/schedules';

/**
 * The lr each epoch should start with, from packages/schedules' own PyTorch twin of the spec,
 * compared with what the script reported: a difference means the script stepped its scheduler
 * differently from the spec (per batch instead of per epoch, twice, not at all).
 */
export class LrCheck {
  private readonly scheduler: Scheduler | null;
  private expected: number[] = [];
  private readonly metrics: number[] = [];

  constructor(
    private readonly spec: ScheduleSpec,
    optimizer: OptimizerSpec,
    private readonly stepsPerEpoch: number | undefined,
  ) {
    let scheduler: Scheduler | null = null;
    try {
      scheduler = createScheduler(spec, optimizer);
    } catch {
      scheduler = null; // the script builds its own; an invalid spec fails there with PyTorch's words
    }
    this.scheduler = scheduler;
    if (scheduler) this.expected.push(scheduler.lrs[0]!);
  }

  /**
   * Checks epoch `epoch`'s reported lr, given the metric the epoch ended with (what
   * ReduceLROnPlateau is stepped with). Epochs must come in order from 0 or a resume point.
   * @returns a note on the first disagreement, else null.
   */
  check(epoch: number, lr: number, metric: number, stepsPerEpoch = this.stepsPerEpoch): string | null {
    const s = this.scheduler;
    if (!s || (s.interval === 'step' && stepsPerEpoch === undefined)) return null;
    this.metrics[epoch] = metric;
    try {
      while (this.expected.length <= epoch) {
        const k = this.expected.length - 1;
        const m = this.metrics[k];
        if (s.interval === 'step') for (let i = 0; i < stepsPerEpoch!; i++) s.step();
        else if (this.spec.type === 'ReduceLROnPlateau') {
          if (m === undefined) return null; // resumed after epoch k: its metric is not known here
          s.step(m);
        } else s.step();
        this.expected.push(s.lrs[0]!);
      }
    } catch {
      return null;
    }
    const want = this.expected[epoch]!;
    if (Math.abs(lr - want) <= 1e-9 * Math.max(Math.abs(want), 1e-12) + 1e-15) return null;
    return `epoch ${epoch}: the script's lr ${lr} differs from ${this.spec.type}'s ${want} (${s.interval === 'step' ? `stepped per batch, ${stepsPerEpoch} per epoch` : 'stepped once per epoch'}); is the scheduler stepped as the spec says?`;
  }
}
