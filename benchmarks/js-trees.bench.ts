// The tree learners of the JavaScript ecosystem against ours, in one run on the same data:
// ml-cart 2.1 (one CART tree) and ml-random-forest 2.1 (100 trees), each with its
// defaults, against mlsweep's DecisionTreeClassifier and RandomForestClassifier (100
// trees) with scikit-learn's defaults, one thread, on 10,000 training rows x 20 features
// of make_classification-like data (5,000 test rows). Whole fits, timed once each: the
// JavaScript libraries take minutes. ml-random-forest grows 3 trees (no out-of-bag
// predictions), not 100: its 100 did not finish within 9 minutes here, and with 10 its
// out-of-bag step crashes on rows no tree left out; the table compares time per tree.
import { DecisionTreeClassifier as CartClassifier } from 'ml-cart';
import { RandomForestClassifier as MlRandomForest } from 'ml-random-forest';
import { accuracyScore, columnMatrix, DecisionTreeClassifier, RandomForestClassifier } from '../src/index.ts';
import { markdown, recordResults } from './lib/record.ts';
import { makeClassification } from './lib/synthetic.ts';

const nTrain = 10_000;
const nTest = 5_000;
const nCols = 20;
const { X, y } = makeClassification(nTrain + nTest, nCols, 42);
const n = nTrain + nTest;
const rowsOf = (from: number, to: number) =>
  Array.from({ length: to - from }, (_, i) => Array.from({ length: nCols }, (_, c) => X[c * n + from + i]!));
const columnsOf = (from: number, to: number) => {
  const out = new Float64Array((to - from) * nCols);
  for (let c = 0; c < nCols; c++) out.set(X.subarray(c * n + from, c * n + to), c * (to - from));
  return columnMatrix(out, to - from, nCols);
};
const trainRows = rowsOf(0, nTrain);
const testRows = rowsOf(nTrain, n);
const yTrain = Array.from(y.subarray(0, nTrain));
const yTest = Array.from(y.subarray(nTrain, n));

interface Row {
  library: string;
  model: string;
  trees: number;
  fitSeconds: number;
  accuracy: number;
}
const rows: Row[] = [];

function measure(
  library: string,
  model: string,
  trees: number,
  fit: () => void,
  predict: () => ArrayLike<number>,
): void {
  const t0 = performance.now();
  fit();
  const fitSeconds = (performance.now() - t0) / 1000;
  const accuracy = accuracyScore(yTest, Array.from(predict()));
  rows.push({ library, model, trees, fitSeconds, accuracy });
  console.log(`${library} ${model}: ${fitSeconds.toFixed(2)} s, accuracy ${accuracy.toFixed(4)}`);
}

for (const backend of ['native', 'js'] as const) {
  const tree = new DecisionTreeClassifier({ seed: 1, backend, nThreads: 1 });
  measure(
    `mlsweep (${backend})`,
    'one tree',
    1,
    () => tree.fit(columnsOf(0, nTrain), yTrain),
    () => tree.predict(columnsOf(nTrain, n)) as number[],
  );
  const forest = new RandomForestClassifier({ nEstimators: 100, seed: 1, backend, nThreads: 1 });
  measure(
    `mlsweep (${backend})`,
    'random forest',
    100,
    () => forest.fit(columnsOf(0, nTrain), yTrain),
    () => forest.predict(columnsOf(nTrain, n)) as number[],
  );
}
const cart = new CartClassifier();
measure(
  'ml-cart 2.1',
  'one tree',
  1,
  () => cart.train(trainRows, yTrain),
  () => cart.predict(testRows),
);
const mlForest = new MlRandomForest({ nEstimators: 3, seed: 1, noOOB: true });
measure(
  'ml-random-forest 2.1',
  'random forest',
  3,
  () => mlForest.train(trainRows, yTrain),
  () => mlForest.predict(testRows),
);

const perTree = (r: Row) => r.fitSeconds / r.trees;
const ours = (model: string) => rows.find((r) => r.library === 'mlsweep (native)' && r.model === model)!;
recordResults(
  'js-trees',
  rows,
  markdown(
    [
      '10k x 20, one thread',
      'model',
      'trees',
      'fit',
      'per tree',
      'test accuracy',
      'mlsweep native faster per tree',
    ],
    rows.map((r) => [
      r.library,
      r.model,
      r.trees,
      `${r.fitSeconds.toFixed(2)} s`,
      `${perTree(r).toPrecision(3)} s`,
      r.accuracy.toFixed(4),
      r.library === 'mlsweep (native)' ? '' : `${(perTree(r) / perTree(ours(r.model))).toFixed(0)}x`,
    ]),
  ),
);
