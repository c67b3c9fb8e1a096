import { RandomForestRegressor } from '../models/forest/random-forest.ts';
import type { TrialResult } from '../sweep/types.ts';
import type { ParamScale } from './param-scales.ts';

/** Fewer completed trials than this say too little about which parameter matters. */
export const MIN_TRIALS_FOR_IMPORTANCE = 10;
const TREES = 100;

export interface ParameterImportance {
  /** How the numbers were computed, in a sentence for the report. */
  readonly method: string;
  readonly values: ReadonlyArray<{ readonly name: string; readonly importance: number }>;
}

/**
 * How much each parameter explains the objective: the mean decrease in impurity of a
 * random forest (mlsweep's own) fitted to the completed trials, parameters as features
 * (log-distributions in log10, categories split by category, inactive conditional
 * parameters as missing) and the objective as target. Undefined with fewer than
 * {@link MIN_TRIALS_FOR_IMPORTANCE} completed trials.
 *
 * @example
 * parameterImportance(result.trials, paramScales(result.trials, space))?.values[0]; // { name: 'lr', importance: 0.71 }
 */
export function parameterImportance(
  trials: readonly TrialResult[],
  scales: Readonly<Record<string, ParamScale>>,
): ParameterImportance | undefined {
  const done = trials.filter(
    (t) => t.status === 'completed' && t.value !== undefined && Number.isFinite(t.value),
  );
  const names = Object.keys(scales);
  if (done.length < MIN_TRIALS_FOR_IMPORTANCE || names.length === 0) return undefined;
  const rows = done.map((t) => names.map((name) => encode(t.params[name], scales[name]!)));
  const categorical = names.flatMap((name, i) => (scales[name]!.kind === 'category' ? [i] : []));
  const forest = new RandomForestRegressor({
    nEstimators: TREES,
    maxFeatures: null,
    minSamplesLeaf: 2,
    seed: 0,
    categoricalFeatures: categorical,
  }).fit(
    rows,
    done.map((t) => t.value!),
  );
  const importances = forest.featureImportances;
  return {
    method: `Mean decrease in impurity of a ${TREES}-tree random forest fitted to the ${done.length} completed trials (parameters -> objective); log-distributed parameters in log10, categories split by category.`,
    values: names.map((name, i) => ({ name, importance: importances[i]! })),
  };
}

function encode(value: unknown, scale: ParamScale): number {
  if (value === undefined) return Number.NaN;
  if (scale.kind === 'category') return scale.values.indexOf(String(value));
  return scale.kind === 'log' ? Math.log10(value as number) : (value as number);
}
