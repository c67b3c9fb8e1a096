// Exact TreeSHAP: equal to a brute-force Shapley computation (all 2^M subsets, with
// TreeSHAP's value function: features in S follow x, the others every branch in
// proportion to the cover) on small trees, and additive (contributions + expected value =
// the model's own prediction, to 1e-9) on every row of a regression, a binary and a
// multiclass data set.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { applyBins } from '../../../src/compute/kernels/binning/index.ts';
import { goesLeft, leafOf, type TreeArrays } from '../../../src/compute/kernels/trees/tree-arrays.ts';
import { matrixFromRows } from '../../../src/compute/matrix.ts';
import {
  GradientBoostingClassifier,
  GradientBoostingRegressor,
} from '../../../src/models/boosting/gradient-boosting.ts';
import { isTreeEstimator, treeShap } from '../../../src/models/explain/tree-explainer.ts';
import { contributionRow } from '../../../src/models/explain/types.ts';
import { DecisionTreeClassifier, DecisionTreeRegressor } from '../../../src/models/forest/decision-tree.ts';
import { ExtraTreesRegressor } from '../../../src/models/forest/extra-trees.ts';
import { RandomForestClassifier, RandomForestRegressor } from '../../../src/models/forest/random-forest.ts';
import { LinearRegression } from '../../../src/models/linear/least-squares.ts';
import type { Estimator } from '../../../src/models/types.ts';
import { bruteShapley, loadDataset, uniform } from './helpers.ts';

const TOL = 1e-9;

/** Random rows with M features, some missing, and a target that uses several features twice. */
function smallData(seed: number, n: number, m: number): { X: number[][]; y: number[]; labels: string[] } {
  const u = uniform(seed);
  const X: number[][] = [];
  const y: number[] = [];
  for (let i = 0; i < n; i++) {
    const row = Array.from({ length: m }, () => Math.round(u() * 20) / 4);
    if (u() < 0.05) row[1] = Number.NaN;
    X.push(row);
    y.push(row[0]! * 2 - (row[1]! > 2 ? 3 : 0) + row[2]! * row[3]! * 0.3 + Math.sin(row[0]!) + u());
  }
  const labels = y.map((v) => (v < 4 ? 'low' : v < 8 ? 'mid' : 'high'));
  return { X, y, labels };
}

/** v(S) of one tree for the binned row: known features follow the row, the others split by cover. */
function treeValue(tree: TreeArrays, rowBins: Uint8Array, mask: number, out: number): number {
  const visit = (node: number): number => {
    const f = tree.feature[node]!;
    if (f < 0) return tree.value[node * tree.nOut + out]!;
    const l = tree.left[node]!;
    const r = tree.right[node]!;
    if (mask & (1 << f)) return visit(goesLeft(tree, node, rowBins[f]!) ? l : r);
    const cl = tree.cover[l]!;
    const cr = tree.cover[r]!;
    const fl = cl + cr > 0 ? cl / (cl + cr) : 0.5;
    return fl * visit(l) + (1 - fl) * visit(r);
  };
  return visit(0);
}

interface Spec {
  trees: readonly TreeArrays[];
  scale: number;
  nOut: number;
  /** Single-valued trees: the output of tree t; multi-valued trees add to every output. */
  outputOf: (t: number) => number;
  base: (k: number) => number;
}

function specOf(model: Estimator): Spec {
  if (model instanceof GradientBoostingClassifier || model instanceof GradientBoostingRegressor) {
    const base = model.baseScores;
    return {
      trees: model.trees,
      scale: model.params.learningRate as number,
      nOut: base.length,
      outputOf: (t) => t % base.length,
      base: (k) => base[k]!,
    };
  }
  const m = model as RandomForestRegressor;
  return {
    trees: m.trees,
    scale: 1 / m.trees.length,
    nOut: m.trees[0]!.nOut,
    outputOf: () => -1,
    base: () => 0,
  };
}

function bruteForce(model: Estimator, X: number[][]): Float64Array[][] {
  const spec = specOf(model);
  const m = X[0]!.length;
  const bins = applyBins(matrixFromRows(X), (model as RandomForestRegressor).binEdges);
  return X.map((_, r) => {
    const rowBins = Uint8Array.from({ length: m }, (_, f) => bins[f * X.length + r]!);
    return Array.from({ length: spec.nOut }, (_, k) =>
      bruteShapley(m, (mask) => {
        let v = spec.base(k);
        spec.trees.forEach((tree, t) => {
          const o = spec.outputOf(t);
          if (tree.nOut === 1 && o >= 0 && o !== k) return;
          v += spec.scale * treeValue(tree, rowBins, mask, tree.nOut === 1 ? 0 : k);
        });
        return v;
      }),
    );
  });
}

