import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { progressLine } from '../../../src/serve/batch/progress.ts';

describe('batch progress line', () => {
  it('shows the bar, mini-batches, rows, rows/s and errors', () => {
    assert.equal(
      progressLine(
        { miniBatchesDone: 5, miniBatches: 10, rows: 50_000, rowsPerSecond: 25_000.4, errors: 0 },
        10,
      ),
      '[#####.....]  50% 5/10 mini-batches  50,000 rows  25,000 rows/s',
    );
    assert.equal(
      progressLine({ miniBatchesDone: 3, miniBatches: 3, rows: 7, rowsPerSecond: 1, errors: 1 }, 4),
      '[####] 100% 3/3 mini-batches  7 rows  1 rows/s  1 error',
    );
  });
});
