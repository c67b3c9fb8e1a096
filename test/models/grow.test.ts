import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { unavailableReason } from '../../src/compute/backend.ts';
import { MISSING_BIN } from '../../src/compute/kernels/binning/edges.ts';
import {
  type GrowData,
  type GrowParams,
  MODE_ABSOLUTE,
  MODE_ENTROPY,
  MODE_GINI,
  MODE_GRADIENT,
} from '../../src/compute/kernels/trees/grow-params.ts';
import { growForest, growTree, predictTrees } from '../../src/compute/kernels/trees/index.ts';
import { balanceDraw } from '../../src/compute/kernels/trees/js/forest.ts';
import { goesLeft, leafOf } from '../../src/compute/kernels/trees/tree-arrays.ts';
import { mulberry32 } from '../../src/compute/rng.ts';
import { binFeatures, columnMatrix } from '../../src/index.ts';

const nativeOk = unavailableReason('native') === undefined;

/**
 * 400 rows, 6 features (columns 4 and 5 categorical), 10% missing; 3 classes and a target;
 * with the value edges (extra trees then draw thresholds in value space) when asked.
 */
function dataset(seed: number, withEdges = false) {
  const n = 400;
  const F = 6;
  const next = mulberry32(seed);
  const u = () => next() / 2 ** 32;
  const data = new Float64Array(n * F);
  for (let c = 0; c < F; c++) {
    for (let r = 0; r < n; r++) {
      const v = c >= 4 ? Math.floor(u() * 7) : u() * 10 - 5;
      data[c * n + r] = u() < 0.1 ? Number.NaN : v;
    }
  }
  const label = new Int32Array(n);
  const grad = new Float64Array(n);
  const hess = new Float64Array(n);
  for (let r = 0; r < n; r++) {
    const x0 = data[r]!;
    const cat = data[4 * n + r]!;
    const s = (Number.isNaN(x0) ? 3 : x0) + (cat === 2 || cat === 5 ? 4 : 0) + u() * 2;
    label[r] = s < 0 ? 0 : s < 3 ? 1 : 2;
    grad[r] = -s;
    hess[r] = 0.5 + u();
  }
  const binned = binFeatures(columnMatrix(data, n, F), { categorical: [4, 5], backend: 'js' });
  const growData: GrowData = {
    bins: binned.bins,
    nRows: n,
    nCols: F,
    nBins: binned.edges.nBins,
    categorical: binned.edges.categorical,
    grad,
    hess,
    label,
    rows: Int32Array.from({ length: n }, (_, i) => i).filter((i) => i % 7 !== 3),
    features: Int32Array.of(0, 1, 2, 3, 4, 5),
    ...(withEdges ? { edges: binned.edges.edges } : {}),
  };
  return growData;
}

/** Grow data of one feature (categorical or not) and two classes, every row weight 1. */
function oneFeature(
  data: Float64Array,
  label: Int32Array,
  categorical: boolean,
): { g: GrowData; bins: Uint8Array } {
  const n = data.length;
  const b = binFeatures(columnMatrix(data, n, 1), { backend: 'js', categorical: categorical ? [0] : [] });
  const g: GrowData = {
    bins: b.bins,
    nRows: n,
    nCols: 1,
    nBins: b.edges.nBins,
    categorical: b.edges.categorical,
    grad: new Float64Array(0),
    hess: new Float64Array(n).fill(1),
    label,
    rows: Int32Array.from({ length: n }, (_, i) => i),
    features: Int32Array.of(0),
  };
  return { g, bins: b.bins };
}

const base: GrowParams = {
  mode: MODE_GINI,
  nClasses: 3,
  maxDepth: 0,
  maxLeaves: 0,
  minSamplesSplit: 2,
  minSamplesLeaf: 1,
  minChildWeight: 0,
  minGain: 0,
  lambdaL1: 0,
  lambdaL2: 0,
  maxFeatures: 6,
  randomSplits: false,
  seed: 9,
};

/** Gradient-mode grow data over every row and feature of binned columns. */
function gradientData(
  binned: ReturnType<typeof binFeatures>,
  n: number,
  nCols: number,
  grad: Float64Array,
  hess: Float64Array,
): GrowData {
  return {
    bins: binned.bins,
    nRows: n,
    nCols,
    nBins: binned.edges.nBins,
    categorical: binned.edges.categorical,
    grad,
    hess,
    label: new Int32Array(0),
    rows: Int32Array.from({ length: n }, (_, i) => i),
    features: Int32Array.from({ length: nCols }, (_, f) => f),
  };
}

