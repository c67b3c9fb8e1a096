/**
 * What a multi-objective sweep's result says beside its trials: the Pareto front of the
 * feasible completed trials, a reference point, and the hypervolume the front dominates,
 * after each trial and at the end. The ranking itself (Deb's rules, non-dominated sort,
 * exact hypervolume) lives in samplers/multi-objective; this only applies it to results.
 */
import { ValidationError } from '../core/errors.ts';
import { goalSign } from '../core/goal.ts';
import type { FinishedTrial, Objective } from '../core/trial.ts';
import { isFeasible } from '../samplers/multi-objective/constraints.ts';
import { hypervolume } from '../samplers/multi-objective/hypervolume.ts';
import { paretoFront } from '../samplers/multi-objective/pareto.ts';
import { bestTradeOff, type TradeOffRule } from '../samplers/multi-objective/selection.ts';
import type { ConstraintSpec } from './constraints.ts';
import type { SweepResult, TrialResult } from './types.ts';

/** A trial's values: `values`, or its `value` for a single objective. */
function valuesOf(t: FinishedTrial, m: number): readonly number[] | undefined {
  const v = t.values ?? (m === 1 && t.value !== undefined ? [t.value] : undefined);
  return v !== undefined && v.length === m && v.every(Number.isFinite) ? v : undefined;
}

/**
 * The Pareto front of a sweep: its feasible completed trials that no other dominates, by
 * id. Empty when no trial is feasible (infeasible trials rank after every feasible one,
 * so they are never part of the answer).
 *
 * @example
 * feasibleFront(result.trials, result.objectives).map((t) => t.values);
 */
export function feasibleFront<T extends FinishedTrial>(
  trials: readonly T[],
  objectives: readonly Objective[],
): T[] {
  const ids = new Set(
    paretoFront(trials, objectives)
      .filter((t) => isFeasible(t.constraints))
      .map((t) => t.id),
  );
  return trials.filter((t) => ids.has(t.id));
}

/**
 * A reference point for the hypervolume of a sweep, in the objectives' own terms: per
 * objective, the worst value any feasible completed trial reached, moved a tenth of the
 * values' range further (1 when they are all equal), so every trial counts. Undefined
 * when no trial has values.
 *
 * @example
 * referencePoint(trials, [{ goal: 'minimize', primaryMetric: 'a' }, { goal: 'minimize', primaryMetric: 'b' }]); // e.g. [1.1, 5.4]
 */
export function referencePoint(
  trials: readonly FinishedTrial[],
  objectives: readonly Objective[],
): number[] | undefined {
  const m = objectives.length;
  const rows = trials
    .filter((t) => t.status === 'completed' && isFeasible(t.constraints))
    .map((t) => valuesOf(t, m))
    .filter((v) => v !== undefined);
  if (rows.length === 0) return undefined;
  return objectives.map((o, j) => {
    const s = goalSign(o.goal);
    const column = rows.map((r) => r[j]!);
    const worst = s > 0 ? Math.min(...column) : Math.max(...column);
    const range = Math.max(...column) - Math.min(...column);
    return worst - s * (range > 0 ? range / 10 : 1);
  });
}

/**
 * The hypervolume dominated by the feasible completed trials against `reference` (given in
 * the objectives' own terms).
 *
 * @example
 * frontHypervolume(result.trials, result.objectives, [1.1, 1.1]);
 */
export function frontHypervolume(
  trials: readonly FinishedTrial[],
  objectives: readonly Objective[],
  reference: readonly number[],
): number {
  const signs = objectives.map((o) => -goalSign(o.goal));
  const points = feasibleFront(trials, objectives).map((t) =>
    valuesOf(t, objectives.length)!.map((v, j) => signs[j]! * v),
  );
  return hypervolume(
    points,
    reference.map((r, j) => signs[j]! * r),
  );
}

/**
 * The hypervolume after each trial, in trial order: `[trialId, hypervolume]` pairs (what
 * the report draws as "hypervolume over trials").
 *
 * @example
 * hypervolumeHistory(result.trials, result.objectives, reference).at(-1); // [lastId, final hypervolume]
 */
export function hypervolumeHistory(
  trials: readonly FinishedTrial[],
  objectives: readonly Objective[],
  reference: readonly number[],
): Array<[number, number]> {
  const sorted = [...trials].sort((a, b) => a.id - b.id);
  const out: Array<[number, number]> = [];
  const seen: FinishedTrial[] = [];
  let last = 0;
  for (const t of sorted) {
    seen.push(t);
    // Only a feasible completed trial with values can change the front.
    if (
      t.status === 'completed' &&
      isFeasible(t.constraints) &&
      valuesOf(t, objectives.length) !== undefined
    ) {
      last = frontHypervolume(seen, objectives, reference);
    }
    out.push([t.id, last]);
  }
  return out;
}

/**
 * The multi-objective part of a result: objectives, constraints, the Pareto front and its
 * hypervolume (absent for a single unconstrained objective, so such results are as before).
 *
 * @example
 * multiObjectiveResult(trials, objectives, [], undefined).paretoFront;
 */
export function multiObjectiveResult(
  trials: readonly TrialResult[],
  objectives: readonly Objective[],
  constraints: readonly ConstraintSpec[] | readonly string[],
  reference: readonly number[] | undefined,
  rule: TradeOffRule = { rule: 'knee' },
): Pick<SweepResult, 'objectives' | 'constraints' | 'paretoFront' | 'hypervolume' | 'bestTradeOff'> {
  const texts = constraints.map((c) => (typeof c === 'string' ? c : c.text));
  const withConstraints = texts.length > 0 ? { constraints: texts } : {};
  if (objectives.length < 2) return withConstraints;
  if (reference !== undefined && reference.length !== objectives.length) {
    throw new ValidationError(
      `hypervolumeReference has ${reference.length} coordinates, the sweep ${objectives.length} objectives`,
      { path: 'hypervolumeReference' },
    );
  }
  const point = reference ?? referencePoint(trials, objectives);
  const front = feasibleFront(trials, objectives);
  // Chosen among the feasible front only: an infeasible trial is never the answer.
  const pick = bestTradeOff(front, objectives, rule) as TrialResult | undefined;
  return {
    objectives,
    ...withConstraints,
    paretoFront: front,
    ...(pick !== undefined ? { bestTradeOff: { rule: rule.rule, trial: pick } } : {}),
    ...(point !== undefined
      ? { hypervolume: { reference: point, value: frontHypervolume(trials, objectives, point) } }
      : {}),
  };
}
