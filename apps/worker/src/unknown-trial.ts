import { UnrecoverableError } from '@lrsweep/queue';

// Said in the message itself: an error that crosses a process keeps its name and message
// only, and the name must stay UnrecoverableError for BullMQ to skip the retries.
const NOT_HERE = "is not in this worker's database";

/**
 * Fails the job of a trial this worker's database does not hold, visibly: such a job comes from
 * a queue shared with another deployment, and completing it quietly would hide that.
 */
export function unknownTrialError(trialId: string): UnrecoverableError {
  return new UnrecoverableError(`trial ${trialId} ${NOT_HERE}: the API that queued it uses another database or queue; check DATABASE_URL and LRSWEEP_QUEUE_PREFIX`);
}

export function isUnknownTrialError(err: { message?: string } | undefined): boolean {
  return err?.message?.includes(NOT_HERE) ?? false;
}
