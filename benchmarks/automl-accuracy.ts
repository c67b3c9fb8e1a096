// AutoML accuracy as a user gets it: `mlsweep automl --timeout-minutes 1` (the CLI, with
// its default early termination, process start and CSV reading included) on fold 0 of
// each shared data set's fixed split, the test score compared with scikit-learn /
// XGBoost defaults fitted on the same rows (test/fixtures/automl-fold0-baselines.json,
// made by test/fixtures/automl_fold0_baselines.py). The primary metric follows
// ../shared/baselines.md: binary AUC, multiclass log loss, regression RMSE.
//
//   node --import tsx benchmarks/automl-accuracy.ts
//   AUTOML_ACCURACY_ONLY=iris,wine   only these data sets
//   AUTOML_ACCURACY_MD=/tmp/x.md      also write the table there
//   AUTOML_ACCURACY_ARGS='--no-early-termination'   extra automl arguments
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadFixedSplits } from '../src/data/splits.ts';
import { markdown, recordResults } from './lib/record.ts';

const SHARED = '/work/shared/datasets';
const only = process.env.AUTOML_ACCURACY_ONLY?.split(',');
const extraArgs = process.env.AUTOML_ACCURACY_ARGS?.split(' ').filter(Boolean) ?? [];

interface Reference {
  task: 'classification' | 'regression';
  scores: Record<string, Record<string, number>>;
}
const references: Record<string, Reference> = JSON.parse(
  readFileSync(new URL('../test/fixtures/automl-fold0-baselines.json', import.meta.url), 'utf8'),
);

/** Fold 0's training and test rows as two CSV files (raw lines: these files have no quoted newlines). */
function writeFold(name: string, dir: string): { train: string; test: string; classes: number } {
  const base = existsSync(`datasets/${name}.csv`) ? 'datasets' : SHARED;
  const [header, ...lines] = readFileSync(`${base}/${name}.csv`, 'utf8').split(/\r?\n/);
  const rows = lines.filter((l) => l.length > 0);
  const split = loadFixedSplits(`${base}/splits/${name}.json`, rows.length)[0]!;
  const write = (file: string, idx: ArrayLike<number>) =>
    writeFileSync(file, `${[header, ...Array.from(idx, (i) => rows[i])].join('\n')}\n`);
  const train = join(dir, 'train.csv');
  const test = join(dir, 'test.csv');
  write(train, split.train);
  write(test, split.test);
  copyFileSync(`${base}/${name}.schema.json`, join(dir, 'train.schema.json'));
  const target = header!.split(',').indexOf('target');
  return { train, test, classes: new Set(rows.map((l) => l.split(',')[target])).size };
}

const results = [];
const table: Array<Array<string | number>> = [];
for (const [name, ref] of Object.entries(references)) {
  if (only && !only.includes(name)) continue;
  const dir = mkdtempSync(join(tmpdir(), `automl-accuracy-${name}-`));
  const { train, test, classes } = writeFold(name, dir);
  const key = ref.task === 'regression' ? 'rmse' : classes === 2 ? 'roc_auc' : 'log_loss';
  const metric = { rmse: 'root_mean_squared_error', roc_auc: 'AUC_binary', log_loss: 'log_loss' }[key];
  const lower = key !== 'roc_auc';
  const load = loadavg()[0]!;
  const t0 = performance.now();
  const run = spawnSync(
    process.execPath,
    [
      '--import',
      'tsx',
      'src/cli/main.ts',
      'automl',
      '--train',
      train,
      '--test',
      test,
      '--target',
      'target',
      '--task',
      ref.task,
      '--primary-metric',
      metric,
      '--timeout-minutes',
      '1',
      '--seed',
      '0',
      '--out',
      join(dir, 'model.json'),
      '--json',
      ...extraArgs,
    ],
    { encoding: 'utf8', maxBuffer: 1 << 28 },
  );
  const wall = (performance.now() - t0) / 1000;
  if (run.status !== 0) throw new Error(`${name}: automl exited ${run.status}: ${run.stderr.slice(-2000)}`);
  const doc = JSON.parse(run.stdout);
  rmSync(dir, { recursive: true, force: true });
  const ours = doc.testMetrics[metric] as number;
  const ranked = Object.entries(ref.scores).sort((a, b) => (lower ? 1 : -1) * (a[1][key]! - b[1][key]!));
  const [bestName, bestScores] = ranked[0]!;
  const best = bestScores[key]!;
  const reaches = lower ? ours <= best + 1e-12 : ours >= best - 1e-12;
  results.push({
    dataset: name,
    metric: key,
    test: ours,
    bestBaseline: { model: bestName, score: best },
    reachesBest: reaches,
    baselines: ref.scores,
    validationScore: doc.best.score,
    chosen: doc.best.model,
    trials: doc.trials,
    stopReason: doc.stopReason,
    jobSeconds: doc.durationSeconds,
    wallSeconds: wall,
    loadAverageBefore: load,
    loadAverageAfter: loadavg()[0],
  });
  const f = (v: number) => v.toFixed(4);
  table.push([
    name,
    key,
    f(ours),
    `${f(best)} (${bestName})`,
    reaches ? 'yes' : 'no',
    doc.trials,
    doc.stopReason,
    doc.durationSeconds.toFixed(1),
    load.toFixed(1),
    String(doc.best.model).replace(/\(.*\)/, (m: string) => `(${m.split(',').length})`),
  ]);
  process.stderr.write(
    `${name}: ${key} ${f(ours)} vs best ${f(best)} (${bestName}) ${reaches ? 'reached' : 'short'}; ${doc.trials} trials, ${doc.stopReason}, ${doc.durationSeconds.toFixed(1)} s, load ${load.toFixed(1)}\n`,
  );
}
const md = markdown(
  [
    'dataset',
    'metric (fold 0 test)',
    'mlsweep',
    'best baseline',
    '>= best',
    'trials',
    'stop',
    'job s',
    'load avg',
    'chosen',
  ],
  table,
);
const reached = results.filter((r) => r.reachesBest).length;
const summary = `${reached} of ${results.length} data sets reach the best baseline${extraArgs.length ? ` (automl ${extraArgs.join(' ')})` : ''}`;
recordResults('automl-accuracy', { budgetMinutes: 1, testFold: 0, extraArgs, summary, results }, md);
process.stdout.write(`${summary}\n`);
if (process.env.AUTOML_ACCURACY_MD) writeFileSync(process.env.AUTOML_ACCURACY_MD, `${md}\n\n${summary}\n`);
