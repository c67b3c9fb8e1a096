import type { SerializedEstimator } from '../types.ts';
import {
  ForestClassifier,
  type ForestClassifierCriterion,
  type ForestParams,
  ForestRegressor,
  type RegressorCriterion,
} from './forest-model.ts';

const KIND = { ensemble: true, bootstrap: false, randomSplits: true } as const;

/**
 * Extremely randomized trees for classification: each examined feature gets one random
 * threshold bin between its smallest and largest bin in the node (one random category
 * subset for a categorical feature), the best of those is kept. No bootstrap by default.
 *
 * @example
 * const et = new ExtraTreesClassifier({ nEstimators: 100, seed: 3 }).fit(X, y);
 */
export class ExtraTreesClassifier extends ForestClassifier {
  constructor(params: ForestParams & ForestClassifierCriterion = {}) {
    super('ExtraTreesClassifier', { ...KIND, classification: true }, params);
  }

  /** Rebuilds a fitted model from {@link toJSON}'s output. */
  static fromJSON(json: SerializedEstimator): ExtraTreesClassifier {
    return new ExtraTreesClassifier(json.params as ForestParams).load(json);
  }
}

/**
 * Extremely randomized trees for regression (squared or absolute error, every feature per split
 * by default).
 *
 * @example
 * const et = new ExtraTreesRegressor({ nEstimators: 100 }).fit(X, y);
 */
export class ExtraTreesRegressor extends ForestRegressor {
  constructor(params: ForestParams & RegressorCriterion = {}) {
    super('ExtraTreesRegressor', { ...KIND, classification: false }, params);
  }

  /** Rebuilds a fitted model from {@link toJSON}'s output. */
  static fromJSON(json: SerializedEstimator): ExtraTreesRegressor {
    return new ExtraTreesRegressor(json.params as ForestParams).load(json);
  }
}
