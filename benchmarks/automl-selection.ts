// AutoML's combination step (ensemble selection, stacking, the temperature) measured
// offline, on saved searches: `dump` runs one 60-second search per test fold of each data
// set and keeps every trial's out-of-fold predictions and its refit's test-fold
// predictions (the best 40 trials and each family's best 3); `compare` runs today's
// chooseCombination over those same searches and scores its choice on the test folds.
// A change to the combination step is then compared in pairs, on the same searches,
// without the run-to-run spread of the searches themselves (five-fold means of pima
// move by 0.003 between runs of the same command).
//
//   node --import tsx benchmarks/automl-selection.ts dump wine,pima_indians_diabetes2
//   node --import tsx benchmarks/automl-selection.ts compare wine,pima_indians_diabetes2
//   AUTOML_SELECTION_DIR=/tmp/sel   where the searches are kept (default: the OS temp folder;
//                                   about 2 MB per fold, not for the repository)
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Budget } from '../src/automl/budget.ts';
import { CANDIDATES } from '../src/automl/candidates.ts';
import { chooseCombination, POOL_SIZE } from '../src/automl/combine.ts';
import { ENSEMBLE_ITERATIONS } from '../src/automl/combine-step.ts';
import { blend } from '../src/automl/ensemble.ts';
import { evaluateTrial, predictMatrix } from '../src/automl/evaluate.ts';
import { type PreparedRun, prepareStep } from '../src/automl/prepare-step.ts';
import { refitStep } from '../src/automl/refit-step.ts';
import { type EncodedTarget, type Predictions, primaryScore } from '../src/automl/scoring.ts';
import { searchStep } from '../src/automl/search-step.ts';
import { fitStacker, stackFeatures } from '../src/automl/stacking.ts';
import { temperProbabilities } from '../src/automl/temperature.ts';
import type { TrialRecord } from '../src/automl/trial-record.ts';
import { readCsv } from '../src/data/read-csv.ts';
import { type FoldFiles, primaryMetric, writeFold } from './lib/fold-files.ts';

const DIR = process.env.AUTOML_SELECTION_DIR ?? join(tmpdir(), 'mlsweep-automl-selection');
/** Trials refitted and kept per fold: the best ones, and each family's best few. */
const KEPT = { best: 40, perFamily: 3 } as const;

/** Each shared data set's task, as the baselines' fixture records it. */
const TASKS: Record<string, { task: 'classification' | 'regression' }> = JSON.parse(
  readFileSync(new URL('../test/fixtures/automl-fold0-baselines.json', import.meta.url), 'utf8'),
);

/** A fold's files and the AutoML options of its search (seed 0, 60 s, the baselines' primary metric). */
function foldFiles(name: string, fold: number) {
  const reference = TASKS[name];
  if (!reference) throw new Error(`${name}: not in test/fixtures/automl-fold0-baselines.json`);
  const files = writeFold(name, mkdtempSync(join(tmpdir(), `automl-selection-${name}-`)), fold);
  const { task } = reference;
  return {
    files,
    options: {
      task,
      trainPath: files.train,
      target: 'target',
      primaryMetric: primaryMetric(task, files.classes).metric,
      limits: { timeoutMinutes: 1 },
      seed: 0,
    },
  };
}

/** The test fold's rows, read with the data set's schema. */
function readTest(files: FoldFiles) {
  return readCsv(files.test, { schema: files.schema });
}

/** The test fold's target, encoded as the training target is. */
async function testTarget(files: FoldFiles, prepared: PreparedRun): Promise<EncodedTarget> {
  const test = await readTest(files);
  const values = test.get('target').values as ArrayLike<string | number | null>;
  const t = prepared.target;
  if (t.task === 'regression')
    return { task: 'regression', values: Float64Array.from(values as ArrayLike<number>) };
  return {
    task: 'classification',
    classes: t.classes,
    codes: Int32Array.from(values, (v) => t.classes.indexOf(String(v))),
  };
}

interface SavedTrial {
  id: number;
  family: string;
  params: TrialRecord['params'];
  score: number;
  oof: number[];
  test: number[];
}

