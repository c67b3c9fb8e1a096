import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { columnEdges, MISSING_BIN } from '../../src/compute/kernels/binning/edges.ts';
import { sortValues } from '../../src/compute/kernels/binning/js.ts';
import { mulberry32 } from '../../src/compute/rng.ts';
import {
  applyBins,
  binFeatures,
  binFeaturesAsync,
  columnMatrix,
  matrixFromRows,
  ShapeError,
  ValidationError,
} from '../../src/index.ts';
import { nativeAvailable, testedBackends } from '../helpers/backends.ts';

const col = (values: number[]) => columnMatrix(Float64Array.from(values), values.length, 1);

for (const backend of testedBackends()) {
  describe(`binning on the ${backend} backend`, () => {
    it('gives one bin per distinct value, with midpoint edges, when there are fewer values than bins', () => {
      const b = binFeatures(col([3, 1, 2, 1]), { backend });
      assert.deepEqual([...b.bins], [2, 0, 1, 0]);
      assert.deepEqual([...columnEdges(b.edges, 0)], [1.5, 2.5]);
      assert.equal(b.edges.nBins[0], 3);
      assert.equal(b.backend, backend);
    });

    it('sends NaN to the missing bin 255', () => {
      const b = binFeatures(col([Number.NaN, 5, Number.NaN, 7]), { backend });
      assert.deepEqual([...b.bins], [MISSING_BIN, 0, MISSING_BIN, 1]);
    });

    it('puts a constant column in a single bin', () => {
      const b = binFeatures(col([4, 4, 4]), { backend });
      assert.deepEqual([...b.bins], [0, 0, 0]);
      assert.equal(b.edges.nBins[0], 1);
      assert.equal(columnEdges(b.edges, 0).length, 0);
    });

    it('gives an all-missing column zero value bins', () => {
      const b = binFeatures(col([Number.NaN, Number.NaN]), { backend });
      assert.deepEqual([...b.bins], [MISSING_BIN, MISSING_BIN]);
      assert.equal(b.edges.nBins[0], 0);
    });

    it('bins a single row', () => {
      const b = binFeatures(matrixFromRows([[2.5, Number.NaN, -1]]), { backend });
      assert.deepEqual([...b.bins], [0, MISSING_BIN, 0]);
    });

    it('keeps infinities apart from finite values', () => {
      const b = binFeatures(col([Number.NEGATIVE_INFINITY, 0, Number.POSITIVE_INFINITY]), { backend });
      assert.deepEqual([...b.bins], [0, 1, 2]);
      assert.deepEqual([...columnEdges(b.edges, 0)], [-Number.MAX_VALUE, Number.MAX_VALUE]);
    });

    it("places quantile edges by numpy's midpoint rule when values outnumber bins", () => {
      // 0..99 into 4 bins: positions 24.75, 49.5, 74.25 -> midpoints 24.5, 49.5, 74.5
      const b = binFeatures(col(Array.from({ length: 100 }, (_, i) => 99 - i)), { backend, maxBins: 4 });
      assert.deepEqual([...columnEdges(b.edges, 0)], [24.5, 49.5, 74.5]);
      const counts = [0, 0, 0, 0];
      for (const bin of b.bins) counts[bin]!++;
      assert.deepEqual(counts, [25, 25, 25, 25]);
    });

    it('drops repeated quantile edges of heavily tied data', () => {
      const values = [...Array(90).fill(1), ...Array.from({ length: 10 }, (_, i) => i + 2)];
      const b = binFeatures(col(values), { backend, maxBins: 5 });
      const edges = [...columnEdges(b.edges, 0)];
      for (let i = 1; i < edges.length; i++) assert.ok(edges[i]! > edges[i - 1]!);
      assert.equal(b.edges.nBins[0], edges.length + 1);
      assert.equal(b.bins[0], 0);
    });

    it('balances bins by quantiles on continuous data', () => {
      const next = mulberry32(3);
      const values = Array.from({ length: 51_000 }, () => Math.exp((next() / 2 ** 32) * 10));
      const b = binFeatures(col(values), { backend, maxBins: 255 });
      const counts = new Array(255).fill(0);
      for (const bin of b.bins) counts[bin]++;
      for (const c of counts) assert.ok(Math.abs(c - 200) <= 2, `bin count ${c} is not ~200`);
    });

    it('bins categorical columns by category and sends unseen categories to the missing bin', () => {
      const b = binFeatures(matrixFromRows([[5], [3], [5], [Number.NaN], [7]]), {
        backend,
        categorical: [0],
      });
      assert.deepEqual([...b.bins], [1, 0, 1, MISSING_BIN, 2]);
      assert.deepEqual([...columnEdges(b.edges, 0)], [3, 5, 7]);
      assert.deepEqual([...applyBins(col([7, 4, 3]), b.edges, { backend })], [2, MISSING_BIN, 0]);
    });

    it('keeps the most frequent categories and pools the rest into an other bin', () => {
      const values = [1, 1, 1, 1, 1, 2, 3, 3, 3, 3, 4, 4];
      const b = binFeatures(col(values), { backend, categorical: [0], maxBins: 3 });
      assert.deepEqual([...columnEdges(b.edges, 0)], [1, 3]);
      assert.equal(b.edges.otherBin[0], 2);
      assert.deepEqual([...b.bins], [0, 0, 0, 0, 0, 2, 1, 1, 1, 1, 2, 2]);
      assert.deepEqual([...applyBins(col([9]), b.edges, { backend })], [2]);
    });

    it('maps new rows with fitted edges exactly as fitting did', () => {
      const X = randomMatrix(2_000, 4, 11);
      const fitted = binFeatures(X, { backend, categorical: [3] });
      assert.deepEqual(applyBins(X, fitted.edges, { backend }), fitted.bins);
    });

    it('finds edges on a seeded row sample when rows exceed sampleSize', () => {
      const X = randomMatrix(5_000, 2, 5);
      const a = binFeatures(X, { backend, sampleSize: 1_000, seed: 1 });
      const again = binFeatures(X, { backend, sampleSize: 1_000, seed: 1 });
      const other = binFeatures(X, { backend, sampleSize: 1_000, seed: 2 });
      const full = binFeatures(X, { backend });
      assert.deepEqual(a.edges.edges, again.edges.edges);
      assert.notDeepEqual(a.edges.edges, other.edges.edges);
      assert.notDeepEqual(a.edges.edges, full.edges.edges);
    });

    it('gives the same result from the async variant', async () => {
      const X = randomMatrix(40_000, 3, 9);
      const sync = binFeatures(X, { backend, categorical: [2] });
      const async = await binFeaturesAsync(X, { backend, categorical: [2] });
      assert.deepEqual(async.bins, sync.bins);
      assert.deepEqual(async.edges.edges, sync.edges.edges);
    });
  });
}

