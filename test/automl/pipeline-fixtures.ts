// Fitted AutoML pipelines over the bundled data sets, built directly (featurizer + one or
// more members) so that explanation tests do not depend on a search.

import { AutoMLPipeline } from '../../src/automl/pipeline.ts';
import type { Task } from '../../src/core/trial.ts';
import { Featurizer } from '../../src/data/featurizer.ts';
import { readCsv } from '../../src/data/read-csv.ts';
import type { Table } from '../../src/data/table.ts';
import type { Estimator } from '../../src/models/types.ts';

/** A bundled data set read with its schema's column kinds: rows 0-6 of every 10 to train, 7-9 held out (files sorted by class stay mixed). */
export async function bundled(name: string): Promise<{ train: Table; test: Table }> {
  const path = new URL(`../../datasets/${name}.csv`, import.meta.url).pathname;
  const table = await readCsv(path, { schema: path.replace(/\.csv$/, '.schema.json') });
  const all = Array.from({ length: table.nRows }, (_, i) => i);
  return {
    train: table.take(all.filter((i) => i % 10 < 7)),
    test: table.take(all.filter((i) => i % 10 >= 7)),
  };
}

/**
 * A pipeline fitted on `train` (target column `target`): the featurizer, then each member
 * estimator (weights equal unless given), optionally reading standardized features.
 */
export function fitPipeline(
  train: Table,
  task: Task,
  members: Array<{ name: string; estimator: Estimator; weight?: number }>,
  primaryMetric = task === 'classification' ? 'accuracy' : 'normalized_root_mean_squared_error',
): AutoMLPipeline {
  const features = train.drop(['target']);
  const values = train.get('target').values as ArrayLike<string | number | null>;
  const featurizer = new Featurizer();
  let classes: string[] = [];
  let y: Int32Array | Float64Array;
  if (task === 'classification') {
    classes = [...new Set(Array.from(values, String))].sort();
    y = Int32Array.from(values, (v) => classes.indexOf(String(v)));
  } else {
    y = Float64Array.from(values as ArrayLike<number>);
  }
  const X = featurizer.fitTransform(
    features,
    task === 'classification'
      ? { task, codes: y as Int32Array, nClasses: classes.length }
      : { task, values: y as Float64Array },
  );
  return new AutoMLPipeline({
    task,
    target: 'target',
    ...(task === 'classification' ? { classes } : {}),
    featurizer,
    members: members.map((m) => ({
      name: m.name,
      weight: m.weight ?? 1 / members.length,
      scaled: false,
      estimator: m.estimator.fit(X, y),
    })),
    primaryMetric,
    validationScore: 0,
  });
}
