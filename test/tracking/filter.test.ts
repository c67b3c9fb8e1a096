import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ValidationError } from '../../src/core/errors.ts';
import { compileFilter } from '../../src/tracking/filter.ts';
import { compileOrderBy } from '../../src/tracking/order-by.ts';

/** The caret line of an error message: where it points, as [column, width]. */
function caret(message: string): [number, number] {
  const line = message.split('\n')[2]!;
  const start = line.indexOf('^');
  return [start - 2 + 1, line.length - start];
}

function failure(filter: string): ValidationError {
  try {
    compileFilter(filter);
  } catch (error) {
    assert.ok(error instanceof ValidationError);
    assert.equal(error.path, 'filter');
    return error;
  }
  assert.fail(`the filter ${filter} compiled`);
}

describe('filter language: compilation', () => {
  it('binds field keys and values as parameters, never as SQL text', () => {
    const { sql, params } = compileFilter(
      "metrics.accuracy > 0.9 and params.max_depth = '5' and tags.model = 'rf'",
    );
    assert.equal(sql.match(/\?/g)?.length, 6);
    assert.deepEqual(params, ['accuracy', 0.9, 'max_depth', '5', 'model', 'rf']);
    assert.doesNotMatch(sql, /accuracy|rf/);
  });

  it('accepts dotted and backquoted keys, quotes escaped by doubling, negative and exponent numbers', () => {
    const { params } = compileFilter(
      "tags.mlsweep.trial_status = 'completed' and metrics.`f1 score` >= -1.5e-3 and params.note = 'it''s'",
    );
    assert.deepEqual(params, ['mlsweep.trial_status', 'completed', 'f1 score', -0.0015, 'note', "it's"]);
  });

  it('compares params with numbers as numbers', () => {
    assert.match(compileFilter('params.max_depth > 3').sql, /CAST\(.* AS REAL\) > \?/);
    assert.doesNotMatch(compileFilter("params.max_depth > '3'").sql, /CAST/);
  });

  it('reads and/or/like/in case-insensitively, with the usual precedence', () => {
    const { sql } = compileFilter("tags.a = 'x' OR tags.b LIKE 'y%' AnD tags.c IN ('1', '2')");
    assert.match(sql, /^\(.* OR \(.* GLOB \? AND .* IN \(\?, \?\)\)\)$/);
  });
});

describe('filter language: errors point at the bad token', () => {
  const cases: Array<[string, RegExp, number, number]> = [
    [
      "metrics.accuracy > 0.9 adn params.x = '5'",
      /expected 'and', 'or' or the end of the filter, got 'adn'/,
      24,
      3,
    ],
    ['metrics.accuracy >> 0.9', /expected a value .* got '>'/, 19, 1],
    ['metrics.accuracy', /expected a comparison .* got the end of the expression/, 17, 1],
    [
      "metrics.accuracy = 'high'",
      /metrics.accuracy is a number: compare it with a number, not the string 'high'/,
      20,
      6,
    ],
    ["foo.bar = 'x'", /unknown field 'foo'/, 1, 3],
    ["params. = '1'", /expected a name after 'params.', got '='/, 9, 1],
    ["tags.model = 'rf", /unclosed ' quote/, 14, 3],
    ['metrics.a > 1 and (metrics.b < 2', /expected '\)', got the end/, 33, 1],
    ['metrics.a ~ 1', /unexpected character '~'/, 11, 1],
    ['metrics.a like 1', /like needs a quoted pattern/, 16, 1],
    ["metrics.a like '%x'", /like applies to params, tags and text attributes, not to metrics.a/, 1, 9],
    ["params.a in ('x' 'y')", /expected ',' or '\)', got the string 'y'/, 18, 3],
    ['', /the filter is empty/, 1, 1],
  ];
  for (const [filter, message, column, width] of cases) {
    it(`${JSON.stringify(filter)} -> column ${column}`, () => {
      const error = failure(filter);
      assert.match(error.message, message);
      assert.match(error.message, new RegExp(`at column ${column}\\n`));
      assert.equal(error.message.split('\n')[1], `  ${filter}`);
      assert.deepEqual(caret(error.message), [column, width]);
    });
  }
});

describe('order-by clauses', () => {
  it('compiles fields with directions, missing values last, ties by start time', () => {
    const { sql, params } = compileOrderBy(['metrics.accuracy DESC', 'params.max_depth']);
    assert.equal(
      sql,
      '(SELECT value FROM latest_metrics WHERE run_id = r.run_id AND key = ?) DESC NULLS LAST, ' +
        '(SELECT value FROM params WHERE run_id = r.run_id AND key = ?) ASC NULLS LAST, r.start_time DESC, r.run_id',
    );
    assert.deepEqual(params, ['accuracy', 'max_depth']);
  });

  it('rejects an unknown direction at its column', () => {
    assert.throws(
      () => compileOrderBy(['start_time sideways']),
      /orderBy: expected ASC, DESC, ',' or the end, got 'sideways' at column 12/,
    );
  });
});
