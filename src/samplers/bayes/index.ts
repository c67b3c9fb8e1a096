export { logExpectedImprovement, logH } from './acquisition.ts';
export {
  type BayesianMethod,
  BayesianSampler,
  type BayesianSamplerOptions,
  bayesianFromSpec,
  chooseMethod,
  GP_MAX_DIMENSIONS,
} from './bayesian.ts';
export { cholesky, choleskyInverse, choleskySolve, logDet } from './cholesky.ts';
export { defaultPriors, fitHyperparameters, GaussianProcess, negLogPosterior } from './gp.ts';
export { GpSampler, type GpSamplerOptions } from './gp-sampler.ts';
export { initialDesignSize } from './observations.ts';
export { goodCount, TpeSampler, type TpeSamplerOptions } from './tpe.ts';
