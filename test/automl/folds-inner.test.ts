// Boosting's early-stopping split (issue 20, boston_housing): a fold holds out a tenth of
// its training rows for early stopping only from MIN_ROWS_FOR_INNER training rows on;
// below, the searched nEstimators are the rounds and every training row is fitted. Under
// log loss the split is kept from 100 rows.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CANDIDATES } from '../../src/automl/candidates.ts';
import { evaluateTrial } from '../../src/automl/evaluate.ts';
import {
  MIN_ROWS_FOR_INNER,
  MIN_ROWS_FOR_INNER_PROBABILITIES,
  prepareFolds,
} from '../../src/automl/folds.ts';
import { prepareData } from '../../src/automl/prepare.ts';
import { parseCsv } from '../../src/data/read-csv.ts';
import { holdout } from '../../src/data/splits.ts';

function regressionTable(n: number) {
  const lines = ['x1,x2,target'];
  for (let i = 0; i < n; i++) {
    const x1 = (i * 37) % 101;
    const x2 = (i * 53) % 97;
    lines.push(`${x1},${x2},${x1 * 0.5 - x2 * 0.2 + ((i * 13) % 7)}`);
  }
  return prepareData(parseCsv(lines.join('\n')), 'target', 'regression');
}

test(`boosting holds out an early-stopping tenth only from ${MIN_ROWS_FOR_INNER} training rows on`, async () => {
  const boosting = CANDIDATES.find((c) => c.name === 'XGBoostRegressor')!;
  const build = { task: 'regression' as const, seed: 0 };
  const params = { nEstimators: 40, maxDepth: 3, learningRate: 0.3 };
  for (const [n, inner] of [
    [400, false],
    [Math.ceil(MIN_ROWS_FOR_INNER / 0.9) + 10, true],
  ] as const) {
    const data = regressionTable(n);
    const folds = prepareFolds(data.features, data.target, [holdout(n, 0.1, 0)], {}, false, 0);
    assert.equal(folds[0]!.inner !== undefined, inner, `${n} rows`);
    const ev = await evaluateTrial(boosting, params, folds, data.target, build, {
      deadline: Number.POSITIVE_INFINITY,
    });
    // with the split, the best round is recorded for the refit; without, the 40 rounds stand
    assert.equal(ev.bestRounds.length, inner ? 1 : 0);
    if (inner) assert.ok(ev.bestRounds[0]! >= 1 && ev.bestRounds[0]! <= 40);
  }
});

test('under a metric that scores probabilities the split is kept from 100 rows (stopping on the held-out log loss)', async () => {
  const data = regressionTable(400);
  const split = [holdout(400, 0.1, 0)];
  assert.equal(prepareFolds(data.features, data.target, split, {}, false, 0)[0]!.inner, undefined);
  const kept = prepareFolds(
    data.features,
    data.target,
    split,
    {},
    false,
    0,
    MIN_ROWS_FOR_INNER_PROBABILITIES,
  );
  assert.ok(kept[0]!.inner !== undefined);
});
