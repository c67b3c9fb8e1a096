/**
 * Pareto fronts: non-dominated sorting (constraint-aware, Deb's rules), crowding
 * distance (Deb et al. 2002), and the Pareto front of a sweep's trials.
 *
 * Sorting works on loss vectors (every objective minimised). Points are first sorted
 * lexicographically: a point can only be dominated by one before it, so each front is
 * peeled in one pass that compares a point with the members of the front being built
 * (O(M·N²) in the worst case, far less when fronts are small, and it can stop after the
 * first fronts holding `limit` points). Two objectives take a faster path: after the
 * sort, a point's front is found by binary search over the fronts' last members
 * (O(N log N), Jensen 2003). Infeasible points (total violation > 0) rank after every
 * feasible one, by ascending violation, equal violations sharing a rank.
 */
import { goalSign } from '../../core/goal.ts';
import type { FinishedTrial, Objective } from '../../core/trial.ts';
import { totalViolation } from './constraints.ts';
import { compareLex, dominates } from './dominance.ts';

/** Options of `nonDominatedSort`. */
export interface SortOptions {
  /** Total violation of each point (constraints.ts); all feasible when absent. */
  readonly violations?: ArrayLike<number>;
  /**
   * Stop after the first fronts that hold at least this many points; later points get
   * rank Infinity. Default: rank every point.
   */
  readonly limit?: number;
}

/**
 * The front of each point under constrained domination: 0 for the non-dominated
 * points, 1 for those dominated only by front 0, and so on.
 *
 * @example
 * nonDominatedSort([[1, 2], [2, 1], [2, 2], [3, 3]]); // [0, 0, 1, 2]
 * nonDominatedSort([[0, 0], [5, 5]], { violations: [1, 0] }); // [1, 0]
 */
export function nonDominatedSort(points: readonly ArrayLike<number>[], options: SortOptions = {}): number[] {
  const n = points.length;
  const limit = options.limit ?? n;
  const ranks = new Array<number>(n).fill(Number.POSITIVE_INFINITY);
  const violations = options.violations;
  const feasible: number[] = [];
  const infeasible: number[] = [];
  for (let i = 0; i < n; i++) {
    if (violations === undefined || violations[i] === 0) feasible.push(i);
    else infeasible.push(i);
  }
  let next = 0;
  if (feasible.length > 0) {
    const m = points[feasible[0]!]!.length;
    next = m === 2 ? sort2d(points, feasible, ranks) : peel(points, feasible, ranks, limit);
  }
  if (infeasible.length === 0 || feasible.length >= limit) return ranks;
  const v = violations as ArrayLike<number>;
  infeasible.sort((a, b) => v[a]! - v[b]! || a - b);
  let assigned = feasible.length;
  for (let k = 0; k < infeasible.length; k++) {
    const i = infeasible[k]!;
    if (k > 0 && v[i]! !== v[infeasible[k - 1]!]!) {
      if (assigned >= limit) break;
      next++;
    }
    ranks[i] = next;
    assigned++;
  }
  return ranks;
}

/** Ranks `indices` by peeling fronts in lexicographic order; returns the next free rank. */
function peel(
  points: readonly ArrayLike<number>[],
  indices: number[],
  ranks: number[],
  limit: number,
): number {
  let remaining = [...indices].sort((a, b) => compareLex(points[a]!, points[b]!) || a - b);
  let rank = 0;
  let assigned = 0;
  while (remaining.length > 0 && assigned < limit) {
    const front: number[] = [];
    const rest: number[] = [];
    for (const p of remaining) {
      const point = points[p]!;
      let dominated = false;
      for (const q of front) {
        if (dominates(points[q]!, point)) {
          dominated = true;
          break;
        }
      }
      if (dominated) rest.push(p);
      else front.push(p);
    }
    for (const p of front) ranks[p] = rank;
    assigned += front.length;
    rank++;
    remaining = rest;
  }
  return rank;
}

/**
 * Two objectives: after sorting by (f1, f2), each front's last member has the front's
 * smallest f2, and a point is dominated by front k exactly when that member dominates
 * it; this is monotone in k, so a binary search finds the point's front.
 */
function sort2d(points: readonly ArrayLike<number>[], indices: number[], ranks: number[]): number {
  const order = [...indices].sort((a, b) => compareLex(points[a]!, points[b]!) || a - b);
  const tails: number[] = [];
  for (const p of order) {
    const point = points[p]!;
    let lo = 0;
    let hi = tails.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (dominates(points[tails[mid]!]!, point)) lo = mid + 1;
      else hi = mid;
    }
    ranks[p] = lo;
    tails[lo] = p;
  }
  return tails.length;
}

