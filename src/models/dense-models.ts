// The linear, k-nearest-neighbour and naive Bayes estimators (issue 8), and the dense
// kernels' backend choice they share.
import { ElasticNet, Lasso } from './linear/elastic-net.ts';
import { LinearRegression, Ridge } from './linear/least-squares.ts';
import { LogisticRegression } from './linear/logistic-regression.ts';
import { BernoulliNB, MultinomialNB } from './naive-bayes/discrete-nb.ts';
import { GaussianNB } from './naive-bayes/gaussian-nb.ts';
import { KNeighborsClassifier } from './neighbors/knn-classifier.ts';
import { KNeighborsRegressor } from './neighbors/knn-regressor.ts';
import type { Estimator, SerializedEstimator } from './types.ts';

export type { Metric as KNeighborsMetric } from '../compute/kernels/knn/index.ts';
export { GPU_AUTO_MIN_WORK } from '../compute/kernels/table.ts';
export type { ElasticNetParams, EnetPathOptions, LassoParams } from './linear/elastic-net.ts';
export { enetPath } from './linear/elastic-net.ts';
export type { LinearRegressionParams, RidgeParams } from './linear/least-squares.ts';
export type { LogisticPenalty, LogisticRegressionParams } from './linear/logistic-regression.ts';
export type { BernoulliNBParams, MultinomialNBParams } from './naive-bayes/discrete-nb.ts';
export type { GaussianNBParams } from './naive-bayes/gaussian-nb.ts';
export type { KNeighborsParams, Neighbours } from './neighbors/knn-base.ts';
export {
  BernoulliNB,
  ElasticNet,
  GaussianNB,
  KNeighborsClassifier,
  KNeighborsRegressor,
  Lasso,
  LinearRegression,
  LogisticRegression,
  MultinomialNB,
  Ridge,
};

/**
 * The `fromJSON` of each dense estimator by its serialized `type`, for a table of
 * loaders such as estimatorFromJSON's.
 *
 * @example
 * DENSE_LOADERS[json.type]?.(json); // a fitted LogisticRegression, Ridge, ...
 */
export const DENSE_LOADERS: Readonly<Record<string, (json: SerializedEstimator) => Estimator>> = {
  LogisticRegression: LogisticRegression.fromJSON,
  LinearRegression: LinearRegression.fromJSON,
  Ridge: Ridge.fromJSON,
  Lasso: Lasso.fromJSON,
  ElasticNet: ElasticNet.fromJSON,
  KNeighborsClassifier: KNeighborsClassifier.fromJSON,
  KNeighborsRegressor: KNeighborsRegressor.fromJSON,
  GaussianNB: GaussianNB.fromJSON,
  MultinomialNB: MultinomialNB.fromJSON,
  BernoulliNB: BernoulliNB.fromJSON,
};
