import { ValidationError } from '../core/errors.ts';
import { better } from '../core/goal.ts';
import { checkSchedule, fmt, isScheduled, judgedTrial, valuesAt } from './compare.ts';
import type { PolicyDecision, PolicyInput, TruncationSelectionSpec } from './types.ts';

/**
 * Azure's truncation selection policy. At a scheduled interval k, the trials that reached
 * k are compared by the value each reported at k (so a young trial is judged against the
 * others' values at its own age, not their latest); the lowest truncationPercentage
 * percent of them, rounded down, stop. A trial is in that group when at least
 * n − floor(n·p/100) trials are strictly better, so ties never stop anyone. With
 * excludeFinishedJobs, trials that have ended are left out of the comparison.
 *
 * @example
 * const policy = truncationSelectionPolicy({ type: 'truncation_selection', truncationPercentage: 50 });
 * policy({ goal: 'maximize', trialId: 2, histories: [
 *   { id: 1, values: [0.9], finished: false }, { id: 2, values: [0.1], finished: false }] });
 * // { terminate: true, ... }: 1 of 2 trials is cut, and trial 2 is the worse
 */
export function truncationSelectionPolicy(
  spec: TruncationSelectionSpec,
): (input: PolicyInput) => PolicyDecision {
  checkSchedule(spec, 'early_termination');
  const p = spec.truncationPercentage;
  if (!(p >= 1 && p <= 99)) {
    throw new ValidationError(
      `early_termination.truncation_percentage must be in [1, 99], got ${String(p)}`,
      {
        path: 'early_termination.truncation_percentage',
      },
    );
  }
  return (input) => {
    const trial = judgedTrial(input);
    const k = trial.values.length;
    if (!isScheduled(spec, k)) return { terminate: false };
    const pool = spec.excludeFinishedJobs
      ? input.histories.filter((h) => h.id === trial.id || !h.finished)
      : input.histories;
    const peers = valuesAt(pool, k);
    const n = peers.length;
    const cut = Math.floor((n * p) / 100);
    if (cut === 0) return { terminate: false };
    const own = trial.values[k - 1]!;
    let ahead = 0;
    for (const [, v] of peers) if (better(input.goal, v, own)) ahead++;
    if (ahead < n - cut) return { terminate: false };
    return {
      terminate: true,
      reason: `truncation selection at interval ${k}: ${fmt(own)} is in the lowest ${p}% (${cut} of ${n} trials)`,
    };
  };
}