describe('binning across backends', {
  skip: nativeAvailable ? false : 'the native addon is not built here',
}, () => {
  it('gives identical bins and edges from js and native, sampled or not, with ties, NaN and categories', () => {
    for (const [nRows, sampleSize, seed] of [
      [3_000, 200_000, 0],
      [30_000, 7_000, 42],
    ] as const) {
      const X = randomMatrix(nRows, 5, seed + 1);
      const options = { categorical: [3, 4], sampleSize, seed, maxBins: 200 };
      const js = binFeatures(X, { ...options, backend: 'js' });
      const native = binFeatures(X, { ...options, backend: 'native', nThreads: 2 });
      assert.deepEqual(native.bins, js.bins);
      assert.deepEqual(native.edges, js.edges);
    }
  });
});

describe('binning across backends: how the values are spread', {
  skip: nativeAvailable ? false : 'the native addon is not built here',
}, () => {
  // the native sort orders by the top 31 bits of each value's key first, then sorts runs
  // that share them, or sorts all bits when such runs hold over an eighth of the values
  it('gives identical edges for spread values, values sharing their top bits, and packed values', () => {
    const n = 5_000;
    const next = mulberry32(3);
    const u = () => next() / 2 ** 32;
    const spread = Float64Array.from({ length: n }, () => (u() - 0.5) * 10);
    // every tenth value near 1 + k * 2^-30: some keys share their top bits, not all of them
    const someRuns = Float64Array.from({ length: n }, (_, i) =>
      i % 10 === 0 ? 1 + Math.floor(u() * 64) * 2 ** -30 : u(),
    );
    // all within 2^-22 of 1.7e9 (timestamps): one run of every key
    const packed = Float64Array.from({ length: n }, () => 1.7e9 + u() * 2 ** -22 * 1.7e9);
    const signs = Float64Array.from({ length: n }, (_, i) =>
      i % 3 === 0 ? -0 : i % 3 === 1 ? 0 : -u() * 1e-300,
    );
    for (const [name, values] of Object.entries({ spread, someRuns, packed, signs })) {
      const X = columnMatrix(values, n, 1);
      const js = binFeatures(X, { backend: 'js' });
      const native = binFeatures(X, { backend: 'native' });
      assert.deepEqual(native.edges, js.edges, name);
      assert.deepEqual(native.bins, js.bins, name);
    }
  });
});

