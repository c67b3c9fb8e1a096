import { ValidationError } from '../core/errors.ts';
import { Featurizer } from '../data/featurizer.ts';
import { applyStandardScaling } from '../data/scale.ts';
import { holdout } from '../data/splits.ts';
import type { Table } from '../data/table.ts';
import { featurizerTarget } from './folds.ts';
import {
  labelledRows,
  type PermutationImportance,
  type PermutationImportanceOptions,
  permutationImportance,
} from './permutation-importance.ts';
import { AutoMLPipeline } from './pipeline.ts';

/**
 * A copy of a fitted pipeline fitted again on other labelled rows: the featurizer with
 * the same options, the standardization when the pipeline has one, and every member with
 * the same hyperparameters and blend weight (class-balancing weights, which AutoML adds
 * for imbalanced classes, are not reapplied). A stacking meta-learner is kept as it was
 * fitted: it combines the members' predictions, and out-of-fold predictions to refit it
 * are not available here.
 *
 * @example
 * const copy = refitPipeline(pipeline, trainTable.take(trainRows));
 */
export function refitPipeline(pipeline: AutoMLPipeline, table: Table): AutoMLPipeline {
  const { rows, target } = labelledRows(pipeline, table);
  const featurizer = new Featurizer(pipeline.featurizer.options);
  // the input columns only: the target must not become a feature
  const inputs = rows.select(pipeline.featurizer.inputs.map((c) => c.name));
  const X = featurizer.fitTransform(inputs, featurizerTarget(target));
  const scaling = pipeline.scaling ? featurizer.fitScaling(X) : undefined;
  const Xs = scaling ? applyStandardScaling(X, scaling) : undefined;
  const y = target.task === 'classification' ? target.codes : target.values;
  return new AutoMLPipeline({
    task: pipeline.task,
    target: pipeline.target,
    ...(pipeline.task === 'classification' ? { classes: pipeline.classes } : {}),
    featurizer,
    ...(scaling ? { scaling } : {}),
    members: pipeline.members.map((m) => ({
      ...m,
      estimator: m.estimator.withParams({}).fit(m.scaled ? Xs! : X, y),
    })),
    ...(pipeline.stacker ? { stacker: pipeline.stacker } : {}),
    temperature: pipeline.temperature,
    primaryMetric: pipeline.primaryMetric,
    validationScore: pipeline.validationScore,
  });
}

/** Options of {@link holdoutPermutationImportance}. */
export interface HoldoutImportanceOptions extends PermutationImportanceOptions {
  /** Fraction of the labelled rows held out (default 0.2), drawn per class for classification. */
  readonly testFraction?: number;
}

/**
 * Permutation importance of a pipeline's input columns when only its training rows are
 * at hand: a fold of them (`testFraction`, per class for classification, drawn by `seed`)
 * is held out, a copy of the pipeline is refitted on the rest (see refitPipeline), and the
 * copy's permutation importance is measured on the held-out fold, so no row scores a
 * model that learned from it. Costs one more fit of the pipeline.
 *
 * @example
 * const imp = holdoutPermutationImportance(result.pipeline, trainTable, { repeats: 5 });
 */
export function holdoutPermutationImportance(
  pipeline: AutoMLPipeline,
  table: Table,
  options: HoldoutImportanceOptions = {},
): PermutationImportance {
  const { rows, target } = labelledRows(pipeline, table);
  if (rows.nRows < 10) {
    throw new ValidationError(`a held-out fold needs at least 10 labelled rows, got ${rows.nRows}`, {
      path: 'table',
    });
  }
  const fraction = options.testFraction ?? 0.2;
  const split = holdout(
    rows.nRows,
    fraction,
    options.seed ?? 0,
    target.task === 'classification' ? target.codes : undefined,
  );
  const copy = refitPipeline(pipeline, rows.take(split.train));
  const imp = permutationImportance(copy, rows.take(split.test), options);
  return {
    ...imp,
    method: `${imp.method.replace(' held-out rows', ` held-out rows (a ${Math.round(fraction * 100)}% fold of the training rows; the pipeline refitted on the other ${split.train.length})`)}`,
  };
}
