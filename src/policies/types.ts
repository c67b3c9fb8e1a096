import type { Goal } from '../core/goal.ts';

/**
 * What a policy knows about one trial: the primary metric it reported, one value per
 * evaluation interval (the k-th report is interval k), and whether it has ended.
 */
export interface ReportedHistory {
  readonly id: number | string;
  readonly values: readonly number[];
  readonly finished: boolean;
}

/** The question a policy answers: should `trialId`, which just reported, stop now? */
export interface PolicyInput {
  readonly goal: Goal;
  readonly trialId: number | string;
  /** Every trial of the sweep so far, the one being judged included. */
  readonly histories: readonly ReportedHistory[];
}

/** A policy's answer; `reason` says in words why a trial is stopped. */
export interface PolicyDecision {
  readonly terminate: boolean;
  readonly reason?: string;
}

/** When a policy is consulted, as Azure defines it (both counted in intervals). */
export interface EvaluationSchedule {
  /** Evaluate at every multiple of this many intervals (default 1; 0 means 1, as in Azure). */
  readonly evaluationInterval?: number;
  /** Skip the evaluations before this interval (default 0). */
  readonly delayEvaluation?: number;
}

/** Azure's Bandit policy: exactly one of slackFactor or slackAmount. */
export interface BanditSpec extends EvaluationSchedule {
  readonly type: 'bandit';
  readonly slackFactor?: number;
  readonly slackAmount?: number;
}

/** Azure's median stopping policy. */
export interface MedianStoppingSpec extends EvaluationSchedule {
  readonly type: 'median_stopping';
}

/** Azure's truncation selection policy. */
export interface TruncationSelectionSpec extends EvaluationSchedule {
  readonly type: 'truncation_selection';
  /** Percentage (1-99) of the trials at an interval that are stopped. */
  readonly truncationPercentage: number;
  /** Leave trials that have already ended out of the comparison (default false). */
  readonly excludeFinishedJobs?: boolean;
}

/** Asynchronous successive halving, as in Optuna and Ray Tune. */
export interface AshaSpec {
  readonly type: 'asha';
  /** The first rung, in intervals (default 1). */
  readonly gracePeriod?: number;
  /** η: a rung keeps the best 1/η of the trials that reached it (default 4, as Ray Tune). */
  readonly reductionFactor?: number;
  /** The intervals a full trial runs; rungs sit at gracePeriod·η^k below it (default 100). */
  readonly maxT?: number;
}

/** No early termination. */
export interface NoPolicySpec {
  readonly type: 'none';
}

/** Any early termination policy the engine accepts. */
export type PolicySpec = BanditSpec | MedianStoppingSpec | TruncationSelectionSpec | AshaSpec | NoPolicySpec;
