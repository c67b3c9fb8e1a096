import { ConfigError } from '../core/errors.ts';
import type { SearchSpace } from '../space/types.ts';
import { bayesianFromSpec } from './bayes/bayesian.ts';
import { GridSampler } from './grid.ts';
import { MOTPESampler } from './multi-objective/motpe.ts';
import { NSGA2Sampler } from './multi-objective/nsga2.ts';
import { RandomSampler } from './random.ts';
import type { SamplingSpec } from './spec.ts';
import type { Sampler } from './types.ts';

/** Builds the sampler of one sampling type from the space and the sampling spec. */
export type SamplerFactory = (space: SearchSpace, sampling: SamplingSpec) => Sampler;

const factories = new Map<SamplingSpec['type'], SamplerFactory>([
  ['grid', (space) => new GridSampler(space)],
  [
    'random',
    (space, sampling) =>
      new RandomSampler(
        space,
        sampling.type === 'random' ? { seed: sampling.seed, rule: sampling.rule } : {},
      ),
  ],
  ['bayesian', bayesianFromSpec],
  ['nsga2', (space, sampling) => new NSGA2Sampler(space, sampling.type === 'nsga2' ? sampling : {})],
  ['motpe', (space, sampling) => new MOTPESampler(space, sampling.type === 'motpe' ? sampling : {})],
]);

/**
 * Replaces the factory of a sampling type, e.g. to plug in a custom Bayesian sampler
 * (the built-in grid, random, bayesian, nsga2 and motpe factories are installed above).
 *
 * @example
 * registerSamplerFactory('bayesian', (space, sampling) => new MyBayesianSampler(space, sampling));
 */
export function registerSamplerFactory(type: SamplingSpec['type'], factory: SamplerFactory): void {
  factories.set(type, factory);
}

/**
 * The sampler a sweep spec asks for.
 *
 * @example
 * const spec = loadSweepFile('examples/random-sobol.yml');
 * const sampler = samplerFromSpec(spec);
 */
export function samplerFromSpec(spec: {
  readonly searchSpace: SearchSpace;
  readonly sampling: SamplingSpec;
}): Sampler {
  const factory = factories.get(spec.sampling.type);
  if (factory === undefined) {
    throw new ConfigError(
      `sampling type '${spec.sampling.type}' has no sampler installed; available: ${[...factories.keys()].join(', ')}`,
      { keyPath: 'sampling_algorithm' },
    );
  }
  return factory(spec.searchSpace, spec.sampling);
}
