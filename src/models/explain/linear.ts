import { type ColumnMatrix, column } from '../../compute/matrix.ts';
import { ValidationError } from '../../core/errors.ts';
import { toFeatureMatrix } from '../input.ts';
import { LinearRegressorBase } from '../linear/linear-regressor.ts';
import { LogisticRegression } from '../linear/logistic-regression.ts';
import { splineGroups, sumOverGroups } from '../linear/spline-basis.ts';
import { isSplineModel, type SplineLogisticRegression, type SplineRidge } from '../linear/spline-models.ts';
import { decodeArray } from '../serialize.ts';
import type { Estimator, FeatureInput } from '../types.ts';
import type { Contributions } from './types.ts';

/**
 * Whether {@link linearShap} explains `model` (linear regression, ridge, lasso, elastic
 * net, logistic regression, and the spline models: linear on their B-splines).
 *
 * @example
 * isLinearEstimator(new Ridge()); // true
 */
export function isLinearEstimator(
  model: Estimator,
): model is LinearRegressorBase | LogisticRegression | SplineLogisticRegression | SplineRidge {
  return model instanceof LinearRegressorBase || model instanceof LogisticRegression || isSplineModel(model);
}

/** Column means of a matrix after filling missing cells with the model's fill values. */
function filledMeans(m: ColumnMatrix, fill: Float64Array): Float64Array {
  return Float64Array.from({ length: m.nCols }, (_, c) => {
    let s = 0;
    for (const v of column(m, c)) s += Number.isNaN(v) ? fill[c]! : v;
    return m.nRows > 0 ? s / m.nRows : 0;
  });
}

/**
 * The exact Shapley values of a linear model with features independent of each other:
 * coef_j * (x_j - mean_j), the means taken over `background` (the training rows, or a
 * sample of them); missing cells count as the model fills them. Outputs: a regressor's
 * value; logistic regression's margins (the log-odds of the second class for two classes,
 * one softmax score per class otherwise). Contributions plus `expectedValue` (the output
 * at the background means, which for a linear model is the mean output over the
 * background) equal the output exactly, to rounding. A spline model is linear on its
 * B-splines, so a feature's value is its curve at x_j minus the curve's mean over the
 * background: the same closed form on the expansion, summed over each feature's B-splines.
 *
 * @example
 * const model = new Ridge({ alpha: 1 }).fit(X, y);
 * const shap = linearShap(model, X.slice(0, 5), X);
 */
export function linearShap(model: Estimator, X: FeatureInput, background: FeatureInput): Contributions {
  if (!isLinearEstimator(model)) {
    throw new ValidationError(`linearShap explains linear models, not ${model.constructor.name}`, {
      path: 'model',
    });
  }
  if (isSplineModel(model)) return additiveShap(model, X, background);
  const p = model.nFeatures;
  const fill = decodeArray(model.toJSON().state.fill, 'f64', 'state.fill');
  const m = toFeatureMatrix(X, p);
  const bg = toFeatureMatrix(background, p, 'background');
  const means = filledMeans(bg, fill);
  const coefs: Float64Array[] =
    model instanceof LogisticRegression ? model.coef.map((row) => Float64Array.from(row)) : [model.coef];
  const intercepts = model instanceof LogisticRegression ? model.intercept : [model.intercept];
  const nOut = coefs.length;
  const values = new Float64Array(m.nRows * nOut * p);
  const expectedValue = Float64Array.from(intercepts, (b, k) => {
    let s = b;
    for (let j = 0; j < p; j++) s += coefs[k]![j]! * means[j]!;
    return s;
  });
  for (let r = 0; r < m.nRows; r++) {
    for (let k = 0; k < nOut; k++) {
      const at = (r * nOut + k) * p;
      for (let j = 0; j < p; j++) {
        const v = m.data[j * m.nRows + r]!;
        values[at + j] = coefs[k]![j]! * ((Number.isNaN(v) ? fill[j]! : v) - means[j]!);
      }
    }
  }
  return {
    nRows: m.nRows,
    nFeatures: p,
    nOut,
    values,
    expectedValue,
    output: model instanceof LogisticRegression ? 'margin' : 'value',
    method: `exact linear Shapley values coef x (x - mean) over ${bg.nRows} background rows`,
  };
}

/** linearShap of a spline model: its linear model's on the expansion, summed per input column. */
function additiveShap(
  model: SplineLogisticRegression | SplineRidge,
  X: FeatureInput,
  background: FeatureInput,
): Contributions {
  const bg = model.transform(background);
  const expanded = linearShap(model.linearModel, model.transform(X), bg);
  const groups = splineGroups(model.basis);
  return {
    ...expanded,
    nFeatures: groups.length,
    values: sumOverGroups(expanded.values, groups, expanded.nRows * expanded.nOut),
    method: `exact Shapley values of an additive model: each feature's spline curve at x minus its mean over ${bg.nRows} background rows`,
  };
}
