// Reading a request's rows against the model's schema (frameColumns), and the
// Prometheus text of the metrics (label escaping, histogram buckets).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { frameColumns, InputError } from '../../src/serve/input.ts';
import { ServeMetrics } from '../../src/serve/metrics.ts';
import type { ModelSchema } from '../../src/serve/schema.ts';

const schema: ModelSchema = {
  task: 'classification',
  target: 'y',
  classes: ['a', 'b'],
  inputs: [
    { name: 'n', kind: 'numeric' },
    { name: 'flag', kind: 'boolean' },
    { name: 'when', kind: 'datetime' },
    { name: 'color', kind: 'categorical', categories: ['red', 'blue', '1'] },
    { name: 'note', kind: 'text' },
  ],
};

describe('frameColumns', () => {
  it('reads each kind: numbers and numeric strings, booleans, ISO dates or epoch ms, categories, text', () => {
    const input = frameColumns(
      {
        kind: 'rows',
        columns: ['note', 'color', 'when', 'flag', 'n'],
        rows: [
          ['hello', 'red', '1970-01-02', true, 1.5],
          [null, 1, 86_400_000, 'no', ' 2e3 '],
          ['x', null, null, null, null],
        ],
      },
      schema,
    );
    assert.equal(input.nRows, 3);
    const [n, flag, when, color, note] = input.columns;
    assert.deepEqual(Array.from(n as Float64Array), [1.5, 2000, Number.NaN]);
    assert.deepEqual(Array.from(flag as Float64Array), [1, 0, Number.NaN]);
    assert.deepEqual(Array.from(when as Float64Array), [86_400_000, 86_400_000, Number.NaN]);
    assert.deepEqual(color, ['red', '1', null], 'a number in a categorical column is its text');
    assert.deepEqual(note, ['hello', null, 'x']);
  });

  it('records and columns give the same columns; a key absent from some records is missing', () => {
    const records = frameColumns(
      { kind: 'records', records: [{ n: 1, flag: 1, when: 0, color: 'blue', note: 'a' }, { n: 2 }] },
      schema,
    );
    assert.deepEqual(records.columns[3], ['blue', null]);
    const columns = frameColumns(
      {
        kind: 'columns',
        columns: { n: [1, 2], flag: [1, 0], when: [0, 0], color: ['blue', 'red'], note: ['a', 'b'] },
      },
      schema,
    );
    assert.equal(columns.nRows, 2);
  });

  it('names the column and the row of the first cell it cannot use', () => {
    const bad: Array<[unknown[], RegExp, string, number]> = [
      [[1, 'maybe', 0, 'red', 'a'], /column 'flag', row 0: expected a boolean, got "maybe"/, 'flag', 0],
      [[1, 1, 'yesterday', 'red', 'a'], /column 'when', row 0: expected a date/, 'when', 0],
      [
        [1, 1, 0, 'green', 'a'],
        /column 'color', row 0: the category "green" was not seen in training/,
        'color',
        0,
      ],
      [[1, 1, 0, 'red', { a: 1 }], /column 'note', row 0: expected a string, got \{"a":1\}/, 'note', 0],
      [[Number.POSITIVE_INFINITY, 1, 0, 'red', 'a'], /column 'n', row 0: expected a number/, 'n', 0],
    ];
    for (const [row, message, column, index] of bad) {
      assert.throws(
        () => frameColumns({ kind: 'rows', rows: [row] }, schema),
        (error: unknown) =>
          error instanceof InputError &&
          message.test(error.message) &&
          error.column === column &&
          error.row === index,
      );
    }
    assert.throws(
      () =>
        frameColumns(
          { kind: 'columns', columns: { n: [1, 2], flag: [1], when: [0, 0], color: ['red'], note: ['a'] } },
          schema,
        ),
      /column 'flag' has 1 values, but 'n' has 2/,
    );
    assert.throws(
      () => frameColumns({ kind: 'rows', columns: ['n', 'n'], rows: [] }, schema),
      /the column 'n' is named twice/,
    );
  });
});

describe('ServeMetrics', () => {
  it('escapes label values and fills cumulative buckets', () => {
    const m = new ServeMetrics();
    m.request({ endpoint: 'a"b\\c\nd', deployment: 'blue', protocol: 'azure' }, 200, 0.003);
    m.request({ endpoint: 'a"b\\c\nd', deployment: 'blue', protocol: 'azure' }, 200, 0.2);
    const text = m.text();
    assert.match(
      text,
      /mlsweep_requests_total\{endpoint="a\\"b\\\\c\\nd",deployment="blue",protocol="azure",code="200"\} 2/,
    );
    assert.match(text, /le="0\.0025"\} 0\n/);
    assert.match(text, /le="0\.005"\} 1\n/);
    assert.match(text, /le="0\.25"\} 2\n/);
    assert.match(text, /_sum\{[^}]*\} 0\.203/);
  });
});
