import { ValidationError } from '../core/errors.ts';
import { GradientBoostingClassifier, GradientBoostingRegressor } from './boosting/gradient-boosting.ts';
import { DENSE_LOADERS } from './dense-models.ts';
import { DecisionTreeClassifier, DecisionTreeRegressor } from './forest/decision-tree.ts';
import { ExtraTreesClassifier, ExtraTreesRegressor } from './forest/extra-trees.ts';
import { RandomForestClassifier, RandomForestRegressor } from './forest/random-forest.ts';
import { LassoLars } from './linear/lasso-lars.ts';
import { SplineLogisticRegression, SplineRidge } from './linear/spline-models.ts';
import { SGDClassifier } from './sgd/sgd-classifier.ts';
import { SGDRegressor } from './sgd/sgd-regressor.ts';
import { LinearSVC } from './svm/linear-svc.ts';
import { SVC } from './svm/svc.ts';
import type { Estimator, SerializedEstimator } from './types.ts';

const LOADERS: Record<string, (json: SerializedEstimator) => Estimator> = {
  DecisionTreeClassifier: DecisionTreeClassifier.fromJSON,
  DecisionTreeRegressor: DecisionTreeRegressor.fromJSON,
  RandomForestClassifier: RandomForestClassifier.fromJSON,
  RandomForestRegressor: RandomForestRegressor.fromJSON,
  ExtraTreesClassifier: ExtraTreesClassifier.fromJSON,
  ExtraTreesRegressor: ExtraTreesRegressor.fromJSON,
  GradientBoostingClassifier: GradientBoostingClassifier.fromJSON,
  GradientBoostingRegressor: GradientBoostingRegressor.fromJSON,
  ...DENSE_LOADERS,
  SGDClassifier: SGDClassifier.fromJSON,
  SGDRegressor: SGDRegressor.fromJSON,
  LinearSVC: LinearSVC.fromJSON,
  SVC: SVC.fromJSON,
  LassoLars: LassoLars.fromJSON,
  SplineLogisticRegression: SplineLogisticRegression.fromJSON,
  SplineRidge: SplineRidge.fromJSON,
};

/**
 * Rebuilds any estimator from its `toJSON()` output (or that output parsed back from a
 * string), dispatching on its `type`.
 *
 * @example
 * const copy = estimatorFromJSON(JSON.parse(JSON.stringify(model)));
 */
export function estimatorFromJSON(json: SerializedEstimator | string): Estimator {
  const doc = typeof json === 'string' ? (JSON.parse(json) as SerializedEstimator) : json;
  const load = LOADERS[doc?.type];
  if (!load) {
    throw new ValidationError(
      `unknown estimator type '${doc?.type}' (known: ${Object.keys(LOADERS).join(', ')})`,
      {
        path: 'type',
      },
    );
  }
  return load(doc);
}
