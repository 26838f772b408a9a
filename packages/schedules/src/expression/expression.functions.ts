// The only names an expression may call or read: Python's `math` module (the useful, pure part)
// and a few builtins. Domain errors are raised as Python raises them, never turned into NaN.
import { PythonRuntimeError, pyPow, pyRound } from './python-math.ts';

export interface PyFunction {
  min: number;
  max: number;
  fn: (args: number[]) => number;
}

const domain = (ok: boolean): void => {
  if (!ok) throw new PythonRuntimeError('ValueError: math domain error');
};
const range = (x: number): number => {
  if (!Number.isFinite(x)) throw new PythonRuntimeError('OverflowError: math range error');
  return x;
};
const f1 = (fn: (x: number) => number): PyFunction => ({ min: 1, max: 1, fn: (a) => fn(a[0]!) });
const f2 = (fn: (x: number, y: number) => number): PyFunction => ({ min: 2, max: 2, fn: (a) => fn(a[0]!, a[1]!) });

function log(a: number[]): number {
  const x = a[0]!;
  domain(x > 0);
  if (a.length === 1) return Math.log(x);
  const base = a[1]!;
  domain(base > 0);
  const den = Math.log(base);
  if (den === 0) throw new PythonRuntimeError('ZeroDivisionError: float division by zero');
  return Math.log(x) / den;
}

function mathPow(x: number, y: number): number {
  domain(!(x === 0 && y < 0) && !(x < 0 && !Number.isInteger(y) && Number.isFinite(y)));
  return range(x ** y);
}

export const MATH_FUNCTIONS: Readonly<Record<string, PyFunction>> = {
  cos: f1(Math.cos),
  sin: f1(Math.sin),
  tan: f1(Math.tan),
  acos: f1((x) => (domain(Math.abs(x) <= 1), Math.acos(x))),
  asin: f1((x) => (domain(Math.abs(x) <= 1), Math.asin(x))),
  atan: f1(Math.atan),
  atan2: f2(Math.atan2),
  cosh: f1((x) => range(Math.cosh(x))),
  sinh: f1((x) => range(Math.sinh(x))),
  tanh: f1(Math.tanh),
  exp: f1((x) => range(Math.exp(x))),
  expm1: f1((x) => range(Math.expm1(x))),
  log: { min: 1, max: 2, fn: log },
  log10: f1((x) => (domain(x > 0), Math.log10(x))),
  log2: f1((x) => (domain(x > 0), Math.log2(x))),
  log1p: f1((x) => (domain(x > -1), Math.log1p(x))),
  sqrt: f1((x) => (domain(x >= 0), Math.sqrt(x))),
  floor: f1(Math.floor),
  ceil: f1(Math.ceil),
  trunc: f1(Math.trunc),
  fabs: f1(Math.abs),
  pow: f2(mathPow),
  hypot: { min: 0, max: Infinity, fn: (a) => Math.hypot(...a) },
  fmod: f2((x, y) => (domain(y !== 0), x % y)),
  copysign: f2((x, y) => (y < 0 || Object.is(y, -0) ? -Math.abs(x) : Math.abs(x))),
  degrees: f1((x) => (x * 180) / Math.PI),
  radians: f1((x) => (x * Math.PI) / 180),
};

export const MATH_CONSTANTS: Readonly<Record<string, number>> = {
  pi: Math.PI,
  e: Math.E,
  tau: 2 * Math.PI,
  inf: Infinity,
};

function pyMin(a: number[]): number {
  let best = a[0]!;
  for (let i = 1; i < a.length; i++) if (a[i]! < best) best = a[i]!;
  return best;
}
function pyMax(a: number[]): number {
  let best = a[0]!;
  for (let i = 1; i < a.length; i++) if (a[i]! > best) best = a[i]!;
  return best;
}

/** Builtins callable without `math.`; min/max need 2+ arguments since lists do not exist here. */
export const BUILTIN_FUNCTIONS: Readonly<Record<string, PyFunction>> = {
  min: { min: 2, max: Infinity, fn: pyMin },
  max: { min: 2, max: Infinity, fn: pyMax },
  abs: f1(Math.abs),
  round: f1(pyRound),
  int: f1(Math.trunc),
  float: f1((x) => x),
  pow: f2(pyPow),
};