function assertClose(actual: ArrayLike<number>, expected: ArrayLike<number>, what: string): void {
  assert.equal(actual.length, expected.length, what);
  for (let i = 0; i < actual.length; i++) {
    assert.ok(
      Math.abs(actual[i]! - expected[i]!) <= TOL * Math.max(1, Math.abs(expected[i]!)),
      `${what}[${i}]: ${actual[i]} vs ${expected[i]}`,
    );
  }
}

describe('TreeSHAP equals brute-force Shapley values on small trees', () => {
  const { X, y, labels } = smallData(7, 300, 7);
  const rows = X.slice(0, 12);
  const cases: Array<[string, Estimator]> = [
    ['decision tree regressor', new DecisionTreeRegressor({ maxDepth: 7, seed: 1 }).fit(X, y)],
    [
      'decision tree classifier (3 classes)',
      new DecisionTreeClassifier({ maxDepth: 6, seed: 1 }).fit(X, labels),
    ],
    [
      'random forest regressor',
      new RandomForestRegressor({ nEstimators: 4, maxDepth: 6, seed: 2 }).fit(X, y),
    ],
    [
      'random forest classifier',
      new RandomForestClassifier({ nEstimators: 3, maxDepth: 5, seed: 3 }).fit(X, labels),
    ],
    ['extra trees regressor', new ExtraTreesRegressor({ nEstimators: 3, maxDepth: 6, seed: 4 }).fit(X, y)],
    [
      'gradient boosting regressor',
      new GradientBoostingRegressor({ nEstimators: 5, numLeaves: 12, minChildSamples: 5, seed: 5 }).fit(X, y),
    ],
    [
      'gradient boosting classifier, binary',
      new GradientBoostingClassifier({ nEstimators: 4, numLeaves: 10, minChildSamples: 5, seed: 6 }).fit(
        X,
        labels.map((l) => (l === 'high' ? 'yes' : 'no')),
      ),
    ],
    [
      'gradient boosting classifier, softmax',
      new GradientBoostingClassifier({ nEstimators: 3, numLeaves: 8, minChildSamples: 5, seed: 7 }).fit(
        X,
        labels,
      ),
    ],
  ];
  for (const [name, model] of cases) {
    test(name, () => {
      const shap = treeShap(model, rows);
      const expected = bruteForce(model, rows);
      for (let r = 0; r < rows.length; r++)
        for (let k = 0; k < shap.nOut; k++)
          assertClose(contributionRow(shap, r, k), expected[r]![k]!, `${name} row ${r} output ${k}`);
    });
  }

  test('a categorical feature split by category', () => {
    const u = uniform(11);
    const Xc = X.map((row) => [Math.floor(u() * 6), ...row.slice(0, 5)]);
    const yc = Xc.map((row, i) => (row[0]! % 2 === 0 ? 3 : 0) + y[i]!);
    const model = new DecisionTreeRegressor({ maxDepth: 6, categoricalFeatures: [0], seed: 1 }).fit(Xc, yc);
    const shap = treeShap(model, Xc.slice(0, 10));
    const expected = bruteForce(model, Xc.slice(0, 10));
    for (let r = 0; r < 10; r++) assertClose(contributionRow(shap, r), expected[r]![0]!, `row ${r}`);
  });
});

/** Row r's contributions to output k plus the expected value. */
function reconstructed(shap: ReturnType<typeof treeShap>, r: number, k: number): number {
  return contributionRow(shap, r, k).reduce((a, b) => a + b, shap.expectedValue[k]!);
}

/** The raw margin of a boosting model by walking its trees (independent of TreeSHAP). */
function margins(model: GradientBoostingClassifier, X: number[][]): Float64Array {
  const base = model.baseScores;
  const k = base.length;
  const bins = applyBins(matrixFromRows(X), model.binEdges);
  const lr = model.params.learningRate as number;
  const out = new Float64Array(X.length * k);
  for (let r = 0; r < X.length; r++) {
    for (let j = 0; j < k; j++) out[r * k + j] = base[j]!;
    model.trees.forEach((tree, t) => {
      out[r * k + (t % k)]! += lr * tree.value[leafOf(tree, bins, X.length, r)]!;
    });
  }
  return out;
}

