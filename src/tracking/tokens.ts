import { ValidationError } from '../core/errors.ts';

/** A token of the filter and order-by languages, with its place in the text (0-based). */
export interface Token {
  readonly kind: 'word' | 'quoted' | 'number' | 'string' | 'op' | 'punct' | 'end';
  /** The text as written (for strings: the unquoted value). */
  readonly text: string;
  readonly start: number;
  readonly end: number;
}

const OPERATORS = ['<=', '>=', '!=', '<>', '==', '=', '<', '>'];

/**
 * Splits a filter or order-by expression into tokens: words (`metrics`, `and`), backquoted
 * names (`` `f1 score` ``), numbers, quoted strings ('rf' or "rf"), operators, `.`, `,`,
 * parentheses. An unknown character or an unclosed quote is an error pointing at it.
 *
 * @example
 * tokenize("metrics.acc > 0.9", 'filter').map((t) => t.text); // ['metrics', '.', 'acc', '>', '0.9', '']
 */
export function tokenize(source: string, path: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < source.length) {
    const c = source[i]!;
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    const start = i;
    const number = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?/.exec(source.slice(i));
    const previous = tokens[tokens.length - 1];
    const signAllowed = !(c === '+' || c === '-') || previous === undefined || previous.kind === 'op';
    if (number && signAllowed && !(c === '.' && previous?.kind === 'word')) {
      i += number[0].length;
      tokens.push({ kind: 'number', text: number[0], start, end: i });
    } else if (/[A-Za-z_]/.test(c)) {
      while (i < source.length && /[\w-]/.test(source[i]!)) i++;
      tokens.push({ kind: 'word', text: source.slice(start, i), start, end: i });
    } else if (c === "'" || c === '"' || c === '`') {
      const { value, next } = readQuoted(source, i, path);
      i = next;
      tokens.push({ kind: c === '`' ? 'quoted' : 'string', text: value, start, end: i });
    } else if ('.,()'.includes(c)) {
      i++;
      tokens.push({ kind: 'punct', text: c, start, end: i });
    } else {
      const op = OPERATORS.find((o) => source.startsWith(o, i));
      if (!op) throw syntaxError(source, path, { start, end: start + 1 }, `unexpected character '${c}'`);
      i += op.length;
      tokens.push({ kind: 'op', text: op, start, end: i });
    }
  }
  tokens.push({ kind: 'end', text: '', start: source.length, end: source.length });
  return tokens;
}

/** Quotes are escaped by doubling them, as in SQL: 'it''s'. */
function readQuoted(source: string, at: number, path: string): { value: string; next: number } {
  const quote = source[at]!;
  let value = '';
  let i = at + 1;
  for (;;) {
    if (i >= source.length) {
      throw syntaxError(source, path, { start: at, end: source.length }, `unclosed ${quote} quote`);
    }
    if (source[i] === quote) {
      if (source[i + 1] === quote) {
        value += quote;
        i += 2;
        continue;
      }
      return { value, next: i + 1 };
    }
    value += source[i];
    i++;
  }
}

/**
 * A ValidationError that shows the expression with a caret under the bad token.
 *
 * @example
 * throw syntaxError('metrics.a >> 1', 'filter', { start: 11, end: 12 }, "expected a value, got '>'");
 * // filter: expected a value, got '>' at column 12
 * //   metrics.a >> 1
 * //              ^
 */
export function syntaxError(
  source: string,
  path: string,
  at: { readonly start: number; readonly end: number },
  message: string,
): ValidationError {
  const width = Math.max(1, at.end - at.start);
  return new ValidationError(
    `${path}: ${message} at column ${at.start + 1}\n  ${source}\n  ${' '.repeat(at.start)}${'^'.repeat(width)}`,
    { path },
  );
}

/** How a token reads in an error message. */
export function describeToken(token: Token): string {
  if (token.kind === 'end') return 'the end of the expression';
  if (token.kind === 'string') return `the string '${token.text}'`;
  return `'${token.text}'`;
}
