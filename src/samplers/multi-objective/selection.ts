/**
 * One trial from a Pareto front by a named rule, for a user who needs a single answer
 * ("which model do I deploy?"). Every rule works in normalised loss space: each
 * objective is turned into a loss (core/goal.ts) and scaled so the front spans [0, 1]
 * in it (0 = the front's best value, 1 = its worst; an objective on which the whole
 * front agrees is 0 for all). Ties go to the lowest trial id.
 *
 * - `knee`: the point that bulges furthest towards the ideal: the largest distance
 *   below the line (two objectives) or hyperplane through the front's extremes, which in
 *   normalised space is Σ loss = 1, so it is the smallest sum of normalised losses. With
 *   two objectives this is exactly the maximum distance to the line between the two
 *   extreme trials (Das 1999; Branke et al. 2004).
 * - `ideal`: the smallest Euclidean distance to the ideal point (0, …, 0) (the
 *   compromise solution of Zeleny 1973).
 * - `weighted`: the smallest Σ wᵢ · lossᵢ with the given non-negative weights, one per
 *   objective (normalised, so weights are relative importances, not unit conversions).
 */
import { ValidationError } from '../../core/errors.ts';
import type { FinishedTrial, Objective } from '../../core/trial.ts';
import { lossesOf, paretoFront } from './pareto.ts';

/** A best-trade-off rule (module comment). */
export type TradeOffRule =
  | { readonly rule: 'knee' }
  | { readonly rule: 'ideal' }
  | { readonly rule: 'weighted'; readonly weights: readonly number[] };

/** The rule names, in the order messages list them. */
export const TRADE_OFF_RULES = ['knee', 'ideal', 'weighted'] as const;

/**
 * The index of the best trade-off among loss vectors (every objective minimised; pass a
 * front, dominated points are not excluded here), or -1 when there are none.
 *
 * @example
 * tradeOffIndex([[0, 1], [0.3, 0.3], [1, 0]], { rule: 'knee' }); // 1
 * tradeOffIndex([[0, 1], [0.3, 0.3], [1, 0]], { rule: 'weighted', weights: [1, 0] }); // 0
 */
export function tradeOffIndex(losses: readonly (readonly number[])[], rule: TradeOffRule): number {
  if (losses.length === 0) return -1;
  const m = losses[0]!.length;
  const weights = weightsOf(rule, m);
  const lo = new Array<number>(m).fill(Number.POSITIVE_INFINITY);
  const hi = new Array<number>(m).fill(Number.NEGATIVE_INFINITY);
  for (const l of losses) {
    for (let j = 0; j < m; j++) {
      lo[j] = Math.min(lo[j]!, l[j]!);
      hi[j] = Math.max(hi[j]!, l[j]!);
    }
  }
  let best = -1;
  let bestScore = Number.POSITIVE_INFINITY;
  losses.forEach((l, i) => {
    let score = 0;
    for (let j = 0; j < m; j++) {
      const range = hi[j]! - lo[j]!;
      const z = range > 0 ? (l[j]! - lo[j]!) / range : 0;
      score += rule.rule === 'ideal' ? z * z : weights[j]! * z;
    }
    if (score < bestScore) {
      bestScore = score;
      best = i;
    }
  });
  return best;
}

function weightsOf(rule: TradeOffRule, m: number): number[] {
  if (rule.rule !== 'weighted') return new Array<number>(m).fill(1);
  const w = rule.weights;
  if (w.length !== m) {
    throw new ValidationError(`weighted trade-off needs one weight per objective (${m}), got ${w.length}`, {
      path: 'weights',
    });
  }
  if (!w.every((x) => Number.isFinite(x) && x >= 0) || !w.some((x) => x > 0)) {
    throw new ValidationError(
      `weighted trade-off weights must be finite, >= 0 and not all 0, got [${w.join(', ')}]`,
      { path: 'weights' },
    );
  }
  return [...w];
}

/**
 * The best trade-off of a sweep: the Pareto front (pareto.ts, Deb's rules for
 * constraints) reduced to one trial by the rule; undefined when no trial has values.
 *
 * @example
 * const pick = bestTradeOff(history.trials, objectives, { rule: 'knee' });
 * pick?.values; // e.g. [0.912, 14.2]
 */
export function bestTradeOff(
  trials: readonly FinishedTrial[],
  objectives: readonly Objective[],
  rule: TradeOffRule,
): FinishedTrial | undefined {
  const front = paretoFront(trials, objectives);
  const { losses } = lossesOf(front, objectives);
  const i = tradeOffIndex(losses, rule);
  return i < 0 ? undefined : front[i];
}
