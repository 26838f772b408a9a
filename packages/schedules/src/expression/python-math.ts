// Python float semantics where they differ from JavaScript's operators: floor division and
// modulo take the sign of the divisor, and division by zero raises instead of giving Infinity.
// Each failure is reported as Python's exception text; the caller attaches the column.

export class PythonRuntimeError extends Error {}

/** Python's `a % b` for floats (CPython float_rem). */
export function pyMod(a: number, b: number): number {
  if (b === 0) throw new PythonRuntimeError('ZeroDivisionError: float modulo');
  let mod = a % b;
  if (mod !== 0) {
    if (b < 0 !== mod < 0) mod += b;
  } else {
    mod = b < 0 ? -0 : 0;
  }
  return mod;
}

/** Python's `a // b` for floats (CPython float_floor_div via divmod), exact for integer operands. */
export function pyFloorDiv(a: number, b: number): number {
  if (b === 0) throw new PythonRuntimeError('ZeroDivisionError: float floor division by zero');
  let mod = a % b;
  let div = (a - mod) / b;
  if (mod !== 0 && b < 0 !== mod < 0) {
    mod += b;
    div -= 1;
  }
  if (div === 0) return a / b < 0 ? -0 : 0;
  let floordiv = Math.floor(div);
  if (div - floordiv > 0.5) floordiv += 1;
  return floordiv;
}

/** Python's `a / b`. */
export function pyTrueDiv(a: number, b: number): number {
  if (b === 0) throw new PythonRuntimeError('ZeroDivisionError: float division by zero');
  return a / b;
}

/** Python's `a ** b` for real results. */
export function pyPow(a: number, b: number): number {
  if (a === 0 && b < 0) throw new PythonRuntimeError('ZeroDivisionError: 0.0 cannot be raised to a negative power');
  if (a < 0 && !Number.isInteger(b) && Number.isFinite(b)) {
    // Python returns a complex number here, which no learning rate can be.
    throw new PythonRuntimeError('ValueError: negative number cannot be raised to a fractional power');
  }
  const r = a ** b;
  if (!Number.isFinite(r) && Number.isFinite(a) && Number.isFinite(b)) {
    throw new PythonRuntimeError('OverflowError: (34, \'Numerical result out of range\')');
  }
  return r;
}

/** Python's round() with one argument: ties go to the even neighbour. */
export function pyRound(x: number): number {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 ? 2 * Math.round(x / 2) : r;
}
