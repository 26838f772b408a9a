// Reads one scheduler spec's keyword arguments the way Python would bind them, but records
// every problem (with its JSON pointer) instead of stopping at the first, so validateSchedule
// can report them all. After a failed read the value is NaN/a placeholder; the scheduler is
// never built from a spec that has issues.
import { compileExpression, type Compiled } from '../expression/expression.compiler.ts';
import { ExpressionError } from '../errors.ts';

export interface Issue {
  path: string;
  reason: string;
}

const show = (v: unknown): string => (typeof v === 'string' ? JSON.stringify(v) : Array.isArray(v) ? 'an array' : String(v));

export class SpecReader {
  private readonly used = new Set<string>(['type', 'interval']);
  /** PyTorch's default of every parameter read but absent from the spec (see canonicalSchedule). */
  readonly defaults: Record<string, unknown> = {};

  constructor(
    readonly spec: Record<string, unknown>,
    readonly base: string,
    readonly issues: Issue[],
    /** number of param groups, when an optimizer is known */
    readonly groups: number | undefined,
  ) {}

  path(name: string): string {
    // RFC 6901 escaping, so an unknown key like "a/b" still yields a usable pointer.
    return `${this.base}/${name.replaceAll('~', '~0').replaceAll('/', '~1')}`;
  }

  issue(path: string, reason: string): void {
    this.issues.push({ path, reason });
  }

  /** Records `reason` at `name` when `ok` is false and the value itself was readable. */
  check(name: string, value: number, ok: boolean, reason: string): void {
    if (!Number.isNaN(value) && !ok) this.issue(this.path(name), reason);
  }

  has(name: string): boolean {
    return this.spec[name] !== undefined;
  }

  raw(name: string): unknown {
    this.used.add(name);
    return this.spec[name];
  }

  private required(name: string): never | undefined {
    this.issue(this.path(name), `missing 1 required argument: '${name}'`);
    return undefined;
  }

  num(name: string, fallback?: number): number {
    const v = this.raw(name);
    if (v === undefined) return fallback !== undefined ? this.defaulted(name, fallback) : (this.required(name), NaN);
    return this.asNumber(v, this.path(name));
  }

  int(name: string, fallback?: number): number {
    const v = this.num(name, fallback);
    if (!Number.isNaN(v) && !Number.isInteger(v)) {
      this.issue(this.path(name), `${name} must be an integer, got ${v}`);
      return NaN;
    }
    return v;
  }

  /** An int that may be null (Python's None), e.g. OneCycleLR's total_steps. */
  intOrNull(name: string): number | null {
    const v = this.raw(name);
    if (v === undefined) return this.defaulted(name, null);
    if (v === null) return null;
    return this.int(name);
  }

  bool(name: string, fallback: boolean): boolean {
    const v = this.raw(name);
    if (v === undefined) return this.defaulted(name, fallback);
    if (typeof v !== 'boolean') this.issue(this.path(name), `${name} must be true or false, got ${show(v)}`);
    return v === true;
  }

  /** A string option; `reason` is PyTorch's message for a value outside `choices`. */
  choice<T extends string>(name: string, choices: readonly T[], fallback: T, reason: (v: string) => string): T {
    const v = this.raw(name);
    if (v === undefined) return this.defaulted(name, fallback);
    if (typeof v !== 'string') {
      this.issue(this.path(name), `${name} must be a string, got ${show(v)}`);
      return fallback;
    }
    if (!(choices as readonly string[]).includes(v)) this.issue(this.path(name), reason(v));
    return v as T;
  }

  /**
   * PyTorch's `_format_param`: one number for every group, or a list with one per group.
   * `lengthReason` gives PyTorch's message for a list of the wrong length.
   */
  perGroup(name: string, fallback: number | undefined, lengthReason: (got: number, want: number) => string): number[] {
    const v = this.raw(name);
    const n = this.groups ?? 1;
    if (v === undefined) return fallback === undefined ? (this.required(name), [NaN]) : new Array<number>(n).fill(this.defaulted(name, fallback));
    if (!Array.isArray(v)) return new Array<number>(n).fill(this.asNumber(v, this.path(name)));
    if (this.groups !== undefined && v.length !== this.groups) {
      this.issue(this.path(name), lengthReason(v.length, this.groups));
      return [NaN];
    }
    return v.map((x, i) => this.asNumber(x, `${this.path(name)}/${i}`));
  }

  /** Checks every value of a perGroup list, blaming the element (or the scalar) that fails. */
  checkEach(name: string, values: number[], ok: (v: number) => boolean, reason: (v: number) => string): void {
    const isList = Array.isArray(this.spec[name]);
    values.forEach((v, i) => {
      if (Number.isNaN(v) || ok(v)) return;
      this.issue(isList ? `${this.path(name)}/${i}` : this.path(name), reason(v));
    });
  }

  intList(name: string): number[] {
    const v = this.raw(name);
    if (v === undefined) return (this.required(name), []);
    if (!Array.isArray(v)) {
      this.issue(this.path(name), `${name} must be a list of integers, got ${show(v)}`);
      return [];
    }
    return v.map((x, i) => {
      const n = this.asNumber(x, `${this.path(name)}/${i}`);
      if (!Number.isNaN(n) && !Number.isInteger(n)) this.issue(`${this.path(name)}/${i}`, `${name} must hold integers, got ${n}`);
      return n;
    });
  }

  /** `lr_lambda`-style expressions: one string for all groups or one per group. */
  expressions(name: string, variable: string, lengthReason: (got: number, want: number) => string): Compiled[] {
    const v = this.raw(name);
    if (v === undefined) return (this.required(name), []);
    const list = Array.isArray(v) ? v : null;
    if (list && this.groups !== undefined && list.length !== this.groups) {
      this.issue(this.path(name), lengthReason(list.length, this.groups));
      return [];
    }
    const compiled = (list ?? [v]).map((src, i) => this.expression(src, list ? `${this.path(name)}/${i}` : this.path(name), variable));
    return list ? compiled : new Array<Compiled>(this.groups ?? 1).fill(compiled[0]!);
  }

  private expression(src: unknown, path: string, variable: string): Compiled {
    if (typeof src !== 'string') {
      this.issue(path, `must be an expression string in '${variable}' (functions cannot travel as JSON), got ${show(src)}`);
      return () => NaN;
    }
    try {
      return compileExpression(src, { variable, path });
    } catch (err) {
      if (!(err instanceof ExpressionError)) throw err;
      this.issue(path, err.reason);
      return () => NaN;
    }
  }

  private defaulted<T>(name: string, value: T): T {
    this.defaults[name] = value;
    return value;
  }

  private asNumber(v: unknown, path: string): number {
    if (typeof v !== 'number') {
      this.issue(path, `must be a number, got ${show(v)}`);
      return NaN;
    }
    if (!Number.isFinite(v)) {
      this.issue(path, `must be a finite number, got ${v}`);
      return NaN;
    }
    return v;
  }

  /** Python's TypeError for keyword arguments the class does not take. */
  finish(type: string): void {
    for (const key of Object.keys(this.spec)) {
      if (!this.used.has(key)) this.issue(this.path(key), `${type}.__init__() got an unexpected keyword argument '${key}'`);
    }
  }
}
