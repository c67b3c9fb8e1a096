/**
 * The small filter language of MLflow's registry and logged-model searches:
 * `name LIKE 'iris%' AND tags.team = 'ml'`, `run_id IN ('a', 'b')`. Clauses joined by AND;
 * a clause is a key (an attribute, or `tags.`/`params.` and a name, backquoted when it holds
 * dots), an operator (=, !=, LIKE, ILIKE, IN, NOT IN, and <, <=, >, >= on numbers) and a value.
 */
import { describeToken, syntaxError, type Token, tokenize } from '../../tracking/tokens.ts';
import { MlflowApiError } from './context.ts';

/** Reads one key of an entity: its value as a string, or undefined when it has none. */
export type FieldReader<T> = (entity: T, key: string) => string | number | undefined;

interface Clause {
  readonly key: string;
  readonly op: string;
  readonly values: ReadonlyArray<string | number>;
}

/**
 * Compiles a filter to a predicate; an INVALID_PARAMETER_VALUE naming the bad token, or an
 * unsupported key (the allowed attributes listed) otherwise.
 *
 * @example
 * const keep = compileSearchFilter("name LIKE 'iris%'", ['name'], (m, k) => k === 'name' ? m.name : undefined);
 * models.filter(keep);
 */
export function compileSearchFilter<T>(
  filter: string | undefined,
  attributes: readonly string[],
  read: FieldReader<T>,
  prefixes: readonly string[] = ['tags'],
): (entity: T) => boolean {
  if (filter === undefined || filter.trim() === '') return () => true;
  let clauses: Clause[];
  try {
    clauses = parseClauses(filter, attributes, prefixes);
  } catch (error) {
    if (error instanceof MlflowApiError) throw error;
    throw new MlflowApiError('INVALID_PARAMETER_VALUE', (error as Error).message);
  }
  return (entity) => clauses.every((clause) => matches(read(entity, clause.key), clause));
}

function parseClauses(filter: string, attributes: readonly string[], prefixes: readonly string[]): Clause[] {
  const tokens = tokenize(filter, 'filter');
  let i = 0;
  const fail = (token: Token, message: string) => syntaxError(filter, 'filter', token, message);
  const clauses: Clause[] = [];
  for (;;) {
    const first = tokens[i++]!;
    let key: string;
    if (
      (first.kind === 'word' || first.kind === 'quoted') &&
      tokens[i]?.text === '.' &&
      prefixes.includes(first.text.toLowerCase())
    ) {
      i++;
      const name = tokens[i++]!;
      if (name.kind !== 'word' && name.kind !== 'quoted' && name.kind !== 'string')
        throw fail(name, `expected a name after '${first.text}.'`);
      let text = name.text;
      // An unquoted name may hold dots: tags.mlflow.runName
      while (name.kind === 'word' && tokens[i]?.text === '.' && tokens[i + 1]?.kind === 'word') {
        text += `.${tokens[i + 1]!.text}`;
        i += 2;
      }
      key = `${first.text.toLowerCase()}.${text}`;
    } else if (first.kind === 'word' || first.kind === 'quoted') {
      const name =
        first.text.toLowerCase() === 'attributes' && tokens[i]?.text === '.' ? tokens[(i += 2) - 1]! : first;
      if (!attributes.includes(name.text)) {
        throw new MlflowApiError(
          'INVALID_PARAMETER_VALUE',
          `Invalid filter '${filter}': unsupported key '${name.text}'; use ${attributes.join(', ')}${prefixes.map((p) => `, ${p}.<key>`).join('')}`,
        );
      }
      key = name.text;
    } else {
      throw fail(first, `expected a key, got ${describeToken(first)}`);
    }
    let opToken = tokens[i++]!;
    let op = opToken.text.toUpperCase();
    if (op === 'NOT' && tokens[i]?.text.toUpperCase() === 'IN') {
      op = 'NOT IN';
      opToken = tokens[i++]!;
    }
    if (!(opToken.kind === 'op' || ['LIKE', 'ILIKE', 'IN', 'NOT IN'].includes(op))) {
      throw fail(opToken, `expected an operator (=, !=, LIKE, ILIKE, IN), got ${describeToken(opToken)}`);
    }
    if (op === '==') op = '=';
    if (op === '<>') op = '!=';
    const values: Array<string | number> = [];
    if (op === 'IN' || op === 'NOT IN') {
      const open = tokens[i++]!;
      if (open.text !== '(') throw fail(open, `expected '(' after ${op}`);
      for (;;) {
        const value = tokens[i++]!;
        if (value.kind !== 'string' && value.kind !== 'number')
          throw fail(value, `expected a value, got ${describeToken(value)}`);
        values.push(value.kind === 'number' ? Number(value.text) : value.text);
        const next = tokens[i++]!;
        if (next.text === ')') break;
        if (next.text !== ',') throw fail(next, `expected ',' or ')', got ${describeToken(next)}`);
      }
    } else {
      const value = tokens[i++]!;
      if (value.kind !== 'string' && value.kind !== 'number')
        throw fail(value, `expected a value, got ${describeToken(value)}`);
      values.push(value.kind === 'number' ? Number(value.text) : value.text);
    }
    clauses.push({ key, op, values });
    const next = tokens[i++]!;
    if (next.kind === 'end') return clauses;
    if (next.text.toUpperCase() !== 'AND')
      throw fail(next, `expected AND or the end, got ${describeToken(next)}`);
  }
}

