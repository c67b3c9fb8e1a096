import type { TrialHistory } from './types.ts';

/**
 * The index of the next suggestion: how many trials the history holds, ended or
 * running. Grid, random and Sobol samplers derive the n-th suggestion from n alone, so
 * a sweep resumed from its history continues the same sequence.
 *
 * @example
 * nextPosition({ objective, trials: [t0, t1], pending: [t2] }); // 3
 */
export function nextPosition(history: TrialHistory): number {
  return history.trials.length + history.pending.length;
}

/**
 * A seed for a sampler that was given none, drawn once so it can be recorded and the
 * sweep replayed.
 *
 * @example
 * const seed = freshSeed(); // e.g. 1739523011
 */
export function freshSeed(): number {
  return Math.floor(Math.random() * 2 ** 31);
}
