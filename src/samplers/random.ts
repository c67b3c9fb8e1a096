import seedrandom from 'seedrandom';
import type { FinishedTrial, ParamSet } from '../core/trial.ts';
import type { SearchSpace } from '../space/types.ts';
import { freshSeed, nextPosition } from './position.ts';
import { SobolSequence } from './sobol.ts';
import type { Sampler, Suggestion, TrialHistory } from './types.ts';

/** Options of random sampling: Azure's `{type: random, seed, rule}`. */
export interface RandomSamplerOptions {
  /** The root of every draw; a fresh one (kept in `sampler.seed`) when absent. */
  readonly seed?: number | undefined;
  /** `random` (independent draws, the default) or `sobol` (scrambled Sobol points). */
  readonly rule?: 'random' | 'sobol';
}

/** How many times a draw that repeats an earlier trial of a finite space is redrawn. */
const REDRAWS = 32;

function key(params: ParamSet): string {
  return JSON.stringify(params);
}

/**
 * Random sampling. With rule `random`, the n-th suggestion (n counting the trials in
 * the history) is drawn from its own stream seeded by (seed, n), so the same seed gives
 * the same sequence on every run and machine, and a resumed sweep continues it. In a
 * finite space a draw that repeats an ended or running trial is redrawn (up to 32
 * times). With rule `sobol`, suggestion n is point n of a Sobol sequence scrambled from
 * the seed, mapped through each distribution's inverse CDF (one coordinate per
 * distribution of every branch, so a conditional space keeps a fixed dimension).
 *
 * @example
 * const sampler = new RandomSampler(space, { seed: 7, rule: 'sobol' });
 * sampler.suggest({ objective: { goal: 'minimize', primaryMetric: 'loss' }, trials: [], pending: [] });
 */
export class RandomSampler implements Sampler {
  readonly name: 'random' | 'sobol';
  readonly space: SearchSpace;
  readonly seed: number;
  private readonly sobol: SobolSequence | undefined;
  private readonly point: Float64Array | undefined;
  private readonly ended = new Set<string>();
  private readonly endedIds = new Set<number>();

  constructor(space: SearchSpace, options: RandomSamplerOptions = {}) {
    this.space = space;
    this.seed = options.seed ?? freshSeed();
    this.name = options.rule ?? 'random';
    if (this.name === 'sobol' && space.dimensions > 0) {
      this.sobol = new SobolSequence(space.dimensions, { seed: this.seed });
      this.point = new Float64Array(space.dimensions);
    }
  }

  /** The n-th parameter set of this sampler's sequence, without looking at any history. */
  at(n: number): ParamSet {
    if (this.sobol !== undefined && this.point !== undefined)
      return this.space.fromUnit(this.sobol.at(n, this.point));
    return this.draw(n, 0);
  }

  suggest(history: TrialHistory): Suggestion {
    const n = nextPosition(history);
    if (this.sobol !== undefined || this.space.gridSize === undefined) return { params: this.at(n) };
    const ended = this.endedKeys(history);
    const running = new Set(history.pending.map((t) => key(t.params)));
    let params = this.draw(n, 0);
    for (let attempt = 1; attempt <= REDRAWS; attempt++) {
      const k = key(params);
      if (!ended.has(k) && !running.has(k)) break;
      params = this.draw(n, attempt);
    }
    return { params };
  }

  /**
   * The keys of the ended trials, kept across calls by trial id. New ended trials are
   * looked for from the end of the history, where recently suggested ones sit, until
   * all are found; a history with fewer trials than seen is another sweep: start over.
   */
  private endedKeys(history: TrialHistory): Set<string> {
    const trials = history.trials;
    if (trials.length < this.endedIds.size) {
      this.ended.clear();
      this.endedIds.clear();
    }
    let missing = trials.length - this.endedIds.size;
    for (let i = trials.length - 1; i >= 0 && missing > 0; i--) {
      const t = trials[i] as FinishedTrial;
      if (this.endedIds.has(t.id)) continue;
      this.endedIds.add(t.id);
      this.ended.add(key(t.params));
      missing--;
    }
    return this.ended;
  }

  private draw(n: number, attempt: number): ParamSet {
    return this.space.sample(seedrandom.alea(`${this.seed}/${n}/${attempt}`));
  }
}
