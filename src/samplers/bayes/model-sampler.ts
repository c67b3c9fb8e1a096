/**
 * What the model-based samplers (GP, TPE) share: their seed and coordinates, and the
 * initial Sobol design they suggest from until a model can be fitted.
 */

import type { Rng, SearchSpace } from '../../space/types.ts';
import { freshSeed, nextPosition } from '../position.ts';
import type { Sampler, Suggestion, TrialHistory } from '../types.ts';
import { InitialDesign, suggestionRng } from './design.ts';
import { type Coordinate, coordinates } from './encode.ts';
import { type Observation, observations } from './observations.ts';

/**
 * A model-based sampler: suggestion `position` comes from the initial design while
 * `position < initialTrials`, the space has no coordinate, or fewer than two trials are
 * usable (`usable`, the subclass's choice of the observations); from the model
 * (`suggestFromModel`) otherwise, with the suggestion's own random stream.
 *
 * @example
 * class MySampler extends ModelSampler<Observation> { ... } // see GpSampler and TPESampler
 */
export abstract class ModelSampler<T> implements Sampler {
  readonly name = 'bayesian';
  readonly space: SearchSpace;
  readonly seed: number;
  readonly initialTrials: number;
  protected readonly coords: Coordinate[];
  private readonly design: InitialDesign;

  /** `stream` names the sampler in each suggestion's random stream (suggestionRng). */
  protected constructor(
    space: SearchSpace,
    seed: number | undefined,
    initialTrials: number,
    private readonly stream: string,
  ) {
    this.space = space;
    this.seed = seed ?? freshSeed();
    this.initialTrials = initialTrials;
    this.coords = coordinates(space);
    this.design = new InitialDesign(space, this.seed);
  }

  suggest(history: TrialHistory): Suggestion {
    const position = nextPosition(history);
    const usable = this.usable(observations(history));
    if (position < this.initialTrials || this.coords.length === 0 || usable.length < 2) {
      return { params: this.design.at(position) };
    }
    return this.suggestFromModel(history, usable, suggestionRng(this.seed, this.stream, position), position);
  }

  /** The observations the model learns from, in the form it takes them. */
  protected abstract usable(observed: Observation[]): T[];

  /** The model's suggestion, from at least two usable trials. */
  protected abstract suggestFromModel(
    history: TrialHistory,
    usable: T[],
    rng: Rng,
    position: number,
  ): Suggestion;
}
