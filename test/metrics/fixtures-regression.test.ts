import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ValidationError } from '../../src/core/errors.ts';
import {
  explainedVariance,
  maxError,
  meanAbsoluteError,
  meanAbsolutePercentageError,
  meanSquaredError,
  medianAbsoluteError,
  normalizedMeanAbsoluteError,
  normalizedMedianAbsoluteError,
  normalizedRootMeanSquaredError,
  normalizedRootMeanSquaredLogError,
  r2Score,
  regressionMetrics,
  rootMeanSquaredError,
  rootMeanSquaredLogError,
  spearmanCorrelation,
} from '../../src/metrics/index.ts';
import { assertClose, loadFixtures, numbers, type Ref } from './helpers.ts';

interface Case {
  name: string;
  yTrue: Ref[];
  yPred: Ref[];
  sampleWeight?: number[];
  expected: Record<string, Ref>;
}

const cases = loadFixtures<{ regression: Case[] }>().regression;

const single = {
  explained_variance: explainedVariance,
  r2_score: r2Score,
  spearman_correlation: spearmanCorrelation,
  mean_absolute_error: meanAbsoluteError,
  mean_squared_error: meanSquaredError,
  root_mean_squared_error: rootMeanSquaredError,
  mean_absolute_percentage_error: meanAbsolutePercentageError,
  median_absolute_error: medianAbsoluteError,
  max_error: maxError,
  normalized_mean_absolute_error: normalizedMeanAbsoluteError,
  normalized_root_mean_squared_error: normalizedRootMeanSquaredError,
  normalized_median_absolute_error: normalizedMedianAbsoluteError,
  root_mean_squared_log_error: rootMeanSquaredLogError,
  normalized_root_mean_squared_log_error: normalizedRootMeanSquaredLogError,
} as const;

describe('regression metrics match scikit-learn 1.2.1 / scipy', () => {
  for (const c of cases) {
    test(c.name, () => {
      const yTrue = numbers(c.yTrue);
      const yPred = numbers(c.yPred);
      const opts = { sampleWeight: c.sampleWeight };
      const m = regressionMetrics(yTrue, yPred, opts);
      assert.deepEqual(Object.keys(m).sort(), Object.keys(c.expected).sort());
      const negative = yTrue.some((v) => v < 0) || yPred.some((v) => v < 0);
      for (const [key, ref] of Object.entries(c.expected)) {
        assertClose(m[key as keyof typeof m], ref, `${c.name} ${key}`);
        const f = single[key as keyof typeof single];
        if (negative && key.includes('log_error')) {
          assert.throws(() => f(yTrue, yPred, opts), ValidationError);
        } else {
          assertClose(f(yTrue, yPred, opts), ref, `${c.name} ${key} (single)`);
        }
      }
    });
  }
});
