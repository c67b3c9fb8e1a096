import type { SerializedEstimator } from '../types.ts';
import {
  type ClassifierCriterion,
  type DecisionTreeParams,
  ForestClassifier,
  ForestRegressor,
  type RegressorCriterion,
} from './forest-model.ts';

const KIND = { ensemble: false, bootstrap: false, randomSplits: false } as const;

/**
 * A CART decision tree classifier grown on histogram bins (gini or entropy), with
 * missing values sent to the better side and categorical features split by category.
 *
 * @example
 * const tree = new DecisionTreeClassifier({ maxDepth: 3 }).fit([[0], [1], [2], [3]], ['a', 'a', 'b', 'b']);
 * tree.predict([[0.2], [2.7]]); // ['a', 'b']
 */
export class DecisionTreeClassifier extends ForestClassifier {
  constructor(params: DecisionTreeParams & ClassifierCriterion = {}) {
    super('DecisionTreeClassifier', { ...KIND, classification: true }, params);
  }

  /** Rebuilds a fitted tree from {@link toJSON}'s output. */
  static fromJSON(json: SerializedEstimator): DecisionTreeClassifier {
    return new DecisionTreeClassifier(json.params as DecisionTreeParams).load(json);
  }
}

/**
 * A CART regression tree: squared error (mean leaves) or absolute error (scikit-learn's
 * exact criterion on the bins, median leaves).
 *
 * @example
 * const tree = new DecisionTreeRegressor({ maxDepth: 2 }).fit([[0], [1], [2], [3]], [0, 0, 5, 5]);
 * tree.predict([[2.5]]); // Float64Array [5]
 */
export class DecisionTreeRegressor extends ForestRegressor {
  constructor(params: DecisionTreeParams & RegressorCriterion = {}) {
    super('DecisionTreeRegressor', { ...KIND, classification: false }, params);
  }

  /** Rebuilds a fitted tree from {@link toJSON}'s output. */
  static fromJSON(json: SerializedEstimator): DecisionTreeRegressor {
    return new DecisionTreeRegressor(json.params as DecisionTreeParams).load(json);
  }
}