const variants: Array<[string, Partial<GrowParams>]> = [
  ['gini, full depth', {}],
  ['entropy, 12 leaves best-first', { mode: MODE_ENTROPY, maxLeaves: 12 }],
  ['gini, 2 random features per node, min leaf 4', { maxFeatures: 2, minSamplesLeaf: 4 }],
  ['gini, random splits (extra trees)', { randomSplits: true, maxFeatures: 3 }],
  [
    'gradient, 15 leaves, L1/L2, min child weight',
    { mode: MODE_GRADIENT, nClasses: 1, maxLeaves: 15, lambdaL1: 0.5, lambdaL2: 2, minChildWeight: 3 },
  ],
  ['gradient, depth 4, random splits', { mode: MODE_GRADIENT, nClasses: 1, maxDepth: 4, randomSplits: true }],
  ['gradient, min gain', { mode: MODE_GRADIENT, nClasses: 1, minGain: 50 }],
  ['absolute error, full depth', { mode: MODE_ABSOLUTE, nClasses: 1 }],
  [
    'absolute error, 10 leaves best-first, 2 random features, min leaf 3',
    { mode: MODE_ABSOLUTE, nClasses: 1, maxLeaves: 10, maxFeatures: 2, minSamplesLeaf: 3 },
  ],
  ['absolute error, random splits', { mode: MODE_ABSOLUTE, nClasses: 1, randomSplits: true, maxFeatures: 3 }],
];

