/**
 * The quasi-random parts shared by the Bayesian samplers: the initial Sobol design and
 * the per-suggestion random stream.
 */

import seedrandom from 'seedrandom';
import type { ParamSet } from '../../core/trial.ts';
import type { Rng, SearchSpace } from '../../space/types.ts';
import { SobolSequence } from '../sobol.ts';

/**
 * The initial design: point `position` of a Sobol sequence scrambled from the seed,
 * through the space's inverse CDFs.
 *
 * @example
 * const design = new InitialDesign(space, 7);
 * design.at(0); // the first suggestion of a sweep with seed 7
 */
export class InitialDesign {
  private readonly space: SearchSpace;
  private readonly sobol: SobolSequence | undefined;

  constructor(space: SearchSpace, seed: number) {
    this.space = space;
    this.sobol =
      space.dimensions > 0 ? new SobolSequence(space.dimensions, { seed: `${seed}/design` }) : undefined;
  }

  /** The design's `position`-th parameter set. */
  at(position: number): ParamSet {
    return this.space.fromUnit(this.sobol ? this.sobol.at(position) : []);
  }
}

/**
 * The random stream of one suggestion: a function of the seed, the sampler and the
 * suggestion's position only, so a sampler rebuilt from a history suggests the same.
 *
 * @example
 * const rng = suggestionRng(7, 'gp', 12);
 */
export function suggestionRng(seed: number, sampler: string, position: number): Rng {
  return seedrandom.alea(`${seed}/${sampler}/${position}`);
}

/**
 * `count` scrambled Sobol points in [0, 1)^dimensions, row-major, for acquisition candidates.
 *
 * @example
 * sobolPoints(3, 256, '7/12'); // Float64Array of 768 coordinates
 */
export function sobolPoints(dimensions: number, count: number, seed: string): Float64Array {
  const sobol = new SobolSequence(dimensions, { seed });
  const out = new Float64Array(dimensions * count);
  const p = new Float64Array(dimensions);
  for (let i = 0; i < count; i++) out.set(sobol.at(i, p), i * dimensions);
  return out;
}