/**
 * The indices of each front, front 0 first, from the ranks of `nonDominatedSort`
 * (points of rank Infinity are left out).
 *
 * @example
 * fronts([0, 0, 1, 2]); // [[0, 1], [2], [3]]
 */
export function fronts(ranks: readonly number[]): number[][] {
  const out: number[][] = [];
  ranks.forEach((r, i) => {
    if (!Number.isFinite(r)) return;
    (out[r] ??= []).push(i);
  });
  return out.filter((f) => f !== undefined);
}

/**
 * The crowding distance of each point of one front (Deb et al. 2002): per objective,
 * the gap between its two neighbours along that objective, divided by the objective's
 * range in the front, summed. The extremes of every objective get Infinity, so they are
 * always kept; an objective on which the whole front is equal adds nothing. Ties in an
 * objective are ordered by index, so the result is deterministic.
 *
 * @example
 * crowdingDistance([[0, 4], [1, 2], [2, 1], [4, 0]], [0, 1, 2, 3]); // [Inf, 1.25, 1.25, Inf]
 */
export function crowdingDistance(
  points: readonly ArrayLike<number>[],
  front: readonly number[],
): Float64Array {
  const n = front.length;
  const distance = new Float64Array(n);
  if (n <= 2) return distance.fill(Number.POSITIVE_INFINITY);
  const m = points[front[0]!]!.length;
  const order = Array.from({ length: n }, (_, k) => k);
  for (let j = 0; j < m; j++) {
    order.sort((a, b) => points[front[a]!]![j]! - points[front[b]!]![j]! || front[a]! - front[b]!);
    const lo = points[front[order[0]!]!]![j]!;
    const hi = points[front[order[n - 1]!]!]![j]!;
    const range = hi - lo;
    if (!(range > 0)) continue;
    distance[order[0]!] = Number.POSITIVE_INFINITY;
    distance[order[n - 1]!] = Number.POSITIVE_INFINITY;
    for (let k = 1; k < n - 1; k++) {
      const next = points[front[order[k + 1]!]!]![j]!;
      const prev = points[front[order[k - 1]!]!]![j]!;
      distance[order[k]!]! += (next - prev) / range;
    }
  }
  return distance;
}

/** Trials that a multi-objective ranking can use, with their losses and violations. */
export interface Scored {
  readonly trials: FinishedTrial[];
  /** One loss vector per trial: each value times -goalSign, so every objective is minimised. */
  readonly losses: number[][];
  /** Total constraint violation per trial (0 when feasible). */
  readonly violations: number[];
}

/**
 * The completed trials with a finite value for every objective, as loss vectors to
 * minimise (a maximised objective negated, through core/goal.ts) and total violations.
 * A single-objective trial without `values` uses its `value`.
 *
 * @example
 * lossesOf(trials, [{ goal: 'maximize', primaryMetric: 'acc' }, { goal: 'minimize', primaryMetric: 'ms' }]);
 * // { trials, losses: [[-0.91, 12], ...], violations: [0, ...] }
 */
export function lossesOf(trials: readonly FinishedTrial[], objectives: readonly Objective[]): Scored {
  const signs = objectives.map((o) => -goalSign(o.goal));
  const out: Scored = { trials: [], losses: [], violations: [] };
  for (const t of trials) {
    if (t.status !== 'completed') continue;
    const values = t.values ?? (objectives.length === 1 && t.value !== undefined ? [t.value] : undefined);
    if (values === undefined || values.length !== objectives.length) continue;
    if (!values.every((v) => Number.isFinite(v))) continue;
    out.trials.push(t);
    out.losses.push(values.map((v, j) => signs[j]! * v));
    out.violations.push(totalViolation(t.constraints));
  }
  return out;
}

/**
 * The Pareto front of a sweep: the completed trials with finite values that no other
 * such trial dominates under Deb's rules, in the order given (by id). When some trial is
 * feasible, infeasible ones are never on the front; when none is, the front is the
 * trials with the smallest total violation.
 *
 * @example
 * const front = paretoFront(history.trials, history.objectives ?? [history.objective]);
 * front.map((t) => t.values); // the trade-offs found
 */
export function paretoFront(
  trials: readonly FinishedTrial[],
  objectives: readonly Objective[],
): FinishedTrial[] {
  const scored = lossesOf(trials, objectives);
  const ranks = nonDominatedSort(scored.losses, { violations: scored.violations, limit: 1 });
  return scored.trials.filter((_, i) => ranks[i] === 0);
}
