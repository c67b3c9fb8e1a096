import { isBetter } from '../policies/compare.ts';
import type { Goal, TrialStatus } from '../samplers/types.ts';
import type { SweepResult, TrialResult } from './types.ts';

const STATUSES: readonly TrialStatus[] = [
  'completed',
  'failed',
  'early_terminated',
  'timed_out',
  'cancelled',
];

/**
 * The counts by status and the best completed trial (ties: the earliest) of a sweep's
 * trials: what a SweepResult says beside the trials themselves, whether the sweep just
 * ran or is read back from a store.
 *
 * @example
 * summarizeTrials(result.trials, 'maximize').best?.id;
 */
export function summarizeTrials(
  trials: readonly TrialResult[],
  goal: Goal,
): Pick<SweepResult, 'best' | 'counts'> {
  const counts = Object.fromEntries(STATUSES.map((s) => [s, 0])) as Record<TrialStatus, number>;
  let best: TrialResult | undefined;
  for (const trial of trials) {
    counts[trial.status]++;
    if (trial.status !== 'completed' || trial.value === undefined) continue;
    if (!best || isBetter(goal, trial.value, best.value!)) best = trial;
  }
  return { best, counts: { ...counts, total: trials.length } };
}
