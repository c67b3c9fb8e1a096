/**
 * The sampler contract (the interface every sampler implements: grid, random, Sobol,
 * and the Bayesian samplers). A sampler only suggests: the engine owns trials, limits
 * and early termination, and hands the sampler the whole history on every call.
 *
 * @example
 * const s = sampler.suggest({ objective: { goal: 'maximize', primaryMetric: 'accuracy' }, trials: [], pending: [] });
 * if (s.exhausted) stop(); else run(s.params);
 */
import type { FinishedTrial, Objective, ParamSet, PendingTrial } from '../core/trial.ts';
import type { SearchSpace } from '../space/types.ts';

/** Everything a sampler may look at: the objective, ended trials and running ones. */
export interface TrialHistory {
  readonly objective: Objective;
  /** Multi-objective sweeps: every objective in order (the first is `objective`); absent otherwise. */
  readonly objectives?: readonly Objective[];
  /** Ended trials (the engine keeps them by id: the order they were suggested in). */
  readonly trials: readonly FinishedTrial[];
  /** Running trials, so concurrent suggestions can avoid duplicates. */
  readonly pending: readonly PendingTrial[];
}

/** A sampler's answer: the next parameter set, or `{ exhausted: true }` when it has nothing left (grid). */
export type Suggestion =
  | { readonly exhausted?: false; readonly params: ParamSet }
  | { readonly exhausted: true };

/**
 * Suggests parameter sets from a history. Deterministic: the same space, options, seed
 * and sequence of histories give the same suggestions on every run and machine.
 */
export interface Sampler {
  /** The sampler's name as a sweep file says it: `grid`, `random`, `sobol`, `bayesian`... */
  readonly name: string;
  readonly space: SearchSpace;
  suggest(history: TrialHistory): Suggestion;
}
