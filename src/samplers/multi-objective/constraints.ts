/**
 * Deb's feasibility rules (Deb 2000; the constrained domination of NSGA-II, Deb et al.
 * 2002, §VI), in Optuna's convention for constraint values: each value is <= 0 when the
 * constraint holds and > 0 by how much it is violated.
 *
 * 1. a feasible solution beats an infeasible one;
 * 2. of two infeasible solutions, the one with the smaller total violation wins (equal
 *    totals: neither);
 * 3. of two feasible solutions, Pareto dominance decides.
 *
 * A NaN constraint value is an unknown violation and counts as infinitely violated, so
 * a trial whose constraint could not be measured never passes for feasible.
 */
import { dominates } from './dominance.ts';

/**
 * The total violation of a trial's constraint values: the sum of their positive parts
 * (0 when every constraint holds or there are none; Infinity when one is NaN).
 *
 * @example
 * totalViolation([-1, 0.5, 2]); // 2.5
 * totalViolation(undefined); // 0
 */
export function totalViolation(constraints: readonly number[] | undefined): number {
  if (constraints === undefined) return 0;
  let sum = 0;
  for (const c of constraints) {
    if (Number.isNaN(c)) return Number.POSITIVE_INFINITY;
    if (c > 0) sum += c;
  }
  return sum;
}

/**
 * Whether a trial's constraint values all hold (<= 0); true when it has none.
 *
 * @example
 * isFeasible([-0.1, 0]); // true
 * isFeasible([0.01]); // false
 */
export function isFeasible(constraints: readonly number[] | undefined): boolean {
  return totalViolation(constraints) === 0;
}

/**
 * Constrained domination (Deb's rules above) of two loss vectors (every objective
 * minimised) with their total violations.
 *
 * @example
 * constrainedDominates([1, 1], [0, 0], 0, 0.5); // true: feasible beats infeasible
 * constrainedDominates([1, 1], [2, 2], 0.3, 0.1); // false: both infeasible, larger violation
 */
export function constrainedDominates(
  a: ArrayLike<number>,
  b: ArrayLike<number>,
  violationA: number,
  violationB: number,
): boolean {
  const feasibleA = violationA === 0;
  const feasibleB = violationB === 0;
  if (feasibleA && feasibleB) return dominates(a, b);
  if (feasibleA !== feasibleB) return feasibleA;
  return violationA < violationB;
}
