/**
 * `sampling_algorithm: bayesian`: the model-based sampler, GP or TPE, chosen by `method`.
 */

import type { SearchSpace } from '../../space/types.ts';
import { freshSeed } from '../position.ts';
import type { SamplingSpec } from '../spec.ts';
import type { Sampler, Suggestion, TrialHistory } from '../types.ts';
import { coordinates, isConditional } from './encode.ts';
import { GpSampler } from './gp-sampler.ts';
import { TPESampler } from './tpe.ts';

/** Which model: `gp`, `tpe`, or `auto` (see `chooseMethod`). */
export type BayesianMethod = 'auto' | 'gp' | 'tpe';

/** Options of `BayesianSampler`. */
export interface BayesianSamplerOptions {
  readonly seed?: number | undefined;
  readonly method?: BayesianMethod;
}

/** Above this many coordinates `auto` picks TPE. */
export const GP_MAX_DIMENSIONS = 16;

/**
 * The rule of `method: auto`: the GP for a small, mostly numeric, unconditional space
 * (no choice with sub-spaces, at most 16 coordinates, no more choice coordinates than
 * numeric ones); TPE otherwise, as it handles branches natively and its cost does not
 * grow with the dimension.
 *
 * @example
 * chooseMethod(searchSpace({ x: uniform(0, 1) })); // 'gp'
 */
export function chooseMethod(space: SearchSpace): 'gp' | 'tpe' {
  const coords = coordinates(space);
  const categorical = coords.filter((c) => c.categories > 0).length;
  const small = coords.length <= GP_MAX_DIMENSIONS && categorical <= coords.length - categorical;
  return !isConditional(space) && small ? 'gp' : 'tpe';
}

/**
 * The Bayesian sampler: delegates to `GpSampler` or `TPESampler`.
 *
 * @example
 * const sampler = new BayesianSampler(space, { seed: 42, method: 'auto' });
 * sampler.method; // 'gp' for a small numeric space
 */
export class BayesianSampler implements Sampler {
  readonly name = 'bayesian';
  readonly space: SearchSpace;
  readonly seed: number;
  /** The model in use after resolving `auto`. */
  readonly method: 'gp' | 'tpe';
  private readonly inner: Sampler;

  constructor(space: SearchSpace, options: BayesianSamplerOptions = {}) {
    this.space = space;
    this.seed = options.seed ?? freshSeed();
    const method = options.method ?? 'auto';
    this.method = method === 'auto' ? chooseMethod(space) : method;
    this.inner =
      this.method === 'gp'
        ? new GpSampler(space, { seed: this.seed })
        : new TPESampler(space, { seed: this.seed });
  }

  suggest(history: TrialHistory): Suggestion {
    return this.inner.suggest(history);
  }
}

/**
 * The factory `samplerFromSpec` uses for `type: bayesian`.
 *
 * @example
 * registerSamplerFactory('bayesian', bayesianFromSpec);
 */
export function bayesianFromSpec(space: SearchSpace, sampling: SamplingSpec): Sampler {
  return sampling.type === 'bayesian'
    ? new BayesianSampler(space, { seed: sampling.seed, method: sampling.method })
    : new BayesianSampler(space);
}
