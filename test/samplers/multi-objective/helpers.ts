import type { FinishedTrial, Objective, ParamSet } from '../../../src/core/trial.ts';
import { hypervolume } from '../../../src/samplers/multi-objective/hypervolume.ts';
import { paretoFront } from '../../../src/samplers/multi-objective/pareto.ts';
import type { Sampler } from '../../../src/samplers/types.ts';
import { searchSpace } from '../../../src/space/index.ts';

/** ZDT1 with `n` variables in [0, 1] (both objectives minimised). */
export function zdt1(x: readonly number[]): number[] {
  const g = 1 + (9 * x.slice(1).reduce((s, v) => s + v, 0)) / (x.length - 1);
  return [x[0]!, g * (1 - Math.sqrt(x[0]! / g))];
}

/** A space of `n` uniform(0, 1) variables x0..x{n-1}. */
export function unitSpace(n: number) {
  return searchSpace(Object.fromEntries(Array.from({ length: n }, (_, i) => [`x${i}`, 'uniform(0, 1)'])));
}

export const twoObjectives: readonly Objective[] = [
  { goal: 'minimize', primaryMetric: 'f1' },
  { goal: 'minimize', primaryMetric: 'f2' },
];

export function xs(params: ParamSet, n: number): number[] {
  return Array.from({ length: n }, (_, i) => params[`x${i}`] as number);
}

/**
 * Runs a sampler sequentially for `budget` trials on a function of the parameters that
 * returns values (and optionally constraint values); returns the trials.
 */
export function optimise(
  sampler: Sampler,
  budget: number,
  evaluate: (params: ParamSet) => { values: number[]; constraints?: number[] },
  objectives: readonly Objective[] = twoObjectives,
): FinishedTrial[] {
  const trials: FinishedTrial[] = [];
  for (let id = 0; id < budget; id++) {
    const s = sampler.suggest({ objective: objectives[0]!, objectives, trials, pending: [] });
    if (s.exhausted) break;
    const { values, constraints } = evaluate(s.params);
    trials.push({
      id,
      params: s.params,
      status: 'completed',
      value: values[0],
      values,
      intermediate: [],
      ...(constraints === undefined ? {} : { constraints }),
    });
  }
  return trials;
}

/** The hypervolume of the trials' Pareto front (minimised objectives). */
export function frontHypervolume(trials: readonly FinishedTrial[], reference: number[]): number {
  return hypervolume(
    paretoFront(trials, twoObjectives).map((t) => t.values!),
    reference,
  );
}
