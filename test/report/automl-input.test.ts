import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { automl, loadFixedSplits, loadSchema, readCsv, schemaTypes } from '../../src/index.ts';
import { automlReportInput } from '../../src/report/automl-input.ts';
import { renderReport } from '../../src/report/render.ts';

async function split(name: string) {
  const table = await readCsv(`datasets/${name}.csv`, {
    types: schemaTypes(loadSchema(`datasets/${name}.schema.json`)),
  });
  const [fold] = loadFixedSplits(`datasets/splits/${name}.json`, table.nRows);
  return { train: table.take(fold!.train), test: table.take(fold!.test) };
}

describe('automlReportInput', () => {
  it('reports a classification run: leaderboard, its trials as a sweep, and quality on the test rows', async () => {
    const { train, test } = await split('iris');
    const result = await automl({
      task: 'classification',
      data: train,
      target: 'target',
      limits: { maxTrials: 6 },
      seed: 3,
    });
    const input = automlReportInput(result, test);
    assert.equal(input.sweep.trials.length, result.trials.length);
    assert.equal(
      input.sweep.best?.value,
      Math.max(...result.trials.filter((t) => t.status === 'completed').map((t) => t.value!)),
    );
    const a = input.automl!;
    assert.equal(a.leaderboard.length, result.leaderboard.length);
    assert.deepEqual(a.labels, ['setosa', 'versicolor', 'virginica']);
    const cells = a.confusionMatrix!.flat().reduce((s, v) => s + v, 0);
    assert.equal(cells, test.nRows, 'every test row is in the confusion matrix');
    assert.equal(a.roc!.length, 3);
    const html = renderReport(input);
    assert.ok(html.includes('Confusion matrix') && html.includes('Leaderboard'));
  });

  it('reports a regression run with predicted and actual values, and names a missing target', async () => {
    const { train, test } = await split('diabetes');
    const result = await automl({
      task: 'regression',
      data: train,
      target: 'target',
      limits: { maxTrials: 4 },
      seed: 3,
    });
    const a = automlReportInput(result, test).automl!;
    assert.equal(a.actual!.length, test.nRows);
    assert.equal(a.predicted!.length, test.nRows);
    assert.throws(() => automlReportInput(result, test.drop(['target'])), /no target column 'target'/);
  });
});
