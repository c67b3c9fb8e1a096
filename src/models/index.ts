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
