export { type ExplainOptions, explainEstimator } from './explain.ts';
export { isLinearEstimator, linearShap } from './linear.ts';
export { type HybridGame, type SamplingOptions, samplingShap, samplingShapley } from './sampling.ts';
export { isTreeEstimator, type TreeEstimator, treeShap } from './tree-explainer.ts';
export { type TreeEnsemble, treeEnsembleShap, treeExpectation } from './tree-shap.ts';
export {
  type Contributions,
  contributionRow,
  type ExplainedOutput,
  type FeatureContribution,
  topContributions,
} from './types.ts';
