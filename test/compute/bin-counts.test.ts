import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { binCountsOf, countBins } from '../../src/compute/kernels/trees/bin-counts.ts';
import { nativeAddon } from '../../src/compute/native/load.ts';
import { mulberry32 } from '../../src/compute/rng.ts';
import { nativeAvailable } from '../helpers/backends.ts';

const next = mulberry32(11);
const nRows = 1_001;
const nCols = 3;
const bins = Uint8Array.from({ length: nRows * nCols }, (_, i) => (i % 97 === 0 ? 255 : next() % 40));

describe('bin counts', () => {
  it('counts the rows of each bin value per column', () => {
    const counts = countBins(bins, nRows, nCols);
    for (let c = 0; c < nCols; c++) {
      const want = new Float64Array(256);
      for (let r = 0; r < nRows; r++) want[bins[c * nRows + r]!]!++;
      assert.deepEqual(counts.subarray(c * 256, (c + 1) * 256), want, `column ${c}`);
    }
    assert.deepEqual(countBins(Uint8Array.of(0, 2, 2), 3, 1).subarray(0, 3), Float64Array.of(1, 0, 2));
  });

  it('gives the same counts natively', { skip: !nativeAvailable && 'native addon not built' }, () => {
    assert.deepEqual(nativeAddon().countBins(bins, nRows, nCols), countBins(bins, nRows, nCols));
  });

  it('counts a bin matrix once, by the matrix', () => {
    let calls = 0;
    const count = (b: Uint8Array, n: number, c: number) => {
      calls++;
      return countBins(b, n, c);
    };
    const other = bins.slice();
    const first = binCountsOf(bins, nRows, nCols, count);
    assert.equal(binCountsOf(bins, nRows, nCols, count), first);
    assert.equal(calls, 1);
    assert.deepEqual(binCountsOf(other, nRows, nCols, count), first);
    assert.equal(calls, 2, 'another matrix (even with the same values) is counted again');
  });
});
