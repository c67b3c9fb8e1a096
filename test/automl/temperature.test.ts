// The temperature of an ensemble's class probabilities: p^(1/T) renormalized, fitted on
// the blend's out-of-fold probabilities under log loss or the Brier score, saved in the
// pipeline and applied to every prediction.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { automl } from '../../src/automl/automl.ts';
import { pipelineExplainMethod } from '../../src/automl/explain.ts';
import { AutoMLPipeline } from '../../src/automl/pipeline.ts';
import { primaryScore } from '../../src/automl/scoring.ts';
import { fitTemperature, TEMPERATURE_RANGE, temperProbabilities } from '../../src/automl/temperature.ts';
import { mulberry32, UINT32_RANGE } from '../../src/compute/rng.ts';
import { ConfigError, ValidationError } from '../../src/core/errors.ts';
import { ExtraTreesClassifier } from '../../src/models/forest/extra-trees.ts';
import { RandomForestClassifier, RandomForestRegressor } from '../../src/models/forest/random-forest.ts';
import { bundled, fitPipeline } from './pipeline-fixtures.ts';

/** Binary labels drawn from probabilities p, and those probabilities at temperature `shown`. */
function drawn(rows: number, shown: number, seed: number) {
  const next = mulberry32(seed);
  const rng = () => next() / UINT32_RANGE;
  const probs = new Float64Array(rows * 2);
  const codes = new Int32Array(rows);
  for (let r = 0; r < rows; r++) {
    const p = 1 / (1 + Math.exp(-6 * (rng() - 0.5)));
    codes[r] = rng() < p ? 1 : 0;
    probs[2 * r] = 1 - p;
    probs[2 * r + 1] = p;
  }
  const target = { task: 'classification' as const, codes, classes: ['a', 'b'] };
  const all = Int32Array.from({ length: rows }, (_, i) => i);
  return { probs: temperProbabilities(probs, 2, shown), target, all };
}

describe('temperProbabilities', () => {
  test('T = 1 is the identity; T < 1 sharpens, T > 1 softens; rows sum to 1, the top class stays', () => {
    const p = Float64Array.of(0.8, 0.2);
    assert.equal(temperProbabilities(p, 2, 1), p);
    const sharp = temperProbabilities(Float64Array.of(0.8, 0.2), 2, 0.5);
    assert.ok(Math.abs(sharp[0]! - 0.64 / 0.68) < 1e-15 && Math.abs(sharp[1]! - 0.04 / 0.68) < 1e-15);
    const soft = temperProbabilities(Float64Array.of(0.1, 0.3, 0.6), 3, 2);
    assert.ok(soft[2]! < 0.6 && soft[0]! > 0.1);
    assert.ok(Math.abs(soft[0]! + soft[1]! + soft[2]! - 1) < 1e-15);
    assert.ok(soft[2]! > soft[1]! && soft[1]! > soft[0]!);
  });

  test('a zero probability stays zero; tiny ones do not underflow the row; a NaN row stays NaN', () => {
    const p = temperProbabilities(Float64Array.of(0, 1e-300, 1e-300), 3, 0.1);
    assert.deepEqual(Array.from(p), [0, 0.5, 0.5]);
    const unvalidated = temperProbabilities(Float64Array.of(Number.NaN, Number.NaN, 0.5, 0.5), 2, 0.5);
    assert.deepEqual(Array.from(unvalidated), [Number.NaN, Number.NaN, 0.5, 0.5]);
  });
});

