import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { addTreeScores, logLossGradients } from '../../src/compute/kernels/boosting/index.ts';
import { MODE_GRADIENT } from '../../src/compute/kernels/trees/grow-params.ts';
import { growTree } from '../../src/compute/kernels/trees/index.ts';
import { leafOf } from '../../src/compute/kernels/trees/tree-arrays.ts';
import { nativeAddon } from '../../src/compute/native/load.ts';
import { mulberry32 } from '../../src/compute/rng.ts';
import { nativeAvailable, testedBackends } from '../helpers/backends.ts';

const next = mulberry32(5);
const u = () => next() / 2 ** 32;

/** The double whose high 32 bits are `hi` and low bits zero (fdlibm's range bounds). */
function fromHighWord(hi: number): number {
  const v = new DataView(new ArrayBuffer(8));
  v.setUint32(0, hi);
  return v.getFloat64(0);
}

// Scores over every range Math.exp's algorithm treats apart, its bounds (one ulp either
// side) and edge values, placed at random among ordinary ones in every lane of the
// addon's four-row (AVX2) and eight-row (AVX-512) vectors; an odd length leaves a tail of
// scalar rows.
const edges = [0, -0, 1, -1, 0.5, -0.5, 699.99, -699.99, 700, -700, 709.78, -745.2, 710, -746];
for (const hi of [0x3fd62e42, 0x3fd62e43, 0x3ff0a2b2, 0x3ff0a2b1, 0x3e300000, 0x3e2fffff]) {
  const x = fromHighWord(hi);
  for (const v of [x, x * (1 + 2 ** -52), x * (1 - 2 ** -53)]) edges.push(v, -v);
}
edges.push(
  Number.POSITIVE_INFINITY,
  Number.NEGATIVE_INFINITY,
  Number.NaN,
  Number.MIN_VALUE,
  -Number.MIN_VALUE,
);
const n = 100_003;
const F = Float64Array.from({ length: n }, (_, i) => {
  const scale = [1e-9, 0.3, 1.2, 40, 800][i % 5]!;
  return (u() - 0.5) * 2 * scale;
});
// each edge in every lane of 4- and 8-row vectors: once at a random row of each residue mod 8
for (const e of edges) for (let lane = 0; lane < 8; lane++) F[8 * Math.floor(u() * ((n - 8) / 8)) + lane] = e;
const y = Float64Array.from({ length: n }, () => (u() < 0.4 ? 1 : 0));
const w = Float64Array.from({ length: n }, () => (u() < 0.1 ? 2.5 : 1));

describe('boosting kernel', () => {
  for (const backend of testedBackends()) {
    it(`${backend}: log loss gradients are p - y and p (1 - p), weighted`, () => {
      const g = new Float64Array(n);
      const h = new Float64Array(n);
      logLossGradients(backend, y, F, w, g, h);
      for (const i of [0, 1, 2, 3, 4]) {
        const p = 1 / (1 + Math.exp(-F[i]!));
        assert.equal(g[i], w[i]! * (p - y[i]!));
        assert.equal(h[i], w[i]! * p * (1 - p));
      }
    });
  }

  it("the addon's exp is Math.exp bit for bit", {
    skip: !nativeAvailable && 'native addon not built',
  }, () => {
    const exp = new Float64Array(n);
    nativeAddon().logLossGradients(y, F, w, new Float64Array(n), new Float64Array(n), exp);
    for (let i = 0; i < n; i++) assert.ok(Object.is(exp[i], Math.exp(F[i]!)), `exp(${F[i]})`);
  });

  it('gradients are the same bit for bit on every backend, in vector lanes and the tail alike', {
    skip: !nativeAvailable && 'native addon not built',
  }, () => {
    const out = testedBackends().map((backend) => {
      const g = new Float64Array(n);
      const h = new Float64Array(n);
      logLossGradients(backend, y, F, w, g, h);
      return { g, h };
    });
    for (let i = 0; i < n; i++) {
      assert.ok(Object.is(out[1]!.g[i], out[0]!.g[i]), `g at F = ${F[i]}`);
      assert.ok(Object.is(out[1]!.h[i], out[0]!.h[i]), `h at F = ${F[i]}`);
    }
  });

  // a small tree grown on bins, for the score updates
  const nRows = 500;
  const nCols = 3;
  const bins = Uint8Array.from({ length: nRows * nCols }, () => (u() < 0.05 ? 255 : Math.floor(u() * 16)));
  const grad = Float64Array.from({ length: nRows }, () => u() - 0.5);
  const rows = Int32Array.from({ length: nRows / 2 }, (_, i) => 2 * i);
  const grown = growTree(
    'js',
    {
      bins,
      nRows,
      nCols,
      nBins: Int32Array.of(16, 16, 16),
      categorical: new Uint8Array(nCols),
      grad,
      hess: new Float64Array(nRows).fill(1),
      label: new Int32Array(0),
      rows,
      features: Int32Array.of(0, 1, 2),
    },
    {
      mode: MODE_GRADIENT,
      nClasses: 1,
      maxDepth: 4,
      maxLeaves: 0,
      minSamplesSplit: 2,
      minSamplesLeaf: 5,
      minChildWeight: 0,
      minGain: 0,
      lambdaL1: 0,
      lambdaL2: 1,
      maxFeatures: 3,
      randomSplits: false,
      seed: 1,
    },
    1,
    true,
  );

  for (const backend of testedBackends()) {
    it(`${backend}: adds the scaled leaf values to one column, walking the tree for rows without a leaf`, () => {
      const { tree, leafOfRow } = grown;
      assert.ok(tree.nNodes > 3, 'the test tree has splits');
      // the grown rows have their leaf, the others -1
      assert.ok(leafOfRow![0]! >= 0 && leafOfRow![1] === -1);
      const F2 = Float64Array.from({ length: nRows * 2 }, () => u());
      const before = F2.slice();
      addTreeScores(backend, tree, leafOfRow, bins, nRows, nCols, 0.1, F2, 2, 1);
      for (let r = 0; r < nRows; r++) {
        assert.equal(F2[2 * r], before[2 * r], 'the other column is untouched');
        assert.equal(F2[2 * r + 1], before[2 * r + 1]! + 0.1 * tree.value[leafOf(tree, bins, nRows, r)]!);
      }
      const F1 = new Float64Array(nRows);
      addTreeScores(backend, tree, null, bins, nRows, nCols, 0.5, F1, 1, 0);
      for (let r = 0; r < nRows; r++) assert.equal(F1[r], 0.5 * tree.value[leafOf(tree, bins, nRows, r)]!);
    });
  }

  it('the addon refuses a leaf index the tree lacks and scores of the wrong size', {
    skip: !nativeAvailable && 'native addon not built',
  }, () => {
    const { tree } = grown;
    const bad = new Int32Array(nRows).fill(-1);
    bad[7] = tree.nNodes;
    assert.throws(
      () => addTreeScores('native', tree, bad, bins, nRows, nCols, 1, new Float64Array(nRows), 1, 0),
      /leafOfRow names a node the tree lacks/,
    );
    assert.throws(
      () => addTreeScores('native', tree, null, bins, nRows, nCols, 1, new Float64Array(nRows - 1), 1, 0),
      /F must hold nRows x nOut scores/,
    );
  });
});
