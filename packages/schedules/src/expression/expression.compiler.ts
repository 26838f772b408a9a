// Recursive-descent parser for the Python subset of `lr_lambda`, compiling straight to a tree
// of closures: no eval, no `new Function`, and no way to reach anything but numbers, the one
// variable and the functions in expression.functions.ts. Precedence follows Python's grammar:
// conditional < or < and < not < comparison < +,- < *,/,//,% < unary < ** (right-assoc).
import { ExpressionError } from '../errors.ts';
import { BUILTIN_FUNCTIONS, MATH_CONSTANTS, MATH_FUNCTIONS, type PyFunction } from './expression.functions.ts';
import { tokenize, type Token } from './expression.lexer.ts';
import { PythonRuntimeError, pyFloorDiv, pyMod, pyPow, pyTrueDiv } from './python-math.ts';

export type Compiled = (x: number) => number;

const KEYWORDS = new Set([
  'None', 'as', 'assert', 'async', 'await', 'break', 'class', 'continue', 'def', 'del', 'elif', 'except',
  'finally', 'for', 'from', 'global', 'import', 'in', 'is', 'lambda', 'nonlocal', 'pass', 'raise', 'return',
  'try', 'while', 'with', 'yield', 'else', 'if', 'and', 'or', 'not',
]);
const COMPARISONS = new Set(['<', '>', '<=', '>=', '==', '!=']);

/** Own entries only: a name like `constructor` or `__proto__` must not find Object.prototype's members. */
function own<T>(table: Readonly<Record<string, T>>, name: string): T | undefined {
  return Object.hasOwn(table, name) ? table[name] : undefined;
}

export interface CompileOptions {
  /** the one variable the expression may read. @defaultValue 'epoch' */
  variable?: string;
  /** JSON pointer reported in errors. @defaultValue '' */
  path?: string;
}

/** Longer than any schedule formula; keeps one request from buying seconds of parsing. */
export const MAX_EXPRESSION_LENGTH = 1000;
/** Nested parentheses, calls and unary operators; Python itself stops at 200 parentheses. */
export const MAX_EXPRESSION_NESTING = 100;

export function compileExpression(source: string, options: CompileOptions = {}): Compiled {
  const path = options.path ?? '';
  if (source.length > MAX_EXPRESSION_LENGTH) {
    // The error quotes the expression: quote the start, not a megabyte of it.
    throw new ExpressionError(path, `SyntaxError: the expression is longer than ${MAX_EXPRESSION_LENGTH} characters`, MAX_EXPRESSION_LENGTH, source.slice(0, 40) + '...');
  }
  return new Parser(source, options.variable ?? 'epoch', path).parse();
}

class Parser {
  private readonly tokens: Token[];
  private pos = 0;
  private depth = 0;

  constructor(
    private readonly src: string,
    private readonly variable: string,
    private readonly path: string,
  ) {
    this.tokens = tokenize(src);
  }

  parse(): Compiled {
    const body = this.expr();
    const t = this.peek();
    if (t.kind !== 'end') this.fail('SyntaxError: unexpected token', t);
    return body;
  }

  private peek(): Token {
    const t = this.tokens[this.pos]!;
    if (t.kind === 'bad') throw new ExpressionError(this.path, t.text, t.col, this.src);
    return t;
  }
  private next(): Token {
    const t = this.peek();
    this.pos++;
    return t;
  }
  private isOp(text: string): boolean {
    const t = this.peek();
    return t.kind === 'op' && t.text === text;
  }
  private isWord(text: string): boolean {
    const t = this.peek();
    return t.kind === 'name' && t.text === text;
  }
  private fail(detail: string, t: Token): never {
    const what = t.kind === 'end' ? 'SyntaxError: unexpected end of expression' : detail;
    throw new ExpressionError(this.path, what, t.col, this.src);
  }
  private expect(text: string): Token {
    const t = this.peek();
    if ((t.kind === 'op' || t.kind === 'name') && t.text === text) return this.next();
    return this.fail(`SyntaxError: expected '${text}'`, t);
  }

