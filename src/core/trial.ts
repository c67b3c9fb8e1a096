/**
 * The trial vocabulary that every layer speaks: parameter sets, objectives, how a trial
 * ended, metric points, why a sweep stopped, and the two learning tasks. Declared once
 * here and imported everywhere (samplers, policies, the engine, stores, AutoML, reports).
 */
import type { Goal } from './goal.ts';

/** One hyperparameter's value. */
export type ParamValue = number | string | boolean;

/**
 * A parameter set: flat, with dotted names for nested spaces; a conditional choice keeps
 * its option index under its own name.
 *
 * @example
 * const params: ParamSet = { lr: 0.0012, model: 0, 'model.name': 'rf', 'model.depth': 5 };
 */
export type ParamSet = Readonly<Record<string, ParamValue>>;

/** What a sweep optimises: Azure's `objective` block. */
export interface Objective {
  readonly goal: Goal;
  readonly primaryMetric: string;
}

/**
 * How a trial ended. `early_terminated`: stopped by the early termination policy;
 * `timed_out`: past `trial_timeout`; `cancelled`: stopped by the sweep's end or a user.
 */
export type TrialStatus = 'completed' | 'failed' | 'early_terminated' | 'timed_out' | 'cancelled';

/** Every trial status, in the order summaries list them. */
export const TRIAL_STATUSES: readonly TrialStatus[] = [
  'completed',
  'failed',
  'early_terminated',
  'timed_out',
  'cancelled',
];

/** One report of a metric; `step` is the trial's own counter (evaluation interval). */
export interface MetricPoint {
  readonly step: number;
  readonly value: number;
}

/** A trial that has ended, in any way: what samplers and policies learn from. */
export interface FinishedTrial {
  /** The trial's number in suggestion order, starting at 0. */
  readonly id: number;
  readonly params: ParamSet;
  readonly status: TrialStatus;
  /** The trial's value: the last reported primary metric; absent when it never reported. */
  readonly value?: number;
  /** Every report of the primary metric, by ascending step. */
  readonly intermediate: readonly MetricPoint[];
  /**
   * Multi-objective sweeps: one value per objective, in the order of the sweep's
   * `objectives` (`value` is then the first). Absent for single-objective sweeps.
   */
  readonly values?: readonly number[];
  /**
   * Constrained sweeps: one number per constraint, in the order of the sweep's
   * `constraints`: <= 0 satisfied, > 0 violated by that much (Optuna's convention).
   */
  readonly constraints?: readonly number[];
}

/** A trial that was suggested and is still running. */
export interface PendingTrial {
  readonly id: number;
  readonly params: ParamSet;
}

/**
 * Why a sweep ended. `interrupted`: a signal (Ctrl-C, SIGTERM, SIGHUP) stopped it and it can
 * be resumed; `cancelled`: a deliberate stop (an abort signal of the caller).
 */
export type StopReason =
  | 'max_total_trials'
  | 'exhausted'
  | 'timeout'
  | 'cancelled'
  | 'interrupted'
  | 'same_error';

/** The two supervised learning tasks of AutoML and the metrics. */
export type Task = 'classification' | 'regression';