describe('sortValues', () => {
  it('sorts as Float64Array.prototype.sort does: spread, tied high bits, packed, negative and signed-zero values', () => {
    const next = mulberry32(8);
    const u = () => next() / 2 ** 32;
    const cases = {
      small: Float64Array.of(3, -0, 0, -2, 1e-300),
      spread: Float64Array.from({ length: 3_000 }, () => (u() - 0.5) * 1e6),
      // negatives and positives sharing their high 32 bits in runs (differ in the low word)
      tiedRuns: Float64Array.from({ length: 3_000 }, (_, i) =>
        i % 9 === 0 ? (i % 2 ? -1 : 1) * (1 + Math.floor(u() * 100) * 2 ** -40) : u() * 8 - 4,
      ),
      packed: Float64Array.from({ length: 3_000 }, () => -1.7e9 - u() * 2 ** -22 * 1.7e9),
      zeros: Float64Array.from({ length: 1_000 }, (_, i) => (i % 3 === 0 ? -0 : i % 3 === 1 ? 0 : i - 500)),
    };
    for (const [name, values] of Object.entries(cases)) {
      const want = values.slice().sort();
      const got = sortValues(values.slice());
      assert.equal(got.length, want.length, name);
      for (let i = 0; i < want.length; i++) assert.ok(Object.is(got[i], want[i]), `${name} at ${i}`);
    }
  });
});

describe('binning input errors', () => {
  it('rejects maxBins outside 2..255', () => {
    for (const maxBins of [1, 256, 2.5]) {
      assert.throws(
        () => binFeatures(col([1, 2]), { maxBins }),
        (e: unknown) => {
          return e instanceof ValidationError && e.path === 'maxBins' && e.message.includes(String(maxBins));
        },
      );
    }
  });

  it('rejects a categorical index that is not a column', () => {
    assert.throws(() => binFeatures(col([1, 2]), { categorical: [1] }), /categorical column index 1/);
  });

  it('rejects a non-positive sample size, a bad seed and a bad thread count', () => {
    assert.throws(
      () => binFeatures(col([1]), { sampleSize: 0 }),
      /sampleSize must be a positive integer, got 0/,
    );
    assert.throws(() => binFeatures(col([1]), { seed: -1 }), /seed must be an integer/);
    assert.throws(() => binFeatures(col([1]), { nThreads: 0 }), /nThreads must be a positive integer/);
  });

  it('rejects edges fitted on a different number of columns', () => {
    const fitted = binFeatures(matrixFromRows([[1, 2]]));
    assert.throws(() => applyBins(col([1]), fitted.edges), /fitted on 2 columns, but X has 1/);
  });

  it('rejects a buffer whose length does not match the shape, and ragged rows', () => {
    assert.throws(() => columnMatrix(new Float64Array(5), 2, 3), ShapeError);
    assert.throws(() => matrixFromRows([[1, 2], [3]]), /row 1 has 1 values, but row 0 has 2/);
  });
});

/** A seeded matrix with ties (rounded values), ~2% NaN, and integer-coded categories in the last columns. */
function randomMatrix(nRows: number, nCols: number, seed: number) {
  const next = mulberry32(seed);
  const data = new Float64Array(nRows * nCols);
  for (let c = 0; c < nCols; c++) {
    for (let r = 0; r < nRows; r++) {
      const u = next() / 2 ** 32;
      const value = c >= 3 ? Math.floor(u * (c === 3 ? 12 : 400)) : Math.round(Math.log(u) * 1000) / 100;
      data[c * nRows + r] = u < 0.02 ? Number.NaN : value;
    }
  }
  return columnMatrix(data, nRows, nCols);
}
