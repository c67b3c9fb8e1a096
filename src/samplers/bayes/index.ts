export {
  type BayesianMethod,
  BayesianSampler,
  type BayesianSamplerOptions,
  bayesianFromSpec,
  chooseMethod,
  GP_MAX_DIMENSIONS,
} from './bayesian.ts';
export { GpSampler, type GpSamplerOptions } from './gp-sampler.ts';
export { initialDesignSize } from './observations.ts';
export { goodCount, TPESampler, type TPESamplerOptions, tpeStartupSize } from './tpe.ts';
