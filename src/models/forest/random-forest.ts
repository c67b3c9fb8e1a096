import type { ForestClassifier, ForestRegressor } from './forest-model.ts';
import { treeClassifier, treeRegressor } from './forest-model.ts';

/**
 * A random forest classifier: bootstrapped histogram trees, `sqrt` of the features per
 * split by default, trees grown in parallel on the native backend.
 *
 * @example
 * const rf = new RandomForestClassifier({ nEstimators: 50, oobScore: true, seed: 1 }).fit(X, y);
 * rf.predictProba(Xtest); rf.oobScore;
 */
export const RandomForestClassifier = treeClassifier('RandomForest');
export type RandomForestClassifier = ForestClassifier;

/**
 * A random forest regressor (squared or absolute error; every feature per split by default, as
 * scikit-learn's 1.0).
 *
 * @example
 * const rf = new RandomForestRegressor({ nEstimators: 100 }).fit(X, y);
 * rf.predict(Xtest); // Float64Array
 */
export const RandomForestRegressor = treeRegressor('RandomForest');
export type RandomForestRegressor = ForestRegressor;
