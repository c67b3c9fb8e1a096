import { type Field, readField } from './fields.ts';
import { describeToken, syntaxError, type Token, tokenize } from './tokens.ts';

/** An SQL condition over the `runs` row aliased `r`, with its bound values. */
export interface SqlCondition {
  readonly sql: string;
  readonly params: readonly unknown[];
}

const COMPARISONS = new Set(['=', '==', '!=', '<>', '<', '<=', '>', '>=']);

/**
 * Compiles a run filter to SQL. The language: comparisons `FIELD OP VALUE` joined by
 * `and` / `or`, with parentheses; OP is `= != < <= > >=`, `like` / `ilike` (with `%` and
 * `_`), or `in (v1, v2)` / `not in (...)`. Metrics compare with numbers; params and tags
 * with strings, or with numbers (then compared as numbers). A run lacking the field does
 * not match. Errors show the expression with a caret under the bad token.
 *
 * @example
 * compileFilter("metrics.accuracy > 0.9 and params.max_depth = '5' and tags.model = 'rf'");
 * compileFilter('metrics.acc >'); // ValidationError: filter: expected a value ... at column 14
 */
export function compileFilter(source: string, path = 'filter'): SqlCondition {
  const parser = new FilterParser(source, path);
  return parser.parse();
}

class FilterParser {
  private readonly tokens: Token[];
  private at = 0;
  private readonly params: unknown[] = [];

  constructor(
    private readonly source: string,
    private readonly path: string,
  ) {
    this.tokens = tokenize(source, path);
  }

  parse(): SqlCondition {
    if (this.peek().kind === 'end') throw this.error(this.peek(), 'the filter is empty');
    const sql = this.or();
    const rest = this.peek();
    if (rest.kind !== 'end') {
      throw this.error(rest, `expected 'and', 'or' or the end of the filter, got ${describeToken(rest)}`);
    }
    return { sql, params: this.params };
  }

  private or(): string {
    return this.joined('or', () => this.and());
  }

  private and(): string {
    return this.joined('and', () => this.primary());
  }

  /** Operands separated by a keyword (`and`, `or`), parenthesised when there are several. */
  private joined(word: 'and' | 'or', operand: () => string): string {
    const parts = [operand()];
    while (this.isWord(word)) {
      this.at++;
      parts.push(operand());
    }
    return parts.length === 1 ? parts[0]! : `(${parts.join(` ${word.toUpperCase()} `)})`;
  }

  private primary(): string {
    const token = this.peek();
    if (token.text === '(' && token.kind === 'punct') {
      this.at++;
      const inner = this.or();
      const close = this.peek();
      if (close.text !== ')') throw this.error(close, `expected ')', got ${describeToken(close)}`);
      this.at++;
      return inner;
    }
    return this.comparison();
  }

  private comparison(): string {
    const { field, next } = readField(this.tokens, this.at, this.source, this.path);
    this.at = next;
    const op = this.peek();
    if (op.kind === 'op' && COMPARISONS.has(op.text)) {
      this.at++;
      return this.compare(field, op.text === '==' ? '=' : op.text === '<>' ? '!=' : op.text);
    }
    const word = op.kind === 'word' ? op.text.toLowerCase() : '';
    if (word === 'like' || word === 'ilike') {
      this.at++;
      return this.like(field, word);
    }
    if (word === 'in' || (word === 'not' && this.tokens[this.at + 1]?.text.toLowerCase() === 'in')) {
      this.at += word === 'in' ? 1 : 2;
      return this.in(field, word === 'not');
    }
    throw this.error(
      op,
      `expected a comparison (=, !=, <, <=, >, >=, like, ilike, in, not in) after ${field.label}, got ${describeToken(op)}`,
    );
  }

  private compare(field: Field, op: string): string {
    const value = this.value(field);
    const left = typeof value === 'number' && field.castable ? `CAST(${field.sql} AS REAL)` : field.sql;
    this.params.push(...field.params, value);
    return `${left} ${op} ?`;
  }

  private like(field: Field, op: 'like' | 'ilike'): string {
    const token = this.peek();
    if (token.kind !== 'string') {
      throw this.error(token, `${op} needs a quoted pattern such as '%rf%', got ${describeToken(token)}`);
    }
    if (field.type !== 'string') {
      throw this.error(
        field.token,
        `${op} applies to params, tags and text attributes, not to ${field.label}`,
      );
    }
    this.at++;
    // SQLite's LIKE ignores case: LIKE becomes a GLOB with the same meaning, which does not.
    if (op === 'ilike') this.params.push(...field.params, token.text);
    else this.params.push(...field.params, likeToGlob(token.text));
    return op === 'ilike' ? `${field.sql} LIKE ?` : `${field.sql} GLOB ?`;
  }

  private in(field: Field, negate: boolean): string {
    const open = this.peek();
    if (open.text !== '(') throw this.error(open, `expected '(' after in, got ${describeToken(open)}`);
    this.at++;
    const values: unknown[] = [this.value(field)];
    while (this.peek().text === ',') {
      this.at++;
      values.push(this.value(field));
    }
    const close = this.peek();
    if (close.text !== ')') throw this.error(close, `expected ',' or ')', got ${describeToken(close)}`);
    this.at++;
    const numeric = values.every((v) => typeof v === 'number');
    const left = numeric && field.castable ? `CAST(${field.sql} AS REAL)` : field.sql;
    this.params.push(...field.params, ...values);
    return `${left} ${negate ? 'NOT IN' : 'IN'} (${values.map(() => '?').join(', ')})`;
  }

  private value(field: Field): string | number {
    const token = this.peek();
    if (token.kind === 'number') {
      this.at++;
      return Number(token.text);
    }
    if (token.kind === 'string') {
      if (field.type === 'number') {
        throw this.error(
          token,
          `${field.label} is a number: compare it with a number, not ${describeToken(token)}`,
        );
      }
      this.at++;
      return token.text;
    }
    throw this.error(
      token,
      `expected a value (a number or a quoted string) after ${field.label}, got ${describeToken(token)}`,
    );
  }

  private isWord(word: string): boolean {
    const token = this.peek();
    return token.kind === 'word' && token.text.toLowerCase() === word;
  }

  private peek(): Token {
    return this.tokens[this.at]!;
  }

  private error(token: Token, message: string) {
    return syntaxError(this.source, this.path, token, message);
  }
}

/**
 * SQL LIKE pattern to GLOB: `%` -> `*`, `_` -> `?`, GLOB's own special characters escaped
 * (the run and experiment filters match case-sensitively with GLOB).
 *
 * @example
 * likeToGlob('rf_%'); // 'rf?*'
 */
export function likeToGlob(pattern: string): string {
  let glob = '';
  for (const c of pattern) {
    if (c === '%') glob += '*';
    else if (c === '_') glob += '?';
    else if (c === '*' || c === '?' || c === '[') glob += `[${c}]`;
    else glob += c;
  }
  return glob;
}
