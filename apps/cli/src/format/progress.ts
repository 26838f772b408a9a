/** `[██████░░░░]` for a fraction 0..1, `width` cells between the brackets. */
export function progressBar(fraction: number, width: number): string {
  const f = Number.isFinite(fraction) ? Math.min(1, Math.max(0, fraction)) : 0;
  const filled = Math.round(f * width);
  return `[${'█'.repeat(filled)}${'░'.repeat(width - filled)}]`;
}

/** `42%`: rounded down, so 100% means really done. */
export function percent(fraction: number): string {
  return `${Math.floor(Math.min(1, Math.max(0, fraction)) * 100)}%`;
}

/** `7s`, `2m05s`, `1h02m`: a duration at the precision a person waiting cares about. */
export function formatDuration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}

export interface ProgressSample {
  /** milliseconds, any clock, as long as both samples use the same one */
  at: number;
  finished: number;
}

/**
 * Seconds left at the rate trials have finished since `first` was seen, or null until at
 * least one has. The rate is measured on the watcher's own clock, never against the API's
 * timestamps, so clock skew between hosts cannot skew it.
 */
export function estimateEta(first: ProgressSample, now: ProgressSample, total: number): number | null {
  const done = now.finished - first.finished;
  const elapsed = (now.at - first.at) / 1000;
  if (done <= 0 || elapsed <= 0) return null;
  return Math.max(0, total - now.finished) / (done / elapsed);
}
