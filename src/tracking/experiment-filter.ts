import { likeToGlob, type SqlCondition } from './filter.ts';
import { describeToken, syntaxError, type Token, tokenize } from './tokens.ts';

const ATTRIBUTES: Readonly<Record<string, { sql: string; type: 'number' | 'string' }>> = {
  name: { sql: 'e.name', type: 'string' },
  experiment_id: { sql: 'e.experiment_id', type: 'number' },
  creation_time: { sql: 'e.created_at', type: 'number' },
  last_update_time: { sql: 'COALESCE(e.last_update_time, e.created_at)', type: 'number' },
};

const COMPARISONS = new Set(['=', '==', '!=', '<>', '<', '<=', '>', '>=']);

interface ExperimentField {
  readonly label: string;
  readonly sql: string;
  readonly params: readonly unknown[];
  readonly type: 'number' | 'string';
  readonly token: Token;
}

/**
 * Compiles an experiment filter (MLflow's search-experiments syntax) to SQL over the
 * `experiments` row aliased `e`: comparisons joined by `and`, on `name`, `creation_time`,
 * `last_update_time`, `experiment_id` (optionally written `attribute.NAME`) and
 * `tags.KEY` (a KEY may hold dots or be backquoted); strings compare with `= != like
 * ilike`, numbers with `= != < <= > >=`. Errors point at the bad token.
 *
 * @example
 * compileExperimentFilter("name like 'iris%' and tags.team = 'ml'").sql;
 */
export function compileExperimentFilter(source: string, path = 'filter'): SqlCondition {
  const tokens = tokenize(source, path);
  const parts: string[] = [];
  const params: unknown[] = [];
  let at = 0;
  if (tokens[0]!.kind === 'end') return { sql: '1 = 1', params };
  for (;;) {
    const { field, next } = readExperimentField(tokens, at, source, path);
    at = next;
    const op = tokens[at]!;
    const word = op.kind === 'word' ? op.text.toLowerCase() : '';
    const value = tokens[at + 1]!;
    if (op.kind === 'op' && COMPARISONS.has(op.text)) {
      const sqlOp = op.text === '==' ? '=' : op.text === '<>' ? '!=' : op.text;
      if (field.type === 'string' && !['=', '!='].includes(sqlOp)) {
        throw syntaxError(
          source,
          path,
          op,
          `${field.label} compares with =, !=, like or ilike, not ${op.text}`,
        );
      }
      const expected = field.type === 'number' ? 'number' : 'string';
      if (value.kind !== expected) {
        throw syntaxError(
          source,
          path,
          value,
          `${field.label} compares with a ${expected === 'number' ? 'number' : 'quoted string'}, got ${describeToken(value)}`,
        );
      }
      parts.push(`${field.sql} ${sqlOp} ?`);
      params.push(...field.params, expected === 'number' ? Number(value.text) : value.text);
    } else if (word === 'like' || word === 'ilike') {
      if (field.type !== 'string' || value.kind !== 'string') {
        throw syntaxError(
          source,
          path,
          value,
          `${word} needs a string field and a quoted pattern such as 'iris%'`,
        );
      }
      // SQLite's LIKE ignores case; a case-sensitive LIKE is a GLOB with the same meaning.
      parts.push(word === 'ilike' ? `${field.sql} LIKE ?` : `${field.sql} GLOB ?`);
      params.push(...field.params, word === 'ilike' ? value.text : likeToGlob(value.text));
    } else {
      throw syntaxError(
        source,
        path,
        op,
        `expected a comparison after ${field.label}, got ${describeToken(op)}`,
      );
    }
    at += 2;
    const after = tokens[at]!;
    if (after.kind === 'end') break;
    if (after.kind !== 'word' || after.text.toLowerCase() !== 'and') {
      throw syntaxError(
        source,
        path,
        after,
        `expected 'and' or the end of the filter, got ${describeToken(after)}`,
      );
    }
    at++;
  }
  return { sql: parts.join(' AND '), params };
}

/**
 * Compiles experiment order-by clauses (`name`, `experiment_id`, `creation_time`,
 * `last_update_time`, each with ASC or DESC) to an ORDER BY list; ties go by id.
 *
 * @example
 * compileExperimentOrderBy(['name DESC']).sql; // 'e.name DESC, e.experiment_id ASC'
 */
export function compileExperimentOrderBy(clauses: readonly string[], path = 'order_by'): SqlCondition {
  const parts: string[] = [];
  for (const source of clauses) {
    const tokens = tokenize(source, path);
    const { field, next } = readExperimentField(tokens, 0, source, path);
    if (field.params.length > 0)
      throw syntaxError(source, path, field.token, 'experiments order by attributes, not tags');
    let at = next;
    let direction = 'ASC';
    const word = tokens[at]!;
    if (word.kind === 'word' && /^(asc|desc)$/i.test(word.text)) {
      direction = word.text.toUpperCase();
      at++;
    }
    if (tokens[at]!.kind !== 'end') {
      throw syntaxError(
        source,
        path,
        tokens[at]!,
        `expected ASC, DESC or the end, got ${describeToken(tokens[at]!)}`,
      );
    }
    parts.push(`${field.sql} ${direction}`);
  }
  if (parts.length === 0) parts.push('e.created_at DESC');
  parts.push('e.experiment_id ASC');
  return { sql: parts.join(', '), params: [] };
}

function readExperimentField(
  tokens: readonly Token[],
  at: number,
  source: string,
  path: string,
): { field: ExperimentField; next: number } {
  const head = tokens[at]!;
  if (head.kind !== 'word' && head.kind !== 'quoted') {
    throw syntaxError(
      source,
      path,
      head,
      `expected a field (name, creation_time, last_update_time, tags.KEY), got ${describeToken(head)}`,
    );
  }
  const entity = head.text.toLowerCase();
  const dotted = tokens[at + 1]?.text === '.' && tokens[at + 1]?.kind === 'punct';
  if (dotted && ['tags', 'tag'].includes(entity)) {
    const names: string[] = [];
    let next = at + 2;
    for (;;) {
      const part = tokens[next]!;
      if (part.kind !== 'word' && part.kind !== 'quoted' && part.kind !== 'number') {
        throw syntaxError(
          source,
          path,
          part,
          `expected a tag name after '${head.text}.', got ${describeToken(part)}`,
        );
      }
      names.push(part.text);
      next++;
      if (tokens[next]?.text !== '.' || tokens[next]?.kind !== 'punct') break;
      next++;
    }
    const token = {
      ...head,
      text: source.slice(head.start, tokens[next - 1]!.end),
      end: tokens[next - 1]!.end,
    };
    return {
      field: {
        label: token.text,
        sql: '(SELECT value FROM experiment_tags WHERE experiment_id = e.experiment_id AND key = ?)',
        params: [names.join('.')],
        type: 'string',
        token,
      },
      next,
    };
  }
  const nameToken = dotted && ['attribute', 'attributes', 'attr'].includes(entity) ? tokens[at + 2]! : head;
  const known = ATTRIBUTES[nameToken.text.toLowerCase()];
  if (!known) {
    throw syntaxError(
      source,
      path,
      nameToken,
      `unknown experiment field ${describeToken(nameToken)}: use tags.KEY or one of ${Object.keys(ATTRIBUTES).join(', ')}`,
    );
  }
  const next = nameToken === head ? at + 1 : at + 3;
  return {
    field: { label: nameToken.text, sql: known.sql, params: [], type: known.type, token: nameToken },
    next,
  };
}
