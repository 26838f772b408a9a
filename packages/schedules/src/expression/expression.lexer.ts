// Hand-written tokenizer for the Python subset of `lr_lambda`. Anything it does not know
// (strings, brackets, `=`, `;`...) ends the token list with a `bad` token at its column.
// `bad` marks the first character the lexer cannot read; the parser raises it only when it gets
// there, so `__import__('os')` is blamed on `__import__` (column 0), not on the string after it.
export type TokenKind = 'num' | 'name' | 'op' | 'end' | 'bad';

export interface Token {
  kind: TokenKind;
  text: string;
  value: number;
  col: number;
}

// Longest first, so `**` wins over `*` and `//` over `/`.
const OPERATORS = ['**', '//', '<=', '>=', '==', '!=', '+', '-', '*', '/', '%', '<', '>', '(', ')', ',', '.'];

const NUMBER = /^(?:\d(?:_?\d)*(?:\.(?:\d(?:_?\d)*)?)?|\.\d(?:_?\d)*)(?:[eE][+-]?\d(?:_?\d)*)?/;
const NAME = /^[A-Za-z_][A-Za-z0-9_]*/;

export function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < source.length) {
    const ch = source[i]!;
    if (ch === ' ' || ch === '\t') {
      i++;
      continue;
    }
    const rest = source.slice(i);
    const num = NUMBER.exec(rest);
    if (num) {
      // Python rejects `1a` and `1.2.3`: a number must not run straight into a name or a dot.
      const after = rest[num[0].length];
      if (after !== undefined && /[A-Za-z_0-9.]/.test(after)) {
        tokens.push({ kind: 'bad', text: 'SyntaxError: invalid decimal literal', value: 0, col: i });
        return tokens;
      }
      tokens.push({ kind: 'num', text: num[0], value: Number(num[0].replaceAll('_', '')), col: i });
      i += num[0].length;
      continue;
    }
    const name = NAME.exec(rest);
    if (name) {
      tokens.push({ kind: 'name', text: name[0], value: 0, col: i });
      i += name[0].length;
      continue;
    }
    const op = OPERATORS.find((o) => rest.startsWith(o));
    if (op) {
      tokens.push({ kind: 'op', text: op, value: 0, col: i });
      i += op.length;
      continue;
    }
    const what = ch === "'" || ch === '"' ? 'strings are not allowed' : `unexpected character ${JSON.stringify(ch)}`;
    tokens.push({ kind: 'bad', text: `SyntaxError: ${what}`, value: 0, col: i });
    return tokens;
  }
  tokens.push({ kind: 'end', text: '', value: 0, col: source.length });
  return tokens;
}
