// The public face of the expression compiler: an `lr_lambda` string as a function of epoch.
import { compileExpression } from './expression.compiler.ts';

/** Compiles a Python-style `lr_lambda` expression in `epoch`; throws ExpressionError with the column. */
export function compileLrLambda(expr: string): (epoch: number) => number {
  return compileExpression(expr, { variable: 'epoch', path: '' });
}
