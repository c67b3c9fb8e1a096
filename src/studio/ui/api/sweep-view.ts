/**
 * A recorded sweep (or ask/tell study) as the studio shows it: a line of the sweep list
 * (status, objectives, best value, trials counted by state), and the sweep page (every
 * trial with its run, the best-so-far line, the early-termination decisions, and the
 * Pareto front when there are several objectives).
 */
import { better } from '../../../core/goal.ts';
import type { Objective } from '../../../core/trial.ts';
import type { PolicySpec } from '../../../policies/types.ts';
import { isFeasible } from '../../../samplers/multi-objective/constraints.ts';
import type { StoredTrial, SweepRecord } from '../../../store/records.ts';
import { type SweepTrialStats, sweepTrialStats } from '../../../store/sweep-overview.ts';
import { POLICY_TAG, SAMPLER_TAG, SPACE_TAG, STUDY_TAG } from '../../../store/tags.ts';
import { recordedResult } from '../../../sweep/recorded.ts';
import type { SqliteStore } from '../../../tracking/sqlite-store.ts';

/** A line of the sweep list. */
export interface SweepSummary {
  readonly id: string;
  readonly name: string;
  /** `study`: created by the ask/tell study API; `sweep`: by the sweep engine. */
  readonly kind: 'sweep' | 'study';
  /** `running` (no end recorded), `open` (a study takes more trials), `completed`, `interrupted`, `cancelled` or `failed`. */
  readonly status: string;
  /** Why it ended, as recorded (`exhausted`, `max_total_trials`, `timeout`, ...). */
  readonly stopReason?: string;
  readonly objectives: readonly Objective[];
  readonly best?: { readonly trialId: number; readonly value: number };
  readonly counts: Readonly<Record<string, number>>;
  readonly trials: number;
  readonly startedAt: string;
  readonly endedAt?: string;
  readonly stopMessage?: string;
}

/** One trial as the sweep page lists it. */
export interface TrialRow {
  readonly id: number;
  /** The trial's run, for `#/runs/<id>`. */
  readonly runId?: string;
  readonly params: Readonly<Record<string, unknown>>;
  readonly state: string;
  readonly value?: number;
  readonly values?: readonly number[];
  readonly startedAt: string;
  readonly endedAt?: string;
  readonly durationMs?: number;
  readonly error?: string;
  /** The policy that stopped it (early-terminated trials). */
  readonly prunedBy?: string;
}

/** An early-termination decision: which trial the policy stopped, at which step, why. */
export interface TerminationDecision {
  readonly trialId: number;
  readonly runId?: string;
  /** The last step of the primary metric the trial reported before it was stopped. */
  readonly step?: number;
  readonly value?: number;
  readonly policy: string;
  readonly reason: string;
}

/** The Pareto front of a multi-objective sweep, as points to draw. */
export interface ParetoView {
  readonly objectives: readonly Objective[];
  readonly points: ReadonlyArray<{
    readonly trialId: number;
    readonly values: readonly number[];
    readonly feasible: boolean;
    readonly onFront: boolean;
  }>;
  readonly front: readonly number[];
  readonly hypervolume?: { readonly reference: readonly number[]; readonly value: number };
}

/** The sweep page. */
export interface SweepDetail extends SweepSummary {
  readonly sampler?: string;
  readonly policy?: PolicySpec;
  readonly searchSpace?: unknown;
  readonly tags: Readonly<Record<string, string>>;
  readonly trialRows: readonly TrialRow[];
  /** Each trial's value by trial number, and the best value so far after it. */
  readonly history: ReadonlyArray<{
    readonly trialId: number;
    readonly state: string;
    readonly value?: number;
    readonly best?: number;
  }>;
  readonly decisions: readonly TerminationDecision[];
  /** The primary metric by step of the latest CURVE_TRIALS trials that reported it and the best (at most CURVE_POINTS points each). */
  readonly curves: ReadonlyArray<{
    readonly trialId: number;
    readonly points: ReadonlyArray<readonly [number, number]>;
  }>;
  readonly pareto?: ParetoView;
}