describe('fitTemperature', () => {
  test('softened probabilities are sharpened back, with a better log loss than at T = 1', () => {
    // shown at T = 1.1: 1 / 1.1 = 0.91 brings them back
    const { probs, target, all } = drawn(20000, 1.1, 3);
    const fitted = fitTemperature(probs, target, all, 'log_loss', 'minimize');
    assert.ok(fitted.temperature > 0.86 && fitted.temperature < 0.96, `T ${fitted.temperature}`);
    assert.ok(fitted.score < primaryScore(target, probs, 'log_loss', all));
  });

  test('over-sure probabilities are softened; the Brier score is fitted too', () => {
    const { probs, target, all } = drawn(20000, 1 / 1.5, 4);
    const t = fitTemperature(probs, target, all, 'brier_score', 'minimize').temperature;
    assert.ok(t > 1.3 && t < 1.7, `T ${t}`);
  });

  test('sharpening stops at the lower bound; T = 1 when no temperature scores better', () => {
    const { probs, target, all } = drawn(2000, 1, 5);
    // every row right: sharper is always better on these rows, but not past the bound
    const right = new Float64Array(probs.length);
    for (let r = 0; r < target.codes.length; r++) right[2 * r + target.codes[r]!] = 0.7;
    for (let r = 0; r < target.codes.length; r++) right[2 * r + 1 - target.codes[r]!] = 0.3;
    const sharp = fitTemperature(right, target, all, 'log_loss', 'minimize');
    assert.ok(Math.abs(sharp.temperature - TEMPERATURE_RANGE.min) < 1e-6, `T ${sharp.temperature}`);
    const even = fitTemperature(
      new Float64Array(probs.length).fill(0.5),
      target,
      all,
      'log_loss',
      'minimize',
    );
    assert.equal(even.temperature, 1);
    assert.ok(Math.abs(even.score - Math.log(2)) < 1e-12);
  });

  test('a regression target is refused', () => {
    const target = { task: 'regression' as const, values: Float64Array.of(1, 2) };
    assert.throws(
      () => fitTemperature(Float64Array.of(1, 2), target, Int32Array.of(0, 1), 'log_loss', 'minimize'),
      ValidationError,
    );
  });
});

describe('a pipeline with a temperature', () => {
  async function blended() {
    const { train, test: held } = await bundled('iris');
    const pipeline = fitPipeline(train, 'classification', [
      { name: 'RandomForest', estimator: new RandomForestClassifier({ nEstimators: 10, seed: 1 }) },
      { name: 'ExtremeRandomTrees', estimator: new ExtraTreesClassifier({ nEstimators: 10, seed: 2 }) },
    ]);
    return { pipeline, held };
  }

  test('predicts the tempered blend, saves the temperature and reads it back', async () => {
    const { pipeline, held } = await blended();
    assert.equal(pipeline.temperature, 1);
    assert.equal('temperature' in pipeline.toJSON(), false);
    const tempered = AutoMLPipeline.fromJSON({ ...pipeline.toJSON(), temperature: 0.9 });
    assert.equal(tempered.temperature, 0.9);
    assert.deepEqual(tempered.predictRaw(held), temperProbabilities(pipeline.predictRaw(held), 3, 0.9));
    const copy = AutoMLPipeline.fromJSON(JSON.parse(JSON.stringify(tempered.toJSON())));
    assert.deepEqual(copy.predictRaw(held), tempered.predictRaw(held));
    // not additive over the trees: explained by sampling, not TreeSHAP
    assert.equal(pipelineExplainMethod(pipeline), 'tree');
    assert.equal(pipelineExplainMethod(tempered), 'sampling');
  });

  test('a bad temperature in a file is a ConfigError naming the key; in the API a ValidationError', async () => {
    const { pipeline } = await blended();
    for (const bad of [0, -1, 'x', null]) {
      assert.throws(
        () => AutoMLPipeline.fromJSON({ ...pipeline.toJSON(), temperature: bad as number }, 'model.json'),
        (e: unknown) => e instanceof ConfigError && /model\.json.*temperature/.test(e.message),
      );
    }
    const { train } = await bundled('boston_housing');
    const regression = fitPipeline(train, 'regression', [
      { name: 'RandomForest', estimator: new RandomForestRegressor({ nEstimators: 5, seed: 1 }) },
    ]);
    assert.throws(
      () => AutoMLPipeline.fromJSON({ ...regression.toJSON(), temperature: 0.9 }),
      ValidationError,
    );
  });
});

describe('AutoML under log loss', () => {
  test("an ensemble's temperature is fitted, reported and kept in the pipeline", async () => {
    const path = new URL('../../datasets/glass.csv', import.meta.url).pathname;
    const result = await automl({
      trainPath: path,
      target: 'target',
      task: 'classification',
      primaryMetric: 'log_loss',
      limits: { maxTrials: 40 },
      seed: 0,
    });
    assert.match(result.best.model, /^Ensemble\(.*; T=0\.\d{3}\)$/);
    const t = result.pipeline.temperature;
    assert.ok(t >= TEMPERATURE_RANGE.min && t < 1, `T ${t}`);
    assert.equal(result.best.params.temperature, t);
    assert.ok(
      result.notices.some((n) =>
        n.startsWith(`The ensemble's probabilities are scaled by temperature ${t.toFixed(3)}`),
      ),
    );
  });
});
