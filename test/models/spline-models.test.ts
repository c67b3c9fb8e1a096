// SplineLogisticRegression and SplineRidge: the B-spline expansion and both models against
// scikit-learn 1.2.1's make_pipeline(SplineTransformer(...), LogisticRegression / Ridge)
// (test/fixtures/spline-models/generate.py), the shared estimator suite, and what they do
// beyond scikit-learn's pipeline (0/1 columns passed through, missing values, importances
// on the input columns).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { matrixFromRows } from '../../src/compute/matrix.ts';
import { ValidationError } from '../../src/core/errors.ts';
import { explainEstimator, samplingShap } from '../../src/models/explain/index.ts';
import { addFitListener } from '../../src/models/fit-listeners.ts';
import {
  estimatorFromJSON,
  LogisticRegression,
  SplineLogisticRegression,
  SplineRidge,
} from '../../src/models/index.ts';
import {
  expandSplines,
  fitSplineBasis,
  splineGroups,
  splineWidth,
  sumOverGroups,
} from '../../src/models/linear/spline-basis.ts';
import { maxDiff } from '../helpers/max-diff.ts';
import { type Ctor, runSuiteEntries } from './suite-entries.ts';

const ref = JSON.parse(
  readFileSync(new URL('../fixtures/spline-models/reference.json', import.meta.url), 'utf8'),
);

/** A column-major expansion as rows, to compare with scikit-learn's row-major output. */
function rowsOf(m: { data: Float64Array; nRows: number; nCols: number }): number[] {
  const out: number[] = [];
  for (let r = 0; r < m.nRows; r++) for (let c = 0; c < m.nCols; c++) out.push(m.data[c * m.nRows + r]!);
  return out;
}

describe('the B-spline expansion matches SplineTransformer', () => {
  for (const c of ref.transform) {
    test(`nKnots ${c.nKnots}, degree ${c.degree}: every value within 1e-12, outside the range too`, () => {
      const basis = fitSplineBasis(matrixFromRows(c.X), c.nKnots, c.degree);
      const expanded = expandSplines(basis, matrixFromRows(c.queries));
      assert.equal(expanded.nCols, 3 * (c.nKnots + c.degree - 1));
      assert.ok(maxDiff(rowsOf(expanded), c.expanded.flat()) < 1e-12);
    });
  }

  test('inside the range, each column B-splines sum to 1 (a partition of unity)', () => {
    const c = ref.transform[0];
    const expanded = expandSplines(fitSplineBasis(matrixFromRows(c.X), 5, 3), matrixFromRows(c.X));
    const width = 7;
    for (let r = 0; r < expanded.nRows; r++) {
      for (let g = 0; g < 3; g++) {
        let sum = 0;
        for (let k = 0; k < width; k++) sum += expanded.data[(g * width + k) * expanded.nRows + r]!;
        assert.ok(Math.abs(sum - 1) < 1e-12, `row ${r} column ${g}: ${sum}`);
      }
    }
  });

  test('a column with fewer than three distinct values is passed through', () => {
    const X = matrixFromRows([
      [0, 5, 1.5],
      [1, 5, 2.5],
      [1, 5, 9],
      [0, 5, 4],
    ]);
    const basis = fitSplineBasis(X, 4, 3);
    assert.equal(basis.knots[0], null);
    assert.equal(basis.knots[1], null);
    assert.deepEqual(splineGroups(basis), [
      [0, 1],
      [1, 2],
      [2, 8],
    ]);
    const expanded = expandSplines(basis, X);
    assert.equal(splineWidth(basis), 8);
    assert.equal(expanded.nCols, 8);
    assert.deepEqual([...expanded.data.subarray(0, 8)], [0, 1, 1, 0, 5, 5, 5, 5]);
  });

  test('sumOverGroups sums each row of expanded values back onto the input columns', () => {
    const groups: Array<[number, number]> = [
      [0, 2],
      [2, 3],
    ];
    assert.deepEqual([...sumOverGroups(Float64Array.of(1, 2, 3), groups)], [3, 3]);
    assert.deepEqual([...sumOverGroups([1, 2, 3, 10, 20, 30], groups, 2)], [3, 3, 30, 30]);
  });

  test('a column whose knots would overflow a double is passed through', () => {
    const basis = fitSplineBasis(matrixFromRows([[-1e308], [0], [1e308]]), 5, 3);
    assert.equal(basis.knots[0], null);
    const m = new SplineRidge().fit([[-1e308], [0], [1e308]], [1, 2, 3]);
    assert.ok(Number.isFinite(m.predict([[5]])[0]!));
  });

  test('rows of weight 0 do not move the knots', () => {
    const X = matrixFromRows([[0], [1], [2], [100]]);
    const weighted = fitSplineBasis(X, 3, 3, [1, 1, 1, 0]);
    assert.deepEqual(
      [...weighted.knots[0]!],
      [...fitSplineBasis(matrixFromRows([[0], [1], [2]]), 3, 3).knots[0]!],
    );
  });
});

