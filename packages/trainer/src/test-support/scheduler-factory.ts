import type { SchedulerFactory } from '../training/scheduler.types.ts';
import { fakeScheduler } from './fake-scheduler.ts';

/**
 * The real createScheduler once @lrsweep/schedules exports it, the fake until then. Imported
 * by a computed name so this file compiles while the package is still being written.
 */
export async function schedulerFactory(): Promise<{ create: SchedulerFactory; real: boolean }> {
  const name = '@lrsweep/schedules';
  try {
    const mod = (await import(name)) as { createScheduler?: SchedulerFactory };
    if (typeof mod.createScheduler === 'function') return { create: mod.createScheduler, real: true };
  } catch {
    // not there yet
  }
  return { create: fakeScheduler, real: false };
}
