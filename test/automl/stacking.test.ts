import assert from 'node:assert/strict';
import { test } from 'node:test';
import { primaryScore } from '../../src/automl/scoring.ts';
import { fitStacker, stackFeatures, stackingScore } from '../../src/automl/stacking.ts';
import { mulberry32, UINT32_RANGE } from '../../src/compute/rng.ts';

const build = { task: 'regression' as const, seed: 1, backend: 'js' as const };

test('stacking learns to combine base predictions and is validated out of fold', async () => {
  const next = mulberry32(11);
  const n = 200;
  const y = Float64Array.from({ length: n }, () => (next() / UINT32_RANGE) * 10);
  const target = { task: 'regression' as const, values: y };
  // one model is biased by a factor, the other noisy: a linear meta-learner fixes both
  const scaledWrong = y.map((v) => 0.5 * v + 1);
  const noisy = y.map((v) => v + (next() / UINT32_RANGE - 0.5) * 4);
  const rows = Int32Array.from({ length: n }, (_, i) => i);
  const metric = 'root_mean_squared_error';
  const single = Math.min(
    primaryScore(target, scaledWrong, metric, rows),
    primaryScore(target, noisy, metric, rows),
  );
  const { score, oof } = await stackingScore([scaledWrong, noisy], target, rows, metric, build);
  assert.ok(score < single / 5, `stacked RMSE ${score} vs best single ${single}`);
  assert.ok(oof.every((v) => Number.isFinite(v)));
  const meta = await fitStacker([scaledWrong, noisy], target, rows, build);
  const pred = meta.predict(stackFeatures([scaledWrong, noisy], 1)) as Float64Array;
  assert.ok(Math.abs(pred[0]! - y[0]!) < 0.01);
});

test('stack features place each model and class side by side', () => {
  const a = Float64Array.of(0.1, 0.9, 0.8, 0.2);
  const b = Float64Array.of(0.3, 0.7, 0.6, 0.4);
  const Z = stackFeatures([a, b], 2, [1]);
  assert.deepEqual(Array.from(Z.data), [0.8, 0.2, 0.6, 0.4]);
  assert.equal(Z.nCols, 4);
});