/** Most points a trial's curve carries (a longer one is thinned evenly, its last point kept). */
export const CURVE_POINTS = 200;

/** Most trials whose curves are drawn: the latest, and the best. */
export const CURVE_TRIALS = 100;

/** Every k-th point so that at most `max` remain, always with the last. */
function thin<T>(points: readonly T[], max: number): T[] {
  if (points.length <= max) return [...points];
  const stride = Math.ceil(points.length / max);
  const kept = points.filter((_, i) => i % stride === 0);
  if ((points.length - 1) % stride !== 0) kept.push(points[points.length - 1]!);
  return kept;
}

function objectivesOf(record: SweepRecord): Objective[] {
  return [...(record.objectives ?? (record.objective ? [record.objective] : []))];
}

/** A recorded end as a status: a limit reached or a space exhausted is a completed sweep. */
const ENDED_STATUS: Readonly<Record<string, string>> = {
  interrupted: 'interrupted',
  cancelled: 'cancelled',
  same_error: 'failed',
};

function statusOf(record: SweepRecord): string {
  if (record.endedAt !== undefined) return ENDED_STATUS[record.stopReason ?? ''] ?? 'completed';
  return record.tags[STUDY_TAG] !== undefined ? 'open' : 'running';
}

function parseJson<T>(text: string | undefined): T | undefined {
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text) as T;
  } catch {
    return undefined;
  }
}

/** The policy a sweep was recorded with: its own tag, or a study's definition. */
function policyOf(record: SweepRecord): PolicySpec | undefined {
  return (
    parseJson<PolicySpec>(record.tags[POLICY_TAG]) ??
    parseJson<{ policy?: PolicySpec }>(record.tags[STUDY_TAG])?.policy
  );
}

/**
 * A sweep's line in the list, from its record and its trials counted in the store.
 *
 * @example
 * sweepSummary(record, sweepTrialStats(store, record.sweepId, 'maximize'));
 */
export function sweepSummary(record: SweepRecord, stats: SweepTrialStats): SweepSummary {
  return {
    id: record.sweepId,
    name: record.name ?? record.sweepId,
    kind: record.tags[STUDY_TAG] !== undefined ? 'study' : 'sweep',
    status: statusOf(record),
    objectives: objectivesOf(record),
    ...(stats.best ? { best: stats.best } : {}),
    counts: stats.counts,
    trials: stats.total,
    startedAt: record.startedAt,
    ...(record.endedAt !== undefined ? { endedAt: record.endedAt } : {}),
    ...(record.stopReason !== undefined ? { stopReason: record.stopReason } : {}),
    ...(record.stopMessage !== undefined ? { stopMessage: record.stopMessage } : {}),
  };
}

/**
 * A sweep's line in the list, counted from the store (two indexed queries).
 *
 * @example
 * SqliteSweepStore.list(store).map((r) => summarizeSweep(store, r));
 */
export function summarizeSweep(store: SqliteStore, record: SweepRecord): SweepSummary {
  return sweepSummary(record, sweepTrialStats(store, record.sweepId, record.objective?.goal ?? 'maximize'));
}

/**
 * The sweep page: its trials with their runs, the history with the best so far, the
 * early-termination decisions, and for several objectives the Pareto front (the front
 * computed as reports compute it, recordedResult).
 *
 * @example
 * sweepDetail(record, await reader.trials(), trialRunIds(store, record.sweepId));
 */
