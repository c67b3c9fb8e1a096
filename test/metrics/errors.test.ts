import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ShapeError, ValidationError } from '../../src/core/errors.ts';
import {
  accuracyScore,
  averagePrecisionScore,
  calibrationCurve,
  classificationMetrics,
  f1Score,
  logLoss,
  precisionRecallCurve,
  regressionMetrics,
  rocAucScore,
  rocCurve,
  rootMeanSquaredLogError,
  specificityScore,
} from '../../src/metrics/index.ts';

function throwsWith(fn: () => unknown, type: typeof ValidationError, pattern: RegExp, path?: string): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof type, `expected ${type.name}, got ${String(e)}`);
    assert.match((e as Error).message, pattern);
    if (path !== undefined) assert.equal((e as ValidationError).path, path);
    return true;
  });
}

describe('metric inputs are validated with typed errors', () => {
  test('length mismatch is a ShapeError naming both arguments', () => {
    throwsWith(
      () => accuracyScore([0, 1, 1], [0, 1]),
      ShapeError,
      /yPred has 2 values but yTrue has 3/,
      'yPred',
    );
    throwsWith(() => regressionMetrics([1, 2], [1, 2, 3]), ShapeError, /yPred has 3 values but yTrue has 2/);
    throwsWith(
      () => classificationMetrics([0, 1], [0, 1], { sampleWeight: [1] }),
      ShapeError,
      /sampleWeight has 1 values/,
    );
  });

  test('score shapes that fit neither a vector nor the label columns', () => {
    throwsWith(
      () => rocAucScore([0, 1, 2], [0.1, 0.2, 0.3]),
      ShapeError,
      /expected 9 \(3 rows × 3 labels\)/,
      'scores',
    );
    throwsWith(() => logLoss(['a', 'b'], [[0.5, 0.5], [1]]), ShapeError, /scores\[1\] has 1 columns/);
  });

  test('NaN and Infinity are refused where they occur', () => {
    throwsWith(
      () => regressionMetrics([1, Number.NaN], [1, 2]),
      ValidationError,
      /yTrue\[1\] is NaN/,
      'yTrue[1]',
    );
    throwsWith(() => regressionMetrics([1, 2], [1, Infinity]), ValidationError, /yPred\[1\] is Infinity/);
    throwsWith(() => rocAucScore([0, 1], [0.2, Number.NaN]), ValidationError, /scores\[1\] is NaN/);
    throwsWith(() => accuracyScore([0, Number.NaN], [0, 1]), ValidationError, /yTrue\[1\] is NaN/);
    throwsWith(
      () => classificationMetrics([0, 1], [0, 1], { sampleWeight: [1, Number.NaN] }),
      ValidationError,
      /sampleWeight\[1\] is NaN/,
    );
  });

  test('weights must be non-negative with a positive total', () => {
    throwsWith(() => accuracyScore([0, 1], [0, 1], { sampleWeight: [1, -1] }), ValidationError, /≥ 0/);
    throwsWith(() => accuracyScore([0, 1], [0, 1], { sampleWeight: [0, 0] }), ValidationError, /sums to 0/);
  });

  test('probabilities outside [0, 1] or not summing to 1 are refused, within the documented tolerance', () => {
    throwsWith(
      () =>
        classificationMetrics(['a', 'b', 'c'], ['a', 'b', 'c'], {
          scores: [
            [0.5, 0.3, 0.1],
            [0, 1, 0],
            [0, 0, 1],
          ],
        }),
      ValidationError,
      /scores\[0\] sums to 0\.9/,
      'scores[0]',
    );
    throwsWith(() => logLoss([0, 1], [1.2, 0.3]), ValidationError, /lie in \[0, 1\]/);
    // 1 + 5e-6 is inside numpy.allclose's tolerance, as scikit-learn accepts it.
    assert.ok(
      Number.isFinite(
        logLoss(
          [0, 1, 2],
          [
            [0.5, 0.5 + 5e-6, 0],
            [0, 1, 0],
            [0, 0, 1],
          ],
        ),
      ),
    );
    throwsWith(
      () =>
        logLoss(
          [0, 1, 2],
          [
            [0.5, 0.5 + 5e-4, 0],
            [0, 1, 0],
            [0, 0, 1],
          ],
        ),
      ValidationError,
      /sums to/,
    );
  });

  test('a predicted label absent from labels names the value and its index', () => {
    throwsWith(
      () => classificationMetrics(['a', 'b'], ['a', 'z'], { labels: ['a', 'b'] }),
      ValidationError,
      /yPred\[1\] = 'z' is not one of the labels \['a', 'b'\]/,
      'yPred[1]',
    );
    throwsWith(() => accuracyScore([0, 3], [0, 1], { labels: [0, 1] }), ValidationError, /yTrue\[1\] = 3/);
  });

  test('labels mixing numbers and strings are refused', () => {
    throwsWith(
      () => accuracyScore([0, 1], [0, '1']),
      ValidationError,
      /yPred\[1\] = '1' is a string but yTrue\[0\] is a number/,
    );
    throwsWith(
      () => accuracyScore([0, 1], [0, 1], { labels: [0, 'x'] }),
      ValidationError,
      /mixes numbers and strings/,
    );
    throwsWith(() => accuracyScore([0, 1], [0, 1], { labels: [0, 1, 0] }), ValidationError, /appears twice/);
    throwsWith(() => accuracyScore([0, 1], [0, 1], { positiveLabel: 7 }), ValidationError, /positiveLabel 7/);
  });

  test('AUC with a single class in yTrue raises, as scikit-learn does', () => {
    throwsWith(() => rocAucScore([1, 1, 1], [0.2, 0.5, 0.9]), ValidationError, /only one class/);
    throwsWith(
      () => rocAucScore([1, 1, 1], [0.2, 0.5, 0.9], { labels: [0, 1] }),
      ValidationError,
      /AUC \(binary\) is undefined: yTrue has a single class/,
    );
    throwsWith(
      () =>
        rocAucScore(
          ['a', 'a', 'b'],
          [
            [0.5, 0.3, 0.2],
            [0.6, 0.2, 0.2],
            [0.1, 0.8, 0.1],
          ],
          { labels: ['a', 'b', 'c'] },
        ),
      ValidationError,
      /AUC \(macro\) is undefined: yTrue has no samples of label c/,
    );
    // Micro-averaging pools the columns, so it stays defined.
    const micro = rocAucScore(
      ['a', 'a', 'b'],
      [
        [0.5, 0.3, 0.2],
        [0.6, 0.2, 0.2],
        [0.1, 0.8, 0.1],
      ],
      {
        labels: ['a', 'b', 'c'],
        average: 'micro',
      },
    );
    assert.ok(micro > 0.5 && micro <= 1);
  });

  test('in the suite, undefined AUC is NaN and reported, the rest is computed', () => {
    const warnings: string[] = [];
    const m = classificationMetrics([1, 1, 1], [1, 0, 1], {
      labels: [0, 1],
      scores: [0.9, 0.4, 0.8],
      onWarning: (w) => warnings.push(w.metric),
    });
    assert.ok(Number.isNaN(m.AUC_binary!) && Number.isNaN(m.AUC_macro!));
    assert.equal(m.accuracy, 2 / 3);
    assert.ok(warnings.includes('AUC_macro'));
  });

  test('binary averages need two labels; the log errors need non-negative values', () => {
    throwsWith(
      () => f1Score([0, 1, 2], [0, 1, 2], { average: 'binary' }),
      ValidationError,
      /exactly 2 labels, got 3/,
    );
    throwsWith(
      () => specificityScore([0, 1, 2], [0, 1, 2], { average: 'binary' }),
      ValidationError,
      /exactly 2/,
    );
    throwsWith(() => rootMeanSquaredLogError([1, -2], [1, 1]), ValidationError, /negative values/);
    assert.ok(Number.isNaN(regressionMetrics([1, -2], [1, 1]).root_mean_squared_log_error));
  });

  test('empty inputs, single-label suites and bad curve inputs', () => {
    throwsWith(() => regressionMetrics([], []), ValidationError, /empty/);
    throwsWith(() => classificationMetrics(['a', 'a'], ['a', 'a']), ValidationError, /Only one label \(a\)/);
    throwsWith(
      () => rocCurve([0, 0], [0.1, 0.2], { labels: [0, 1] }),
      ValidationError,
      /no samples of the positive label/,
    );
    throwsWith(
      () => rocCurve([1, 1], [0.1, 0.2], { labels: [0, 1] }),
      ValidationError,
      /only samples of the positive/,
    );
    throwsWith(
      () => precisionRecallCurve([0, 0], [0.1, 0.2], { labels: [0, 1] }),
      ValidationError,
      /no samples/,
    );
    throwsWith(() => calibrationCurve([0, 1], [0.1, 1.5]), ValidationError, /probabilities\[1\] is 1\.5/);
    throwsWith(() => calibrationCurve([0, 1], [0.1, 0.5], { nBins: 0 }), ValidationError, /nBins is 0/);
    assert.equal(averagePrecisionScore([0, 0, 1], [0.1, 0.2, 0.3], { labels: [0, 1] }), 1);
  });
});
