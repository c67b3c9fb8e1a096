import type { Budget } from './budget.ts';
import { type Combination, chooseCombination, POOL_SIZE } from './combine.ts';
import { refitSeconds } from './refit-cost.ts';
import type { SearchOutcome } from './search-step.ts';
import type { LeaderboardEntry } from './types.ts';

/** Ensemble selection's rounds when the options do not say. */
export const ENSEMBLE_ITERATIONS = 25;

/** The search's outcome with the combination to refit, and the leaderboard that ranks it. */
export interface Combined {
  readonly search: SearchOutcome;
  readonly combination: Combination;
  /** The search's leaderboard, with the ensemble or the stack first when one was kept. */
  readonly leaderboard: readonly LeaderboardEntry[];
  /** The entry the pipeline is built from. */
  readonly best: LeaderboardEntry;
}

/**
 * AutoML's second step: ensemble selection and stacking over the best trials, kept only
 * when they validate better and their refits fit in the time left (see
 * chooseCombination). An interrupted search skips them: the user asked to stop, and they
 * would refit several models; the best single pipeline is refitted on all rows (about as
 * long as one of its trial's folds took, as the fold models are not kept).
 *
 * @example
 * const combined = await combineStep(search, budget);
 * combined.best.model; // e.g. 'Ensemble(RandomForest#4:0.60, KNN#2:0.40)'
 */
export async function combineStep(search: SearchOutcome, budget: Budget): Promise<Combined> {
  const { prepared, ranked, best } = search;
  const { options, target, metric, goal, build, notices } = prepared;
  const ens = options.ensemble ?? true;
  if (budget.interrupted && ens !== false) {
    notices.push(
      'Interrupted: the search stopped early; ensemble selection and stacking were skipped, the best single pipeline found was refitted on all rows.',
    );
  }
  const combination =
    ens === false || budget.interrupted
      ? { kind: 'single' as const, members: [{ record: best, weight: 1 }], score: best.score }
      : await chooseCombination(
          ranked,
          target,
          {
            metric,
            goal,
            iterations:
              typeof ens === 'object' ? (ens.iterations ?? ENSEMBLE_ITERATIONS) : ENSEMBLE_ITERATIONS,
            poolSize: typeof ens === 'object' ? (ens.candidates ?? POOL_SIZE) : POOL_SIZE,
            build,
            refitSeconds: refitSeconds(prepared),
            secondsLeft: () => budget.secondsLeft() - budget.safetySeconds,
          },
          notices,
        );
  const leaderboard = combination.entry
    ? [combination.entry, ...search.leaderboard].map((e, i) => ({ ...e, rank: i + 1 }))
    : search.leaderboard;
  return { search, combination, leaderboard, best: leaderboard[0]! };
}
