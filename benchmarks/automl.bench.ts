// AutoML quality and budget on the public data sets: for each, fold 0 of the fixed
// split (datasets/splits/<name>.json) is the test set, AutoML gets the other rows and a
// 60-second budget (timeoutMinutes: 1, the whole job including the final fit), and its
// test scores are compared with scikit-learn's default random forest, logistic
// regression / ridge and XGBoost fitted on the same rows (test/fixtures/automl_fold0_baselines.py).
// The primary metric follows the AutoML Benchmark convention, as ../shared/baselines.md:
// binary AUC, multiclass log loss, regression RMSE.
import { readFileSync } from 'node:fs';
import { automl } from '../src/automl/automl.ts';
import { evaluatePipeline } from '../src/automl/score-table.ts';
import { readCsv } from '../src/data/read-csv.ts';
import { loadSchema } from '../src/data/schema.ts';
import { loadFixedSplits } from '../src/data/splits.ts';
import { SHARED_DATASETS } from './lib/fold-files.ts';
import { markdown, recordResults } from './lib/record.ts';

const BUDGET_MINUTES = 1;
const only = process.env.AUTOML_BENCH_ONLY?.split(',');

interface Reference {
  task: 'classification' | 'regression';
  n_test: number;
  scores: Record<string, Record<string, number>>;
}
const references: Record<string, Reference> = JSON.parse(
  readFileSync(new URL('../test/fixtures/automl-fold0-baselines.json', import.meta.url), 'utf8'),
);

function dataDir(name: string): string {
  return name === 'synth_classification_20k' ? SHARED_DATASETS : 'datasets';
}

const results = [];
const rows: Array<Array<string | number>> = [];
for (const [name, ref] of Object.entries(references)) {
  if (only && !only.includes(name)) continue;
  const dir = dataDir(name);
  const schema = loadSchema(`${dir}/${name}.schema.json`);
  const table = await readCsv(`${dir}/${name}.csv`, { schema });
  const split = loadFixedSplits(`${dir}/splits/${name}.json`, table.nRows)[0]!;
  const train = table.take(split.train);
  const test = table.take(split.test);
  const task = ref.task;
  const nClasses =
    task === 'classification'
      ? new Set(table.get('target').values as ArrayLike<unknown> as unknown[]).size
      : 0;
  const metric =
    task === 'regression' ? 'root_mean_squared_error' : nClasses === 2 ? 'AUC_binary' : 'log_loss';
  const t0 = performance.now();
  const result = await automl({
    task,
    data: train,
    target: 'target',
    primaryMetric: metric,
    limits: { timeoutMinutes: BUDGET_MINUTES, enableEarlyTermination: false },
    seed: 0,
  });
  const seconds = (performance.now() - t0) / 1000;
  const m = evaluatePipeline(result.pipeline, test);
  // the fixture's names for the same quantities
  const ours: Record<string, number> =
    task === 'regression'
      ? { rmse: m.root_mean_squared_error!, r2: m.r2_score! }
      : {
          accuracy: m.accuracy!,
          roc_auc: nClasses === 2 ? m.AUC_binary! : m.AUC_macro!,
          log_loss: m.log_loss!,
        };
  const key = task === 'regression' ? 'rmse' : nClasses === 2 ? 'roc_auc' : 'log_loss';
  const lower = key === 'rmse' || key === 'log_loss';
  const atLeast = (a: number, b: number) => (lower ? a <= b + 1e-12 : a >= b - 1e-12);
  const rf = ref.scores.RF![key]!;
  const bestName = Object.entries(ref.scores).sort((a, b) =>
    lower ? a[1][key]! - b[1][key]! : b[1][key]! - a[1][key]!,
  )[0]![0];
  const best = ref.scores[bestName]![key]!;
  results.push({
    dataset: name,
    task,
    rows: table.nRows,
    primaryMetric: metric,
    seconds,
    trials: result.trials.length,
    stopReason: result.stopReason,
    validation: result.validation,
    chosen: result.best.model,
    validationScore: result.best.score,
    test: ours,
    testAllMetrics: m,
    baselines: ref.scores,
    beatsRF: atLeast(ours[key]!, rf),
    beatsBest: atLeast(ours[key]!, best),
  });
  const f = (v: number) => v.toFixed(4);
  rows.push([
    name,
    key,
    f(ours[key]!),
    f(rf),
    `${f(best)} (${bestName})`,
    atLeast(ours[key]!, rf) ? 'yes' : 'no',
    atLeast(ours[key]!, best) ? 'yes' : 'no',
    task === 'regression'
      ? `R2 ${f(ours.r2!)} / RF ${f(ref.scores.RF!.r2!)}`
      : `acc ${f(ours.accuracy!)} / RF ${f(ref.scores.RF!.accuracy!)}`,
    seconds.toFixed(1),
    result.trials.length,
    result.best.model.replace(/\(.*\)/, `(${result.best.model.split(',').length})`),
  ]);
  process.stderr.write(
    `${name}: ${key} ${f(ours[key]!)} vs RF ${f(rf)} best ${f(best)} in ${seconds.toFixed(1)} s\n`,
  );
}
recordResults(
  'automl',
  { budgetMinutes: BUDGET_MINUTES, testFold: 0, results },
  markdown(
    [
      'dataset',
      'metric (fold 0 test)',
      'mlsweep',
      'sklearn RF',
      'best baseline',
      '>= RF',
      '>= best',
      'also',
      'time s',
      'trials',
      'chosen',
    ],
    rows,
  ),
);
