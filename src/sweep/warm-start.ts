/**
 * Warm start (an extension beyond Azure): a new sweep begins with what earlier sweeps
 * learned. Their completed trials become prior observations in the samplers' history
 * (the Bayesian samplers fit them; NSGA-II takes them into its first population), read
 * through the SweepLocation interface only, so any store serves. A point that lies
 * outside the new search space, or that lacks one of the new sweep's objective or
 * constraint metrics, is left out, and a notice counts them.
 */
import { ValidationError } from '../core/errors.ts';
import type { FinishedTrial, Objective } from '../core/trial.ts';
import type { SearchSpace } from '../space/types.ts';
import { openSweepLocation } from '../store/open-location.ts';
import type { StoredTrial } from '../store/records.ts';
import type { SweepLocation } from '../store/sweep-store.ts';
import { type ConstraintSpec, violation } from './constraints.ts';

/** Where the earlier sweeps are, and which. */
export interface WarmStartOptions {
  /** The sweeps' ids (or unique prefixes). */
  readonly sweeps: readonly string[];
  /** Their store: a location, or its folder (default: $MLSWEEP_STORE or ./mlruns). */
  readonly store?: string | SweepLocation;
}

/** The prior observations, and what was left out, in words. */
export interface WarmStart {
  /** Numbered -1, -2, ... so they never collide with the new sweep's trials. */
  readonly trials: readonly FinishedTrial[];
  readonly notices: readonly string[];
}

/**
 * A trial's value of a metric: its recorded value when the metric was one of its sweep's
 * objectives (a study's told value, not its last intermediate report), else its last report.
 */
function lastValue(t: StoredTrial, metric: string, recorded: readonly Objective[]): number | undefined {
  const j = recorded.findIndex((o) => o.primaryMetric === metric);
  const told = j === -1 ? undefined : (t.values?.[j] ?? (j === 0 ? t.value : undefined));
  if (told !== undefined) return told;
  const points = t.metrics[metric];
  return points?.[points.length - 1]?.value;
}

/**
 * Reads the completed trials of earlier sweeps as prior observations for a sweep over
 * `space` with these objectives and constraints.
 *
 * @example
 * const warm = await warmStartTrials({ sweeps: ['3f2a9c'], store: './mlruns' }, space, [objective]);
 * await sweep({ ...options, warmStart: warm.trials });
 */
export async function warmStartTrials(
  options: WarmStartOptions,
  space: SearchSpace,
  objectives: readonly Objective[],
  constraints: readonly ConstraintSpec[] = [],
): Promise<WarmStart> {
  if (!Array.isArray(options.sweeps) || options.sweeps.some((s) => typeof s !== 'string' || s === '')) {
    throw new ValidationError('warm_start must be a list of sweep ids', { path: 'warm_start' });
  }
  const owned = typeof options.store !== 'object';
  const location =
    typeof options.store === 'object' ? options.store : openSweepLocation(options.store, { create: false });
  const trials: FinishedTrial[] = [];
  const notices: string[] = [];
  try {
    for (const id of options.sweeps) {
      const store = await location.open(id);
      const record = await store.sweep();
      const completed = (await store.trials()).filter((t) => t.status === 'completed');
      const recorded = record.objectives ?? (record.objective !== undefined ? [record.objective] : []);
      let outside = 0;
      let unmeasured = 0;
      for (const t of completed) {
        if (!space.contains(t.params)) {
          outside++;
          continue;
        }
        const values = objectives.map((o) => lastValue(t, o.primaryMetric, recorded));
        const measured = constraints.map((c) => lastValue(t, c.metric, recorded));
        if ([...values, ...measured].some((v) => v === undefined || !Number.isFinite(v))) {
          unmeasured++;
          continue;
        }
        const v = values as number[];
        trials.push({
          id: -(trials.length + 1),
          params: t.params,
          status: 'completed',
          value: v[0]!,
          intermediate: t.metrics[objectives[0]!.primaryMetric] ?? [],
          ...(objectives.length > 1 ? { values: v } : {}),
          ...(constraints.length > 0
            ? { constraints: constraints.map((c, i) => violation(c, measured[i] as number)) }
            : {}),
        });
      }
      if (outside > 0) {
        notices.push(
          `warm start: ${outside} of ${completed.length} trials of sweep ${record.sweepId} lie outside the search space and were left out`,
        );
      }
      if (unmeasured > 0) {
        const metrics = [...objectives.map((o) => o.primaryMetric), ...constraints.map((c) => c.metric)];
        notices.push(
          `warm start: ${unmeasured} of ${completed.length} trials of sweep ${record.sweepId} did not report every metric this sweep needs (${metrics.join(', ')}) and were left out`,
        );
      }
    }
  } finally {
    if (owned) await location.close();
  }
  return { trials, notices };
}
