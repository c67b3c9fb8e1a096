import { readField } from './fields.ts';
import type { SqlCondition } from './filter.ts';
import { describeToken, syntaxError, tokenize } from './tokens.ts';

/**
 * Compiles order-by clauses (`FIELD [ASC|DESC]`, each entry may also hold several
 * separated by commas) to an SQL ORDER BY list. Runs lacking the field come last; ties
 * are broken by start time, newest first.
 *
 * @example
 * compileOrderBy(['metrics.accuracy DESC', 'params.max_depth']).sql;
 */
export function compileOrderBy(clauses: readonly string[], path = 'orderBy'): SqlCondition {
  const parts: string[] = [];
  const params: unknown[] = [];
  for (const source of clauses) {
    const tokens = tokenize(source, path);
    let at = 0;
    for (;;) {
      const { field, next } = readField(tokens, at, source, path);
      at = next;
      let direction = 'ASC';
      const word = tokens[at]!;
      if (word.kind === 'word' && /^(asc|desc)$/i.test(word.text)) {
        direction = word.text.toUpperCase();
        at++;
      }
      parts.push(`${field.sql} ${direction} NULLS LAST`);
      params.push(...field.params);
      const after = tokens[at]!;
      if (after.kind === 'end') break;
      if (after.text !== ',') {
        throw syntaxError(
          source,
          path,
          after,
          `expected ASC, DESC, ',' or the end, got ${describeToken(after)}`,
        );
      }
      at++;
    }
  }
  parts.push('r.start_time DESC', 'r.run_id');
  return { sql: parts.join(', '), params };
}
