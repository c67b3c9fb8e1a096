/**
 * What a served model expects and answers, read from its pipeline: the input columns with
 * their kinds, the categories each categorical column knows, the task and the classes. The
 * server checks requests against it on the event loop (cheap, before any scoring work) and
 * describes it in the Open Inference Protocol's metadata. Plain data, so a worker thread
 * can send it back to the main thread.
 */
import type { AutoMLPipeline } from '../automl/pipeline.ts';
import type { Task } from '../core/trial.ts';
import type { ColumnKind } from '../data/table.ts';

/** One input column of a served model. */
export interface SchemaColumn {
  readonly name: string;
  readonly kind: ColumnKind;
  /**
   * The levels seen in training, for a categorical column the featurizer encodes by level
   * (one-hot, frequency, target): another level is refused. Absent: any string is accepted
   * (a dropped ID-like column, a text column).
   */
  readonly categories?: readonly string[];
}

/** The input and output schema of a served model. */
export interface ModelSchema {
  readonly task: Task;
  /** The target column's name in training. */
  readonly target: string;
  /** Class labels in probability order (classification); empty for regression. */
  readonly classes: readonly string[];
  readonly inputs: readonly SchemaColumn[];
}

/**
 * The schema of a fitted pipeline.
 *
 * @example
 * schemaOf(AutoMLPipeline.load('model.json')).inputs[0]; // { name: 'age', kind: 'numeric' }
 */
export function schemaOf(pipeline: AutoMLPipeline): ModelSchema {
  const levels = new Map<string, readonly string[]>();
  for (const plan of pipeline.featurizer.plans) {
    if (plan.type === 'onehot') levels.set(plan.column, plan.levels);
    else if (plan.type === 'frequency') levels.set(plan.column, Object.keys(plan.frequency));
    else if (plan.type === 'target') levels.set(plan.column, Object.keys(plan.encoding));
  }
  return {
    task: pipeline.task,
    target: pipeline.target,
    classes: [...pipeline.classes],
    inputs: pipeline.featurizer.inputs.map((c) => {
      const known = levels.get(c.name);
      return known ? { name: c.name, kind: c.kind, categories: [...known] } : { name: c.name, kind: c.kind };
    }),
  };
}

/**
 * How many numbers one row of raw predictions holds: one per class, or one value.
 *
 * @example
 * predictionWidth(schema); // 3 for a classifier of 3 classes, 1 for a regression
 */
export function predictionWidth(schema: ModelSchema): number {
  return schema.task === 'classification' ? schema.classes.length : 1;
}
