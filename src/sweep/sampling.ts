import { ValidationError } from '../core/errors.ts';
import { samplerFromSpec } from '../samplers/factory.ts';
import type { SamplingSpec } from '../samplers/spec.ts';
import type { Sampler } from '../samplers/types.ts';
import { searchSpace } from '../space/parse.ts';
import type { SweepOptions } from './types.ts';

/**
 * The sampler of a sweep: `options.sampler` as given, or built from `searchSpace` (a
 * space or its definition) and `sampling` (`'random'`, `'grid'`, `'bayesian'` or the
 * object form; default random).
 *
 * @example
 * resolveSampler({ searchSpace: { x: 'uniform(0, 1)' }, sampling: { type: 'random', seed: 1 }, ... });
 */
export function resolveSampler(options: SweepOptions): Sampler {
  if (options.sampler !== undefined) {
    if (typeof options.sampler.suggest !== 'function') {
      throw new ValidationError('sampler must have a suggest(history) method', { path: 'sampler' });
    }
    return options.sampler;
  }
  if (options.searchSpace === undefined) {
    throw new ValidationError('sweep needs a sampler, or a searchSpace (and optionally sampling)', {
      path: 'searchSpace',
    });
  }
  const space = searchSpace(options.searchSpace, 'search_space');
  return samplerFromSpec({ searchSpace: space, sampling: samplingSpec(options.sampling ?? 'random') });
}

/**
 * A full SamplingSpec from its short forms.
 *
 * @example
 * samplingSpec({ type: 'random', seed: 3 }); // { type: 'random', seed: 3, rule: 'random' }
 */
export function samplingSpec(sampling: NonNullable<SweepOptions['sampling']>): SamplingSpec {
  const s = typeof sampling === 'string' ? { type: sampling } : sampling;
  switch (s.type) {
    case 'grid':
      return { type: 'grid' };
    case 'random':
      return {
        type: 'random',
        seed: 'seed' in s ? s.seed : undefined,
        rule: ('rule' in s && s.rule) || 'random',
      };
    case 'bayesian':
      return {
        type: 'bayesian',
        seed: 'seed' in s ? s.seed : undefined,
        method: ('method' in s && s.method) || 'auto',
      };
    case 'nsga2':
    case 'motpe':
      return { ...s, seed: 'seed' in s ? s.seed : undefined } as SamplingSpec;
    default:
      throw new ValidationError(
        `sampling must be grid, random, bayesian, nsga2 or motpe, got ${JSON.stringify((s as { type: unknown }).type)}`,
        { path: 'sampling_algorithm' },
      );
  }
}
