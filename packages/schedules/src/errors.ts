// Every failure a caller can cause is one of these typed errors, so the API and the CLI can
// report it as data (code + JSON pointer) instead of guessing from a TypeError's text.

/** An invalid schedule (or optimizer) spec. `path` is the JSON pointer of the offending field. */
export class ScheduleError extends Error {
  readonly code = 'LRS_INVALID_SCHEDULE' as const;
  constructor(
    readonly path: string,
    readonly reason: string,
  ) {
    super(`${path}: ${reason}`);
    this.name = 'ScheduleError';
  }
}

/**
 * An `lr_lambda` expression that cannot be compiled or that fails when evaluated (Python's
 * ZeroDivisionError, math domain errors). `column` is the 0-based column of the offending token.
 */
export class ExpressionError extends ScheduleError {
  constructor(
    path: string,
    readonly detail: string,
    readonly column: number,
    readonly expression: string,
  ) {
    super(path, `${detail} at column ${column} in ${JSON.stringify(expression)}`);
    this.name = 'ExpressionError';
  }

  /** The same error reported at another spec path (a lambda compiled before its place was known). */
  at(path: string): ExpressionError {
    return new ExpressionError(path, this.detail, this.column, this.expression);
  }
}

/**
 * A valid scheduler used wrongly while stepping: ReduceLROnPlateau without a metric, OneCycleLR
 * past total_steps, a Python ZeroDivisionError in PyTorch's own formulas. `code` separates these
 * from spec errors because they are raised by `step()`, not by construction.
 */
export class ScheduleStepError extends Error {
  readonly code = 'LRS_SCHEDULE_STEP' as const;
  constructor(readonly reason: string) {
    super(reason);
    this.name = 'ScheduleStepError';
  }
}
