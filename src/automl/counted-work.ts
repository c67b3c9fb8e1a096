import type { Candidate } from './candidates.ts';
import { EARLY_STOPPING_ROUNDS } from './evaluate.ts';
import type { Fold } from './folds.ts';

/**
 * Seconds one unit of counted work stands for (one row x feature x cost-hint unit),
 * about what the tree learners take on one core here. It only puts counted work on the
 * scale of seconds; the sampler compares families by it, so a wrong constant changes
 * nothing but the unit.
 */
export const WORK_UNIT_SECONDS = 2e-8;

/**
 * The counted work of one trial, in seconds-like units: over its folds, training rows x
 * features x the family's cost hint of the configuration (with boosting's rounds cut to
 * the rounds early stopping actually ran). Unlike measured time it is the same on every
 * run, so a search that decides by it (a trial limit and no time limit) repeats exactly.
 *
 * @example
 * trialWork(candidate, { nEstimators: 200 }, folds, [57, 61, 49]); // e.g. 0.012
 */
export function trialWork(
  candidate: Candidate,
  params: Readonly<Record<string, string | number | boolean>>,
  folds: readonly Fold[],
  bestRounds: readonly number[],
): number {
  let units = 0;
  folds.forEach((fold, i) => {
    const rounds = bestRounds[i];
    // boosting stopped early ran its best round and the patience after it, not its ceiling
    const ran =
      rounds !== undefined && typeof params.nEstimators === 'number'
        ? { ...params, nEstimators: Math.min(params.nEstimators, rounds + EARLY_STOPPING_ROUNDS) }
        : params;
    units += fold.X.nRows * Math.max(1, fold.X.nCols) * candidate.costHint(ran);
  });
  return units * WORK_UNIT_SECONDS;
}
