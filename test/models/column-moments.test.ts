// columnMoments: weighted means and deviations of the columns, missing values and
// infinities, against direct two-pass computations.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { columnMoments } from '../../src/models/linear/impute.ts';

function direct(values: number[], weight: number[]): { mean: number; std: number } {
  let sw = 0;
  let s = 0;
  values.forEach((v, i) => {
    if (!Number.isNaN(v)) {
      s += weight[i]! * v;
      sw += weight[i]!;
    }
  });
  const mean = s / sw;
  let ss = 0;
  values.forEach((v, i) => {
    if (!Number.isNaN(v)) ss += weight[i]! * (v - mean) ** 2;
  });
  return { mean, std: Math.sqrt(ss / weight.reduce((a, b) => a + b, 0)) };
}

test('means and deviations of full columns, weighted, with an odd row count and a large offset', () => {
  const a = [3, 1, 4, 1, 5, 9, 2];
  const b = a.map((v) => 1e9 + v);
  const weight = [1, 2, 1, 0.5, 1, 3, 1];
  const m = columnMoments(
    { data: Float64Array.from([...a, ...b]), nRows: 7, nCols: 2 },
    Float64Array.from(weight),
  );
  assert.equal(m.missing, false);
  const d = direct(a, weight);
  assert.ok(Math.abs(m.means[0]! - d.mean) < 1e-12);
  assert.ok(Math.abs(m.stds[0]! - d.std) < 1e-12);
  // the shift keeps the variance when the mean is far from 0
  assert.ok(Math.abs(m.means[1]! - (1e9 + d.mean)) < 1e-6);
  assert.ok(Math.abs(m.stds[1]! - d.std) < 1e-6);
});

test('a column with missing values: mean of the present ones, deviation of the filled column', () => {
  const m = columnMoments(
    { data: Float64Array.of(1, Number.NaN, 3), nRows: 3, nCols: 1 },
    Float64Array.of(1, 1, 1),
  );
  assert.equal(m.missing, true);
  assert.equal(m.means[0], 2);
  assert.ok(Math.abs(m.stds[0]! - Math.sqrt(2 / 3)) < 1e-15);
});

test('an infinite value names its cell', () => {
  assert.throws(
    () =>
      columnMoments(
        { data: Float64Array.of(1, 2, Number.POSITIVE_INFINITY, 4), nRows: 2, nCols: 2 },
        Float64Array.of(1, 1),
      ),
    /X\[0\]\[1\] is Infinity/,
  );
});
