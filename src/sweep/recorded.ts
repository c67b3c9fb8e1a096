// A recorded sweep in the engine's terms: what a store kept (store/) read back as the
// SweepResult a report draws, or as the SweepResume that continues it.

import type { StoredTrial, SweepRecord } from '../store/records.ts';
import type { ResumePlan } from '../store/resume-plan.ts';
import type { SweepReader } from '../store/sweep-store.ts';
import { CONSTRAINTS_TAG, SAMPLER_TAG, STUDY_TAG } from '../store/tags.ts';
import { multiObjectiveResult } from './pareto-result.ts';
import { summarizeTrials } from './summary.ts';
import type { SweepResult, SweepResume, TrialResult } from './types.ts';

/**
 * A stored trial as a result reports it; one still `running` (its process died) reads as
 * failed, and its primary metric's points are its intermediate values.
 *
 * @example
 * const t = trialResultOf(stored, 'accuracy');
 * t.intermediate; // the accuracy points
 */
export function trialResultOf(t: StoredTrial, primaryMetric: string): TrialResult {
  const endedAt = t.endedAt ?? t.startedAt;
  return {
    id: t.id,
    params: t.params,
    status: t.status === 'running' ? 'failed' : t.status,
    ...(t.value !== undefined ? { value: t.value } : {}),
    intermediate: t.metrics[primaryMetric] ?? [],
    metrics: t.metrics,
    startedAt: t.startedAt,
    endedAt,
    durationMs: Date.parse(endedAt) - Date.parse(t.startedAt),
    ...(t.error !== undefined ? { error: t.error } : {}),
    ...(t.output !== undefined ? { output: t.output } : {}),
    ...(t.values !== undefined ? { values: t.values } : {}),
    ...(t.constraints !== undefined ? { constraints: t.constraints } : {}),
  };
}

/** The constraints a sweep was recorded with (CONSTRAINTS_TAG), or none. */
function recordedConstraints(record: SweepRecord): string[] {
  try {
    const parsed = JSON.parse(record.tags[CONSTRAINTS_TAG] ?? '[]') as unknown;
    return Array.isArray(parsed) ? parsed.map(String) : [];
  } catch {
    return [];
  }
}

/**
 * A recorded sweep as a SweepResult (what `mlsweep report <sweep-id>` draws): its
 * objective (default: maximize `value`), sampler and stop reason as recorded, every
 * trial, the best and the counts. A sweep that did not record its end (its process died)
 * reads as interrupted, ended at its last trial's end.
 *
 * @example
 * const result = recordedResult(await store.sweep(), await store.trials());
 */
export function recordedResult(record: SweepRecord, stored: readonly StoredTrial[]): SweepResult {
  const objective = record.objective ?? { goal: 'maximize', primaryMetric: 'value' };
  const trials = stored.map((t) => trialResultOf(t, objective.primaryMetric));
  const start = Date.parse(record.startedAt);
  const end =
    record.endedAt !== undefined
      ? Date.parse(record.endedAt)
      : Math.max(start, ...trials.map((t) => Date.parse(t.endedAt)));
  return {
    objective,
    ...multiObjectiveResult(trials, record.objectives ?? [objective], recordedConstraints(record), undefined),
    sampler: record.tags[SAMPLER_TAG] ?? 'unrecorded',
    stopReason: record.stopReason ?? 'interrupted',
    message:
      record.stopMessage ??
      (record.tags[STUDY_TAG] !== undefined
        ? 'a study: its trials are asked and told from outside, and it stays open for more'
        : 'the sweep did not record its end (its process died)'),
    trials,
    ...summarizeTrials(trials, objective.goal),
    startedAt: record.startedAt,
    endedAt: new Date(end).toISOString(),
    durationMs: end - start,
  };
}

/**
 * Reads a recorded sweep back as a SweepResult, through any store.
 *
 * @example
 * const result = await readSweepResult(await location.open(sweepId));
 */
export async function readSweepResult(reader: SweepReader): Promise<SweepResult> {
  return recordedResult(await reader.sweep(), await reader.trials());
}

/**
 * A store's resume plan as the engine's `resume` option: the kept trials (counted against
 * max_total_trials), the replaced ones, and the parameter objects to run again first
 * (the very objects of the plan, by which the store knows a retry).
 *
 * @example
 * await sweep({ ...options, store, resume: sweepResume(await store.resume(), 'accuracy') });
 */
export function sweepResume(plan: ResumePlan, primaryMetric: string): SweepResume {
  return {
    trials: plan.kept.map((t) => trialResultOf(t, primaryMetric)),
    replaced: plan.replaced.map((t) => trialResultOf(t, primaryMetric)),
    counted: plan.kept.length,
    retry: plan.retry.map((r) => r.params),
    nextId: plan.nextId,
  };
}
