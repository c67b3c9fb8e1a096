export { automl } from './automl.ts';
export { CANDIDATES, type Candidate, selectCandidates } from './candidates.ts';
export { type CostAwareOptions, CostAwareSampler } from './cost-sampler.ts';
export { greedyEnsemble } from './ensemble.ts';
export { AutoMLPipeline, type PipelineMember, type SerializedPipeline } from './pipeline.ts';
export { evaluatePipeline, type PredictCsvOptions, predictCsv } from './score-table.ts';
export { DEFAULT_PRIMARY_METRIC, scorePredictions } from './scoring.ts';
export { automlSpace } from './search-space.ts';
export type * from './types.ts';
