import { applyBins } from '../../compute/kernels/binning/index.ts';
import { ValidationError } from '../../core/errors.ts';
import { GradientBoostingClassifier, GradientBoostingRegressor } from '../boosting/gradient-boosting.ts';
import { ForestClassifier, ForestRegressor } from '../forest/forest-model.ts';
import { toFeatureMatrix } from '../input.ts';
import type { Estimator, FeatureInput } from '../types.ts';
import { type TreeEnsemble, treeEnsembleShap } from './tree-shap.ts';
import type { Contributions, ExplainedOutput } from './types.ts';

/** The tree models TreeSHAP explains: decision trees, random forests, extra trees, gradient boosting. */
export type TreeEstimator =
  | ForestClassifier
  | ForestRegressor
  | GradientBoostingClassifier
  | GradientBoostingRegressor;

/**
 * Whether TreeSHAP can explain `model` (a fitted or unfitted tree estimator of mlsweep).
 *
 * @example
 * isTreeEstimator(new RandomForestRegressor()); // true
 */
export function isTreeEstimator(model: Estimator): model is TreeEstimator {
  return (
    model instanceof ForestClassifier ||
    model instanceof ForestRegressor ||
    model instanceof GradientBoostingClassifier ||
    model instanceof GradientBoostingRegressor
  );
}

/** The ensemble a tree model's output is, and what that output measures. */
function ensembleOf(model: TreeEstimator): { ensemble: TreeEnsemble; output: ExplainedOutput } {
  const trees = model.trees;
  const nFeatures = model.nFeatures;
  if (model instanceof GradientBoostingClassifier || model instanceof GradientBoostingRegressor) {
    const base = model.baseScores;
    const nOut = base.length;
    const lr = model.params.learningRate as number;
    return {
      ensemble: {
        trees,
        scales: new Float64Array(trees.length).fill(lr),
        outputOf: Int32Array.from(trees, (_, t) => t % nOut),
        nOut,
        base,
        nFeatures,
      },
      output: model instanceof GradientBoostingClassifier ? 'margin' : 'value',
    };
  }
  // forests average their trees; a classifier's leaves hold class probabilities
  const nOut = trees[0]?.nOut ?? 1;
  return {
    ensemble: {
      trees,
      scales: new Float64Array(trees.length).fill(1 / trees.length),
      nOut,
      base: new Float64Array(nOut),
      nFeatures,
    },
    output: model instanceof ForestClassifier ? 'probability' : 'value',
  };
}

/**
 * Exact TreeSHAP contributions of a fitted tree model for the rows of X (Lundberg et al.'s
 * polynomial-time algorithm, path-dependent: a feature left out follows both branches of
 * its splits in proportion to the training cover). Outputs: a regressor's value; a forest
 * or decision tree classifier's probability of each class; gradient boosting's raw margin
 * (log-odds of the second class for two classes, one softmax score per class otherwise).
 * Each row's contributions sum to its output minus `expectedValue` (the cover-weighted mean
 * of the tree outputs) up to floating-point rounding.
 *
 * @example
 * const model = new RandomForestRegressor({ nEstimators: 50, seed: 1 }).fit(X, y);
 * const shap = treeShap(model, X.slice(0, 10));
 * contributionRow(shap, 0); // one contribution per feature
 */
export function treeShap(model: Estimator, X: FeatureInput): Contributions {
  if (!isTreeEstimator(model)) {
    throw new ValidationError(
      `TreeSHAP explains tree models (decision trees, forests, gradient boosting), not ${model.constructor.name}`,
      { path: 'model' },
    );
  }
  const { ensemble, output } = ensembleOf(model);
  const m = toFeatureMatrix(X, model.nFeatures);
  const bins = m.nRows === 0 ? new Uint8Array(0) : applyBins(m, model.binEdges, { backend: 'js' });
  const { values, expectedValue } = treeEnsembleShap(ensemble, bins, m.nRows);
  return {
    nRows: m.nRows,
    nFeatures: model.nFeatures,
    nOut: ensemble.nOut,
    values,
    expectedValue,
    output,
    method: `exact TreeSHAP (path-dependent) over ${ensemble.trees.length} trees, in ${output} space`,
  };
}
