import type { ForestClassifier, ForestRegressor } from './forest-model.ts';
import { treeClassifier, treeRegressor } from './forest-model.ts';

/**
 * Extremely randomized trees for classification: each examined feature gets one random
 * threshold bin between its smallest and largest bin in the node (one random category
 * subset for a categorical feature), the best of those is kept. No bootstrap by default.
 *
 * @example
 * const et = new ExtraTreesClassifier({ nEstimators: 100, seed: 3 }).fit(X, y);
 */
export const ExtraTreesClassifier = treeClassifier('ExtraTrees');
export type ExtraTreesClassifier = ForestClassifier;

/**
 * Extremely randomized trees for regression (squared or absolute error, every feature per split
 * by default).
 *
 * @example
 * const et = new ExtraTreesRegressor({ nEstimators: 100 }).fit(X, y);
 */
export const ExtraTreesRegressor = treeRegressor('ExtraTrees');
export type ExtraTreesRegressor = ForestRegressor;