describe('TreeSHAP is additive on every row of the bundled data sets', () => {
  test('boston_housing (regression): forest and boosting values', () => {
    const { X, yNum } = loadDataset('boston_housing');
    for (const model of [
      new RandomForestRegressor({ nEstimators: 30, seed: 0 }).fit(X, yNum),
      new GradientBoostingRegressor({ nEstimators: 60, seed: 0 }).fit(X, yNum),
    ]) {
      const shap = treeShap(model, X);
      const pred = model.predict(X);
      assert.equal(shap.output, 'value');
      for (let r = 0; r < X.length; r++) assertClose([reconstructed(shap, r, 0)], [pred[r]!], `row ${r}`);
    }
  });

  test('breast_cancer (binary): forest probabilities and boosting margins', () => {
    const { X, y } = loadDataset('breast_cancer');
    const forest = new RandomForestClassifier({ nEstimators: 30, seed: 0 }).fit(X, y);
    const fs = treeShap(forest, X);
    const proba = forest.predictProba(X);
    assert.equal(fs.output, 'probability');
    assert.equal(fs.nOut, 2);
    for (let r = 0; r < X.length; r++)
      for (let k = 0; k < 2; k++) assertClose([reconstructed(fs, r, k)], [proba[r]![k]!], `row ${r}`);
    const gb = new GradientBoostingClassifier({ nEstimators: 60, seed: 0 }).fit(X, y);
    const gs = treeShap(gb, X);
    assert.equal(gs.output, 'margin');
    assert.equal(gs.nOut, 1);
    const margin = margins(gb, X);
    const gp = gb.predictProba(X);
    for (let r = 0; r < X.length; r++) {
      const s = reconstructed(gs, r, 0);
      assertClose([s], [margin[r]!], `margin of row ${r}`);
      assertClose([1 / (1 + Math.exp(-s))], [gp[r]![1]!], `probability of row ${r}`);
    }
  });

  test('wine (3 classes): forest probabilities and softmax margins', () => {
    const { X, y } = loadDataset('wine');
    const forest = new RandomForestClassifier({ nEstimators: 25, seed: 0 }).fit(X, y);
    const fs = treeShap(forest, X);
    const proba = forest.predictProba(X);
    for (let r = 0; r < X.length; r++)
      for (let k = 0; k < 3; k++) assertClose([reconstructed(fs, r, k)], [proba[r]![k]!], `row ${r}`);
    const gb = new GradientBoostingClassifier({ nEstimators: 30, seed: 0 }).fit(X, y);
    const gs = treeShap(gb, X);
    assert.equal(gs.nOut, 3);
    const margin = margins(gb, X);
    const gp = gb.predictProba(X);
    for (let r = 0; r < X.length; r++) {
      const s = [0, 1, 2].map((k) => reconstructed(gs, r, k));
      assertClose(s, margin.subarray(r * 3, r * 3 + 3), `margins of row ${r}`);
      const max = Math.max(...s);
      const e = s.map((v) => Math.exp(v - max));
      const total = e.reduce((a, b) => a + b, 0);
      assertClose(
        e.map((v) => v / total),
        gp[r]!,
        `probabilities of row ${r}`,
      );
    }
  });
});

describe('treeShap', () => {
  test('refuses a model that is not a tree model, naming it', () => {
    const model = new LinearRegression().fit([[0], [1], [2]], [0, 1, 2]);
    assert.equal(isTreeEstimator(model), false);
    assert.throws(() => treeShap(model, [[1]]), /TreeSHAP explains tree models.*LinearRegression/);
  });

  test('a feature the trees never split on gets exactly zero', () => {
    const { X, y } = smallData(3, 200, 4);
    const Xz = X.map((row) => [...row, 5]); // constant: never split
    const model = new GradientBoostingRegressor({ nEstimators: 10, minChildSamples: 5, seed: 1 }).fit(Xz, y);
    const shap = treeShap(model, Xz.slice(0, 20));
    for (let r = 0; r < 20; r++) assert.equal(contributionRow(shap, r)[4], 0);
  });
});
