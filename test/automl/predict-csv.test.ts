import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { automl } from '../../src/automl/automl.ts';
import { predictCsv } from '../../src/automl/score-table.ts';
import { readCsv } from '../../src/data/read-csv.ts';

const dir = mkdtempSync(join(tmpdir(), 'mlsweep-predict-'));

test('predictCsv streams a file of many chunks and agrees with in-memory prediction', async () => {
  const { pipeline } = await automl({
    task: 'regression',
    trainPath: 'datasets/diabetes.csv',
    target: 'target',
    limits: { maxTrials: 1 },
    allowedModels: ['DecisionTree'],
  });
  const lines = readFileSync('datasets/diabetes.csv', 'utf8').trim().split('\n');
  const body = lines.slice(1);
  // about 30,000 rows (over 1 MB): read in several chunks, predicted batch by batch
  const many = [lines[0], ...Array.from({ length: 70 }, () => body).flat()];
  const input = join(dir, 'many.csv');
  writeFileSync(input, `${many.join('\n')}\n`);
  const out = join(dir, 'pred.csv');
  const { rows } = await predictCsv(pipeline, input, out);
  assert.equal(rows, body.length * 70);
  const written = readFileSync(out, 'utf8').trim().split('\n');
  assert.equal(written[0], 'prediction');
  const expected = pipeline.predict(await readCsv(input, { types: pipeline.inputTypes() })) as Float64Array;
  assert.equal(written.length - 1, expected.length);
  for (let i = 0; i < expected.length; i += 997) assert.equal(Number(written[i + 1]), expected[i]);
});