describe('histogram tree grower', () => {
  // extra trees with the value edges draw their thresholds in value space
  const edgeVariants: Array<[string, Partial<GrowParams>]> = [
    ['gini, random splits in value space', { randomSplits: true, maxFeatures: 3 }],
    [
      'gradient, depth 4, random splits in value space',
      { mode: MODE_GRADIENT, nClasses: 1, maxDepth: 4, randomSplits: true },
    ],
    [
      'absolute error, random splits in value space',
      { mode: MODE_ABSOLUTE, nClasses: 1, randomSplits: true, maxFeatures: 3 },
    ],
  ];
  for (const [name, v] of edgeVariants) {
    test(`js and native grow the same tree: ${name}`, { skip: !nativeOk && 'native addon not built' }, () => {
      const params = { ...base, ...v };
      const js = growTree('js', dataset(3, true), params, 1, true);
      const native = growTree('native', dataset(3, true), params, 2, true);
      assert.ok(js.tree.nNodes > 3, `only ${js.tree.nNodes} nodes`);
      assert.deepEqual(native.tree, js.tree);
      assert.deepEqual(native.leafOfRow, js.leafOfRow);
      // the draws differ from those over bins
      const overBins = growTree('js', dataset(3), params, 1, false).tree;
      assert.notDeepEqual(Array.from(overBins.threshold), Array.from(js.tree.threshold));
    });
  }

  for (const [name, v] of variants) {
    test(`js and native grow the same tree: ${name}`, { skip: !nativeOk && 'native addon not built' }, () => {
      const data = dataset(3);
      const params = { ...base, ...v };
      const js = growTree('js', data, params, 1, true);
      const native = growTree('native', data, params, 2, true);
      assert.ok(js.tree.nNodes > 3, `only ${js.tree.nNodes} nodes`);
      assert.deepEqual(native.tree, js.tree);
      assert.deepEqual(native.leafOfRow, js.leafOfRow);
    });
  }

  // two classes: the native grower's class loops at a fixed slot width (the forests' usual
  // case), with non-integer weights and missing values, must add in grow.ts's order
  const twoClassVariants: Array<[string, Partial<GrowParams>]> = [
    ['gini, full depth', {}],
    ['entropy, 2 random features per node', { mode: MODE_ENTROPY, maxFeatures: 2 }],
    ['gini, 16 leaves best-first, min leaf 3', { maxLeaves: 16, minSamplesLeaf: 3 }],
  ];
  for (const [name, v] of twoClassVariants) {
    test(`js and native grow the same two-class tree: ${name}`, {
      skip: !nativeOk && 'native addon not built',
    }, () => {
      const three = dataset(8);
      const data = { ...three, label: three.label.map((k) => (k === 2 ? 1 : k)) };
      const params = { ...base, nClasses: 2, ...v };
      const js = growTree('js', data, params, 1, true);
      const native = growTree('native', data, params, 1, true);
      assert.ok(js.tree.nNodes > 15, `only ${js.tree.nNodes} nodes`);
      if (params.mode === MODE_ENTROPY) {
        // the entropy's logarithms are C's and V8's, which may differ in the last bit: the
        // gains agree to rounding, the rest exactly
        const close = (a: number, b: number) => Math.abs(a - b) <= 1e-12 * Math.max(1, Math.abs(b));
        assert.ok(native.tree.gain.every((g, i) => close(g, js.tree.gain[i]!)));
        assert.deepEqual({ ...native.tree, gain: null }, { ...js.tree, gain: null });
      } else {
        assert.deepEqual(native.tree, js.tree);
      }
      assert.deepEqual(native.leafOfRow, js.leafOfRow);
    });
  }

  // numeric features only: the split search of gradient mode that boosting uses (slots
  // walked directly, gains computed several at a time in the native grower)
  const numericVariants: Array<[string, Partial<GrowParams>]> = [
    ['xgboost-like: depth 6, 64 leaves, L2 1', { maxDepth: 6, maxLeaves: 64, lambdaL2: 1 }],
    ['depth 3: children at the limit get no histograms', { maxDepth: 3 }],
    [
      'min leaf 5, min child weight 8, L1 0.3',
      { maxLeaves: 20, minSamplesLeaf: 5, minChildWeight: 8, lambdaL1: 0.3 },
    ],
  ];
  for (const [name, v] of numericVariants) {
    test(`js and native grow the same gradient tree on numeric features: ${name}`, {
      skip: !nativeOk && 'native addon not built',
    }, () => {
      const data = { ...dataset(6), features: Int32Array.of(0, 1, 2, 3) };
      const params = { ...base, mode: MODE_GRADIENT, nClasses: 1, maxFeatures: 4, ...v };
      const js = growTree('js', data, params, 1, true);
      const native = growTree('native', data, params, 1, true);
      assert.ok(js.tree.nNodes > 7, `only ${js.tree.nNodes} nodes`);
      assert.deepEqual(native.tree, js.tree);
      assert.deepEqual(native.leafOfRow, js.leafOfRow);
    });
  }

  test('js and native grow the same gradient tree on features of few values and missing ones', {
    skip: !nativeOk && 'native addon not built',
  }, () => {
    // 5 values and missing per feature: the native grower's histograms use its slot table
    // rather than 256 slots per feature
    const n = 600;
    const next = mulberry32(21);
    const u = () => next() / 2 ** 32;
    const x = new Float64Array(n * 3);
    for (let i = 0; i < x.length; i++) x[i] = u() < 0.15 ? Number.NaN : Math.floor(u() * 5);
    const binned = binFeatures(columnMatrix(x, n, 3), { backend: 'js' });
    const grad = Float64Array.from(
      { length: n },
      (_, r) => (Number.isNaN(x[r]!) ? 2 : x[r]!) - x[n + r]! + u(),
    );
    const data: GrowData = {
      bins: binned.bins,
      nRows: n,
      nCols: 3,
      nBins: binned.edges.nBins,
      categorical: binned.edges.categorical,
      grad,
      hess: Float64Array.from({ length: n }, () => 0.5 + u()),
      label: new Int32Array(0),
      rows: Int32Array.from({ length: n }, (_, i) => i),
      features: Int32Array.of(0, 1, 2),
    };
    const params = { ...base, mode: MODE_GRADIENT, nClasses: 1, maxFeatures: 3, maxLeaves: 16, lambdaL2: 1 };
    const js = growTree('js', data, params, 1, true);
    const native = growTree('native', data, params, 1, true);
    assert.ok(js.tree.nNodes > 7, `only ${js.tree.nNodes} nodes`);
    assert.ok(Array.from(js.tree.missingLeft).some((m, id) => m === 1 && js.tree.feature[id]! >= 0));
    assert.deepEqual(native.tree, js.tree);
    assert.deepEqual(native.leafOfRow, js.leafOfRow);
  });

  test('js and native grow the same gradient trees when features are searched four at a time', {
    skip: !nativeOk && 'native addon not built',
  }, () => {
    // 9 or 13 numeric features of as many values each (the native grower searches groups of four
    // such features as the lanes of one vector), missing in some, absent bins in deep
    // nodes, histograms by subtraction; 12 values per feature use the slot table, 200 the
    // direct layout; the features past a multiple of 4 searched alone
    for (const [values, missingRate, minSamplesLeaf] of [
      [12, 0.1, 1],
      [200, 0.05, 1],
      [200, 0, 3],
      [12, 0, 1],
    ] as const) {
      const n = 4000;
      const nCols = missingRate === 0 ? 13 : 9;
      const next = mulberry32(values + minSamplesLeaf);
      const u = () => next() / 2 ** 32;
      const x = new Float64Array(n * nCols);
      for (let i = 0; i < x.length; i++) x[i] = u() < missingRate ? Number.NaN : Math.floor(u() * values);
      const binned = binFeatures(columnMatrix(x, n, nCols), { backend: 'js' });
      const v = (c: number, r: number) => (Number.isNaN(x[c * n + r]!) ? values / 2 : x[c * n + r]!);
      const grad = Float64Array.from(
        { length: n },
        (_, r) => v(0, r) - v(3, r) + (v(5, r) > values / 3 ? 2 : 0) + u() * values,
      );
      const data = gradientData(
        binned,
        n,
        nCols,
        grad,
        Float64Array.from({ length: n }, () => 0.5 + u()),
      );
      assert.ok(
        binned.edges.nBins.every((b) => b === values),
        'every feature has as many bins',
      );
      const params = {
        ...base,
        mode: MODE_GRADIENT,
        nClasses: 1,
        maxFeatures: nCols,
        maxLeaves: 64,
        maxDepth: 8,
        minSamplesLeaf,
        lambdaL2: 1,
      };
      const js = growTree('js', data, params, 1, true);
      assert.ok(js.tree.nNodes > 100, `only ${js.tree.nNodes} nodes`);
      // on several threads each searches a run of features, four at a time
      for (const threads of [1, 2, 3]) {
        const native = growTree('native', data, params, threads, true);
        assert.deepEqual(native.tree, js.tree, `${values} values, ${threads} thread(s)`);
        assert.deepEqual(native.leafOfRow, js.leafOfRow);
      }
    }
  });

  test('js and native give histograms to the same nodes when features have 128-254 values', {
    skip: !nativeOk && 'native addon not built',
  }, () => {
    // the native grower lays such features out in 256 slots each; which nodes get
    // histograms (and so which children's come by subtraction, rounded otherwise) must
    // still follow the slots the features need, as in grow.ts (they differed in 30 of 45
    // such trees before)
    for (const [values, seed] of [
      [130, 3],
      [200, 12],
      [200, 13],
    ] as const) {
      const n = 3000;
      const nCols = 6;
      const next = mulberry32(seed * 1000 + values);
      const u = () => next() / 2 ** 32;
      const x = new Float64Array(n * nCols);
      for (let i = 0; i < x.length; i++) x[i] = Math.floor(u() * values);
      const binned = binFeatures(columnMatrix(x, n, nCols), { backend: 'js' });
      const grad = Float64Array.from({ length: n }, () => u() * 10 - 5);
      const data = gradientData(
        binned,
        n,
        nCols,
        grad,
        Float64Array.from({ length: n }, () => 0.1 + u()),
      );
      const params = {
        ...base,
        mode: MODE_GRADIENT,
        nClasses: 1,
        maxFeatures: nCols,
        maxLeaves: 200,
        maxDepth: 12,
        minSamplesLeaf: 1,
      };
      const js = growTree('js', data, params, 1, true);
      const native = growTree('native', data, params, 1, true);
      assert.deepEqual(native.tree, js.tree, `${values} values, seed ${seed}`);
    }
  });

  test("gradient leaves hold -G/(H + L2) of their rows (children's totals are the split's sides)", () => {
    const data = dataset(8);
    const lambdaL2 = 2;
    const params = { ...base, mode: MODE_GRADIENT, nClasses: 1, maxLeaves: 12, lambdaL2 };
    for (const backend of nativeOk ? (['js', 'native'] as const) : (['js'] as const)) {
      const { tree, leafOfRow } = growTree(backend, data, params, 1, true);
      const G = new Float64Array(tree.nNodes);
      const H = new Float64Array(tree.nNodes);
      for (let r = 0; r < data.nRows; r++) {
        const leaf = leafOfRow![r]!;
        if (leaf < 0) continue;
        G[leaf]! += data.grad[r]!;
        H[leaf]! += data.hess[r]!;
      }
      let leaves = 0;
      for (let id = 0; id < tree.nNodes; id++) {
        if (tree.feature[id]! >= 0) continue;
        leaves++;
        const want = -G[id]! / (H[id]! + lambdaL2);
        assert.ok(
          Math.abs(tree.value[id]! - want) <= 1e-9 * Math.max(1, Math.abs(want)),
          `${backend} leaf ${id}`,
        );
        assert.ok(Math.abs(tree.cover[id]! - H[id]!) <= 1e-9 * H[id]!, `${backend} cover ${id}`);
      }
      assert.equal(leaves, 12);
    }
  });

  test("a leaf array of the caller's is filled (stale entries reset to -1) and returned; a wrong length is refused", () => {
    const data = { ...dataset(4), rows: Int32Array.from({ length: 150 }, (_, i) => 2 * i) };
    for (const backend of nativeOk ? (['js', 'native'] as const) : (['js'] as const)) {
      const mine = new Int32Array(data.nRows).fill(7);
      const fresh = growTree(backend, data, { ...base, maxLeaves: 10 }, 1, true);
      const reused = growTree(backend, data, { ...base, maxLeaves: 10 }, 1, mine);
      assert.equal(reused.leafOfRow, mine, backend);
      assert.deepEqual(mine, fresh.leafOfRow, backend);
      assert.equal(mine[1], -1, `${backend}: a row not grown on`);
      // grown on every row: every entry is written (the array is not cleared first)
      const all = { ...data, rows: Int32Array.from({ length: data.nRows }, (_, i) => i) };
      const everyRow = growTree(backend, all, { ...base, maxLeaves: 10 }, 1, mine.fill(7));
      assert.deepEqual(
        everyRow.leafOfRow,
        growTree(backend, all, { ...base, maxLeaves: 10 }, 1, true).leafOfRow,
      );
      assert.ok(
        mine.every((leaf) => leaf >= 0),
        backend,
      );
      assert.throws(
        () => growTree(backend, data, base, 1, new Int32Array(data.nRows - 1)),
        /leaf array has \d+ entries, not one per row/,
      );
    }
  });

  test('leafOfRow agrees with traversal, and -1 marks rows not grown on', () => {
    const data = dataset(4);
    const { tree, leafOfRow } = growTree('js', data, { ...base, maxLeaves: 10 }, 1, true);
    for (let r = 0; r < data.nRows; r++) {
      if (r % 7 === 3) assert.equal(leafOfRow![r], -1);
      else assert.equal(leafOfRow![r], leafOf(tree, data.bins, data.nRows, r));
    }
  });

  test('class leaves hold proportions; depth and leaf limits hold', () => {
    const data = dataset(5);
    const { tree } = growTree('js', data, { ...base, maxDepth: 2 }, 1, false);
    assert.ok(tree.nNodes <= 7);
    for (let i = 0; i < tree.nNodes; i++) {
      const s = tree.value[i * 3]! + tree.value[i * 3 + 1]! + tree.value[i * 3 + 2]!;
      assert.ok(Math.abs(s - 1) < 1e-12);
    }
    const limited = growTree('js', data, { ...base, maxLeaves: 5 }, 1, false).tree;
    assert.equal(Array.from(limited.feature).filter((f) => f < 0).length, 5);
  });

  // an unseen value between a numeric split's sides goes to the nearer one (in bin order),
  // as scikit-learn's midpoint thresholds send it: the threshold is the middle of the bins
  // none of the node's rows hold between the left side's last bin and the right side's
  // first, and the last value bin when the right side holds only missing rows
  const gapVariants: Array<[string, Partial<GrowParams>]> = [
    ['gini, full depth (histogram and row-by-row nodes)', {}],
    ['gini, 2 random features per node', { maxFeatures: 2 }],
    [
      'gradient, depth 6, 64 leaves',
      { mode: MODE_GRADIENT, nClasses: 1, maxDepth: 6, maxLeaves: 64, lambdaL2: 1 },
    ],
    ['absolute error, full depth', { mode: MODE_ABSOLUTE, nClasses: 1 }],
  ];
  /** The rows of `data` that reach each node of `tree`. */
  function rowsReaching(tree: ReturnType<typeof growTree>['tree'], data: GrowData): number[][] {
    const reach = Array.from({ length: tree.nNodes }, () => [] as number[]);
    for (const r of data.rows) {
      let id = 0;
      for (;;) {
        reach[id]!.push(r);
        const f = tree.feature[id]!;
        if (f < 0) break;
        id = goesLeft(tree, id, data.bins[f * data.nRows + r]!) ? tree.left[id]! : tree.right[id]!;
      }
    }
    return reach;
  }

  /** Each numeric split's [threshold, the middle of its node's empty bins between the sides]. */
  function gapMiddles(
    tree: ReturnType<typeof growTree>['tree'],
    data: GrowData,
  ): Array<[number, number, number]> {
    const reach = rowsReaching(tree, data);
    const out: Array<[number, number, number]> = [];
    for (let id = 0; id < tree.nNodes; id++) {
      const f = tree.feature[id]!;
      if (f < 0 || tree.catIndex[id]! >= 0) continue;
      const col = f * data.nRows;
      const nb = data.nBins[f]!;
      let lastLeft = -1;
      let firstRight = nb;
      for (const r of reach[tree.left[id]!]!) {
        const b = data.bins[col + r]!;
        if (b !== MISSING_BIN) lastLeft = Math.max(lastLeft, b);
      }
      for (const r of reach[tree.right[id]!]!) {
        const b = data.bins[col + r]!;
        if (b !== MISSING_BIN) firstRight = Math.min(firstRight, b);
      }
      out.push([
        tree.threshold[id]!,
        firstRight >= nb ? nb - 1 : Math.floor((lastLeft + firstRight) / 2),
        firstRight - lastLeft,
      ]);
    }
    return out;
  }

  for (const [name, v] of gapVariants) {
    for (const backend of ['js', 'native'] as const) {
      test(`${backend}: a numeric split's threshold is the middle of its node's empty bins: ${name}`, {
        skip: backend === 'native' && !nativeOk && 'native addon not built',
      }, () => {
        const data = dataset(5);
        const { tree } = growTree(backend, data, { ...base, ...v }, 1, false);
        const splits = gapMiddles(tree, data);
        for (const [i, [threshold, middle]] of splits.entries())
          assert.equal(threshold, middle, `split ${i}`);
        const gaps = splits.filter(([, , width]) => width > 1).length;
        assert.ok(gaps >= 3, `only ${gaps} splits with empty bins between their sides`);
      });
    }
  }

  test('extra trees keep their random thresholds, drawn over the node, empty bins included', () => {
    const data = dataset(5);
    const { tree } = growTree('js', data, { ...base, randomSplits: true, maxFeatures: 3 }, 1, false);
    const splits = gapMiddles(tree, data);
    assert.ok(splits.filter(([threshold, middle]) => threshold !== middle).length >= 3);
  });

  test('missing values go to the side that gains more', () => {
    // class 1 exactly when x is missing or x > 5: missing must join the right side
    const n = 200;
    const data = new Float64Array(n);
    const label = new Int32Array(n);
    for (let r = 0; r < n; r++) {
      data[r] = r % 4 === 0 ? Number.NaN : r % 10;
      label[r] = r % 4 === 0 || r % 10 > 5 ? 1 : 0;
    }
    const { g, bins } = oneFeature(data, label, false);
    const { tree } = growTree('js', g, { ...base, nClasses: 2, maxDepth: 1, maxFeatures: 1 }, 1, false);
    assert.equal(tree.nNodes, 3);
    assert.equal(tree.missingLeft[0], 0);
    const rightLeaf = tree.right[0]!;
    assert.equal(tree.value[rightLeaf * 2 + 1], 1);
    assert.equal(bins[0], MISSING_BIN);
  });

  test('a categorical feature is split by category, not by order', () => {
    // categories 1 and 3 are class 1: no threshold separates them, one category split does
    const n = 120;
    const data = new Float64Array(n);
    const label = new Int32Array(n);
    for (let r = 0; r < n; r++) {
      data[r] = r % 4;
      label[r] = r % 4 === 1 || r % 4 === 3 ? 1 : 0;
    }
    const { g } = oneFeature(data, label, true);
    const { tree } = growTree('js', g, { ...base, nClasses: 2, maxDepth: 1, maxFeatures: 1 }, 1, false);
    assert.equal(tree.nNodes, 3);
    assert.equal(tree.catIndex[0], 0);
    const l = tree.left[0]!;
    const r = tree.right[0]!;
    assert.deepEqual([tree.value[l * 2 + 1], tree.value[r * 2 + 1]].sort(), [0, 1]);
  });

  for (const balancedSubsample of [false, true]) {
    test(`forests are the same on both backends, with the same out-of-bag sums${balancedSubsample ? ' (balanced_subsample)' : ''}`, {
      skip: !nativeOk && 'native addon not built',
    }, () => {
      const data = dataset(6);
      const weight = new Float64Array(data.nRows).fill(1);
      const input = {
        data,
        target: data.grad,
        weight,
        params: { ...base, maxFeatures: 2 },
        nTrees: 5,
        seed: 21,
        bootstrapSamples: data.nRows,
        balancedSubsample,
      };
      const oobJs = { sum: new Float64Array(data.nRows * 3), count: new Float64Array(data.nRows) };
      const oobNative = { sum: new Float64Array(data.nRows * 3), count: new Float64Array(data.nRows) };
      const js = growForest('js', input, 1, oobJs);
      const native = growForest('native', input, 2, oobNative);
      assert.deepEqual(native, js);
      assert.deepEqual(oobNative, oobJs);
      assert.ok(oobJs.count.some((c) => c > 0));
      const scales = new Float64Array(5).fill(0.2);
      const outJs = new Float64Array(data.nRows * 3);
      const outNative = new Float64Array(data.nRows * 3);
      predictTrees('js', data.bins, data.nRows, data.nCols, js, scales, outJs, 1);
      predictTrees('native', data.bins, data.nRows, data.nCols, js, scales, outNative, 2);
      assert.deepEqual(outNative, outJs);
    });
  }

  test('native prediction follows a trees array that changes between calls (the prepared forest is read again)', {
    skip: !nativeOk && 'native addon not built',
  }, () => {
    const data = dataset(6);
    const weight = new Float64Array(data.nRows).fill(1);
    const input = {
      data,
      target: data.grad,
      weight,
      params: { ...base, maxFeatures: 2 },
      nTrees: 4,
      seed: 5,
      bootstrapSamples: data.nRows,
      balancedSubsample: false,
    };
    const all = growForest('js', input, 1, null);
    const trees = all.slice(0, 2);
    const predict = (backend: 'js' | 'native') => {
      const out = new Float64Array(data.nRows * 3);
      predictTrees(
        backend,
        data.bins,
        data.nRows,
        data.nCols,
        trees,
        new Float64Array(trees.length).fill(1),
        out,
        1,
      );
      return out;
    };
    assert.deepEqual(predict('native'), predict('js'));
    trees.push(all[2]!); // boosting appends a tree per round to the same array
    assert.deepEqual(predict('native'), predict('js'));
    trees[0] = all[3]!; // a tree replaced in place
    assert.deepEqual(predict('native'), predict('js'));
    assert.notDeepEqual(predict('native'), new Float64Array(data.nRows * 3));
  });

  test("balanced_subsample weighs each draw's classes evenly", () => {
    const label = Int32Array.of(0, 0, 0, 1, 2);
    const counts = Int32Array.of(2, 1, 0, 1, 0);
    const w = Float64Array.of(1, 1, 1, 2, 1);
    balanceDraw(w, counts, label, 3, 4);
    // 3 draws of class 0, 1 of class 1, none of class 2: 4 / (2 * 3) and 4 / (2 * 1)
    assert.deepEqual(Array.from(w), [4 / 6, 4 / 6, 4 / 6, 4, 0]);
  });

  test('the addon rejects buffers that do not match the shape', {
    skip: !nativeOk && 'native addon not built',
  }, () => {
    const data = dataset(7);
    assert.throws(
      () => growTree('native', { ...data, hess: new Float64Array(3) }, base, 1, false),
      RangeError,
    );
    assert.throws(
      () => growTree('native', { ...data, features: Int32Array.of(9) }, base, 1, false),
      RangeError,
    );
  });
});
