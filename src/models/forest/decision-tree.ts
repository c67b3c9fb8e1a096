import type { ForestClassifier, ForestRegressor } from './forest-model.ts';
import { treeClassifier, treeRegressor } from './forest-model.ts';

/**
 * A CART decision tree classifier grown on histogram bins (gini or entropy), with
 * missing values sent to the better side and categorical features split by category.
 *
 * @example
 * const tree = new DecisionTreeClassifier({ maxDepth: 3 }).fit([[0], [1], [2], [3]], ['a', 'a', 'b', 'b']);
 * tree.predict([[0.2], [2.7]]); // ['a', 'b']
 */
export const DecisionTreeClassifier = treeClassifier('DecisionTree');
export type DecisionTreeClassifier = ForestClassifier;

/**
 * A CART regression tree: squared error (mean leaves) or absolute error (scikit-learn's
 * exact criterion on the bins, median leaves).
 *
 * @example
 * const tree = new DecisionTreeRegressor({ maxDepth: 2 }).fit([[0], [1], [2], [3]], [0, 0, 5, 5]);
 * tree.predict([[2.5]]); // Float64Array [5]
 */
export const DecisionTreeRegressor = treeRegressor('DecisionTree');
export type DecisionTreeRegressor = ForestRegressor;
