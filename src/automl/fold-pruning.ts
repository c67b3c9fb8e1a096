import { type Goal, goalSign } from '../core/goal.ts';
import type { Fold } from './folds.ts';
import { type EncodedTarget, type Predictions, primaryScore } from './scoring.ts';

/** Completed trials needed before a trial may be pruned after its first fold. */
export const MIN_TRIALS_TO_PRUNE = 10;

/** How a pruned trial's error message starts (it ends as a failed sweep trial with this message). */
export const PRUNED_PREFIX = 'pruned after';

/**
 * Successive halving on folds, one rung: whether a trial whose first fold scored `score`
 * stops there, given the first-fold scores of the completed trials (all higher is
 * better): when at least 10 trials completed and it is below their median. A trial in
 * the worse half after one fold rarely ends best over all folds, and the four folds it
 * does not run pay for about four more trials.
 *
 * @example
 * pruneAfterFirstFold(0.81, [0.9, 0.85, 0.88, 0.92, 0.83, 0.87, 0.9, 0.86, 0.91, 0.89]); // true
 */
export function pruneAfterFirstFold(score: number, completed: readonly number[]): boolean {
  if (completed.length < MIN_TRIALS_TO_PRUNE || !Number.isFinite(score)) return false;
  const sorted = completed.filter(Number.isFinite).sort((a, b) => a - b);
  if (sorted.length < MIN_TRIALS_TO_PRUNE) return false;
  const mid = sorted.length >> 1;
  const median = sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
  return score < median;
}

/**
 * Whether time, not the trial limit, ends the search: fewer trials fit in the seconds
 * left, at the search's pace so far, than the trial limit allows. Only then is pruning
 * worth it: a pruned trial still counts against the trial limit, so where that limit
 * binds, pruning would only trade full trials for partial ones.
 *
 * @example
 * timeBinds({ secondsLeft: 30, secondsPerTrial: 0.5, trialsLeft: 900 }); // true: 60 fit
 */
export function timeBinds(p: { secondsLeft: number; secondsPerTrial: number; trialsLeft: number }): boolean {
  return p.secondsPerTrial > 0 && p.secondsLeft / p.secondsPerTrial < p.trialsLeft;
}

/** Where the search stands, for `FoldPruner`: the pace and what is left. */
export interface SearchPace {
  /** Seconds left for trials. */
  readonly secondsLeft: number;
  /** Trials the trial limit still allows. */
  readonly trialsLeft: number;
  /** Seconds per ended trial so far. */
  readonly secondsPerTrial: number;
}

/**
 * The search's successive halving on folds: it keeps the first-fold scores of completed
 * trials per model family and stops a new trial after its first fold when time binds
 * (`timeBinds`) and it is in the worse half of its own family's (`pruneAfterFirstFold`).
 * Per family, because the search moves each family from its own best configuration: a
 * move in the worse half of its family rarely becomes the family's best, while one
 * measured against every family's trials was pruned whenever a stronger family set the
 * median (boston_housing, one fold: after the forests' first trials, 138 of 169 trials
 * were pruned, the three boosting families completed one trial each and the search never
 * left their starting points). Never with counted work (a trial limit and no time
 * limit), so reproducible runs stay so. It also keeps what pruned trials cost, for the
 * sampler.
 *
 * @example
 * const pruner = new FoldPruner(prepared, () => pace, false);
 * evaluateTrial(candidate, params, folds, target, build, { deadline, prune: (oof) => pruner.check(oof, candidate.name) });
 */
export class FoldPruner {
  /** First-fold scores of completed trials, by family. */
  private readonly scores = new Map<string, number[]>();
  private readonly costs = new Map<number, number>();
  private readonly rows: Int32Array | undefined;

  constructor(
    private readonly prepared: {
      readonly folds: readonly Fold[];
      readonly target: EncodedTarget;
      readonly metric: string;
      readonly goal: Goal;
    },
    private readonly pace: () => SearchPace,
    countedWork: boolean,
  ) {
    const folds = prepared.folds;
    this.rows = !countedWork && folds.length >= 3 ? folds[0]!.split.test : undefined;
  }

  private firstFoldScore(oof: Predictions): number {
    const { target, metric, goal } = this.prepared;
    return goalSign(goal) * primaryScore(target, oof, metric, this.rows);
  }

  /** Keeps a completed trial's first-fold score, under its family. */
  completed(oof: Predictions, family: string): void {
    if (!this.rows) return;
    const scores = this.scores.get(family) ?? [];
    scores.push(this.firstFoldScore(oof));
    this.scores.set(family, scores);
  }

  /** After the first fold of a `family` trial: a reason to stop it, or undefined to go on. */
  check(oof: Predictions, family: string): string | undefined {
    const scores = this.scores.get(family) ?? [];
    if (!this.rows || scores.length < MIN_TRIALS_TO_PRUNE || !timeBinds(this.pace())) return undefined;
    const score = this.firstFoldScore(oof);
    if (!pruneAfterFirstFold(score, scores)) return undefined;
    return `its first-fold ${this.prepared.metric} is in the worse half of the ${scores.length} completed ${family} trials'`;
  }

  /** Records what a pruned trial cost. */
  pruned(trialId: number, seconds: number): void {
    this.costs.set(trialId, seconds);
  }

  /** Seconds a pruned trial cost, or undefined for a trial that was not pruned. */
  prunedCost(trialId: number): number | undefined {
    return this.costs.get(trialId);
  }
}
