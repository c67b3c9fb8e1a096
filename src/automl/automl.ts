import { ValidationError } from '../core/errors.ts';
import { Budget } from './budget.ts';
import { combineStep } from './combine-step.ts';
import { latencyFront } from './pareto.ts';
import { prepareStep } from './prepare-step.ts';
import { refitStep } from './refit-step.ts';
import { searchStep } from './search-step.ts';
import type { AutoMLOptions, AutoMLResult } from './types.ts';

/**
 * AutoML: finds and fits the best pipeline for a table and a target within the limits,
 * with Azure AutoML's options and defaults. Every candidate model family is searched as
 * one conditional space by the sweep engine with a cost-aware sampler (cheap
 * configurations first, as FLAML); candidates are validated by cross-validation or a
 * holdout with featurization fitted inside each fold; boosting stops early on its
 * rounds; classes under 20% of the largest are balanced by weights; the best models are
 * blended by ensemble selection when that validates better; the winner is refitted on
 * all rows. The time limit covers everything, final fit included.
 *
 * @example
 * const result = await automl({
 *   task: 'classification', trainPath: 'datasets/breast_cancer.csv', target: 'target',
 *   primaryMetric: 'AUC_weighted', limits: { timeoutMinutes: 1 },
 * });
 * result.leaderboard[0]; result.pipeline.save('model.json');
 */
export async function automl(options: AutoMLOptions): Promise<AutoMLResult> {
  if (options.secondObjective !== undefined && options.secondObjective !== 'prediction_latency') {
    throw new ValidationError(
      `secondObjective must be 'prediction_latency', got ${JSON.stringify(options.secondObjective)}`,
      { path: 'secondObjective' },
    );
  }
  const budget = Budget.fromLimits(options.limits, options.signal);
  const prepared = await prepareStep(options);
  const search = await searchStep(prepared, budget);
  const combined = await combineStep(search, budget);
  const pipeline = await refitStep(combined, budget);
  return {
    task: prepared.task,
    primaryMetric: prepared.metric,
    goal: prepared.goal,
    pipeline,
    leaderboard: combined.leaderboard,
    best: combined.best,
    featureImportances: pipeline.featureImportances(),
    trials: search.trials,
    stopReason: search.stopReason,
    partial: budget.interrupted,
    notices: prepared.notices,
    validation: prepared.validation,
    durationSeconds: budget.elapsedSeconds(),
    ...(options.secondObjective === 'prediction_latency'
      ? {
          paretoFront: latencyFront(
            combined.leaderboard,
            prepared.goal,
            prepared.splits.reduce((n, s) => n + s.test.length, 0),
          ),
        }
      : {}),
  };
}
