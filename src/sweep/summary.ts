import { better, type Goal } from '../core/goal.ts';
import { TRIAL_STATUSES, type TrialStatus } from '../core/trial.ts';
import { isFeasible } from '../samplers/multi-objective/constraints.ts';
import type { SweepResult, TrialResult } from './types.ts';

/**
 * Whether a trial takes part in the ranking: completed, with a finite value. The engine
 * fails a trial whose primary metric is NaN or infinite; the finite check also keeps out
 * such trials recorded as completed before it did.
 *
 * @example
 * result.trials.filter(ranks).length;
 */
export function ranks(trial: TrialResult): boolean {
  return trial.status === 'completed' && trial.value !== undefined && Number.isFinite(trial.value);
}

/**
 * The counts by status and the best completed trial (ties: the earliest) of a sweep's
 * trials: what a SweepResult says beside the trials themselves, whether the sweep just
 * ran or is read back from a store. Only trials that `ranks` can be the best, and of a
 * constrained sweep only feasible ones (every constraint value <= 0).
 *
 * @example
 * summarizeTrials(result.trials, 'maximize').best?.id;
 */
export function summarizeTrials(
  trials: readonly TrialResult[],
  goal: Goal,
): Pick<SweepResult, 'best' | 'counts'> {
  const counts = Object.fromEntries(TRIAL_STATUSES.map((s) => [s, 0])) as Record<TrialStatus, number>;
  let best: TrialResult | undefined;
  for (const trial of trials) {
    counts[trial.status]++;
    if (!ranks(trial) || !isFeasible(trial.constraints)) continue;
    if (!best || better(goal, trial.value!, best.value!)) best = trial;
  }
  return { best, counts: { ...counts, total: trials.length } };
}
