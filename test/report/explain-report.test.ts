// The explanation sections of an AutoML report: permutation importance of the input
// columns with intervals and per-row contributions, computed on the held-out rows.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { automl, loadFixedSplits, loadSchema, readCsv, schemaTypes } from '../../src/index.ts';
import { automlReportInput } from '../../src/report/automl-input.ts';
import { explanationSections } from '../../src/report/explain-sections.ts';
import { renderReport } from '../../src/report/render.ts';
import type { ChartSpec } from '../../src/report/types.ts';

async function split(name: string) {
  const table = await readCsv(`datasets/${name}.csv`, {
    types: schemaTypes(loadSchema(`datasets/${name}.schema.json`)),
  });
  const [fold] = loadFixedSplits(`datasets/splits/${name}.json`, table.nRows);
  return { train: table.take(fold!.train), test: table.take(fold!.test) };
}

describe('AutoML report explanations', () => {
  it('shows the input columns’ permutation importance with intervals and a sample of contributions', async () => {
    const { train, test } = await split('iris');
    const result = await automl({
      task: 'classification',
      data: train,
      target: 'target',
      limits: { maxTrials: 6 },
      seed: 3,
    });
    const a = automlReportInput(result, test).automl!;
    const imp = a.inputImportance!;
    assert.equal(imp.metric, result.primaryMetric);
    assert.deepEqual([...imp.columns.map((c) => c.column)].sort(), [
      'petal_length_cm',
      'petal_width_cm',
      'sepal_length_cm',
      'sepal_width_cm',
    ]);
    assert.match(imp.columns[0]!.column, /^petal_/, 'a petal measurement matters most on iris');
    for (const c of imp.columns) assert.ok(c.low <= c.mean && c.mean <= c.high);
    const sample = a.contributionSample!;
    assert.equal(sample.rows.length, 10);
    assert.ok(sample.rows.every((r) => ['setosa', 'versicolor', 'virginica'].includes(String(r.prediction))));
    assert.ok(sample.rows.every((r) => r.contributions.length >= 1 && r.contributions.length <= 4));
    const html = renderReport(automlReportInput(result, test));
    assert.ok(html.includes('Input column importance') && html.includes('Per-row contributions'));
    assert.ok(html.includes('chart-input-importance'));
  });

  it('without held-out rows: nothing, or given the training rows, a held-out fold of them', async () => {
    const { train } = await split('iris');
    const result = await automl({
      task: 'classification',
      data: train,
      target: 'target',
      limits: { maxTrials: 3 },
      seed: 1,
    });
    const bare = automlReportInput(result).automl!;
    assert.equal(bare.inputImportance, undefined);
    assert.equal(bare.contributionSample, undefined);
    assert.ok(!renderReport(automlReportInput(result)).includes('Input column importance'));
    const a = automlReportInput(result, undefined, undefined, { training: train }).automl!;
    assert.match(
      a.inputImportance!.method,
      /a 20% fold of the training rows; the pipeline refitted on the other \d+/,
    );
    assert.equal(a.inputImportance!.columns.length, 4);
    assert.equal(a.contributionSample!.rows.length, 10);
  });

  it('escapes column names and values', () => {
    const charts: ChartSpec[] = [];
    const sections = explanationSections(
      {
        method: 'm',
        metric: 'accuracy',
        baseline: 0.9,
        confidence: 0.95,
        columns: [{ column: '<img src=x>', mean: 0.1, low: 0.05, high: 0.15 }],
      },
      {
        method: 'exact TreeSHAP',
        output: 'value',
        rows: [
          {
            row: 1,
            prediction: '<script>',
            expectedValue: 1,
            contributions: [{ column: 'a&b', value: '"q"', contribution: -0.5 }],
          },
        ],
      },
      charts,
    );
    const html = sections.map((s) => s.html).join('');
    assert.equal(charts.length, 1);
    assert.ok(!html.includes('<img') && !html.includes('<script>'));
    assert.ok(html.includes('<td>a&#38;b</td><td>&#34;q&#34;</td>'));
  });
});
