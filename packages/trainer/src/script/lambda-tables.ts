import { compileLrLambda } from '@lrsweep/schedules';

/** `{"table": [f(0), f(1), ...]}`: an expression's values, null where it raised. */
export interface Table {
  table: Array<number | null>;
}

// scale_fn is an expression in `x`; the public compiler takes `epoch`. A standalone name `x`
// (not part of another name or an attribute) is the variable, so renaming it is exact.
const compileScaleFn = (expr: string) => compileLrLambda(expr.replace(/(?<![\w.])x(?!\w)/g, 'epoch'));

function tabulate(fn: (x: number) => number, length: number): Table {
  const table: Array<number | null> = [];
  for (let i = 0; i < length; i++) {
    try {
      const v = fn(i);
      table.push(Number.isFinite(v) ? v : null);
    } catch {
      table.push(null);
    }
  }
  return { table };
}

/**
 * The spec a script receives: every `lr_lambda` (in `epoch`) and CyclicLR `scale_fn` (in `x`)
 * replaced by its values at 0..length-1, computed by our own expression parser. The script's
 * Python never evaluates an expression from a request.
 */
export function tabulateExpressions(spec: unknown, length: number): unknown {
  if (Array.isArray(spec)) return spec.map((s) => tabulateExpressions(s, length));
  if (spec === null || typeof spec !== 'object') return spec;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(spec)) {
    if (key === 'lr_lambda' && typeof value === 'string') out[key] = tabulate(compileLrLambda(value), length);
    else if (key === 'lr_lambda' && Array.isArray(value)) out[key] = value.map((v) => tabulate(compileLrLambda(String(v)), length));
    else if (key === 'scale_fn' && typeof value === 'string') out[key] = tabulate(compileScaleFn(value), length);
    else out[key] = tabulateExpressions(value, length);
  }
  return out;
}