  /** Wraps an operation that can raise a Python exception so it reports the operator's column. */
  private guard(t: Token, op: (a: number, b: number) => number, l: Compiled, r: Compiled): Compiled {
    const { path, src } = this;
    return (x) => {
      const a = l(x);
      const b = r(x);
      try {
        return op(a, b);
      } catch (err) {
        if (err instanceof PythonRuntimeError) throw new ExpressionError(path, err.message, t.col, src);
        throw err;
      }
    };
  }

  /** Runs a recursive step one level deeper, refusing what would otherwise overflow the stack. */
  private nested<T>(step: () => T): T {
    if (++this.depth > MAX_EXPRESSION_NESTING) this.fail(`SyntaxError: the expression nests deeper than ${MAX_EXPRESSION_NESTING} levels`, this.peek());
    try {
      return step();
    } finally {
      this.depth--;
    }
  }

  private expr(): Compiled {
    return this.nested(() => this.conditional());
  }

  private conditional(): Compiled {
    if (this.isWord('lambda')) this.fail("SyntaxError: 'lambda' is not allowed", this.peek());
    const body = this.orTest();
    if (!this.isWord('if')) return body;
    this.next();
    const cond = this.orTest();
    this.expect('else');
    const orelse = this.expr();
    return (x) => (cond(x) !== 0 ? body(x) : orelse(x));
  }

  private orTest(): Compiled {
    let left = this.andTest();
    while (this.isWord('or')) {
      this.next();
      const l = left;
      const r = this.andTest();
      // Python's `or` returns an operand, not a bool; NaN counts as true as in Python.
      left = (x) => {
        const a = l(x);
        return a !== 0 ? a : r(x);
      };
    }
    return left;
  }

  private andTest(): Compiled {
    let left = this.notTest();
    while (this.isWord('and')) {
      this.next();
      const l = left;
      const r = this.notTest();
      left = (x) => {
        const a = l(x);
        return a === 0 ? a : r(x);
      };
    }
    return left;
  }

  private notTest(): Compiled {
    if (this.isWord('not')) {
      this.next();
      const inner = this.nested(() => this.notTest());
      return (x) => (inner(x) === 0 ? 1 : 0);
    }
    return this.comparison();
  }

  private comparison(): Compiled {
    const first = this.arith();
    const ops: string[] = [];
    const operands: Compiled[] = [first];
    for (;;) {
      const t = this.peek();
      if (t.kind === 'op' && COMPARISONS.has(t.text)) {
        this.next();
        ops.push(t.text);
        operands.push(this.arith());
      } else if (t.kind === 'name' && (t.text === 'in' || t.text === 'is')) {
        this.fail(`SyntaxError: '${t.text}' is not allowed`, t);
      } else break;
    }
    if (ops.length === 0) return first;
    // Chained like Python: `a < b < c` is `a < b and b < c`, each operand evaluated once.
    return (x) => {
      let a = operands[0]!(x);
      for (let i = 0; i < ops.length; i++) {
        const b = operands[i + 1]!(x);
        if (!compare(ops[i]!, a, b)) return 0;
        a = b;
      }
      return 1;
    };
  }

  private arith(): Compiled {
    let left = this.term();
    while (this.isOp('+') || this.isOp('-')) {
      const op = this.next().text;
      const l = left;
      const r = this.term();
      left = op === '+' ? (x) => l(x) + r(x) : (x) => l(x) - r(x);
    }
    return left;
  }

  private term(): Compiled {
    let left = this.factor();
    while (this.isOp('*') || this.isOp('/') || this.isOp('//') || this.isOp('%')) {
      const t = this.next();
      const l = left;
      const r = this.factor();
      if (t.text === '*') left = (x) => l(x) * r(x);
      else left = this.guard(t, t.text === '/' ? pyTrueDiv : t.text === '//' ? pyFloorDiv : pyMod, l, r);
    }
    return left;
  }

  private factor(): Compiled {
    if (this.isOp('-')) {
      this.next();
      const inner = this.nested(() => this.factor());
      return (x) => -inner(x);
    }
    if (this.isOp('+')) {
      this.next();
      return this.nested(() => this.factor());
    }
    return this.power();
  }