/**
 * The penalized objective LogisticRegression minimizes, C · Σ log loss + ‖W‖² / 2, at
 * coefficients `coef` (K rows) and `intercept` on the expansion of X.
 */
function logisticObjective(
  m: SplineLogisticRegression,
  X: number[][],
  y: number[],
  coef: number[][],
  intercept: number[],
  C: number,
): number {
  const Z = expandSplines(m.basis, matrixFromRows(X));
  let loss = 0;
  for (let r = 0; r < Z.nRows; r++) {
    const scores = coef.map((w, k) =>
      w.reduce((a, wj, j) => a + wj * Z.data[j * Z.nRows + r]!, intercept[k]!),
    );
    if (scores.length === 1) {
      const z = y[r] === 1 ? scores[0]! : -scores[0]!;
      loss += Math.log1p(Math.exp(-z));
    } else {
      const top = Math.max(...scores);
      const logSum = top + Math.log(scores.reduce((a, s) => a + Math.exp(s - top), 0));
      loss += logSum - scores[y[r]!]!;
    }
  }
  return C * loss + coef.flat().reduce((a, w) => a + w * w, 0) / 2;
}

describe('SplineLogisticRegression matches the pipeline of SplineTransformer and LogisticRegression', () => {
  // the B-splines of a column sum to 1, as the intercept's column does: the objective is
  // flat along those directions, and both L-BFGS stop on the same relative decrease of f
  // with coefficients that agree to ~3e-4; the optimum itself is compared instead
  for (const c of ref.logistic) {
    test(`${c.coef.length === 1 ? 'binary' : 'multinomial'}, nKnots ${c.nKnots}, C ${c.C}: objective as low as scikit-learn's, probabilities within 1e-4`, () => {
      const m = new SplineLogisticRegression({ nKnots: c.nKnots, C: c.C, tol: 1e-10, maxIter: 10_000 }).fit(
        c.X,
        c.y,
      );
      const ours = logisticObjective(m, c.X, c.y, m.linearModel.coef, [...m.linearModel.intercept], c.C);
      const theirs = logisticObjective(m, c.X, c.y, c.coef, c.intercept, c.C);
      assert.ok(ours <= theirs * (1 + 1e-7), `objective ${ours} vs scikit-learn's ${theirs}`);
      assert.ok(maxDiff(m.predictProba(c.queries).flat(), c.proba.flat()) < 1e-4);
    });
  }
});

describe('SplineRidge matches the pipeline of SplineTransformer and Ridge', () => {
  for (const c of ref.ridge) {
    test(`nKnots ${c.nKnots}, alpha ${c.alpha}: coefficients and predictions within 1e-8`, () => {
      const m = new SplineRidge({ nKnots: c.nKnots, alpha: c.alpha }).fit(c.X, c.y);
      const scale = Math.max(1, ...c.predictions.map(Math.abs));
      assert.ok(maxDiff(m.linearModel.coef, c.coef) < 1e-8 * scale);
      assert.ok(Math.abs(m.linearModel.intercept - c.intercept) < 1e-8 * scale);
      assert.ok(maxDiff(m.predict(c.queries), c.predictions) < 1e-8 * scale);
    });
  }

  test('an additive curve a line cannot follow: training R2 above 0.95 where Ridge stays below 0.1', () => {
    const X = Array.from({ length: 200 }, (_, i) => [(i / 199) * 6 - 3]);
    const y = X.map(([x]) => x! * x!);
    const r2 = (p: Float64Array) => {
      const mean = y.reduce((a, b) => a + b, 0) / y.length;
      const res = y.reduce((a, v, i) => a + (v - p[i]!) ** 2, 0);
      return 1 - res / y.reduce((a, v) => a + (v - mean) ** 2, 0);
    };
    assert.ok(r2(new SplineRidge({ alpha: 1e-3 }).fit(X, y).predict(X)) > 0.95);
    assert.ok(r2(new SplineRidge({ alpha: 1e-3, nKnots: 2, degree: 1 }).fit(X, y).predict(X)) < 0.1);
  });
});