export function sweepDetail(
  record: SweepRecord,
  stored: readonly StoredTrial[],
  runIds: ReadonlyMap<number, string>,
): SweepDetail {
  const objectives = objectivesOf(record);
  const primary = objectives[0] ?? { goal: 'maximize' as const, primaryMetric: 'value' };
  const counts: Record<string, number> = {};
  for (const t of stored) counts[t.status] = (counts[t.status] ?? 0) + 1;
  const policy = policyOf(record);
  const policyName = policy?.type ?? 'policy';
  const trialRows = stored.map((t): TrialRow => {
    const runId = runIds.get(t.id);
    const ended = t.endedAt !== undefined ? Date.parse(t.endedAt) - Date.parse(t.startedAt) : undefined;
    return {
      id: t.id,
      ...(runId !== undefined ? { runId } : {}),
      params: t.params,
      state: t.status,
      ...(t.value !== undefined ? { value: t.value } : {}),
      ...(t.values !== undefined ? { values: t.values } : {}),
      startedAt: t.startedAt,
      ...(t.endedAt !== undefined ? { endedAt: t.endedAt } : {}),
      ...(ended !== undefined && Number.isFinite(ended) ? { durationMs: ended } : {}),
      ...(t.error !== undefined ? { error: t.error } : {}),
      ...(t.status === 'early_terminated' ? { prunedBy: policyName } : {}),
    };
  });
  let best = Number.NaN;
  let bestId: number | undefined;
  const history = [...stored]
    .sort((a, b) => a.id - b.id)
    .map((t) => {
      if (t.status === 'completed' && t.value !== undefined && better(primary.goal, t.value, best)) {
        best = t.value;
        bestId = t.id;
      }
      return {
        trialId: t.id,
        state: t.status,
        ...(t.value !== undefined ? { value: t.value } : {}),
        ...(Number.isNaN(best) ? {} : { best }),
      };
    });
  const decisions = stored
    .filter((t) => t.status === 'early_terminated')
    .map((t): TerminationDecision => {
      const points = t.metrics[primary.primaryMetric] ?? [];
      const last = points[points.length - 1];
      const runId = runIds.get(t.id);
      return {
        trialId: t.id,
        ...(runId !== undefined ? { runId } : {}),
        ...(last !== undefined ? { step: last.step, value: last.value } : {}),
        policy: policyName,
        reason: t.error ?? 'stopped by the policy',
      };
    });
  const summary = sweepSummary(record, {
    counts,
    total: stored.length,
    ...(bestId !== undefined ? { best: { trialId: bestId, value: best } } : {}),
  });
  const space = parseJson<unknown>(record.tags[SPACE_TAG]);
  return {
    ...summary,
    ...(record.tags[SAMPLER_TAG] !== undefined ? { sampler: record.tags[SAMPLER_TAG] } : {}),
    ...(policy !== undefined ? { policy } : {}),
    ...(space !== undefined ? { searchSpace: space } : {}),
    tags: record.tags,
    trialRows,
    history,
    decisions,
    curves: stored
      .filter((t) => (t.metrics[primary.primaryMetric]?.length ?? 0) > 0)
      // the latest trials (running ones among them) and the best: more lines would hide each other
      .filter((t, i, all) => i >= all.length - CURVE_TRIALS || t.id === bestId)
      .map((t) => ({
        trialId: t.id,
        points: thin(t.metrics[primary.primaryMetric]!, CURVE_POINTS).map((p) => [p.step, p.value] as const),
      })),
    ...(objectives.length > 1 ? { pareto: paretoView(record, stored, objectives) } : {}),
  };
}

/** The front as recordedResult computes it for reports, as points to draw. */
function paretoView(
  record: SweepRecord,
  stored: readonly StoredTrial[],
  objectives: Objective[],
): ParetoView {
  const result = recordedResult(record, stored);
  const front = new Set((result.paretoFront ?? []).map((t) => t.id));
  const points = result.trials
    .filter(
      (t) =>
        t.status === 'completed' &&
        t.values !== undefined &&
        t.values.length === objectives.length &&
        t.values.every(Number.isFinite),
    )
    .map((t) => ({
      trialId: t.id,
      values: t.values!,
      feasible: isFeasible(t.constraints),
      onFront: front.has(t.id),
    }));
  return {
    objectives,
    points,
    front: [...front].sort((a, b) => a - b),
    ...(result.hypervolume ? { hypervolume: result.hypervolume } : {}),
  };
}
