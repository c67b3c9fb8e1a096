/**
 * The optimisation direction and the one comparator of objective values. Every place that
 * asks "is this value better?" (samplers, policies, the engine, AutoML, reports) asks it
 * here, so every part of mlsweep agrees, NaN included.
 */

/** The goals, in the order messages list them. */
export const GOALS = ['maximize', 'minimize'] as const;

/** The optimisation direction of a metric: Azure's `objective.goal`. */
export type Goal = (typeof GOALS)[number];

/**
 * Whether a value is a goal.
 *
 * @example
 * isGoal('maximize'); // true
 * isGoal('max'); // false
 */
export function isGoal(value: unknown): value is Goal {
  return value === 'maximize' || value === 'minimize';
}

/**
 * True when `a` is strictly better than `b` for the goal. The one NaN rule of mlsweep: NaN
 * is never better, and any number is better than NaN, so a diverged value never wins and
 * never hides a real one.
 *
 * @example
 * better('minimize', 0.1, 0.2); // true
 * better('maximize', Number.NaN, 0); // false
 * better('maximize', 0, Number.NaN); // true
 */
export function better(goal: Goal, a: number, b: number): boolean {
  if (Number.isNaN(a)) return false;
  if (Number.isNaN(b)) return true;
  return goal === 'maximize' ? a > b : a < b;
}

/**
 * +1 when larger is better, -1 when smaller is: `value * goalSign(goal)` is a score to
 * maximise (what samplers and ensembles work with).
 *
 * @example
 * goalSign('minimize') * 0.3; // -0.3
 */
export function goalSign(goal: Goal): 1 | -1 {
  return goal === 'maximize' ? 1 : -1;
}

/**
 * The best of some values for the goal (NaN when there are none or all are NaN).
 *
 * @example
 * bestValue('maximize', [0.2, 0.9, 0.5]); // 0.9
 */
export function bestValue(goal: Goal, values: Iterable<number>): number {
  let best = Number.NaN;
  for (const v of values) if (better(goal, v, best)) best = v;
  return best;
}

/**
 * The index of the best value (the first on ties), or -1 when none is a number.
 *
 * @example
 * bestIndex('minimize', [0.3, 0.1, 0.1]); // 1
 */
export function bestIndex(goal: Goal, values: ArrayLike<number>): number {
  let best = -1;
  for (let i = 0; i < values.length; i++) {
    if (better(goal, values[i]!, best === -1 ? Number.NaN : values[best]!)) best = i;
  }
  return best;
}

/**
 * The word for a goal's direction, for messages: 'larger' or 'smaller'.
 *
 * @example
 * `accuracy is better when ${betterWhen('maximize')}`; // 'accuracy is better when larger'
 */
export function betterWhen(goal: Goal): 'larger' | 'smaller' {
  return goal === 'maximize' ? 'larger' : 'smaller';
}