describe('spline models beyond the pipeline', () => {
  const ridgeCase = ref.ridge[0];

  test('importances are per input column: the sums of each column B-splines, adding to 1', () => {
    const m = new SplineRidge({ nKnots: 5 }).fit(ridgeCase.X, ridgeCase.y);
    const imp = m.featureImportances;
    assert.equal(imp.length, 3);
    assert.ok(Math.abs(imp.reduce((a, b) => a + b, 0) - 1) < 1e-12);
    const inner = m.linearModel.featureImportances;
    const [start, end] = splineGroups(m.basis)[1]!;
    assert.ok(Math.abs(imp[1]! - inner.slice(start, end).reduce((a, b) => a + b, 0)) < 1e-15);
  });

  test('missing values are filled with the training means, at fit and at predict', () => {
    const X = ridgeCase.X.map((row: number[], i: number) => (i % 7 === 0 ? [null, row[1], row[2]] : row));
    const m = new SplineRidge().fit(X, ridgeCase.y);
    const known = ridgeCase.X.filter((_: number[], i: number) => i % 7 !== 0).map((r: number[]) => r[0]);
    const mean = known.reduce((a: number, b: number) => a + b, 0) / known.length;
    const [p] = m.predict([[null, 0.5, -0.5]]);
    const [q] = m.predict([[mean, 0.5, -0.5]]);
    assert.ok(Math.abs(p! - q!) < 1e-9);
  });

  test('featureTerm: moving one feature moves the output by the difference of its term, whatever the others', () => {
    const c = ref.logistic[1];
    const m = new SplineLogisticRegression({ nKnots: 4, C: 0.3 }).fit(c.X, c.y);
    const terms = m.featureTerm(2, [-1, 0.5, 9]);
    assert.equal(terms.length, 3);
    for (const row of c.queries.slice(0, 4) as number[][]) {
      const at = (v: number) => m.linearModel.decisionFunction(m.transform([[row[0]!, row[1]!, v, row[3]!]]));
      const [a, b] = [at(-1), at(0.5)];
      for (let k = 0; k < 3; k++) {
        assert.ok(Math.abs(b[k]! - a[k]! - (terms[k]![1]! - terms[k]![0]!)) < 1e-9);
      }
    }
    // beyond the training range the curve is flat (constant extrapolation)
    const [far] = m.featureTerm(2, [9, 90]);
    assert.equal(far![0], far![1]);
    const ridge = new SplineRidge({ nKnots: 5 }).fit(ridgeCase.X, ridgeCase.y);
    const [curve] = ridge.featureTerm(0, [-1, 1]);
    const p = ridge.predict([
      [-1, 0.2, 0.3],
      [1, 0.2, 0.3],
    ]);
    assert.ok(Math.abs(p[1]! - p[0]! - (curve![1]! - curve![0]!)) < 1e-9);
    assert.throws(() => ridge.featureTerm(3, [0]), /feature must be a column index from 0 to 2, got 3/);
  });

  test('JSON round trip through estimatorFromJSON predicts exactly the same', () => {
    const c = ref.logistic[1];
    const m = new SplineLogisticRegression({ nKnots: 4, C: 0.3 }).fit(c.X, c.y);
    const back = estimatorFromJSON(JSON.parse(JSON.stringify(m.toJSON()))) as SplineLogisticRegression;
    assert.ok(back instanceof SplineLogisticRegression);
    assert.deepEqual(back.predictProba(c.queries), m.predictProba(c.queries));
    assert.deepEqual(back.params, m.params);
  });

  test('a damaged JSON state is refused with its path', () => {
    const m = new SplineRidge().fit(ridgeCase.X, ridgeCase.y);
    const json = JSON.parse(JSON.stringify(m.toJSON()));
    json.state.basis.knots.pop();
    assert.throws(
      () => SplineRidge.fromJSON(json),
      (e: unknown) => e instanceof ValidationError && e.path === 'state.basis',
    );
  });

  test('parameters: the expansion and the linear model in one flat set, unknown names refused by the model name', () => {
    const m = new SplineLogisticRegression({ nKnots: 6, C: 2 });
    assert.equal(m.params.nKnots, 6);
    assert.equal(m.params.degree, 3);
    assert.equal(m.params.C, 2);
    assert.equal(m.withParams({ degree: 2 }).params.C, 2);
    assert.throws(
      () => new SplineLogisticRegression({ alpha: 1 } as never),
      /SplineLogisticRegression: unknown parameter 'alpha'/,
    );
    assert.throws(() => new SplineRidge({ nKnots: 1 }), /SplineRidge: nKnots must be an integer from 2/);
    assert.throws(() => new SplineRidge({ degree: 0 }), /SplineRidge: degree must be an integer from 1 to 5/);
  });

  test('fit listeners hear the spline model once, not its inner logistic regression', () => {
    const heard: string[] = [];
    const off = addFitListener((e) => heard.push(e.estimator.constructor.name));
    try {
      const c = ref.logistic[0];
      new SplineLogisticRegression().fit(c.X, c.y);
      new LogisticRegression().fit(c.X, c.y);
    } finally {
      off();
    }
    assert.deepEqual(heard, ['SplineLogisticRegression', 'LogisticRegression']);
  });
});