  private power(): Compiled {
    const base = this.primary();
    if (!this.isOp('**')) return base;
    const t = this.next();
    // The exponent is a unary-level factor: `2 ** -1` works and `2 ** 3 ** 2` nests to the right.
    const exponent = this.nested(() => this.factor());
    return this.guard(t, pyPow, base, exponent);
  }

  private primary(): Compiled {
    const value = this.atom();
    const t = this.peek();
    if (t.kind === 'op' && t.text === '.') {
      const attr = this.tokens[this.pos + 1]!;
      this.fail('AttributeError: attribute access is only allowed on math', attr.kind === 'name' ? attr : t);
    }
    if (t.kind === 'op' && t.text === '(') this.fail('TypeError: value is not callable', t);
    return value;
  }

  private atom(): Compiled {
    const t = this.next();
    if (t.kind === 'num') {
      const v = t.value;
      return () => v;
    }
    if (t.kind === 'op' && t.text === '(') {
      const inner = this.expr();
      this.expect(')');
      return inner;
    }
    if (t.kind !== 'name') return this.fail('SyntaxError: unexpected token', t);
    if (t.text === this.variable) return (x) => x;
    if (t.text === 'True') return () => 1;
    if (t.text === 'False') return () => 0;
    if (t.text === 'math') return this.mathMember(t);
    if (KEYWORDS.has(t.text)) return this.fail(`SyntaxError: '${t.text}' is not allowed here`, t);
    const builtin = own(BUILTIN_FUNCTIONS, t.text) ?? own(MATH_FUNCTIONS, t.text);
    if (builtin) return this.call(t, builtin);
    const constant = own(MATH_CONSTANTS, t.text);
    if (constant !== undefined) return () => constant;
    return this.fail(`NameError: name '${t.text}' is not defined`, t);
  }

  private mathMember(mathToken: Token): Compiled {
    if (!this.isOp('.')) return this.fail('TypeError: the math module is not a number', mathToken);
    this.next();
    const attr = this.peek();
    if (attr.kind !== 'name') return this.fail('SyntaxError: expected a name after math.', attr);
    this.next();
    const fn = own(MATH_FUNCTIONS, attr.text);
    if (fn) return this.call(attr, fn);
    const constant = own(MATH_CONSTANTS, attr.text);
    if (constant !== undefined) return () => constant;
    return this.fail(`AttributeError: module 'math' has no allowed attribute '${attr.text}'`, attr);
  }

  private call(name: Token, fn: PyFunction): Compiled {
    if (!this.isOp('(')) return this.fail(`TypeError: '${name.text}' is a function; call it`, name);
    this.next();
    const args: Compiled[] = [];
    if (!this.isOp(')')) {
      args.push(this.expr());
      while (this.isOp(',')) {
        this.next();
        if (this.isOp(')')) break;
        args.push(this.expr());
      }
    }
    this.expect(')');
    if (args.length < fn.min || args.length > fn.max) {
      const want = fn.min === fn.max ? `${fn.min}` : fn.max === Infinity ? `at least ${fn.min}` : `${fn.min} to ${fn.max}`;
      this.fail(`TypeError: ${name.text}() takes ${want} arguments (${args.length} given)`, name);
    }
    const { path, src } = this;
    const buf: number[] = new Array<number>(args.length).fill(0);
    return (x) => {
      for (let i = 0; i < args.length; i++) buf[i] = args[i]!(x);
      try {
        return fn.fn(buf);
      } catch (err) {
        if (err instanceof PythonRuntimeError) throw new ExpressionError(path, err.message, name.col, src);
        throw err;
      }
    };
  }
}

function compare(op: string, a: number, b: number): boolean {
  switch (op) {
    case '<':
      return a < b;
    case '>':
      return a > b;
    case '<=':
      return a <= b;
    case '>=':
      return a >= b;
    case '==':
      return a === b;
    default:
      return a !== b;
  }
}
