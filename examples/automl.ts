// AutoML from code: `node --import tsx examples/automl.ts` (about 20 seconds).
import { automl, evaluatePipeline, readCsv } from '../src/index.ts';

const result = await automl({
  task: 'regression',
  trainPath: 'datasets/boston_housing.csv', // boston_housing.schema.json beside it fixes the column kinds
  target: 'target',
  primaryMetric: 'r2_score',
  limits: { timeoutMinutes: 0.3, maxTrials: 200 },
  seed: 1,
  onProgress: (p) =>
    process.stderr.write(`\rtrial ${p.trials}: best ${p.bestScore?.toFixed(4)} (${p.bestModel})   `),
});
process.stderr.write('\n');
for (const e of result.leaderboard.slice(0, 5))
  console.log(e.rank, e.model, e.score.toFixed(4), `${e.fitSeconds.toFixed(2)} s`);
console.log('top features:', result.featureImportances.slice(0, 3));
result.pipeline.save('/tmp/boston-model.json');
const table = await readCsv('datasets/boston_housing.csv', { types: result.pipeline.inputTypes() });
console.log('training-set metrics:', evaluatePipeline(result.pipeline, table).r2_score);
