export type { TreeArrays } from '../compute/kernels/trees/tree-arrays.ts';
export type {
  GradientBoostingClassifierParams,
  GradientBoostingParams,
  GradientBoostingRegressorParams,
} from './boosting/gradient-boosting.ts';
export { GradientBoostingClassifier, GradientBoostingRegressor } from './boosting/gradient-boosting.ts';
export type { ClassWeight } from './classes.ts';
export * from './dense-models.ts';
export { DecisionTreeClassifier, DecisionTreeRegressor } from './forest/decision-tree.ts';
export { ExtraTreesClassifier, ExtraTreesRegressor } from './forest/extra-trees.ts';
export type { DecisionTreeParams, ForestParams, MaxFeatures } from './forest/forest-model.ts';
export { RandomForestClassifier, RandomForestRegressor } from './forest/random-forest.ts';
export { estimatorFromJSON } from './from-json.ts';
export type { LassoLarsParams } from './linear/lasso-lars.ts';
export { LassoLars } from './linear/lasso-lars.ts';
export type {
  SplineLogisticRegressionParams,
  SplineParams,
  SplineRidgeParams,
} from './linear/spline-models.ts';
export { SplineLogisticRegression, SplineRidge } from './linear/spline-models.ts';
export type { SgdClassifierLoss, SgdRegressorLoss } from './sgd/losses.ts';
export type { SgdLearningRate, SgdPenalty } from './sgd/plain-sgd.ts';
export type { SGDClassifierParams } from './sgd/sgd-classifier.ts';
export { SGDClassifier } from './sgd/sgd-classifier.ts';
export type { SGDRegressorParams } from './sgd/sgd-regressor.ts';
export { SGDRegressor } from './sgd/sgd-regressor.ts';
export type { KernelName as SVCKernel } from './svm/kernel.ts';
export type { LinearSVCParams } from './svm/linear-svc.ts';
export { LinearSVC } from './svm/linear-svc.ts';
export type { SVCParams } from './svm/svc.ts';
export { SVC } from './svm/svc.ts';
export type { TreeCommonParams } from './tree/tree-model.ts';
export type {
  Classifier,
  ComputeParams,
  Estimator,
  FeatureInput,
  FitOptions,
  IterationCallback,
  IterationInfo,
  LabelInput,
  Regressor,
  SerializedEstimator,
} from './types.ts';
