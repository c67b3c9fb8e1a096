// Regenerates the example reports in this folder:
//   node --import tsx examples/reports/generate.ts
// sweep-report.html: a real sweep that tunes gradient boosting on the breast cancer data
// (fold 0 of the fixed splits held out for validation), reporting the validation log
// loss every 10 boosting rounds so that median stopping can cut poor trials short.
// automl-report.html: AutoML on the Pima diabetes data (missing values, 2:1 classes) for
// 30 seconds, trained on folds 1-4 and pictured on fold 0.
// Screenshots (PNG) of each report are taken with Debian's Chromium when it is installed.
import { existsSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import {
  automl,
  automlReportInput,
  columnMatrix,
  GradientBoostingClassifier,
  isNumericColumn,
  loadFixedSplits,
  loadSchema,
  readCsv,
  renderReport,
  type SearchSpaceDefinition,
  schemaTypes,
  sweep,
} from '../../src/index.ts';
import type { ReportInput } from '../../src/report/types.ts';

const here = fileURLToPath(new URL('.', import.meta.url));
const data = fileURLToPath(new URL('../../datasets/', import.meta.url));

const table = await readCsv(`${data}breast_cancer.csv`);
const features = table.columns.filter((c) => c.name !== 'target' && isNumericColumn(c));
const labels = table.get('target').values as ReadonlyArray<string>;
const [fold0] = loadFixedSplits(`${data}splits/breast_cancer.json`, table.nRows);
const rowsOf = (idx: Int32Array) => {
  const out = new Float64Array(idx.length * features.length);
  features.forEach((c, j) => {
    const values = c.values as Float64Array;
    for (let i = 0; i < idx.length; i++) out[j * idx.length + i] = values[idx[i]!]!;
  });
  return columnMatrix(out, idx.length, features.length);
};
const Xtrain = rowsOf(fold0!.train);
const Xvalid = rowsOf(fold0!.test);
const ytrain = Array.from(fold0!.train, (i) => labels[i]!);
const yvalid = Array.from(fold0!.test, (i) => labels[i]!);

const space: SearchSpaceDefinition = {
  learning_rate: { type: 'loguniform', min_value: -5, max_value: -0.5 },
  num_leaves: { type: 'qloguniform', min_value: 1.4, max_value: 4.2, q: 1 },
  min_child_samples: { type: 'randint', upper: 40 },
  subsample: { type: 'uniform', min_value: 0.5, max_value: 1 },
  colsample_bytree: { type: 'uniform', min_value: 0.3, max_value: 1 },
  reg_lambda: { type: 'loguniform', min_value: -7, max_value: 2 },
};
const policy = { type: 'median_stopping', evaluationInterval: 1, delayEvaluation: 3 } as const;
const limits = { maxTotalTrials: 48, maxConcurrentTrials: 1 };

const result = await sweep({
  searchSpace: space,
  sampling: { type: 'bayesian', seed: 7 },
  objective: { goal: 'minimize', primaryMetric: 'log_loss' },
  limits,
  earlyTermination: policy,
  trial: async (p, ctx) => {
    const model = new GradientBoostingClassifier({
      nEstimators: 150,
      learningRate: p.learning_rate as number,
      numLeaves: Math.max(2, p.num_leaves as number),
      minChildSamples: (p.min_child_samples as number) + 1,
      subsample: p.subsample as number,
      colsampleBytree: p.colsample_bytree as number,
      regLambda: p.reg_lambda as number,
      seed: 1,
      nThreads: 1,
    });
    await model.fitAsync(Xtrain, ytrain, {
      evalSet: { X: Xvalid, y: yvalid },
      onIteration: (info) => {
        if ((info.iteration + 1) % 10 === 0)
          ctx.report('log_loss', info.validLoss!, (info.iteration + 1) / 10);
        return !ctx.signal.aborted;
      },
    });
  },
});

const input: ReportInput = {
  title: 'Tuning gradient boosting on breast_cancer (validation log loss)',
  sweep: result,
  space,
  policy,
  limits,
};
writeFileSync(`${here}sweep-result.json`, `${JSON.stringify(input)}\n`);
writeFileSync(`${here}sweep-report.html`, renderReport(input));
console.log(`sweep: ${result.message}; best log_loss ${result.best?.value} (trial ${result.best?.id})`);

const pima = await readCsv(`${data}pima_indians_diabetes2.csv`, {
  types: schemaTypes(loadSchema(`${data}pima_indians_diabetes2.schema.json`)),
});
const [pimaFold0] = loadFixedSplits(`${data}splits/pima_indians_diabetes2.json`, pima.nRows);
const automlResult = await automl({
  task: 'classification',
  data: pima.take(pimaFold0!.train),
  target: 'target',
  primaryMetric: 'AUC_weighted',
  limits: { timeoutMinutes: 0.5 },
  seed: 1,
});
writeFileSync(
  `${here}automl-report.html`,
  renderReport(
    automlReportInput(automlResult, pima.take(pimaFold0!.test), 'AutoML on pima_indians_diabetes2 (30 s)'),
  ),
);
console.log(`automl: best ${automlResult.best.model}, validation AUC_weighted ${automlResult.best.score}`);

if (existsSync('/usr/bin/chromium')) {
  const { screenshot } = await import('./screenshot.ts');
  await screenshot(`${here}sweep-report.html`, `${here}sweep-report.png`);
  await screenshot(`${here}automl-report.html`, `${here}automl-report.png`);
}
