/**
 * A study's trials as its store keeps them, read as the sampler's history (ended trials
 * and running ones), the policy's view (reported values by interval), and the caller's
 * `StudyTrial`s.
 */
import type {
  FinishedTrial,
  MetricPoint,
  Objective,
  ParamSet,
  PendingTrial,
  TrialStatus,
} from '../core/trial.ts';
import type { ReportedHistory } from '../policies/types.ts';
import type { TrialHistory } from '../samplers/types.ts';
import type { StoredTrial } from '../store/records.ts';

/** `running` while asked and not yet told; otherwise how the trial ended (`early_terminated`: pruned). */
export type StudyTrialState = TrialStatus | 'running';

/** One trial of a study, as `study.trials()` returns it. */
export interface StudyTrial {
  readonly id: number;
  readonly params: ParamSet;
  readonly state: StudyTrialState;
  /** The first objective's value. */
  readonly value?: number;
  /** Every objective's value, in the study's order (multi-objective studies). */
  readonly values?: readonly number[];
  /** Constraint values: <= 0 satisfied, > 0 violated by that much. */
  readonly constraints?: readonly number[];
  /** The reports of the first objective (`report(trialId, step, value)`), by step. */
  readonly intermediate: readonly MetricPoint[];
  readonly startedAt: string;
  readonly endedAt?: string;
  /** Why the trial failed or was pruned. */
  readonly error?: string;
}

/**
 * A stored trial as a StudyTrial.
 *
 * @example
 * (await store.trials()).map((t) => studyTrialOf(t, 'loss'));
 */
export function studyTrialOf(t: StoredTrial, primaryMetric: string): StudyTrial {
  return {
    id: t.id,
    params: t.params,
    state: t.status,
    ...(t.value !== undefined ? { value: t.value } : {}),
    ...(t.values !== undefined ? { values: t.values } : {}),
    ...(t.constraints !== undefined ? { constraints: t.constraints } : {}),
    intermediate: t.metrics[primaryMetric] ?? [],
    startedAt: t.startedAt,
    ...(t.endedAt !== undefined ? { endedAt: t.endedAt } : {}),
    ...(t.error !== undefined ? { error: t.error } : {}),
  };
}

/**
 * The sampler's history of a study's stored trials: ended ones (with their values and
 * constraint values) and running ones, so a concurrent ask does not repeat them.
 * `prior` are observations from earlier studies or sweeps (warm start), seen first.
 *
 * @example
 * sampler.suggest(samplerHistory(await store.trials(), objectives));
 */
export function samplerHistory(
  stored: readonly StoredTrial[],
  objectives: readonly Objective[],
  prior: readonly FinishedTrial[] = [],
): TrialHistory {
  const primary = objectives[0]!.primaryMetric;
  const trials: FinishedTrial[] = [...prior];
  const pending: PendingTrial[] = [];
  for (const t of stored) {
    if (t.status === 'running') {
      pending.push({ id: t.id, params: t.params });
      continue;
    }
    trials.push({
      id: t.id,
      params: t.params,
      status: t.status,
      ...(t.value !== undefined ? { value: t.value } : {}),
      intermediate: t.metrics[primary] ?? [],
      ...(t.values !== undefined ? { values: t.values } : {}),
      ...(t.constraints !== undefined ? { constraints: t.constraints } : {}),
    });
  }
  return {
    objective: objectives[0]!,
    ...(objectives.length > 1 ? { objectives } : {}),
    trials,
    pending,
  };
}

/**
 * What an early termination policy sees of a study: each trial's finite reports of the
 * first objective, and whether it has ended.
 *
 * @example
 * policy({ goal, trialId: 3, histories: reportedHistories(await store.trials(), 'loss') });
 */
export function reportedHistories(stored: readonly StoredTrial[], primaryMetric: string): ReportedHistory[] {
  return stored.map((t) => ({
    id: t.id,
    values: (t.metrics[primaryMetric] ?? []).map((p) => p.value).filter(Number.isFinite),
    finished: t.status !== 'running',
  }));
}