function matches(actual: string | number | undefined, clause: Clause): boolean {
  const { op, values } = clause;
  if (actual === undefined) return op === '!=' || op === 'NOT IN';
  const expected = values[0]!;
  switch (op) {
    case '=':
      return String(actual) === String(expected);
    case '!=':
      return String(actual) !== String(expected);
    case 'LIKE':
      return like(String(expected), false).test(String(actual));
    case 'ILIKE':
      return like(String(expected), true).test(String(actual));
    case 'IN':
      return values.some((v) => String(v) === String(actual));
    case 'NOT IN':
      return !values.some((v) => String(v) === String(actual));
    default: {
      const a = Number(actual);
      const b = Number(expected);
      if (Number.isNaN(a) || Number.isNaN(b)) return false;
      return op === '<' ? a < b : op === '<=' ? a <= b : op === '>' ? a > b : a >= b;
    }
  }
}

/** SQL LIKE as a regular expression: % any run, _ one character, everything else literal. */
function like(pattern: string, ignoreCase: boolean): RegExp {
  const body = [...pattern]
    .map((c) => (c === '%' ? '.*' : c === '_' ? '.' : c.replace(/[\\^$.*+?()[\]{}|/]/g, '\\$&')))
    .join('');
  return new RegExp(`^${body}$`, ignoreCase ? 'is' : 's');
}

/** One `order_by` entry: a key and its direction. */
export interface OrderKey {
  readonly key: string;
  readonly ascending: boolean;
}

/**
 * Parses MLflow's `order_by` list (`['name ASC', 'last_updated_timestamp DESC']`), keys
 * limited to `allowed`.
 *
 * @example
 * parseOrderBy(['name DESC'], ['name']); // [{ key: 'name', ascending: false }]
 */
export function parseOrderBy(entries: readonly unknown[], allowed: readonly string[]): OrderKey[] {
  return entries.map((entry) => {
    const match = typeof entry === 'string' ? /^\s*`?([\w.]+)`?(?:\s+(ASC|DESC))?\s*$/i.exec(entry) : null;
    if (!match || !allowed.includes(match[1]!)) {
      throw new MlflowApiError(
        'INVALID_PARAMETER_VALUE',
        `Invalid order_by clause ${JSON.stringify(entry)}: use one of ${allowed.join(', ')}, then ASC or DESC`,
      );
    }
    return { key: match[1]!, ascending: (match[2] ?? 'ASC').toUpperCase() === 'ASC' };
  });
}

/**
 * A comparator over several keys (numbers compared as numbers, the rest as strings).
 *
 * @example
 * models.sort(compareBy([{ key: 'name', ascending: true }], (m, k) => m[k]));
 */
export function compareBy<T>(order: readonly OrderKey[], read: FieldReader<T>): (a: T, b: T) => number {
  return (a, b) => {
    for (const { key, ascending } of order) {
      const x = read(a, key);
      const y = read(b, key);
      if (x === y) continue;
      if (x === undefined) return 1;
      if (y === undefined) return -1;
      const diff = typeof x === 'number' && typeof y === 'number' ? x - y : String(x) < String(y) ? -1 : 1;
      if (diff !== 0) return ascending ? diff : -diff;
    }
    return 0;
  };
}
