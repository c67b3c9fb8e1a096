/**
 * The sampler contract (the interface every sampler implements: grid, random, Sobol,
 * and the Bayesian samplers). A sampler only suggests: the engine owns trials, limits
 * and early termination, and hands the sampler the whole history on every call.
 *
 * @example
 * const s = sampler.suggest({ objective: { goal: 'maximize', primaryMetric: 'accuracy' }, trials: [], pending: [] });
 * if (s.exhausted) stop(); else run(s.params);
 */
import type { ParamSet, ParamValue, SearchSpace } from '../space/types.ts';

export type { ParamSet, ParamValue, SearchSpace };

/** The optimisation direction of the primary metric. */
export type Goal = 'maximize' | 'minimize';

/** What the sweep optimises: Azure's `objective` block. */
export interface Objective {
  readonly goal: Goal;
  readonly primaryMetric: string;
}

/**
 * How a trial ended. `early_terminated`: stopped by the early termination policy;
 * `timed_out`: past `trial_timeout`; `cancelled`: stopped by the sweep's end or a user.
 */
export type TrialStatus = 'completed' | 'failed' | 'early_terminated' | 'timed_out' | 'cancelled';

/** One report of the primary metric; `step` is the trial's own counter (evaluation interval). */
export interface MetricPoint {
  readonly step: number;
  readonly value: number;
}

/** A trial that has ended, in any way. */
export interface FinishedTrial {
  /** The trial's number in suggestion order, starting at 0. */
  readonly id: number;
  readonly params: ParamSet;
  readonly status: TrialStatus;
  /** The trial's value: the last reported primary metric; absent when it never reported. */
  readonly value?: number;
  /** Every report of the primary metric, by ascending step. */
  readonly intermediate: readonly MetricPoint[];
}

/** A trial that was suggested and is still running. */
export interface PendingTrial {
  readonly id: number;
  readonly params: ParamSet;
}

/** Everything a sampler may look at: the objective, ended trials and running ones. */
export interface TrialHistory {
  readonly objective: Objective;
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
