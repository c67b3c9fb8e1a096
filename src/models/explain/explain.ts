import { ValidationError } from '../../core/errors.ts';
import { toFeatureMatrix } from '../input.ts';
import type { Classifier, Estimator, FeatureInput } from '../types.ts';
import { isLinearEstimator, linearShap } from './linear.ts';
import { type SamplingOptions, samplingShap } from './sampling.ts';
import { isTreeEstimator, treeShap } from './tree-explainer.ts';
import type { Contributions } from './types.ts';

/** Options of {@link explainEstimator}. */
export interface ExplainOptions extends SamplingOptions {
  /**
   * Reference rows (the training rows or a sample of them): the means of the linear
   * closed form and the background of permutation sampling. Tree models do not need it
   * (their reference is the training cover).
   */
  readonly background?: FeatureInput;
}

/**
 * Per-row feature contributions of any fitted mlsweep estimator, by the best method for
 * it: exact TreeSHAP for tree models (see treeShap), the exact linear closed form for
 * linear models (see linearShap), and permutation-sampling Shapley values of
 * `predictProba` or `predict` against `background` for the others (k-NN, naive Bayes;
 * see samplingShapley). Every method is additive: contributions plus `expectedValue`
 * equal the explained output to rounding.
 *
 * @example
 * const shap = explainEstimator(model, Xtest, { background: Xtrain, seed: 0 });
 * shap.method; // 'exact TreeSHAP ...' or 'permutation sampling ...'
 */
export function explainEstimator(
  model: Estimator,
  X: FeatureInput,
  options: ExplainOptions = {},
): Contributions {
  if (isTreeEstimator(model)) return treeShap(model, X);
  const { background } = options;
  if (background === undefined) {
    throw new ValidationError(`explaining a ${model.constructor.name} needs background rows`, {
      path: 'background',
    });
  }
  if (isLinearEstimator(model)) return linearShap(model, X, background);
  const p = model.nFeatures;
  const m = toFeatureMatrix(X, p);
  const bg = toFeatureMatrix(background, p, 'background');
  const classifier = model.estimatorType === 'classifier';
  const nOut = classifier ? (model as Classifier).classes.length : 1;
  const predict = classifier
    ? (Xh: Parameters<typeof model.predict>[0]) =>
        Float64Array.from((model as Classifier).predictProba(Xh).flat())
    : (Xh: Parameters<typeof model.predict>[0]) => Float64Array.from(model.predict(Xh) as Float64Array);
  const { values, expectedValue } = samplingShap(predict, nOut, m, bg, options);
  const perBackground = Math.max(2, 2 * Math.ceil((options.permutationsPerBackground ?? 4) / 2));
  return {
    nRows: m.nRows,
    nFeatures: p,
    nOut,
    values,
    expectedValue,
    output: classifier ? 'probability' : 'value',
    method: `permutation-sampling Shapley values (${perBackground} antithetic permutations x ${bg.nRows} background rows, seed ${options.seed ?? 0})`,
  };
}
