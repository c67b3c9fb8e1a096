import assert from 'node:assert/strict';
import { test } from 'node:test';
import { columnMatrix } from '../../src/compute/matrix.ts';
import { ShapeError } from '../../src/core/errors.ts';
import { applyStandardScaling, fitStandardScaling } from '../../src/data/scale.ts';

test('fitStandardScaling: population mean and deviation, NaN ignored, a constant column kept at scale 1', () => {
  // columns: [1, 3, NaN], [5, 5, 5]
  const X = columnMatrix(new Float64Array([1, 3, Number.NaN, 5, 5, 5]), 3, 2);
  assert.deepEqual(fitStandardScaling(X), { mean: [2, 5], scale: [1, 1] });
});

test('fitStandardScaling leaves the flagged indicator columns as they are and scales the others', () => {
  // columns: a rare 0/1 level [0, 0, 0, 1] and a number [2, 4, 6, 8]
  const X = columnMatrix(new Float64Array([0, 0, 0, 1, 2, 4, 6, 8]), 4, 2);
  const s = fitStandardScaling(X, [true, false]);
  assert.deepEqual(s.mean, [0, 5]);
  assert.equal(s.scale[0], 1);
  assert.ok(Math.abs(s.scale[1]! - Math.sqrt(5)) < 1e-12);
  const Xs = applyStandardScaling(X, s);
  assert.deepEqual(Array.from(Xs.data.subarray(0, 4)), [0, 0, 0, 1]);
  // unflagged, the rare level would be stretched to sqrt(3) = 1.73 for its one row
  const stretched = applyStandardScaling(X, fitStandardScaling(X));
  assert.ok(Math.abs(stretched.data[3]! - Math.sqrt(3)) < 1e-12);
});

test('fitStandardScaling refuses flags that do not match the columns', () => {
  const X = columnMatrix(new Float64Array([0, 1]), 2, 1);
  assert.throws(() => fitStandardScaling(X, [true, false]), ShapeError);
});
