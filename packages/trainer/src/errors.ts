/**
 * A task the trainer cannot run. The API validates requests with JSON Schema first, so
 * reaching this means a caller skipped that step; `path` is a JSON pointer into the
 * `train()` options (e.g. `/task/model/type`) so the message points at the bad field.
 */
export class TrainerConfigError extends Error {
  readonly code = 'LRS_TRAINER_CONFIG';
  constructor(
    readonly path: string,
    message: string,
    options?: ErrorOptions,
  ) {
    super(`${path}: ${message}`, options);
    this.name = 'TrainerConfigError';
  }
}

/** A backend was asked for by name and cannot be loaded here. */
export class BackendUnavailableError extends Error {
  readonly code = 'LRS_BACKEND_UNAVAILABLE';
  constructor(
    readonly backend: string,
    reason: string,
  ) {
    super(`backend '${backend}' is unavailable: ${reason}`);
    this.name = 'BackendUnavailableError';
  }
}

/** Bytes that are not a whole checkpoint of this format: truncated, foreign, or of another version. */
export class CheckpointFormatError extends Error {
  readonly code = 'LRS_CHECKPOINT_FORMAT';
  constructor(message: string) {
    super(`not a readable lrsweep checkpoint: ${message}`);
    this.name = 'CheckpointFormatError';
  }
}
