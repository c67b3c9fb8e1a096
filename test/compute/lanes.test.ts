// Four-lane sums: the value of a plain sum to rounding, in a fixed order (tails included).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { laneDot, laneSum } from '../../src/compute/lanes.ts';

test('laneDot and laneSum equal plain sums for every tail length, at offsets', () => {
  for (let len = 0; len <= 9; len++) {
    const a = Float64Array.from({ length: len + 3 }, (_, i) => i + 1);
    const b = Float64Array.from({ length: len + 2 }, (_, i) => 2 * i - 3);
    let dot = 0;
    let sum = 0;
    for (let i = 0; i < len; i++) {
      dot += a[3 + i]! * b[2 + i]!;
      sum += a[3 + i]!;
    }
    assert.equal(laneDot(a, 3, b, 2, len), dot, `dot, len ${len}`);
    assert.equal(laneSum(a, 3, len), sum, `sum, len ${len}`);
  }
});

test('the lanes are reduced as (l0 + l1) + (l2 + l3)', () => {
  // 1e16 + 1 rounds away the 1 in a running sum; in lanes the 1s meet first
  const a = Float64Array.of(1e16, 1, -1e16, 1);
  assert.equal(laneSum(a, 0, 4), 1e16 + 1 + (-1e16 + 1));
  assert.equal(laneDot(a, 0, Float64Array.of(1, 1, 1, 1), 0, 4), laneSum(a, 0, 4));
});