async function dump(name: string, fold: number): Promise<void> {
  const { files, options } = foldFiles(name, fold);
  const budget = Budget.fromLimits(options.limits);
  const prepared = await prepareStep(options);
  const search = await searchStep(prepared, budget);
  const perFamily = new Map<string, number>();
  const kept = search.ranked.filter((r, i) => {
    const n = perFamily.get(r.candidate.name) ?? 0;
    perFamily.set(r.candidate.name, n + 1);
    return i < KEPT.best || n < KEPT.perFamily;
  });
  const test = await readTest(files);
  const trials: SavedTrial[] = [];
  for (const record of kept) {
    // the search keeps the out-of-fold predictions of its best trials only: the others are evaluated again
    const oof = record.oof ?? (await reevaluate(prepared, record));
    const combination = { kind: 'single' as const, members: [{ record, weight: 1 }], score: record.score };
    const pipeline = await refitStep(
      { search, combination, leaderboard: [], best: search.leaderboard[0]! },
      budget,
    );
    trials.push({
      id: record.id,
      family: record.candidate.name,
      params: record.params,
      score: record.score,
      oof: Array.from(oof),
      test: Array.from(pipeline.predictRaw(test)),
    });
  }
  mkdirSync(DIR, { recursive: true });
  writeFileSync(
    join(DIR, `${name}-${fold}.json`),
    JSON.stringify({ name, fold, rows: Array.from(search.best.evaluation.rows), trials }),
  );
  console.log(`${name} fold ${fold}: ${search.ranked.length} trials, ${trials.length} kept`);
}

async function reevaluate(prepared: PreparedRun, record: TrialRecord): Promise<Predictions> {
  const e = await evaluateTrial(
    record.candidate,
    record.params,
    prepared.folds,
    prepared.target,
    prepared.build,
    {
      deadline: Number.POSITIVE_INFINITY,
    },
  );
  return e.oof;
}

/** Today's combination step over a saved search, scored on its test fold. */
async function compare(name: string, fold: number) {
  const saved = JSON.parse(readFileSync(join(DIR, `${name}-${fold}.json`), 'utf8'));
  const { files, options } = foldFiles(name, fold);
  const prepared = await prepareStep(options);
  const byName = new Map(CANDIDATES.map((c) => [c.name, c]));
  const ranked: TrialRecord[] = saved.trials.map((t: SavedTrial) => ({
    id: t.id,
    candidate: byName.get(t.family)!,
    params: t.params,
    evaluation: { rows: Int32Array.from(saved.rows), fitSeconds: 0, predictSeconds: 0, bestRounds: [] },
    score: t.score,
    metrics: {},
    oof: Float64Array.from(t.oof),
  }));
  const testOf = new Map<TrialRecord, Predictions>(
    ranked.map((r, i) => [r, Float64Array.from(saved.trials[i].test)]),
  );
  const notices: string[] = [];
  const combination = await chooseCombination(
    ranked,
    prepared.target,
    {
      metric: prepared.metric,
      goal: prepared.goal,
      iterations: ENSEMBLE_ITERATIONS,
      poolSize: POOL_SIZE,
      build: prepared.build,
      refitSeconds: () => 0,
      secondsLeft: () => Number.POSITIVE_INFINITY,
    },
    notices,
  );
  const target = await testTarget(files, prepared);
  const members = combination.members.map((m) => testOf.get(m.record)!);
  const width = target.task === 'classification' ? target.classes.length : 1;
  let preds: Predictions;
  if (combination.kind === 'stack') {
    const rows = Int32Array.from(saved.rows);
    const stacker = await fitStacker(
      combination.members.map((m) => m.record.oof!),
      prepared.target,
      rows,
      prepared.build,
    );
    preds = predictMatrix(stacker, stackFeatures(members, width), target);
  } else {
    preds = blend(
      members,
      combination.members.map((m) => m.weight),
    );
    if (combination.temperature !== undefined)
      preds = temperProbabilities(preds, width, combination.temperature);
  }
  const all = Int32Array.from({ length: preds.length / width }, (_, i) => i);
  return {
    test: primaryScore(target, preds, prepared.metric, all),
    chosen: combination.entry?.model ?? combination.members[0]!.record.candidate.name,
  };
}

const [mode, sets, foldList] = process.argv.slice(2);
if ((mode !== 'dump' && mode !== 'compare') || !sets) {
  console.error('usage: automl-selection.ts dump|compare SET[,SET...] [FOLDS, default 0,1,2,3,4]');
  process.exit(2);
}
const folds = (foldList ?? '0,1,2,3,4').split(',').map(Number);
for (const name of sets.split(',')) {
  if (mode === 'dump') {
    for (const fold of folds) await dump(name, fold);
    continue;
  }
  const scores: number[] = [];
  for (const fold of folds) {
    const { test, chosen } = await compare(name, fold);
    scores.push(test);
    if (process.env.VERBOSE) console.log(`  ${name} fold ${fold}: ${test.toFixed(4)} ${chosen}`);
  }
  const mean = scores.reduce((a, b) => a + b, 0) / scores.length;
  console.log(`${name}: ${mean.toFixed(4)} (folds ${scores.map((s) => s.toFixed(4)).join(', ')})`);
}
