import { createScheduler, type OptimizerSpec, type Scheduler, type ScheduleSpec } from '@lrsweep/schedules';

/**
 * The lr each epoch should start with, from packages/schedules' own PyTorch twin of the spec,
 * compared with what the script reported: a difference means the script stepped its scheduler
 * differently from the spec (per batch instead of per epoch, twice, not at all).
 */
export class LrCheck {
  private scheduler: Scheduler | null | undefined;
  private readonly expected: number[] = [];
  private readonly metrics: number[] = [];
  private stepsPerEpoch: number | undefined;

  constructor(
    private readonly spec: ScheduleSpec,
    private readonly optimizer: OptimizerSpec,
    private readonly epochs: number,
  ) {}

  /** Built on first use: a per-step schedule needs the script's steps per epoch. */
  private build(stepsPerEpoch: number | undefined): Scheduler | null {
    if (this.scheduler !== undefined) return this.scheduler;
    this.stepsPerEpoch = stepsPerEpoch;
    try {
      const s = createScheduler(this.fill(stepsPerEpoch), this.optimizer);
      if (s.interval === 'step' && stepsPerEpoch === undefined) return (this.scheduler = null);
      this.expected.push(s.lrs[0]!);
      return (this.scheduler = s);
    } catch {
      return (this.scheduler = null); // the script builds its own; an invalid spec fails there in PyTorch's words
    }
  }

  /** OneCycleLR's length as lrsweep.Trial.scheduler fills it in (and the built-in trainer's prepareSchedule). */
  private fill(stepsPerEpoch: number | undefined): ScheduleSpec {
    const s = this.spec;
    if (s.type !== 'OneCycleLR' || s.total_steps != null || s.steps_per_epoch != null) return s;
    const perStep = (s.interval ?? 'step') === 'step';
    return { ...s, epochs: s.epochs ?? this.epochs, steps_per_epoch: perStep ? stepsPerEpoch : 1 };
  }

  /**
   * Checks epoch `epoch`'s reported lr, given the metric the epoch ended with (what
   * ReduceLROnPlateau is stepped with). Epochs must come in order from 0.
   * @returns a note on the first disagreement, else null.
   */
  check(epoch: number, lr: number, metric: number, stepsPerEpoch?: number): string | null {
    const s = this.build(stepsPerEpoch);
    if (!s) return null;
    this.metrics[epoch] = metric;
    try {
      while (this.expected.length <= epoch) {
        const m = this.metrics[this.expected.length - 1];
        if (s.interval === 'step') for (let i = 0; i < this.stepsPerEpoch!; i++) s.step();
        else if (this.spec.type === 'ReduceLROnPlateau') {
          if (m === undefined) return null; // an epoch before a resume whose metric is not known here
          s.step(m);
        } else s.step();
        this.expected.push(s.lrs[0]!);
      }
    } catch {
      return null;
    }
    const want = this.expected[epoch]!;
    if (Math.abs(lr - want) <= 1e-9 * Math.abs(want) + 1e-15) return null;
    const how = s.interval === 'step' ? `stepped per batch, ${this.stepsPerEpoch} per epoch` : 'stepped once per epoch';
    return `epoch ${epoch}: the script's lr ${lr} differs from ${this.spec.type}'s ${want} (${how}); is the scheduler stepped as the spec says?`;
  }
}
