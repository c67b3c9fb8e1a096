import type { SerializedEstimator } from '../types.ts';
import {
  ForestClassifier,
  type ForestClassifierCriterion,
  type ForestParams,
  ForestRegressor,
  type RegressorCriterion,
} from './forest-model.ts';

const KIND = { ensemble: true, bootstrap: true, randomSplits: false } as const;

/**
 * A random forest classifier: bootstrapped histogram trees, `sqrt` of the features per
 * split by default, trees grown in parallel on the native backend.
 *
 * @example
 * const rf = new RandomForestClassifier({ nEstimators: 50, oobScore: true, seed: 1 }).fit(X, y);
 * rf.predictProba(Xtest); rf.oobScore;
 */
export class RandomForestClassifier extends ForestClassifier {
  constructor(params: ForestParams & ForestClassifierCriterion = {}) {
    super('RandomForestClassifier', { ...KIND, classification: true }, params);
  }

  /** Rebuilds a fitted forest from {@link toJSON}'s output. */
  static fromJSON(json: SerializedEstimator): RandomForestClassifier {
    return new RandomForestClassifier(json.params as ForestParams).load(json);
  }
}

/**
 * A random forest regressor (squared or absolute error; every feature per split by default, as
 * scikit-learn's 1.0).
 *
 * @example
 * const rf = new RandomForestRegressor({ nEstimators: 100 }).fit(X, y);
 * rf.predict(Xtest); // Float64Array
 */
export class RandomForestRegressor extends ForestRegressor {
  constructor(params: ForestParams & RegressorCriterion = {}) {
    super('RandomForestRegressor', { ...KIND, classification: false }, params);
  }

  /** Rebuilds a fitted forest from {@link toJSON}'s output. */
  static fromJSON(json: SerializedEstimator): RandomForestRegressor {
    return new RandomForestRegressor(json.params as ForestParams).load(json);
  }
}