describe('explaining a spline model: the closed form of an additive model', () => {
  test('SplineRidge: equal to permutation sampling (exact for an additive model), contributions adding up', () => {
    const c = ref.ridge[0];
    const m = new SplineRidge({ nKnots: 5 }).fit(c.X, c.y);
    const shap = explainEstimator(m, c.queries, { background: c.X });
    assert.match(shap.method, /exact Shapley values of an additive model/);
    assert.equal(shap.nFeatures, 3);
    const sampled = samplingShap((Xm) => m.predict(Xm), 1, matrixFromRows(c.queries), matrixFromRows(c.X), {
      seed: 3,
    });
    assert.ok(maxDiff(shap.values, sampled.values) < 1e-9);
    assert.ok(Math.abs(shap.expectedValue[0]! - sampled.expectedValue[0]!) < 1e-9);
    const predictions = m.predict(c.queries);
    for (let r = 0; r < shap.nRows; r++) {
      const total = shap.expectedValue[0]! + shap.values.slice(r * 3, r * 3 + 3).reduce((a, b) => a + b, 0);
      assert.ok(Math.abs(total - predictions[r]!) < 1e-9);
    }
  });

  test('SplineLogisticRegression, three classes: per-class margins add up to the softmax scores', () => {
    const c = ref.logistic[1];
    const m = new SplineLogisticRegression({ nKnots: 4, C: 0.3 }).fit(c.X, c.y);
    const shap = explainEstimator(m, c.queries, { background: c.X });
    assert.equal(shap.output, 'margin');
    assert.equal(shap.nOut, 3);
    const margins = m.linearModel.decisionFunction(m.transform(c.queries));
    for (let r = 0; r < shap.nRows; r++) {
      for (let k = 0; k < 3; k++) {
        const at = (r * 3 + k) * 4;
        const total = shap.expectedValue[k]! + shap.values.slice(at, at + 4).reduce((a, b) => a + b, 0);
        assert.ok(Math.abs(total - margins[r * 3 + k]!) < 1e-9);
      }
    }
  });
});

runSuiteEntries([
  {
    ctor: SplineLogisticRegression as Ctor,
    fromJSON: SplineLogisticRegression.fromJSON,
    kind: 'classifier',
    weightParams: { tol: 1e-10, maxIter: 10_000 },
    weightTolerance: 1e-6,
    native: true,
  },
  {
    ctor: SplineRidge as Ctor,
    fromJSON: SplineRidge.fromJSON,
    kind: 'regressor',
    weightParams: {},
    weightTolerance: 1e-8,
    native: true,
  },
]);
