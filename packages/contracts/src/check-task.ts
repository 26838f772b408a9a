import { ValueErrorType, type ValueError } from '@sinclair/typebox/errors';
import { Value } from '@sinclair/typebox/value';
import type { Issue } from './error.schema.ts';
import { BuiltinTask } from './task.schema.ts';
import { taskRuleIssues } from './task-rules.ts';

/**
 * Every reason the built-in trainer refuses `task`, by JSON pointer relative to the task: the
 * BuiltinTask schema, then the rules between fields. The API applies the same schema (with
 * Ajv) and the same rules, so whatever this refuses was a 400 at submit time.
 */
export function builtinTaskIssues(task: unknown): Issue[] {
  const issues = flatten(Value.Errors(BuiltinTask, task)).map(({ path, message }) => ({ path, message }));
  return issues.length > 0 ? issues : taskRuleIssues(task as BuiltinTask);
}

/** An issue, and whether it is a mismatch of a constant (a variant's `type`). */
type Found = Issue & { literal: boolean };

/**
 * TypeBox reports a union (model, optimizer) as one error at its root; name the field instead.
 * A field where every variant wants another constant (an unknown `type`) is the one named,
 * with each constant; otherwise the variant the value comes closest to (fewest errors) speaks.
 */
function flatten(errors: Iterable<ValueError>): Found[] {
  const found: Found[] = [];
  for (const error of errors) {
    if (error.type !== ValueErrorType.Union || error.errors.length === 0) {
      found.push({ path: error.path, message: error.message, literal: error.type === ValueErrorType.Literal });
      continue;
    }
    const variants = error.errors.map((iterator) => flatten(iterator));
    const constantAt = (path: string) => variants.map((v) => v.find((i) => i.literal && i.path === path));
    const discriminator = variants[0]!.find((issue) => issue.literal && constantAt(issue.path).every(Boolean));
    if (discriminator) {
      const wanted = constantAt(discriminator.path).map((i) => i!.message.replace(/^Expected /, ''));
      found.push({ path: discriminator.path, message: `Expected ${wanted.join(' | ')}`, literal: true });
    } else {
      found.push(...variants.reduce((best, v) => (v.length < best.length ? v : best)));
    }
  }
  return found;
}
